"""Account routes, mounted at /<lang>/accounts/ WITHOUT a namespace, so `{% url 'login' %}` works everywhere.

Django's own views (login, logout, password change and reset) plus sign-up. Reset mail goes to the console
backend unless EMAIL_BACKEND says SMTP (settings).
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("", include("django.contrib.auth.urls")),
]
