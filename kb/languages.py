"""Languages a practice can be written in: the ISO 639-1 codes Django knows."""

from django.conf import global_settings

# global_settings.LANGUAGES holds untranslated names (gettext_noop), so sorting here is safe.
CONTENT_LANGUAGES: list[tuple[str, str]] = sorted(
    ((code, name) for code, name in global_settings.LANGUAGES if len(code) == 2),
    key=lambda item: item[1],
)
LANGUAGE_CODES = frozenset(code for code, _name in CONTENT_LANGUAGES)
