"""Signing in returns a learner to where they left off (the step and the section they last acted on); the
tutorial index offers "continue where you left off". An explicit safe `next` still wins."""

from __future__ import annotations

import pytest

from tutorial.learning import services
from tutorial.learning.models import LearnerPlace

from .conftest import STEP, TUTORIAL

pytestmark = pytest.mark.django_db
LOGIN = "/ja/accounts/login/"
STEP_URL = f"/ja/tutorials/{TUTORIAL}/{STEP}/"
PLACE = f"/ja/learn/{TUTORIAL}/{STEP}/place/"


def _log_in(client, user, password, next_url=None):
    data = {"username": user.username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_checking_a_section_records_the_learners_place(client, connected_student, queue):
    client.force_login(connected_student)
    client.post(f"/ja/learn/{TUTORIAL}/{STEP}/check/", {"section": "target-group"})
    place = LearnerPlace.objects.get(user=connected_student)
    assert (place.tutorial, place.step, place.section) == (TUTORIAL, STEP, "target-group")


def test_do_it_for_me_on_a_section_records_the_place(client, connected_student, queue):
    client.force_login(connected_student)
    client.post(f"/ja/learn/{TUTORIAL}/{STEP}/recipes/solve/", {"section": "restrict-ec2-sg"})
    assert LearnerPlace.objects.get(user=connected_student).section == "restrict-ec2-sg"


def test_signing_in_without_next_returns_to_the_step_at_the_last_section(client, connected_student, password):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="load-balancer")
    response = _log_in(client, connected_student, password)
    assert response.status_code == 302
    assert response["Location"] == f"{STEP_URL}#load-balancer"


def test_signing_in_in_english_returns_to_the_english_step_page(client, connected_student, password):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step="redundancy", section="failover")
    response = client.post("/en/accounts/login/", {"username": connected_student.username, "password": password})
    assert response["Location"] == f"/en/tutorials/{TUTORIAL}/redundancy/#failover"


def test_a_safe_explicit_next_wins_over_the_place(client, connected_student, password):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="load-balancer")
    response = _log_in(client, connected_student, password, next_url="/ja/learn/connect/")
    assert response["Location"] == "/ja/learn/connect/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"])
def test_an_unsafe_next_is_ignored_for_the_place(client, connected_student, password, unsafe):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="create-alb")
    response = _log_in(client, connected_student, password, next_url=unsafe)
    assert response["Location"] == f"{STEP_URL}#create-alb"


def test_a_learner_without_a_place_signs_in_to_the_tutorial_list(client, student, password):
    assert _log_in(client, student, password)["Location"] == "/ja/"


def test_a_wrong_password_goes_nowhere(client, connected_student):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="create-alb")
    response = client.post(LOGIN, {"username": connected_student.username, "password": "wrong-password"})
    assert response.status_code == 200


def test_the_page_tells_the_section_scrolled_to(client, connected_student):
    client.force_login(connected_student)
    assert client.post(PLACE, {"section": "architecture"}).status_code == 204
    assert LearnerPlace.objects.get(user=connected_student).section == "architecture"


def test_opening_a_step_keeps_the_section_acted_on_in_that_step(client, connected_student):
    client.force_login(connected_student)
    client.post(PLACE, {"section": "restrict-ec2-sg"})
    client.post(PLACE, {"section": ""})
    assert LearnerPlace.objects.get(user=connected_student).section == "restrict-ec2-sg"
    client.post(f"/ja/learn/{TUTORIAL}/redundancy/place/", {"section": ""})
    place = LearnerPlace.objects.get(user=connected_student)
    assert (place.step, place.section) == ("redundancy", "")


def test_a_section_the_step_does_not_have_is_refused(client, connected_student):
    client.force_login(connected_student)
    response = client.post(PLACE, {"section": "../../etc"})
    assert response.status_code == 400
    assert not LearnerPlace.objects.exists()


def test_a_step_that_does_not_exist_is_not_found(client, connected_student):
    client.force_login(connected_student)
    assert client.post(f"/ja/learn/{TUTORIAL}/nope/place/", {"section": ""}).status_code == 404


def test_telling_the_place_needs_a_signed_in_post(client, connected_student):
    assert client.post(PLACE, {"section": "architecture"}).status_code == 302  # to sign in
    client.force_login(connected_student)
    assert client.get(PLACE).status_code == 405
    assert not LearnerPlace.objects.exists()


def test_the_place_form_is_on_the_step_page_for_a_signed_in_learner_only(client, connected_student):
    assert 'id="lc-place"' not in client.get(STEP_URL).content.decode()
    client.force_login(connected_student)
    html = client.get(STEP_URL).content.decode()
    assert f'id="lc-place" method="post" action="{PLACE}"' in html
    assert not LearnerPlace.objects.exists()  # reading the page writes nothing: the page tells it by POST


def test_the_tutorial_index_offers_to_continue_where_they_left_off(client, connected_student):
    client.force_login(connected_student)
    assert "data-resume" not in client.get(f"/ja/tutorials/{TUTORIAL}/").content.decode()
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="target-group")
    for url in (f"/ja/tutorials/{TUTORIAL}/", "/ja/"):
        html = client.get(url).content.decode()
        assert f'href="{STEP_URL}#target-group">続きから' in html, url
        assert "Step 5: ロードバランサーを利用してみよう › ターゲットグループの確認" in html


def test_continue_reads_in_english(client, connected_student):
    client.force_login(connected_student)
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="target-group")
    html = client.get(f"/en/tutorials/{TUTORIAL}/").content.decode()
    assert f'href="/en/tutorials/{TUTORIAL}/{STEP}/#target-group">Continue where you left off' in html


def test_the_place_is_the_learners_own(client, connected_student, connected_other_student, password):
    services.place_record(user=connected_student, tutorial=TUTORIAL, step=STEP, section="target-group")
    assert _log_in(client, connected_other_student, password)["Location"] == "/ja/"
    assert "data-resume" not in client.get(f"/ja/tutorials/{TUTORIAL}/").content.decode()


def test_anonymous_readers_get_no_continue_link(client):
    assert "data-resume" not in client.get(f"/ja/tutorials/{TUTORIAL}/").content.decode()
    assert "data-resume" not in client.get("/ja/").content.decode()


def test_a_place_in_a_section_that_no_longer_exists_returns_to_the_step(client, connected_student, password):
    LearnerPlace.objects.create(user=connected_student, tutorial=TUTORIAL, step=STEP, section="gone")
    assert _log_in(client, connected_student, password)["Location"] == STEP_URL


def test_a_place_in_a_step_that_no_longer_exists_is_forgotten(client, connected_student, password):
    LearnerPlace.objects.create(user=connected_student, tutorial=TUTORIAL, step="gone", section="")
    assert _log_in(client, connected_student, password)["Location"] == "/ja/"


def test_the_headers_log_in_link_lets_the_tutorial_list_and_account_pages_return_to_the_place(client):
    def login_link(url: str) -> str:
        html = client.get(url).content.decode()
        return html.split('<a href="/ja/accounts/login/', 1)[1].split('"', 1)[0]

    assert login_link("/ja/") == ""  # no next: signing in goes to where the learner left off
    assert login_link("/ja/accounts/password_reset/") == ""
    assert login_link(STEP_URL) == f"?next={STEP_URL}"  # a step page comes back to itself
