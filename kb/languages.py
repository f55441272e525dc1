"""Languages a practice can be written in: the ISO 639-1 codes Django knows, and the two network
languages it does not: Maltese and Montenegrin."""

from django.conf import global_settings

# global_settings.LANGUAGES holds untranslated names (gettext_noop), so sorting here is safe.
# Montenegrin has no two-letter code and Django lists no Maltese; both are network languages.
CONTENT_LANGUAGES: list[tuple[str, str]] = sorted(
    [
        *((code, name) for code, name in global_settings.LANGUAGES if len(code) == 2),
        ("cnr", "Montenegrin"),
        ("mt", "Maltese"),
    ],
    key=lambda item: item[1],
)
LANGUAGE_CODES = frozenset(code for code, _name in CONTENT_LANGUAGES)
