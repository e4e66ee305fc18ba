"""Steps are plug-ins: the engine names no step, the registry is explicit, specs are consistent, no import cycles."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from provisioning.steps import REGISTRY, all_steps, find_check, get_step, step_keys
from provisioning.steps.load_balancer import SPEC as STEP5

ROOT = Path(__file__).resolve().parents[2]
ENGINE_DIRS = ("provisioning", "tutorial", "config", "templates", "static")


def _engine_files() -> list[Path]:
    out = []
    for top in ENGINE_DIRS:
        for path in (ROOT / top).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if not path.is_file() or path.suffix not in (".py", ".html", ".js", ".css", ".txt", ".json"):
                continue
            if rel.startswith("provisioning/steps/") or "/tests/" in rel or "/migrations/" in rel:
                continue
            if "/vendor/" in rel:
                continue
            out.append(path)
    return out


def test_no_engine_file_names_a_check_id_or_resource_of_any_step():
    names: set[str] = set()
    for spec in all_steps():
        names |= set(spec.check_ids)
        defaults = dataclasses.asdict(spec.default_params())
        names |= {v for v in defaults.values() if isinstance(v, str) and v.startswith(f"{spec.tutorial}-")}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + "|Step5|STEP5")
    offenders = {}
    for path in _engine_files():
        found = pattern.findall(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders[path.relative_to(ROOT).as_posix()] = sorted(set(found))
    assert offenders == {}


def test_the_registry_maps_step_ids_to_the_dotted_paths_of_their_specs():
    assert REGISTRY["aws-hands-on/load-balancer"] == "provisioning.steps.load_balancer:SPEC"
    assert ("aws-hands-on", "load-balancer") in step_keys("aws-hands-on")
    assert get_step("aws-hands-on", "load-balancer") is STEP5
    with pytest.raises(LookupError, match="unknown tutorial step: aws-hands-on nope"):
        get_step("aws-hands-on", "nope")


def test_check_ids_are_unique_across_steps_and_each_step_owns_its_own():
    ids = [cid for spec in all_steps() for cid in spec.check_ids]
    assert len(ids) == len(set(ids))
    assert all(find_check(cid).has_check(cid) for cid in ids)


def test_step5_keeps_its_fifteen_checks_with_titles_in_both_languages():
    assert len(STEP5.checks) == 15
    assert all(c.title["ja"] and c.title["en"] for c in STEP5.checks)


def test_a_spec_whose_sections_and_checks_disagree_is_rejected():
    with pytest.raises(ValueError, match="order of the sections"):
        dataclasses.replace(STEP5, sections={**STEP5.sections, "create-alb": ("alb.exists",)})


def test_a_check_that_needs_an_unknown_source_is_rejected():
    broken = dataclasses.replace(STEP5.checks[0], needs=("nowhere",))
    with pytest.raises(ValueError, match="needs unknown source nowhere"):
        dataclasses.replace(STEP5, checks=(broken, *STEP5.checks[1:]))


def test_a_section_with_checks_but_no_solve_recipe_is_rejected():
    solve = {k: v for k, v in STEP5.recipes.solve.items() if k != "target-group"}
    with pytest.raises(ValueError, match="section target-group has checks but no solve recipe"):
        dataclasses.replace(STEP5, recipes=dataclasses.replace(STEP5.recipes, solve=solve))


def test_unknown_parameters_are_an_error_naming_the_step():
    with pytest.raises(ValueError, match="step 'load-balancer' has no parameter"):
        STEP5.params_from_mapping({"colour": "blue"})


# --- no import cycles ---------------------------------------------------------------------------------------------


def _module_files() -> dict[str, Path]:
    files = {}
    for top in ("provisioning", "tutorial", "config"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def _imports(path: Path, module: str, files: dict[str, Path]) -> set[str]:
    """Every project module `module` imports, at any depth (lazy imports count), except under TYPE_CHECKING."""
    out: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            out.update(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            subs = [f"{name}.{alias.name}" for alias in node.names]
            out.update(s for s in subs if s in files)
            if any(s not in files for s in subs):
                out.add(name)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in out if m in files and m != module}


def test_no_import_cycles_between_project_modules():
    files = _module_files()
    graph = {m: _imports(p, m, files) for m, p in files.items()}
    cycles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []
