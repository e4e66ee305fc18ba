"""Markdown is rendered safely: nothing executable from content reaches the page; figures and CLI blocks render."""

from __future__ import annotations

from tutorial.content.rendering import cli_for_language, find_slots, render_markdown


def no_figures(name: str) -> str:
    return f"[figure {name}]"


def test_script_tags_are_removed():
    html = render_markdown("hello <script>alert(1)</script>\n\n<script>alert(2)</script>\n", figure_html=no_figures)
    assert "<script" not in html
    assert "alert(" not in html


def test_javascript_links_are_removed():
    html = render_markdown(
        '[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">x</a> <a href=" javascript:alert(3)">y</a>\n',
        figure_html=no_figures,
    )
    # markdown-it refuses the Markdown link (it stays text); nh3 drops the href of the HTML ones.
    assert "href" not in html
    assert '<a rel="noopener noreferrer">x</a>' in html


def test_event_handlers_and_styles_are_removed():
    html = render_markdown(
        '<img src="x.png" onerror="alert(1)"> <p onclick="alert(2)" style="position:fixed">t</p>\n',
        figure_html=no_figures,
    )
    assert "onerror" not in html and "onclick" not in html and "position" not in html


def test_iframes_forms_and_svg_are_removed():
    html = render_markdown(
        '<iframe src="https://example.com"></iframe><form action="/x"><input></form><svg onload="alert(1)"></svg>\n',
        figure_html=no_figures,
    )
    assert "<iframe" not in html and "<form" not in html and "<svg" not in html and "alert(" not in html


def test_plain_links_survive_with_noopener():
    html = render_markdown("<https://docs.aws.amazon.com/>\n", figure_html=no_figures)
    assert 'href="https://docs.aws.amazon.com/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_code_blocks_get_a_copy_button():
    html = render_markdown("```\naws elbv2 describe-load-balancers\n```\n", figure_html=no_figures)
    assert "data-copy-button" in html
    assert "<pre><code>aws elbv2 describe-load-balancers" in html


def test_figure_slot_becomes_project_markup_and_code_is_left_alone():
    source = (
        '* step\n  * <img src="./assets/step5_lb_create_01.png" width="800px">\n\n'
        '```\n<img src="./assets/x.png">\n```\n'
    )
    assert [s.name for s in find_slots(source)] == ["step5_lb_create_01"]
    html = render_markdown(source, figure_html=lambda name: f'<figure data-name="{name}"></figure>')
    assert '<figure data-name="step5_lb_create_01"></figure>' in html
    assert '<code>&lt;img src="./assets/x.png"&gt;' in html  # shown as code, not turned into a figure


def test_a_slot_with_an_event_handler_is_not_a_figure_and_is_sanitised():
    html = render_markdown('<img src="./assets/a.png" onerror="alert(1)">\n', figure_html=no_figures)
    assert "alert(" not in html


def test_cli_comments_shown_only_in_their_language():
    script = (
        "#!/usr/bin/env bash\n# ja: ロードバランサーを作る\n# en: Create the load balancer\n  # ja: 字下げ\n"
        "aws elbv2 create-load-balancer --name aws-hands-on\n"
    )
    ja = cli_for_language(script, "ja")
    en = cli_for_language(script, "en")
    assert "# ロードバランサーを作る" in ja and "Create the load balancer" not in ja
    assert "  # 字下げ" in ja
    assert "# Create the load balancer" in en and "ロードバランサーを作る" not in en
    assert "#!/usr/bin/env bash" in ja and "aws elbv2 create-load-balancer --name aws-hands-on" in en


def test_figure_in_a_sentence_keeps_the_paragraph_balanced():
    html = render_markdown(
        'See <img src="./assets/a.png"> here.\n\n<img src="./assets/b.png">\n',
        figure_html=lambda n: f"<figure>{n}</figure>",
    )
    assert "<p>See <figure>a</figure> here.</p>" in html
    assert "<figure>b</figure>" in html and "<p><figure>b" not in html
