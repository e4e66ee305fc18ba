"""Ops an instructor needs from the command line: export a class, back its progress up and restore it."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from tutorial.classes.models import Classroom
from tutorial.learning import crypto
from tutorial.learning.models import Connection, Result, Run, SectionProgress

from .factories import ALL_PASS, make_learners, make_run, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_active_language():
    """An /en/ request leaves English active in this thread (LocaleMiddleware); the next test must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def _csv(classroom_id: int) -> str:
    out = io.StringIO()
    call_command("export_class", str(classroom_id), "--lang", "en", stdout=out)
    return out.getvalue()


@pytest.fixture
def busy_class(classroom):
    learners = make_learners(classroom, 3, prefix="ops")
    make_run(learners[0], ALL_PASS)
    make_run(learners[1], statuses(4, fail="alb.internet_facing"))
    Connection.objects.filter(user=learners[2]).update(
        kind="keys", secret_access_key_encrypted=crypto.encrypt("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    )
    return classroom


def test_export_class_writes_the_dashboards_csv(busy_class, instructor_client):
    text = _csv(busy_class.pk)
    assert text.startswith("\ufeffName,Student number,Username,Status")
    assert len(text.strip().splitlines()) == 1 + 3
    view = instructor_client.get("/en" + reverse("classes:export", args=[busy_class.pk])[3:])
    assert view.content.decode() == text  # the same file as the dashboard's button


def test_export_class_writes_an_lms_grades_csv(busy_class):
    out = io.StringIO()
    call_command("export_class", str(busy_class.pk), "--grades", "moodle", stdout=out)
    assert out.getvalue().startswith("Email address,ID number,Full name,")


def test_export_class_of_an_unknown_class_is_a_clear_error():
    with pytest.raises(CommandError, match="no class with id 999"):
        call_command("export_class", "999")


def test_a_backed_up_class_restores_to_the_same_dashboard_after_it_was_deleted(busy_class, tmp_path):
    before = _csv(busy_class.pk)
    path = tmp_path / "class.json"
    call_command("backup_class", str(busy_class.pk), "-o", str(path), stderr=io.StringIO())
    runs, results, progress = Run.objects.count(), Result.objects.count(), SectionProgress.objects.count()
    Classroom.objects.filter(pk=busy_class.pk).delete()
    Run.objects.all().delete()
    SectionProgress.objects.all().delete()
    out = io.StringIO()
    call_command("restore_class", str(path), stdout=out)
    assert "3 enrollments" in out.getvalue()
    assert (Run.objects.count(), Result.objects.count(), SectionProgress.objects.count()) == (runs, results, progress)
    assert _csv(busy_class.pk) == before


def test_a_backup_restores_into_a_fresh_database_creating_users_without_a_password(busy_class, tmp_path):
    before = _csv(busy_class.pk)
    path = tmp_path / "class.json"
    call_command("backup_class", str(busy_class.pk), "-o", str(path), stderr=io.StringIO())
    get_user_model().objects.all().delete()  # cascades to the class, enrollments, runs, progress, connections
    call_command("restore_class", str(path), stdout=io.StringIO())
    assert _csv(busy_class.pk) == before
    learner = get_user_model().objects.get(username="ops000")
    assert not learner.has_usable_password()
    assert Classroom.objects.get(pk=busy_class.pk).instructor.username == "instructor"


def test_a_backup_holds_no_password_and_no_credential(busy_class):
    out = io.StringIO()
    call_command("backup_class", str(busy_class.pk), stdout=out)
    text = out.getvalue()
    backup = json.loads(text)
    assert backup["format"] == "handson-class-backup/1"
    assert "pbkdf2" not in text and "password" not in text
    assert "learning.connection" not in text and "encrypted" not in text


def test_restoring_something_else_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    with pytest.raises(CommandError, match="not a class backup"):
        call_command("restore_class", str(path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore_class", str(path))
    assert not Classroom.objects.exists()
