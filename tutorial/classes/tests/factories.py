"""Builders for classes tests: learners with connections, runs with results (bulk, so 300 learners stay quick)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from provisioning.steps.load_balancer.catalog import CHECK_IDS as STEP5_CHECK_IDS
from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS
from tutorial.learning.models import Connection, Result, Run, SectionProgress

from ..models import Enrollment

TUTORIAL = "aws-hands-on"
STEP = "load-balancer"
SECTION_OF = {cid: sec for sec, ids in STEP5_SECTIONS.items() for cid in ids}


def make_learners(classroom, n: int, *, prefix: str = "learner", connected: bool = True, kind: str = "sandbox"):
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{prefix}{i:03d}", email=f"{prefix}{i}@example.com") for i in range(n)]
    )
    users = list(get_user_model().objects.filter(username__startswith=prefix).order_by("username"))
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, user=u) for u in users])
    if connected:
        now = timezone.now()
        Connection.objects.bulk_create(
            [
                Connection(
                    user=u,
                    kind=kind,
                    sandbox_account=f"{100000000000 + u.pk}" if kind == "sandbox" else None,
                    validated_at=now,
                )
                for u in users
            ]
        )
    return users


def statuses(passing: int = 0, fail: str | None = None) -> dict[str, str]:
    """The first `passing` checks pass; `fail` (a check id) fails; the rest are skipped."""
    out = {}
    for i, cid in enumerate(STEP5_CHECK_IDS):
        out[cid] = "pass" if i < passing else "skipped"
    if fail:
        out[fail] = "fail"
    return out


ALL_PASS = {cid: "pass" for cid in STEP5_CHECK_IDS}


def make_run(
    user,
    results: dict[str, str],
    *,
    at: datetime | None = None,
    state: str = "done",
    trigger="learner",
    section: str = "",
):
    """A run of Step 5 with these results; `section` is the checkpoint the learner pressed ("" for none)."""
    at = at or timezone.now()
    run = Run.objects.create(user=user, tutorial=TUTORIAL, step=STEP, state=state, trigger=trigger, section=section)
    Run.objects.filter(pk=run.pk).update(created_at=at, finished_at=at if state in ("done", "error") else None)
    Result.objects.bulk_create(
        [
            Result(run=run, check_id=cid, section=SECTION_OF[cid], status=st, message_en=f"{cid} {st}", hint_en="do x")
            for cid, st in results.items()
        ]
    )
    for section, ids in STEP5_SECTIONS.items():
        complete = all(results.get(c) == "pass" for c in ids)
        SectionProgress.objects.update_or_create(
            user=user,
            tutorial=TUTORIAL,
            step=STEP,
            section=section,
            defaults={"complete": complete, "completed_at": at if complete else None, "last_run": run},
        )
    run.refresh_from_db()
    return run
