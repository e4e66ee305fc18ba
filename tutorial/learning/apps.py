"""The learner's side: accounts, connections, runs, results, progress, recipe jobs."""

from django.apps import AppConfig
from django.conf import settings

# How often beat marks runs whose process died as `error` "worker_lost" (seconds): with the heartbeat timeout
# (services.HEARTBEAT_TIMEOUT, 20 s) a dead run is marked within 25 s, without anyone opening a page.
EXPIRE_STALE_EVERY = 5


class LearningConfig(AppConfig):
    name = "tutorial.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        # Celery reads the same dict (config_from_object is lazy); an entry of this name in settings wins.
        from provisioning.sandbox.signals import account_changed

        account_changed.connect(_sandbox_account_changed, dispatch_uid="learning-auto-check")
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "learning-expire-stale", {"task": "learning.expire_stale", "schedule": float(EXPIRE_STALE_EVERY)}
        )


def _sandbox_account_changed(sender, *, account: str, **kwargs) -> None:
    """A learner's sandbox account changed: re-check the step they have open (if auto-check is on)."""
    from .services import auto_check_after_write

    auto_check_after_write(sandbox_account=account)
