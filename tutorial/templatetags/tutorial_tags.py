"""Template helpers for the reading pages: the current page in another language, texts in the page's language."""

from __future__ import annotations

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_path(context, lang: str) -> str:
    """This page's path in `lang` (/ja/... -> /en/...), query string kept; the language switch posts it as next."""
    request = context.get("request")
    if request is None:
        return "/"
    path = translate_url(request.path, lang)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


@register.filter
def in_lang(texts, lang: str) -> str:
    """{"ja": ..., "en": ...}[lang], falling back to the first text."""
    if not isinstance(texts, dict) or not texts:
        return ""
    return texts.get(lang) or next(iter(texts.values()))
