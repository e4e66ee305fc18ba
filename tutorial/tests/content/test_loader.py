"""The loader accepts the real pack and reports each kind of broken pack with its file, line and problem."""

from __future__ import annotations

import pytest

from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS
from tutorial.content import ContentError
from tutorial.content.loader import load_library

STEP_JA = "load-balancer/step.ja.md"
STEP_EN = "load-balancer/step.en.md"


def problems_of(pack) -> list:
    with pytest.raises(ContentError) as info:
        load_library(pack.root)
    return info.value.problems


def assert_problem(problems, *, file: str, line: int, says: str) -> None:
    found = [(p.file.name, p.line, p.message) for p in problems]
    assert any(name == file and ln == line and says in message for name, ln, message in found), found


def test_real_pack_loads_with_every_section_check_and_figure(pack):
    library = load_library(pack.root)
    tutorial = library.tutorial("aws-hands-on")
    step = tutorial.step("load-balancer")
    assert set(step.versions) == {"ja", "en"}
    for version in step.versions.values():
        sections = {s.slug: tuple(c.id for c in s.checks) for s in version.sections}
        assert sections == {"architecture": (), **STEP5_SECTIONS}
    assert len(step.figures) == 17
    assert step.parameters.lb_name == "aws-hands-on"
    assert step.parameters.region == "ap-northeast-1"
    assert tutorial.check_titles["alb.active"]["en"] == "The load balancer's state is active"


def test_bad_yaml_names_file_and_line(pack):
    pack.replace("tutorial.yaml", "region: ap-northeast-1", "region: [ap-northeast-1")
    problems = problems_of(pack)
    assert problems[0].file.name == "tutorial.yaml"
    assert "invalid YAML" in problems[0].message
    assert problems[0].line >= pack.line_of("tutorial.yaml", "region: [")


def test_bad_yaml_in_front_matter_counts_lines_from_the_file_start(pack):
    pack.replace(STEP_JA, "order: 5", "order: [5")
    problems = problems_of(pack)
    assert problems[0].file.name == "step.ja.md"
    assert "invalid YAML" in problems[0].message
    assert problems[0].line >= pack.line_of(STEP_JA, "order: [5")


def test_missing_title(pack):
    pack.replace(STEP_JA, 'title: "Step 5: ロードバランサーを利用してみよう"\n', "")
    assert_problem(problems_of(pack), file="step.ja.md", line=2, says="missing 'title' in front matter")


CREATE_ALB_TITLE = "    title: ロードバランサーの作成\n"


def _section_checks(pack, title_line: str, checks: str) -> None:
    """Give the section whose title line is `title_line` an explicit `checks:` list in the ja front matter."""
    pack.replace(STEP_JA, title_line, f"{title_line}    checks: {checks}\n")


def test_unknown_check_id(pack):
    _section_checks(pack, CREATE_ALB_TITLE, "[alb.does_not_exist]")
    line = pack.line_of(STEP_JA, "alb.does_not_exist")
    assert_problem(problems_of(pack), file="step.ja.md", line=line, says="unknown check id 'alb.does_not_exist'")


def test_check_in_the_wrong_section(pack):
    _section_checks(pack, "    title: ターゲットグループの確認\n", "[tg.target_healthy, alb.dns_reachable]")
    line = pack.line_of(STEP_JA, "alb.dns_reachable]")
    assert_problem(problems_of(pack), file="step.ja.md", line=line, says="belongs to section 'load-balancer'")


def test_checks_listed_in_the_front_matter_must_be_all_of_the_sections_checks(pack):
    _section_checks(pack, CREATE_ALB_TITLE, "[alb.exists]")
    line = pack.line_of(STEP_JA, "checks: [alb.exists]")
    assert_problem(problems_of(pack), file="step.ja.md", line=line, says="runs alb.internet_facing")


def test_checks_listed_in_the_front_matter_that_agree_with_the_spec_load(pack):
    _section_checks(pack, "    title: ロードバランサーの確認\n", "[alb.dns_reachable]")
    step = load_library(pack.root).tutorial("aws-hands-on").step("load-balancer")
    section = step.version("ja").section("load-balancer")
    assert [c.id for c in section.checks] == ["alb.dns_reachable"]


def test_a_section_of_the_spec_missing_from_the_front_matter_is_named(pack):
    pack.replace(STEP_JA, "  - slug: target-group\n    title: ターゲットグループの確認\n", "")
    assert_problem(
        problems_of(pack),
        file="step.ja.md",
        line=pack.line_of(STEP_JA, "sections:"),
        says="section 'target-group' of step 'load-balancer' (it runs tg.target_healthy) is missing",
    )


def test_check_titles_in_tutorial_yaml_are_rejected_for_the_spec_holds_them(pack):
    pack.replace("tutorial.yaml", "steps:\n", "checks:\n  alb.active: {ja: a, en: b}\nsteps:\n")
    line = pack.line_of("tutorial.yaml", "checks:")
    assert_problem(problems_of(pack), file="tutorial.yaml", line=line, says="check titles live in the step's spec")


def test_a_step_the_registry_does_not_know_is_an_error(pack):
    pack.replace("tutorial.yaml", "  - load-balancer\n", "  - load-balancer\n  - not-a-step\n")
    line = pack.line_of("tutorial.yaml", "- not-a-step")
    assert_problem(problems_of(pack), file="tutorial.yaml", line=line, says="not in the step registry")


def _step_parameters(pack, lines: str) -> None:
    pack.replace("tutorial.yaml", "  - load-balancer\n", f"  - slug: load-balancer\n    parameters:\n{lines}")


def test_a_pack_overrides_a_steps_parameters(pack):
    _step_parameters(pack, "      lb_name: my-alb\n")
    step = load_library(pack.root).tutorial("aws-hands-on").step("load-balancer")
    assert step.parameters.lb_name == "my-alb" and step.parameters.tg_name == "aws-hands-on"


def test_unknown_parameter_names_the_step(pack):
    _step_parameters(pack, "      app_port: 8000\n      colour: blue\n")
    line = pack.line_of("tutorial.yaml", "colour: blue")
    assert_problem(
        problems_of(pack), file="tutorial.yaml", line=line, says="unknown parameter 'colour' for step 'load-balancer'"
    )


def test_parameters_at_the_top_of_tutorial_yaml_are_rejected(pack):
    pack.replace("tutorial.yaml", "steps:\n", "parameters:\n  app_port: 8000\nsteps:\n")
    line = pack.line_of("tutorial.yaml", "  app_port: 8000") - 1
    assert_problem(problems_of(pack), file="tutorial.yaml", line=line, says="parameters are per step")


def test_parameter_of_the_wrong_type(pack):
    _step_parameters(pack, "      app_port: eight thousand\n")
    line = pack.line_of("tutorial.yaml", "app_port:")
    assert_problem(problems_of(pack), file="tutorial.yaml", line=line, says="must be a whole number")


def test_missing_figure_file(pack):
    (pack.step / "figures" / "step5_lb_create_03.svg").unlink()
    problems = problems_of(pack)
    assert_problem(
        problems,
        file="figures.yaml",
        line=pack.line_of("load-balancer/figures.yaml", "step5_lb_create_03:"),
        says="no file figures/step5_lb_create_03.svg",
    )
    slot_line = pack.line_of(STEP_JA, "step5_lb_create_03.png")
    assert_problem(problems, file="step.ja.md", line=slot_line, says="figure 'step5_lb_create_03'")


def test_figure_slot_without_metadata(pack):
    pack.replace(STEP_EN, "step5_lb_create_07.png", "step5_lb_create_99.png")
    line = pack.line_of(STEP_EN, "step5_lb_create_99.png")
    assert_problem(problems_of(pack), file="step.en.md", line=line, says="figure 'step5_lb_create_99'")


def test_duplicate_section_slug(pack):
    pack.replace(STEP_JA, "  - slug: target-group", "  - slug: create-alb")
    line = pack.line_of(STEP_JA, "  - slug: create-alb") + 0
    lines = [n for n, text in enumerate(pack.path(STEP_JA).read_text().splitlines(), 1) if "- slug: create-alb" in text]
    assert len(lines) == 2
    assert_problem(problems_of(pack), file="step.ja.md", line=lines[1], says="duplicate section slug 'create-alb'")
    assert line == lines[0]


def test_heading_for_an_undeclared_section(pack):
    pack.replace(STEP_JA, "{#target-group}", "{#target-groups}")
    problems = problems_of(pack)
    line = pack.line_of(STEP_JA, "{#target-groups}")
    assert_problem(problems, file="step.ja.md", line=line, says="does not declare")
    assert_problem(problems, file="step.ja.md", line=pack.line_of(STEP_JA, "- slug: target-group"), says="no heading")


def test_languages_must_declare_the_same_sections(pack):
    pack.replace(STEP_EN, "  - slug: architecture\n    title: Architecture\n", "")
    assert_problem(
        problems_of(pack),
        file="step.en.md",
        line=pack.line_of(STEP_EN, "- slug: before-you-start"),
        says="same as in step.ja.md",
    )


def test_missing_language_version(pack):
    pack.path(STEP_EN).unlink()
    assert_problem(problems_of(pack), file="step.en.md", line=1, says="missing the en version")


def test_missing_front_matter(pack):
    text = pack.path(STEP_JA).read_text()
    pack.path(STEP_JA).write_text(text.split("---\n", 2)[2])
    assert_problem(problems_of(pack), file="step.ja.md", line=1, says="missing front matter")


def test_cli_file_must_name_a_section(pack):
    (pack.step / "cli").mkdir()
    (pack.step / "cli" / "nowhere.sh").write_text("aws elbv2 describe-load-balancers\n")
    assert_problem(problems_of(pack), file="nowhere.sh", line=1, says="does not name a section")


def test_every_problem_is_reported_at_once(pack):
    _section_checks(pack, CREATE_ALB_TITLE, "[alb.nope]")
    _step_parameters(pack, "      colour: blue\n")
    problems = problems_of(pack)
    assert {p.file.name for p in problems} >= {"step.ja.md", "tutorial.yaml"}
    assert all(str(p).startswith(f"{p.file}:{p.line}: ") for p in problems)


# --- estimated time per section (front matter `minutes:`) -------------------------------------------------------


def test_every_section_of_the_real_pack_has_the_same_estimate_in_every_language(pack):
    tutorial = load_library(pack.root).tutorial("aws-hands-on")
    for step in tutorial.steps:
        ja, en = step.version("ja"), step.version("en")
        assert all(isinstance(s.minutes, int) and s.minutes > 0 for s in ja.sections), step.slug
        assert [s.minutes for s in ja.sections] == [s.minutes for s in en.sections]
        assert ja.total_minutes == sum(s.minutes for s in ja.sections)
    assert tutorial.step("load-balancer").version("ja").section("create-alb").minutes == 20


def test_a_section_without_minutes_has_no_estimate(pack):
    for step_file in (STEP_JA, STEP_EN):
        pack.replace(step_file, "    minutes: 3\n", "")
    step = load_library(pack.root).tutorial("aws-hands-on").step("load-balancer")
    assert step.version("ja").section("architecture").minutes is None
    assert step.version("ja").total_minutes == 45


@pytest.mark.parametrize("bad", ["0", "-5", "1.5", "ten", "true", "181", "[10]"])
def test_minutes_that_are_not_a_sane_whole_number_name_file_and_line(pack, bad):
    pack.replace(STEP_JA, "    minutes: 20\n", f"    minutes: {bad}\n")
    line = pack.line_of(STEP_JA, f"minutes: {bad}")
    assert_problem(
        problems_of(pack), file="step.ja.md", line=line, says="minutes of section 'create-alb' must be a whole number"
    )


def test_languages_that_disagree_on_a_sections_minutes_are_named(pack):
    pack.replace(STEP_EN, "    minutes: 20\n", "    minutes: 25\n")
    line = pack.line_of(STEP_EN, "minutes: 25")
    assert_problem(
        problems_of(pack), file="step.en.md", line=line, says="minutes of section 'create-alb' is 25 here but 20"
    )


def test_a_figure_that_shows_something_unknown_is_a_problem_on_its_line(pack):
    pack.replace("load-balancer/figures.yaml", "shows: alb-page", "shows: cat-video")
    line = pack.line_of("load-balancer/figures.yaml", "shows: cat-video")
    assert_problem(problems_of(pack), file="figures.yaml", line=line, says="shows 'cat-video', which is not one of")


def test_the_figure_of_the_albs_page_says_so(pack):
    step = load_library(pack.root).tutorial("aws-hands-on").step("load-balancer")
    assert [name for name, f in step.figures.items() if f.shows] == ["step5_lb_load_balancer_02"]
