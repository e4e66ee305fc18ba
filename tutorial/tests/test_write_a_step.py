"""content/README.md's "How to write a step", followed to the letter: its code blocks make a working step.

The blocks whose first line is `# <path>` are written to a temporary tree: `provisioning/steps/<package>/...` joins
the step packages (through the package's search path), `content/...` goes into a copy of the content pack. The
step is registered as the README says, its pages load, and the self-test passes every stage on the sandbox.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.conf import settings

import provisioning.steps as steps
from provisioning.sandbox.testing import sandbox_account, sandbox_server, sandbox_spec  # noqa: F401
from provisioning.selftest import selftest_step
from tutorial.content.loader import load_library

README = Path(settings.BASE_DIR) / "content" / "README.md"
BLOCK = re.compile(
    r"^```(?:python|markdown)\n# (?P<path>(?:provisioning|content)/[^\s]+)\n(?P<body>.*?)^```$", re.M | re.S
)


def _blocks() -> dict[str, str]:
    return {m.group("path"): m.group("body") for m in BLOCK.finditer(README.read_text(encoding="utf-8"))}


@pytest.fixture
def hello_step(tmp_path, pack, monkeypatch):
    blocks = _blocks()
    assert {p.split("/")[0] for p in blocks} == {"provisioning", "content"}, list(blocks)
    packages = tmp_path / "steps"
    for path, body in blocks.items():
        if path.startswith("provisioning/steps/"):
            target = packages / path.removeprefix("provisioning/steps/")
        else:
            target = pack.root / path.removeprefix("content/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    registration = re.search(r'`"(aws-hands-on/hello)": "([\w.:]+)"`', README.read_text(encoding="utf-8"))
    assert registration, "the README names the registry line"
    monkeypatch.setattr(steps, "__path__", [*steps.__path__, str(packages)])
    monkeypatch.setitem(steps.REGISTRY, registration.group(1), registration.group(2))
    monkeypatch.setattr(steps, "_loaded", {})
    pack.replace("tutorial.yaml", "  - redundancy\n", "  - redundancy\n  - hello\n")
    yield pack
    sys.modules.pop("provisioning.steps.hello", None)


def test_the_readme_step_registers_and_its_pages_load_with_its_check(hello_step):
    spec = steps.get_step("aws-hands-on", "hello")
    assert spec.check_ids == ("hello.sg_exists",)
    step = load_library(hello_step.root).tutorial("aws-hands-on").step("hello")
    section = step.version("en").section("make-group")
    assert [(c.id, c.title) for c in section.checks] == [
        ("hello.sg_exists", "Security group aws-hands-on-hello exists")
    ]


@pytest.mark.sandbox
def test_the_readme_step_passes_its_self_test(hello_step, sandbox_spec):  # noqa: F811
    stages = selftest_step(sandbox_spec, "aws-hands-on", "hello")
    assert [(s.name, s.ok) for s in stages] == [
        ("prerequisites", True),
        ("solve", True),
        ("solve again", True),
        ("teardown", True),
    ], [s.line() for s in stages]
