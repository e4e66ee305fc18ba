"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises, then the project adds figures and copy buttons.

Figure slots (the seed's `<img src="./assets/NAME.png">`) become a placeholder before sanitising and the project's
own, escaped figure markup after it, so content can never smuggle markup through a figure.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

# The seed's screenshot slot, e.g. <img src="./assets/step5_lb_create_01.png" width="800px">
SLOT_RE = re.compile(r"""^\s*<img\s+[^>]*?src\s*=\s*["']\./assets/([A-Za-z0-9_-]+)\.png["'][^>]*>\s*$""", re.I)
# Private-use brackets: cannot be typed by accident and survive sanitising as plain text.
_PLACEHOLDER = "\ue000figure:{}\ue001"
# A placeholder alone in a paragraph replaces the whole paragraph (a <figure> may not sit inside a <p>).
_PLACEHOLDER_RE = re.compile(r"<p>\ue000figure:([A-Za-z0-9_-]+)\ue001</p>|\ue000figure:([A-Za-z0-9_-]+)\ue001")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
}
INLINE_TAGS = {"a", "abbr", "b", "br", "code", "del", "em", "i", "kbd", "s", "strong", "sub", "sup"}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class FigureSlot:
    name: str
    line: int  # 0-based line within the rendered chunk


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.push("figure_slots", _figure_slots_rule)
    return md


def _figure_slots_rule(state) -> None:
    """Turn each slot into a placeholder and record it (code blocks are untouched: they are not html tokens)."""
    slots: list[FigureSlot] = state.env.setdefault("figure_slots", [])
    for token in state.tokens:
        if token.type == "html_block":
            match = SLOT_RE.match(token.content)
            if match:
                slots.append(FigureSlot(match.group(1), token.map[0] if token.map else 0))
                token.content = _PLACEHOLDER.format(match.group(1)) + "\n"
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "html_inline":
                    match = SLOT_RE.match(child.content)
                    if match:
                        slots.append(FigureSlot(match.group(1), token.map[0] if token.map else 0))
                        child.type = "text"
                        child.content = _PLACEHOLDER.format(match.group(1))


_MD = _markdown()


def sanitize(raw_html: str, *, inline: bool = False) -> str:
    """Keep only harmless markup: no script, no event handlers, no javascript: URLs, no inline styles but alignment."""
    return nh3.clean(
        raw_html,
        tags=INLINE_TAGS if inline else ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def render_inline(text: str) -> SafeString:
    """One line of Markdown (a heading) to sanitised inline HTML."""
    return mark_safe(sanitize(_MD.renderInline(text), inline=True))  # noqa: S308 (sanitised just above)


def find_slots(markdown_text: str) -> list[FigureSlot]:
    """The figure slots of a chunk, in order, with their lines (for validation)."""
    env: dict = {}
    _MD.parse(markdown_text, env)
    return list(env.get("figure_slots", []))


def render_markdown(markdown_text: str, *, figure_html: Callable[[str], str]) -> SafeString:
    """Render a chunk: sanitise the author's HTML, then put in figures and copy buttons (project markup)."""
    env: dict = {}
    clean = sanitize(_MD.render(markdown_text, env))
    clean = _PLACEHOLDER_RE.sub(lambda m: figure_html(m.group(1) or m.group(2)), clean)
    clean = add_copy_buttons(clean)
    return mark_safe(clean)  # noqa: S308 (sanitised, then only project markup added)


def add_copy_buttons(clean_html: str) -> str:
    """Wrap every code block with a copy button (sanitised <pre> tags carry no attributes, so this is exact)."""
    button = format_html(
        '<div class="code-block"><button type="button" class="copy-button" data-copy-button '
        'data-copied-label="{}">{}</button><pre>',
        _("Copied"),
        _("Copy"),
    )
    return clean_html.replace("<pre>", button).replace("</pre>", "</pre></div>")


def code_block_html(code: str) -> SafeString:
    """A code block with a copy button, for project-provided code (the AWS CLI blocks)."""
    return mark_safe(add_copy_buttons(f"<pre><code>{html.escape(code)}</code></pre>"))  # noqa: S308 (escaped)


def cli_for_language(script: str, lang: str, languages: tuple[str, ...] = ("ja", "en")) -> str:
    """A section's CLI script for one language: `# ja:` comments only in Japanese, `# en:` only in English."""
    lang_re = re.compile(r"^(\s*)#\s?(" + "|".join(map(re.escape, languages)) + r"):\s?(.*)$")
    out = []
    for line in script.splitlines():
        match = lang_re.match(line)
        if match:
            indent, line_lang, rest = match.groups()
            if line_lang != lang:
                continue
            line = f"{indent}# {rest}".rstrip()
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
