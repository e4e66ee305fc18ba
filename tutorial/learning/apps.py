from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tutorial.learning"
    label = "learning"
    verbose_name = "Learning"
