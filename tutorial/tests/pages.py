"""A small HTML reader for page tests: headings, figures, sections and the visible text of a page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Figure:
    id: str
    src: str = ""
    alt: str = ""
    caption: str = ""
    section: str = ""


@dataclass
class Page:
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    figures: list[Figure] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    text: str = ""
    links: list[str] = field(default_factory=list)
    checks_by_section: dict[str, list[str]] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._heading: tuple[str, list[str]] | None = None
        self._figure: Figure | None = None
        self._caption: list[str] | None = None
        self._section = ""
        self._skip = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])
        if tag == "section" and a.get("id"):
            self._section = a["id"]
            self.page.sections.append(a["id"])
        if tag == "figure":
            self._figure = Figure(id=a.get("id", ""), section=self._section)
        if tag == "img" and self._figure is not None:
            self._figure.src, self._figure.alt = a.get("src", ""), a.get("alt", "")
        if tag == "figcaption":
            self._caption = []
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        if a.get("data-check-id"):
            self.page.checks_by_section.setdefault(self._section, []).append(a["data-check-id"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if self._heading and tag == self._heading[0]:
            self.page.headings.append((tag, squash("".join(self._heading[1]))))
            self._heading = None
        if tag == "figcaption" and self._figure is not None and self._caption is not None:
            self._figure.caption = squash("".join(self._caption))
            self._caption = None
        if tag == "figure" and self._figure is not None:
            self.page.figures.append(self._figure)
            self._figure = None

    def handle_data(self, data):
        if self._skip:
            return
        self._text.append(data)
        if self._heading:
            self._heading[1].append(data)
        if self._caption is not None:
            self._caption.append(data)


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.page.text = squash(" ".join(reader._text))
    return reader.page
