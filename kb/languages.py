"""Languages a practice can be written in: the ISO 639-1 codes Django knows, and Montenegrin."""

from django.conf import global_settings

# global_settings.LANGUAGES holds untranslated names (gettext_noop), so sorting here is safe.
# Montenegrin has no two-letter code; it is one of the network's languages all the same.
CONTENT_LANGUAGES: list[tuple[str, str]] = sorted(
    [
        *((code, name) for code, name in global_settings.LANGUAGES if len(code) == 2),
        ("cnr", "Montenegrin"),
    ],
    key=lambda item: item[1],
)
LANGUAGE_CODES = frozenset(code for code, _name in CONTENT_LANGUAGES)
