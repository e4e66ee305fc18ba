"""URL routes of the learner's side, mounted at /<lang>/learn/ (namespace "learning")."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("connect/", views.connect, name="connect"),
    path("connect/sandbox/", views.connect_sandbox, name="connect_sandbox"),
    path("connect/role/", views.connect_role, name="connect_role"),
    path("connect/keys/", views.connect_keys, name="connect_keys"),
    path("connect/sandbox/credentials/", views.sandbox_credentials, name="sandbox_credentials"),
    path("connect/handson-lab-access.yaml", views.cloudformation_template, name="cloudformation_template"),
    path("cloudformation/handson-lab-access.yaml", views.cloudformation_public, name="cloudformation_public"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("jobs/<int:job_id>/", views.recipe_job, name="recipe_job"),
    path("<slug:tutorial>/<slug:step>/check/", views.check, name="check"),
    path("<slug:tutorial>/<slug:step>/panel/<slug:section>/", views.panel, name="panel"),
    path("<slug:tutorial>/<slug:step>/watch/", views.watch, name="watch"),
    path("<slug:tutorial>/<slug:step>/auto-check/", views.auto_check, name="auto_check"),
    path("<slug:tutorial>/<slug:step>/complete/", views.complete, name="complete"),
    path("<slug:tutorial>/<slug:step>/place/", views.place, name="place"),
    path("<slug:tutorial>/<slug:step>/architecture/", views.architecture, name="architecture"),
    path("<slug:tutorial>/<slug:step>/runs/", views.history, name="history"),
    path("<slug:tutorial>/<slug:step>/recipes/<slug:recipe>/", views.recipe, name="recipe"),
]
