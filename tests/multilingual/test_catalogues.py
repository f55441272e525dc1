"""Every interface string is in every language's catalogue, translated, and nothing is fuzzy.

The catalogues are checked with gettext itself: `msgfmt --statistics` counts what is translated,
and the strings of the code and templates, extracted by `makemessages` into a scratch copy of
the project, must all be in every catalogue (`msgcmp`).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
LOCALES = sorted(path.name for path in (ROOT / "locale").iterdir() if path.is_dir())
DOMAINS = ("django", "djangojs")
NOT_SOURCE = (".*", "var", "locale", "tests", "docs", "node_modules", "vendor", "*.pyc")


def test_every_site_language_has_a_catalogue():
    expected = {to_locale(code) for code, _name in settings.LANGUAGES}
    assert set(LOCALES) == expected - {settings.LANGUAGE_CODE}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalogue_is_complete_and_nothing_is_fuzzy(locale, domain):
    po = ROOT / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, Path]:
    """The project's strings as makemessages extracts them now, one template per domain."""
    scratch = tmp_path_factory.mktemp("messages") / "project"
    shutil.copytree(ROOT, scratch, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    (scratch / "locale").mkdir()
    templates = {}
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en", "-d", domain,
             "--keep-pot", "--no-location"],
            cwd=scratch, check=True, capture_output=True,
        )  # fmt: skip
        templates[domain] = scratch / "locale" / f"{domain}.pot"
    return templates


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_of_the_code_is_in_the_catalogue(extracted, locale, domain):
    po = ROOT / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(
        ["msgcmp", "--use-untranslated", str(po), str(extracted[domain])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"strings missing from {po.relative_to(ROOT)} (run the makemessages line in README "
        f"§ Languages and translate them):\n{result.stderr}"
    )
