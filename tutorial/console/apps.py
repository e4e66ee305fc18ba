from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tutorial.console"
    label = "console"
    verbose_name = "Sandbox console"
