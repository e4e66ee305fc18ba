"""Classes, enrollments and the instructor's live progress dashboard."""

from django.apps import AppConfig
from django.conf import settings

# How often beat closes the classes whose end date has passed (seconds).
CLOSE_ENDED_EVERY = 300


class ClassesConfig(AppConfig):
    name = "tutorial.classes"
    label = "classes"
    verbose_name = "Classes"

    def ready(self) -> None:
        # Celery reads the very dict settings hold (config_from_object is lazy), so adding the entry here is enough;
        # an entry of the same name in settings wins.
        schedule = settings.CELERY_BEAT_SCHEDULE
        schedule.setdefault(
            "classes-close-ended",
            {"task": "classes.close_ended_classes", "schedule": float(CLOSE_ENDED_EVERY)},
        )

    def learner_may_provision_real_aws(self, user) -> bool:
        """The classes' answer to the learner side (asked through the app registry, so learning never imports us)."""
        from tutorial.classes.selectors import learner_may_provision_real_aws

        return learner_may_provision_real_aws(user)
