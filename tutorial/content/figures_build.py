"""Build the steps' figures: content/<tutorial>/<step>/figures.py -> content/<tutorial>/<step>/figures/<name>.svg.

Each step that draws its own figures has a module `figures.py` in its content pack, exporting
`FIGURES: dict[str, svg.Drawing]` (slot name -> drawing), composed from the shared toolkit (`svg.py` primitives,
`screens.py` console screens). This engine knows no step: it finds those modules, draws every figure and writes it
with its title and description taken from the step's figures.yaml (Japanese), so each SVG describes itself.

    .venv/bin/python -m tutorial.content.figures_build            # rebuild every step's figures
    .venv/bin/python -m tutorial.content.figures_build --check    # exit 1 if a committed SVG is not what it builds

The SVGs are committed; edit the figure module, not them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import yaml

from .svg import Drawing, svg_document

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
MODULE_NAME = "figures.py"


class FigureBuildError(Exception):
    """A figure module or its figures.yaml is not usable; the message names the file."""


@dataclass(frozen=True)
class Built:
    path: Path
    svg: str


def figure_modules(content_dir: Path = CONTENT_DIR) -> list[Path]:
    """Every step's figure module, content/<tutorial>/<step>/figures.py, in a stable order."""
    return sorted(content_dir.glob(f"*/*/{MODULE_NAME}"))


def _load_module(path: Path) -> ModuleType:
    # Figure modules live in content packs, which are not Python packages: load each from its file, under a name
    # of its own so two steps' modules never shadow each other.
    name = "_step_figures_" + "_".join(part.replace("-", "_") for part in path.parent.parts[-2:])
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FigureBuildError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render_step(module_path: Path) -> list[Built]:
    """Draw every figure of one step (without writing anything)."""
    module = _load_module(module_path)
    drawings = getattr(module, "FIGURES", None)
    if not isinstance(drawings, dict) or not all(isinstance(d, Drawing) for d in drawings.values()):
        raise FigureBuildError(f"{module_path}: must define FIGURES, a dict of slot name -> svg.Drawing")
    meta_path = module_path.parent / "figures.yaml"
    if not meta_path.is_file():
        raise FigureBuildError(f"{meta_path}: missing (every figure needs its alt text and caption)")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    out_dir = module_path.parent / "figures"
    built = []
    for name, drawing in drawings.items():
        entry = meta.get(name)
        if not isinstance(entry, dict) or "caption" not in entry or "alt" not in entry:
            raise FigureBuildError(f"{meta_path}: figure '{name}' (drawn by {module_path.name}) has no alt/caption")
        svg = svg_document(
            drawing.draw(),
            title=entry["caption"]["ja"],
            desc=entry["alt"]["ja"],
            width=drawing.width,
            height=drawing.height,
        )
        built.append(Built(out_dir / f"{name}.svg", svg))
    return built


def build(content_dir: Path = CONTENT_DIR) -> list[Path]:
    """Write every step's figures; returns the files written."""
    written = []
    for module_path in figure_modules(content_dir):
        for figure in render_step(module_path):
            figure.path.parent.mkdir(exist_ok=True)
            figure.path.write_text(figure.svg, encoding="utf-8")
            written.append(figure.path)
    return written


def stale(content_dir: Path = CONTENT_DIR) -> list[Path]:
    """The committed SVGs that differ from what their figure module draws (or are missing)."""
    out = []
    for module_path in figure_modules(content_dir):
        for figure in render_step(module_path):
            if not figure.path.is_file() or figure.path.read_text(encoding="utf-8") != figure.svg:
                out.append(figure.path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tutorial.content.figures_build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed SVG is stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            outdated = stale(args.content_dir)
            for path in outdated:
                sys.stderr.write(f"{path}: not what its figures.py draws (rebuild)\n")
            return 1 if outdated else 0
        for path in build(args.content_dir):
            sys.stdout.write(f"wrote {path}\n")
    except FigureBuildError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
