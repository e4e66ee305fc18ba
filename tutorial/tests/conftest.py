"""Fixtures for the reading side: a writable copy of the real content pack, to break or extend in a test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

PACK = "aws-hands-on"
STEP = "load-balancer"


class PackCopy:
    """A copy of content/ under tmp_path with helpers to edit its files."""

    def __init__(self, root: Path):
        self.root = root
        self.tutorial = root / PACK
        self.step = root / PACK / STEP

    def path(self, relative: str) -> Path:
        return self.tutorial / relative

    def replace(self, relative: str, old: str, new: str, count: int = 1) -> None:
        path = self.path(relative)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def line_of(self, relative: str, needle: str) -> int:
        """1-based line of the first line containing `needle` (after edits)."""
        for number, line in enumerate(self.path(relative).read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {relative}")


@pytest.fixture
def pack(tmp_path) -> PackCopy:
    root = tmp_path / "content"
    shutil.copytree(Path(settings.CONTENT_DIR), root, ignore=shutil.ignore_patterns("cli"))
    return PackCopy(root)


@pytest.fixture
def use_pack(pack, settings) -> PackCopy:
    """Point the site at the copy (the cache is keyed by directory, so nothing leaks between tests)."""
    settings.CONTENT_DIR = pack.root
    return pack


@pytest.fixture
def override_dir(tmp_path, settings) -> Path:
    path = tmp_path / "override"
    path.mkdir()
    settings.CONTENT_OVERRIDE_DIR = path
    return path
