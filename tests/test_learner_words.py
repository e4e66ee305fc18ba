"""No internal word reaches a learner's page: what the engine calls a worker, a recipe, a run, evidence or JSON is
never what a learner reads, in Japanese or English.

Scanned: every bilingual text of the provisioning layer (check messages and hints, recipe step labels, diagram
labels, the sandbox's error messages: the arguments of `t(ja, en)` and the values of {"ja": ..., "en": ...}), and
every translation used by a page a learner sees (the instructor's class pages are theirs, not the learner's).
"Run" counts as a noun only ("the last run"); the verb ("every command here runs against your sandbox") is English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INTERNAL = re.compile(
    r"(?i)\b(?:workers?|recipes?|evidence|json)\b"
    r"|\b(?:a|the|this|that|last|no|each|every|new|newest|latest|one|your|previous)\s+runs?\b"
    r"|\bruns?\s+(?:finished|started|history|failed|log|id)\b"
    r"|ワーカー|レシピ|エビデンス|ジョブ"
)
# The instructor's pages (a class, its dashboard, a student's page as the instructor sees it).
INSTRUCTOR_ONLY = re.compile(
    r"^(?:templates/classes/(?!join\.html|_notes_slot\.html|_student_notes\.html)|tutorial/classes/)"
)


def _bilingual_texts(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def text(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if isinstance(node, ast.BinOp):
            parts = [text(node.left), text(node.right)]
            return "".join(p for p in parts if p)
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t":
            out += [(node.lineno, s) for s in map(text, node.args) if s]
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            if set(keys) >= {"ja", "en"}:
                out += [(node.lineno, s) for v in node.values if (s := text(v))]
    return out


def test_no_bilingual_text_of_the_provisioning_layer_names_an_internal_word():
    offenders = []
    for path in sorted((ROOT / "provisioning").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        for line, text in _bilingual_texts(ast.parse(path.read_text(encoding="utf-8"))):
            if INTERNAL.search(text):
                offenders.append(f"{rel}:{line}: {text[:120]}")
    assert offenders == []


def _po_entries(path: Path):
    for entry in path.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not match:
            continue
        unquote = lambda block: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))  # noqa: E731
        refs = [ref.rsplit(":", 1)[0] for line in re.findall(r"^#: (.*)$", entry, re.M) for ref in line.split()]
        yield refs, unquote(match.group(1)), unquote(match.group(2))


def test_no_translation_on_a_learners_page_names_an_internal_word():
    offenders = []
    for lang in ("ja", "en"):
        for refs, msgid, msgstr in _po_entries(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"):
            if refs and all(INSTRUCTOR_ONLY.match(ref) for ref in refs):
                continue
            text = re.sub(r"%\(\w+\)s", "", msgstr or msgid)  # placeholders' names are not shown
            if INTERNAL.search(text):
                offenders.append(f"{lang} {refs[:1]}: {text[:120]}")
    assert offenders == []


def test_the_scan_finds_what_it_looks_for():
    assert INTERNAL.search("Waiting for a worker") and INTERNAL.search("ワーカーを待っています")
    assert INTERNAL.search("レシピが作ったリソース") and INTERNAL.search("The last run failed")
    assert not INTERNAL.search("Every command here runs against your sandbox")
    assert not INTERNAL.search("python manage.py runserver 0.0.0.0:8000")
    tree = ast.parse('t("レシピが作った", f"the recipe {x}")\nY = {"ja": "ジョブ", "en": "job"}')
    assert [s for _line, s in _bilingual_texts(tree)] == ["レシピが作った", "the recipe ", "ジョブ", "job"]
