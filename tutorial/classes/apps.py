from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "tutorial.classes"
    label = "classes"
    verbose_name = "Classes"
