"""The site's languages (settings.LANGUAGES, one per Wagtail locale) for routing and the switcher."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language, get_language_info, gettext


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def active_language() -> str:
    """The active site language (the default when none or an unknown one is active)."""
    code = get_language() or settings.LANGUAGE_CODE
    return code if code in site_languages() else settings.LANGUAGE_CODE


def local_name(code: str) -> str:
    """A language's name in that language ("polski", "español"), for the language switcher."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:  # a language Django does not know (practices may be written in any)
        return code


def unknown_language(code: str) -> str | None:
    """The message for a `language` parameter that is not a site language; None when it is."""
    if code in site_languages():
        return None
    return gettext("Unknown language: %(code)s. Use one of: %(codes)s.") % {
        "code": code[:20],
        "codes": ", ".join(site_languages()),
    }
