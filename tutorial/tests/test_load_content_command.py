"""`manage.py load_content` prints a summary, or file:line: message for each problem and exits non-zero."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command


def test_summary_for_the_real_content():
    out = io.StringIO()
    call_command("load_content", stdout=out)
    text = out.getvalue()
    assert "aws-hands-on" in text
    assert "load-balancer: 6 sections, 15 checks, 17 figures" in text
    assert "about 48 min" in text
    assert "content OK" in text


def test_broken_pack_exits_non_zero_with_file_and_line(pack):
    pack.replace(
        "load-balancer/step.ja.md",
        "    title: ロードバランサーの作成\n",
        "    title: ロードバランサーの作成\n    checks: [alb.nope]\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("load_content", content_dir=str(pack.root), stderr=err)
    assert info.value.returncode == 1
    line = pack.line_of("load-balancer/step.ja.md", "alb.nope")
    assert f"step.ja.md:{line}: unknown check id 'alb.nope'" in err.getvalue()
