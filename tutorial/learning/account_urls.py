"""Account routes, mounted at /<lang>/accounts/ WITHOUT a namespace, so `{% url 'login' %}` works everywhere.

Django's own views (login, logout, password change and reset) plus sign-up. Log in and password reset are
throttled (throttle.py) under the names Django's own routes use, which they shadow. Reset mail goes to the console
backend unless EMAIL_BACKEND says SMTP (settings).
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .throttle import throttled

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", throttled("login")(views.LoginView.as_view()), name="login"),
    path("password_reset/", throttled("password-reset")(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
