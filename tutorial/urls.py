"""Reading pages: the tutorial list, a tutorial's overview, a step, and the step's figures (namespace "tutorial")."""

from django.urls import path

from . import views

app_name = "tutorial"

urlpatterns = [
    path("", views.home, name="home"),
    path("tutorials/<slug:tutorial>/", views.overview, name="overview"),
    path("tutorials/<slug:tutorial>/<slug:step>/", views.step, name="step"),
    path("tutorials/<slug:tutorial>/<slug:step>/figures/<str:name>", views.figure, name="figure"),
]
