"""A learner's pages say why a check stopped in a sentence, never by its internal code (worker_lost, engine_error),
and their visible text names no internal word (worker, recipe, run as a noun, evidence, JSON)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse

from tests.test_learner_words import INTERNAL
from tutorial.learning import services
from tutorial.learning.models import Run

from .conftest import STEP, TUTORIAL, report

pytestmark = pytest.mark.django_db


def _visible(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|pre|code|details)\b.*?</\1>", " ", page)  # code and folded details aside
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def _stopped_run(user, code: str) -> Run:
    run = services.run_start(user=user, tutorial=TUTORIAL, step=STEP)
    Run.objects.filter(pk=run.pk).update(state="error", error_code=code)
    return run


@pytest.mark.parametrize(
    ("code", "ja", "en"),
    [
        (
            "worker_lost",
            "こちら側で止まってしまい、最後まで終わりませんでした。",
            "It did not finish (it stopped on our side).",
        ),
        ("engine_error", "こちら側の問題で止まりました。", "A problem on our side stopped it."),
        ("time_limit", "時間がかかりすぎたため止めました。", "It took too long and was stopped."),
    ],
)
def test_a_stopped_check_says_why_in_a_sentence_on_its_page_and_in_the_history(
    client, connected_student, queue, code, ja, en
):
    client.force_login(connected_student)
    run = _stopped_run(connected_student, code)
    for lang, sentence in (("ja", ja), ("en", en)):
        detail = client.get(f"/{lang}" + reverse("learning:run", args=[run.pk])[3:]).content.decode()
        history = client.get(f"/{lang}" + reverse("learning:history", args=[TUTORIAL, STEP])[3:]).content.decode()
        for page in (detail, history):
            assert sentence in html_lib.unescape(page)
            assert code not in page


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_learners_pages_name_no_internal_word(client, connected_student, queue, engine, lang):
    client.force_login(connected_student)
    engine.answers.append(report({"alb.active": "fail", "tg.exists": "error", "tg.instance_registered": "skipped"}))
    run = services.run_start(user=connected_student, tutorial=TUTORIAL, step=STEP)
    services.run_execute(run_id=run.pk)
    _stopped_run(connected_student, "worker_lost")
    pages = [
        f"/{lang}/tutorials/{TUTORIAL}/{STEP}/",
        f"/{lang}" + reverse("learning:run", args=[run.pk])[3:],
        f"/{lang}" + reverse("learning:history", args=[TUTORIAL, STEP])[3:],
        f"/{lang}/tutorials/{TUTORIAL}/",
        f"/{lang}" + reverse("learning:connect")[3:],
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = INTERNAL.findall(_visible(response.content.decode()))
        assert found == [], (url, found)
