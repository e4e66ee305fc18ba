"""A class over both steps of the tutorial: a column group per step, sections of the same slug kept apart."""

from __future__ import annotations

import pytest

from provisioning.steps import get_step

from ..selectors import class_dashboard
from .factories import ALL_PASS, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def step5_alone():
    """Overrides the package's fixture of the same name: here the class sees every registered step."""


def test_the_dashboard_has_a_column_group_per_step_in_tutorial_order(classroom):
    dashboard = class_dashboard(classroom=classroom)
    assert [s.slug for s in dashboard.steps] == ["load-balancer", "redundancy"]
    for step_columns in dashboard.steps:
        spec = get_step("aws-hands-on", step_columns.slug)
        assert [c.id for s in step_columns.sections for c in s.checks] == list(spec.check_ids)


def test_step5_done_leaves_step6s_section_of_the_same_slug_open(classroom, enrolled):
    make_run(enrolled, ALL_PASS)
    dashboard = class_dashboard(classroom=classroom)
    row = next(r for r in dashboard.rows if r.username == "student")
    assert row.sections_done["load-balancer:before-you-start"] is True
    assert row.sections_done["redundancy:before-you-start"] is False
    summaries = {(s.step, s.slug): s.done for s in dashboard.summary}
    assert summaries[("load-balancer", "before-you-start")] == 1
    assert summaries[("redundancy", "before-you-start")] == 0
