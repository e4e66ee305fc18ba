"""The figure build: each step draws its own figures in its content pack; the engine knows no step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tutorial.content import figures_build
from tutorial.content.figures_build import FigureBuildError, build, figure_modules, main, render_step, stale

REPO = Path(__file__).resolve().parents[3]
ENGINE_FILES = [REPO / "tutorial" / "content" / name for name in ("figures_build.py", "svg.py", "screens.py")]

TINY_MODULE = """
from tutorial.content.screens import target_group_page
from tutorial.content.svg import Drawing, text

FIGURES = {
    "demo_screen": Drawing(lambda: target_group_page("demo-tg", "arn:demo", 1, text(252, 230, "hello"))),
    "demo_diagram": Drawing(lambda: text(10, 20, "diagram"), 400, 200),
}
"""
TINY_META = """
demo_screen:
  alt: {ja: デモの画面, en: A demo screen}
  caption: {ja: デモ, en: Demo}
demo_diagram:
  alt: {ja: デモの図, en: A demo diagram}
  caption: {ja: 図, en: Diagram}
"""


@pytest.fixture
def tiny_content(tmp_path) -> Path:
    step = tmp_path / "demo-tutorial" / "demo-step"
    step.mkdir(parents=True)
    (step / "figures.py").write_text(TINY_MODULE, encoding="utf-8")
    (step / "figures.yaml").write_text(TINY_META, encoding="utf-8")
    return tmp_path


def test_every_committed_svg_is_what_its_steps_figure_module_draws():
    modules = figure_modules()
    assert {m.parent.name for m in modules} >= {"load-balancer"}
    assert stale() == []


def test_each_steps_module_draws_exactly_the_svgs_in_its_figures_folder():
    for module in figure_modules():
        drawn = {b.path.name for b in render_step(module)}
        assert drawn == {p.name for p in (module.parent / "figures").glob("*.svg")}, module


def test_engine_and_toolkit_name_no_step_and_no_resource():
    for path in ENGINE_FILES:
        source = path.read_text(encoding="utf-8")
        for word in ("load-balancer/", "steps/load_balancer", "redundancy", "aws-hands-on", "step5", "step6"):
            assert word not in source, (path.name, word)


def test_a_throwaway_step_gets_its_figures_with_title_and_description_from_figures_yaml(tiny_content):
    written = build(tiny_content)
    assert sorted(p.name for p in written) == ["demo_diagram.svg", "demo_screen.svg"]
    screen = (tiny_content / "demo-tutorial" / "demo-step" / "figures" / "demo_screen.svg").read_text()
    assert '<title id="t">デモ</title>' in screen and '<desc id="d">デモの画面</desc>' in screen
    assert 'viewBox="0 0 1200 675"' in screen and "demo-tg" in screen
    diagram = (tiny_content / "demo-tutorial" / "demo-step" / "figures" / "demo_diagram.svg").read_text()
    assert 'viewBox="0 0 400 200"' in diagram
    assert stale(tiny_content) == []


def test_check_mode_fails_on_a_hand_edited_svg_and_names_it(tiny_content, capsys):
    build(tiny_content)
    svg = tiny_content / "demo-tutorial" / "demo-step" / "figures" / "demo_screen.svg"
    svg.write_text(svg.read_text().replace("hello", "edited by hand"), encoding="utf-8")
    assert main(["--check", "--content-dir", str(tiny_content)]) == 1
    assert "demo_screen.svg" in capsys.readouterr().err
    assert main(["--content-dir", str(tiny_content)]) == 0
    assert main(["--check", "--content-dir", str(tiny_content)]) == 0


def test_a_drawn_figure_without_alt_and_caption_is_an_error_naming_figures_yaml(tiny_content):
    meta = tiny_content / "demo-tutorial" / "demo-step" / "figures.yaml"
    meta.write_text(re.sub(r"demo_diagram:\n(  .*\n)+", "", TINY_META), encoding="utf-8")
    with pytest.raises(FigureBuildError, match=r"figures\.yaml: figure 'demo_diagram'"):
        build(tiny_content)


def test_a_module_without_figures_is_an_error_naming_it(tiny_content, capsys):
    module = tiny_content / "demo-tutorial" / "demo-step" / "figures.py"
    module.write_text("DRAWINGS = {}\n", encoding="utf-8")
    assert main(["--content-dir", str(tiny_content)]) == 1
    assert "figures.py: must define FIGURES" in capsys.readouterr().err


def test_two_steps_modules_do_not_shadow_each_other(tiny_content):
    other = tiny_content / "demo-tutorial" / "other-step"
    shutil.copytree(tiny_content / "demo-tutorial" / "demo-step", other)
    (other / "figures.py").write_text(TINY_MODULE.replace('"hello"', '"other"'), encoding="utf-8")
    build(tiny_content)
    assert "hello" in (tiny_content / "demo-tutorial" / "demo-step" / "figures" / "demo_screen.svg").read_text()
    assert "other" in (other / "figures" / "demo_screen.svg").read_text()
    assert figures_build.CONTENT_DIR == REPO / "content"
