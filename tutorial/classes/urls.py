"""Routes of classes, mounted at /<lang>/classes/ (namespace "classes")."""

from django.urls import path

from . import views

app_name = "classes"

urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="create"),
    path("join/", views.join_form, name="join_form"),
    path("join/<str:code>/", views.join, name="join"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/grid/", views.dashboard_grid, name="grid"),
    path("<int:pk>/big/", views.big_screen, name="big"),
    path("<int:pk>/show/", views.show_join, name="show"),
    path("<int:pk>/join-code/", views.rotate_join_code, name="rotate_code"),
    path("<int:pk>/joins/", views.set_joins, name="joins"),
    path("<int:pk>/edit/", views.class_edit, name="edit"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster/<int:user_id>/remove/", views.roster_remove, name="remove"),
    path("<int:pk>/students/<int:user_id>/", views.student_detail, name="student"),
    path("<int:pk>/students/<int:user_id>/recheck/", views.student_recheck, name="student_recheck"),
    path("<int:pk>/students/<int:user_id>/recipe/<str:recipe>/", views.student_recipe, name="student_recipe"),
    path("<int:pk>/students/<int:user_id>/note/", views.student_note, name="student_note"),
    path("<int:pk>/students/<int:user_id>/dismiss/", views.stuck_dismiss, name="dismiss"),
    path("<int:pk>/check/", views.check_everyone, name="check_everyone"),
    path("<int:pk>/check/<int:check_pk>/", views.check_progress, name="check_progress"),
    path("<int:pk>/export.csv", views.export_csv, name="export"),
    path("<int:pk>/grades-<str:lms>.csv", views.export_grades_csv, name="grades"),
]
