"""Data and Hypothesis profiles for the fuzzed public surface (docs/fuzzing.md).

Profiles: `ersi` (the normal test run, a few hundred requests in all) and `fuzz` (`make fuzz`,
over 10,000); HYPOTHESIS_PROFILE picks one, FUZZ_EXAMPLES overrides the number of examples.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from django.conf import settings as django_settings
from django.core.cache import caches

from ersi_practices.settings import base as base_settings
from kb.models import PartnerPage, TargetGroup, Theme
from search.embeddings import embed_practices
from search.service import facet_vocabulary
from tests.factories import PracticePageFactory

# The scopes limited in production; the test settings switch them off.
PRODUCTION_LIMITS = base_settings.RATE_LIMITS
EXAMPLES = {"ersi": 300, "fuzz": 12_000}  # requests, spread over the 12 operations


def register_profiles() -> None:
    common = {
        "deadline": None,  # a request's time depends on the load of the machine
        # One database and one client for all the examples of a test, on purpose: each
        # example's request runs in a savepoint that is rolled back (test_public_surface.py).
        "suppress_health_check": [
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        "database": DirectoryBasedExampleDatabase(django_settings.BASE_DIR / "var" / "hypothesis"),
        "print_blob": True,
    }
    override = os.environ.get("FUZZ_EXAMPLES")
    for name, examples in EXAMPLES.items():
        settings.register_profile(
            name, max_examples=int(override) if override else examples, **common
        )


register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ersi"))


@dataclass
class Surface:
    """What the generated requests may name: real ids and facet values, beside made-up ones."""

    practice_ids: list[int]
    draft_id: int
    partner_ids: list[int]
    other_page_id: int  # a page of another type (the home page)
    vocabulary: dict[str, list[str]]


@pytest.fixture
def surface(partners, settings) -> Surface:
    """Four published practices (words, embeddings, transfer figures) and a draft.

    The rate limits stay on but are raised out of reach, for these tests only; the limits
    themselves are exercised on purpose by the examples that tighten them.
    """
    settings.RATE_LIMITS = dict.fromkeys(PRODUCTION_LIMITS, (10**9, 60))
    caches[settings.RATE_LIMIT_CACHE].clear()
    theme = Theme.objects.get
    group = TargetGroup.objects.get
    made = [
        PracticePageFactory(
            parent=partners["wsx-enterprise"], title="Housing First for rough sleepers",
            summary="Flats first, then support, for people sleeping rough.", country="GB",
            start_year=2020, themes=[theme(slug="housing-homelessness")],
            target_groups=[group(slug="homeless-people")], population=480_000,
            annual_budget_eur=900_000, staff_fte=Decimal("6.5"),
            funding_sources=["esf-plus", "municipal"], latitude=50.9, longitude=-0.1,
        ),
        PracticePageFactory(
            parent=partners["brzeziny"], title="Social cooperative canteens", country="PL",
            region="Brzeziny", start_year=2015, end_year=2019,
            themes=[theme(slug="social-economy")],
            target_groups=[group(slug="long-term-unemployed")], population=30_000,
            contact_email="kitchens@example.org",
        ),
        PracticePageFactory(
            parent=partners["kraslava"], title="Home visits to older people",
            summary="Volunteers visit older residents living alone.", country="LV",
            start_year=2012, themes=[theme(slug="active-ageing")],
            target_groups=[group(slug="older-people")], language="lv",
        ),
        PracticePageFactory(
            parent=partners["mechelen"], title="Childcare places", country="BE",
            start_year=2021, annual_budget_eur=120_000,
        ),
    ]  # fmt: skip
    for page in made:
        page.save_revision().publish()
    embed_practices([page.pk for page in made])
    draft = PracticePageFactory(parent=partners["brzeziny"], title="Unpublished draft", live=False)
    return Surface(
        practice_ids=[page.pk for page in made],
        draft_id=draft.pk,
        partner_ids=list(PartnerPage.objects.values_list("pk", flat=True)[:5]),
        other_page_id=partners["brzeziny"].get_parent().get_parent().pk,
        vocabulary={name: sorted(values) for name, values in facet_vocabulary().items()},
    )


def pytest_terminal_summary(terminalreporter) -> None:
    """Requests sent and answers per operation (docs/fuzzing.md records them)."""
    module = sys.modules.get("tests.fuzz.test_public_surface")
    if module is None or not module.SENT:
        return
    SENT, STATUSES = module.SENT, module.STATUSES  # noqa: N806
    write = terminalreporter.write_line
    write(f"{'operation':<40} {'requests':>8}  answers")
    for key in sorted(SENT):
        answers = " ".join(f"{code}:{n}" for code, n in sorted(STATUSES[key].items()))
        write(f"{key:<40} {SENT[key]:>8}  {answers}")
    write(f"{'total':<40} {sum(SENT.values()):>8}")
