"""A learner's data: their AWS connection, runs (one verification each), results, progress, recipe jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Connection(models.Model):
    """A learner's way into AWS. One per learner; secrets are stored encrypted (see `crypto.py`)."""

    class Kind(models.TextChoices):
        SANDBOX = "sandbox", "Sandbox"
        ROLE = "role", "IAM role"
        KEYS = "keys", "Access keys"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aws_connection")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SANDBOX)
    region = models.CharField(max_length=32, default="ap-northeast-1")
    sandbox_account = models.CharField(max_length=12, blank=True, null=True, unique=True)
    role_arn = models.CharField(max_length=2048, blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    access_key_id_encrypted = models.TextField(blank=True)
    secret_access_key_encrypted = models.TextField(blank=True)
    account_id = models.CharField(max_length=12, blank=True)  # the account the app reached when it validated
    allows_provisioning = models.BooleanField(default=False)  # the role carries the opt-in "do it for me" policy
    validated_at = models.DateTimeField(null=True, blank=True)
    # The step page the learner has open with auto-check on ("tutorial/step"), until when (the page renews it).
    watching = models.CharField(max_length=130, blank=True)
    watching_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:  # never includes a secret
        return f"{self.user} {self.kind} {self.account_id or self.sandbox_account or ''}".strip()

    @property
    def is_connected(self) -> bool:
        """A connection counts once it was validated (the row may exist earlier to hold the ExternalId)."""
        return self.validated_at is not None

    @property
    def is_sandbox(self) -> bool:
        return self.kind == self.Kind.SANDBOX


class Run(models.Model):
    """One verification of one step for one learner."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        ERROR = "error", "Error"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs")
    tutorial = models.CharField(max_length=64)
    step = models.CharField(max_length=64)
    section = models.CharField(max_length=64, blank=True)  # the checkpoint pressed; a run checks the whole step
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    trigger = models.CharField(max_length=16, default="learner")  # learner | recheck | instructor | auto
    check_again = models.BooleanField(default=False)  # the account changed while this run read it: one more
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    aws_api_calls = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    architecture = models.JSONField(default=dict, blank=True)
    transient = models.BooleanField(default=False)  # some check said "still settling": re-check with backoff
    recheck_count = models.PositiveSmallIntegerField(default=0)
    celery_task_id = models.CharField(max_length=64, blank=True)
    # When the worker should pick it up (a re-check waits with backoff); staleness is measured from here.
    due_at = models.DateTimeField(null=True, blank=True)
    # Touched every few seconds by the process running it (services.heartbeat): when it stops, that process died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "tutorial", "step", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tutorial", "step"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_run_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"run {self.pk} {self.tutorial}/{self.step} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class Result(models.Model):
    """One check's outcome in a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    check_id = models.CharField(max_length=64)
    section = models.CharField(max_length=64)
    status = models.CharField(max_length=8)  # pass | fail | error | skipped
    message_ja = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    hint_ja = models.TextField(blank=True)
    hint_en = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    transient = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "check_id"], name="one_result_per_check")]


class SectionProgress(models.Model):
    """Whether a learner's section is complete: all its checks passed in the latest run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="section_progress")
    tutorial = models.CharField(max_length=64)
    step = models.CharField(max_length=64)
    section = models.CharField(max_length=64)
    complete = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    change_ja = models.TextField(blank=True)  # what changed in the latest run, named by check titles
    change_en = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tutorial", "step", "section"], name="one_progress_per_section")
        ]


class RecipeJob(models.Model):
    """A provisioning recipe (prerequisites / solve / teardown) run on the worker for a learner."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        ERROR = "error", "Error"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recipe_jobs")
    tutorial = models.CharField(max_length=64)
    step = models.CharField(max_length=64)
    recipe = models.CharField(max_length=32)
    section = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    steps = models.JSONField(default=list, blank=True)
    billable_left = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # as Run.heartbeat_at

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tutorial", "step"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_recipe_job_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"recipe job {self.pk} {self.recipe} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class StepCompletion(models.Model):
    """The first time a learner had every section of a step complete: when, how long since their first activity on
    the step (a check or a recipe), and the run that said so (the completion page draws what they built from it).
    Kept after a clean-up: finishing a step is an achievement, not a state of the account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_completions")
    tutorial = models.CharField(max_length=64)
    step = models.CharField(max_length=64)
    started_at = models.DateTimeField()  # the learner's first activity on the step
    completed_at = models.DateTimeField()
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tutorial", "step"], name="one_completion_per_step")]

    def __str__(self) -> str:
        return f"{self.user} completed {self.tutorial}/{self.step}"


class LearnerPlace(models.Model):
    """Where a learner left off in a tutorial: the step page they last opened and the section they last acted on
    (checked, "do it for me"). Signing in without an explicit `next` returns there; the index offers "continue"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="places")
    tutorial = models.CharField(max_length=64)
    step = models.CharField(max_length=64)
    section = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tutorial"], name="one_place_per_tutorial")]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.user} at {self.tutorial}/{self.step}#{self.section}"
