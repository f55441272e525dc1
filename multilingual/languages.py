"""The site's languages (settings.LANGUAGES) and how they meet the languages practices are written in.

A practice's `language` is an ISO 639 code (kb.languages); the site's languages are Django language
codes, one per Wagtail locale. They differ only for Serbian: the site speaks "sr-latn".
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language, get_language_info

SITE_FOR_CONTENT = {"sr": "sr-latn"}


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def site_language_for(content_language: str | None) -> str | None:
    """The site language (and Wagtail locale) a text in `content_language` belongs to, if any."""
    if not content_language:
        return None
    code = SITE_FOR_CONTENT.get(content_language, content_language)
    return code if code in site_languages() else None


def content_language_for(site_language: str) -> str:
    return {site: content for content, site in SITE_FOR_CONTENT.items()}.get(
        site_language, site_language
    )


def active_language() -> str:
    """The active site language (the default when none or an unknown one is active)."""
    code = get_language() or settings.LANGUAGE_CODE
    return code if code in site_languages() else settings.LANGUAGE_CODE


def local_name(code: str) -> str:
    """A language's name in that language ("polski", "español"), for the language switcher."""
    return get_language_info(code)["name_local"]
