"""The UI is Japanese first and English complete: every message of the Japanese catalog is translated."""

from __future__ import annotations

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def _entries() -> list[str]:
    return CATALOG.read_text(encoding="utf-8").split("\n\n")[1:]


def test_every_japanese_message_is_translated():
    untranslated = [
        re.search(r'^msgid "(.*)"', entry, re.M).group(1)
        for entry in _entries()
        if re.search(r'^msgstr(\[0\])? ""$', entry, re.M) and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.M)
    ]
    assert untranslated == []


def test_no_japanese_translation_is_left_fuzzy():
    assert [e for e in _entries() if "#, fuzzy" in e] == []
