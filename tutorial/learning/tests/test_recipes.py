"""Prepare / do it for me / clean up: permission rule, one active job, progress saved, billable list at the end."""

from __future__ import annotations

import pytest
from django.urls import reverse

from provisioning.types import RecipeReport
from tutorial.learning import services
from tutorial.learning.models import RecipeJob

from .conftest import STEP, TUTORIAL, make_connection

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def recipes(monkeypatch):
    """A fake recipe runner that reports progress like the real one and records what it was asked."""
    calls: list[tuple] = []
    seen_progress: list[int] = []

    def run_recipe(spec, recipe, *, tutorial, step, params, section, progress):
        calls.append((spec.kind, recipe, section))
        for index, name in enumerate(("security groups", "instance"), start=1):
            progress({"step": name, "status": "done", "detail": "", "done": index, "total": 2})
            seen_progress.append(RecipeJob.objects.get().progress)
        billable = [{"type": "ec2:instance", "id": "i-0abc", "name": "aws-hands-on"}] if recipe == "teardown" else []
        return RecipeReport(
            recipe=recipe,
            section=section,
            steps=[{"name": "security groups", "status": "done"}, {"name": "instance", "status": "done"}],
            billable_left=billable if getattr(run_recipe, "leave_billable", False) else [],
        )

    monkeypatch.setattr(services, "_run_recipe", run_recipe)
    run_recipe.calls = calls
    run_recipe.seen_progress = seen_progress
    return run_recipe


def test_sandbox_may_always_provision(connected_student):
    connection = connected_student.aws_connection
    assert services.recipe_permission(user=connected_student, connection=connection) == (True, "")


def test_real_aws_needs_the_class_permission_and_the_opt_in_policy(student, monkeypatch):
    connection = make_connection(student, kind="role", role_arn="arn:aws:iam::123456789012:role/x")
    assert services.recipe_permission(user=student, connection=connection) == (False, "class_forbids")
    monkeypatch.setattr(services, "learner_may_provision_real_aws", lambda user: True)
    assert services.recipe_permission(user=student, connection=connection) == (False, "no_opt_in_policy")
    connection.allows_provisioning = True
    assert services.recipe_permission(user=student, connection=connection) == (True, "")


def test_without_the_classes_app_there_is_no_real_aws_provisioning(student, monkeypatch):
    from django.apps import apps

    def no_app(label):
        raise LookupError(label)

    monkeypatch.setattr(apps, "get_app_config", no_app)
    assert services.learner_may_provision_real_aws(student) is False


def test_recipe_start_refused_on_real_aws_without_permission(student, queue):
    make_connection(student, kind="keys")
    with pytest.raises(services.ProvisioningNotAllowed):
        services.recipe_start(user=student, tutorial=TUTORIAL, step=STEP, recipe="solve", section="create-alb")
    assert not RecipeJob.objects.exists()


def test_a_burst_of_recipe_presses_makes_one_job(connected_student, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = {
            services.recipe_start(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="prerequisites").pk
            for _ in range(5)
        }
    assert len(ids) == 1
    assert queue.ids("provision") == list(ids)


def test_recipe_execute_saves_progress_and_finishes(connected_student, queue, recipes):
    job = services.recipe_start(
        user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="solve", section="create-alb"
    )
    services.recipe_execute(job_id=job.pk)
    job.refresh_from_db()
    assert recipes.seen_progress == [50, 100]
    assert job.state == "done" and job.progress == 100
    assert recipes.calls == [("sandbox", "solve", "create-alb")]
    assert [s["name"] for s in job.steps] == ["security groups", "instance"]


def test_clean_up_ends_with_the_list_of_anything_still_billable(client, connected_student, queue, recipes):
    recipes.leave_billable = True
    client.force_login(connected_student)
    client.post(reverse("learning:recipe", args=[TUTORIAL, STEP, "teardown"]), {"where": "lab"}, **HTMX)
    job = RecipeJob.objects.get()
    services.recipe_execute(job_id=job.pk)
    response = client.get(reverse("learning:recipe_job", args=[job.pk]) + "?where=lab", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "hx-get" not in html  # finished: it looks no more
    assert "learning:kick" in response["HX-Trigger"]  # the page's watcher looks soon for the re-check
    assert "ec2:instance aws-hands-on i-0abc" in html


def test_clean_up_with_nothing_left_says_so(client, connected_student, queue, recipes):
    client.force_login(connected_student)
    client.post(reverse("learning:recipe", args=[TUTORIAL, STEP, "teardown"]), {"where": "lab"}, **HTMX)
    services.recipe_execute(job_id=RecipeJob.objects.get().pk)
    html = client.get(reverse("learning:recipe_job", args=[RecipeJob.objects.get().pk]), **HTMX).content.decode()
    assert 'data-billable="none"' in html


def test_recipe_progress_looks_again_soon_then_backs_off_to_2_s_while_active(client, connected_student, queue):
    client.force_login(connected_student)
    response = client.post(
        reverse("learning:recipe", args=[TUTORIAL, STEP, "solve"]),
        {"section": "create-alb", "where": "create-alb"},
        **HTMX,
    )
    html = response.content.decode()
    assert '<progress class="lc-progress" max="100" value="0"' in html
    assert 'hx-trigger="load delay:300ms"' in html and 'id="recipe-area-create-alb"' in html
    job = RecipeJob.objects.get()
    later = client.get(reverse("learning:recipe_job", args=[job.pk]) + "?where=create-alb&n=9", **HTMX)
    assert 'hx-trigger="load delay:2000ms"' in later.content.decode() and "n=10" in later.content.decode()


def test_recipe_view_on_real_aws_without_permission_explains_why(client, student, queue):
    make_connection(student, kind="role", role_arn="arn:aws:iam::123456789012:role/x")
    client.force_login(student)
    response = client.post(
        reverse("learning:recipe", args=[TUTORIAL, STEP, "solve"]), {"section": "create-alb"}, **HTMX
    )
    assert "does not allow" in response.content.decode() or "許可" in response.content.decode()


def test_unknown_recipe_is_404(client, connected_student, queue):
    client.force_login(connected_student)
    assert client.post(reverse("learning:recipe", args=[TUTORIAL, STEP, "rm-rf"])).status_code == 404


def test_recipe_failure_is_reported_without_raising(connected_student, queue, monkeypatch):
    def failing(spec, recipe, **kwargs):
        return RecipeReport(recipe=recipe, section=None, steps=[], ok=False, error="instance: UnauthorizedOperation")

    monkeypatch.setattr(services, "_run_recipe", failing)
    job = services.recipe_start(user=connected_student, tutorial=TUTORIAL, step=STEP, recipe="prerequisites")
    services.recipe_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "error" and "UnauthorizedOperation" in job.error_message


def test_recipe_progress_names_steps_by_label_in_the_readers_language(client, connected_student):
    job = RecipeJob.objects.create(
        user=connected_student,
        tutorial=TUTORIAL,
        step=STEP,
        recipe="teardown",
        state=RecipeJob.State.DONE,
        steps=[
            {"name": "create-alb/target_group", "status": "done", "detail": "arn:aws:elasticloadbalancing:tg/x"},
            {"name": "listeners", "status": "done", "detail": "1 listener(s)"},
        ],
    )
    client.force_login(connected_student)
    url = reverse("learning:recipe_job", args=[job.pk])
    ja = client.get(url, **HTMX).content.decode()
    assert 'data-step-id="create-alb/target_group"' in ja and "ターゲットグループ —" in ja
    assert "arn:aws:elasticloadbalancing:tg/x" in ja  # identifiers are language-neutral
    assert "listener(s)" not in ja and "create-alb/target_group —" not in ja
    en = client.get(url.replace("/ja/", "/en/", 1), **HTMX).content.decode()
    assert "Target group —" in en and "1 listener(s)" in en


def test_a_stopped_recipe_says_where_and_what_to_do_in_the_readers_language(client, connected_student):
    job = RecipeJob.objects.create(
        user=connected_student,
        tutorial=TUTORIAL,
        step=STEP,
        recipe="solve",
        section="target-group",
        state=RecipeJob.State.ERROR,
        progress=100,
        error_code="recipe_failed",
        error_message="target-group/target_healthy: waiting failed: ",
        steps=[{"name": "target-group/target_healthy", "status": "failed", "detail": "waiting failed"}],
    )
    client.force_login(connected_student)
    html = client.get(reverse("learning:recipe_job", args=[job.pk]), **HTMX).content.decode()
    banner = html[html.index('<div class="lc-banner lc-banner-error" role="alert">') :]
    visible = banner.split("<details")[0]
    assert "「ターゲットの正常 (healthy) 確認」で止まりました。" in visible and "もう一度" in visible
    assert "waiting failed" not in visible and "waiting failed" in banner  # the raw text only behind the toggle
    assert "lc-progress-error" in html  # the bar is red, not a full blue bar
    en = client.get("/en" + reverse("learning:recipe_job", args=[job.pk])[3:], **HTMX).content.decode()
    assert "It stopped at “Target healthy”." in en


def test_do_it_for_me_pressed_while_prepare_runs_says_prepare_is_still_running(
    client, connected_student, queue, django_capture_on_commit_callbacks
):
    client.force_login(connected_student)
    url = lambda recipe: reverse("learning:recipe", args=[TUTORIAL, STEP, recipe])  # noqa: E731
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("prerequisites"), {"where": "lab"}, **HTMX)
        pressed = client.post(url("solve"), {"where": "lab"}, **HTMX)
    assert 'role="alert"' not in first.content.decode()
    page = pressed.content.decode()
    assert "「準備」がまだ終わっていません。終わってから、もう一度押してください。" in page
    assert 'data-recipe="prerequisites"' in page  # the running one's progress, not a job that never started
    assert RecipeJob.objects.count() == 1


def test_the_same_button_pressed_twice_shows_its_progress_without_a_warning(
    client, connected_student, queue, django_capture_on_commit_callbacks
):
    client.force_login(connected_student)
    url = reverse("learning:recipe", args=[TUTORIAL, STEP, "prerequisites"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"where": "lab"}, **HTMX)
        again = client.post(url, {"where": "lab"}, **HTMX).content.decode()
    assert 'role="alert"' not in again and 'data-recipe="prerequisites"' in again
