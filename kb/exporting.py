"""Practices as JSON Lines rows (docs/import-format.md), the inverse of kb.importing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import batched
from typing import Any, TextIO

from wagtail.models import Page

from kb.models import PartnerPage, PracticePage, translations_of
from kb.text import html_to_plain

# Order of keys in an exported row, as documented in docs/import-format.md.
ROW_KEYS = (
    "ext_id", "title", "summary", "body", "problem", "approach", "results", "evidence",
    "resources", "transferability", "lessons", "partner", "organisation", "organisation_type",
    "country", "region", "themes", "target_groups", "activity_types", "policy_frameworks",
    "start_year", "end_year", "language", "source_url", "lat", "lon", "population",
    "annual_budget_eur", "cost_per_beneficiary_eur", "staff_fte", "duration_months",
    "funding_sources", "precondition_legal", "precondition_partners",
    "precondition_infrastructure", "adaptations", "contact_name", "contact_email",
    "contact_phone", "sample", "translations",
)  # fmt: skip
TRANSFER_NUMBERS = (
    "population", "annual_budget_eur", "cost_per_beneficiary_eur", "staff_fte", "duration_months",
)  # fmt: skip
PRECONDITIONS = ("precondition_legal", "precondition_partners", "precondition_infrastructure")
ADAPTATION_KEYS = ("place", "country", "year", "description", "url")
# The relations practice_to_row() reads: prefetch them to export in a fixed number of queries.
ROW_RELATIONS = (
    "themes", "activity_types", "policy_frameworks", "target_groups", "funding_sources",
    "adaptations",
)  # fmt: skip
TEXT_FIELDS = (
    "body", "problem", "approach", "results", "evidence", "resources", "transferability", "lessons",
)  # fmt: skip
# What a translation of a practice has of its own; everything else is the original's.
TRANSLATED_KEYS = ("title", "summary", *TEXT_FIELDS, *PRECONDITIONS)


def external_id(page: PracticePage) -> str:
    """The practice's stable key: its import id, or one derived from its translation key."""
    return page.external_id or f"ersi-{page.translation_key}"


def translated_texts(page: PracticePage) -> dict[str, str]:
    """A translation's own texts, as a row's `translations` holds them."""
    return {
        "title": page.title,
        "summary": page.summary,
        **{name: html_to_plain(getattr(page, name)) for name in TEXT_FIELDS},
        **{name: getattr(page, name) for name in PRECONDITIONS},
    }


def practice_to_row(
    page: PracticePage, partner_slug: str, translations: list[PracticePage] = ()
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ext_id": external_id(page),
        "title": page.title,
        "summary": page.summary,
        **{name: html_to_plain(getattr(page, name)) for name in TEXT_FIELDS},
        "partner": partner_slug,
        "organisation": page.organisation_name,
        "organisation_type": page.organisation_type.slug if page.organisation_type else None,
        "country": str(page.country) if page.country else None,
        "region": page.region,
        "themes": sorted(t.slug for t in page.themes.all()),
        "target_groups": sorted(t.slug for t in page.target_groups.all()),
        "activity_types": sorted(t.slug for t in page.activity_types.all()),
        "policy_frameworks": sorted(t.slug for t in page.policy_frameworks.all()),
        "start_year": page.start_year,
        "end_year": page.end_year,
        "language": page.language,
        "source_url": page.source_url,
        "lat": page.latitude,
        "lon": page.longitude,
        **{name: number(getattr(page, name)) for name in TRANSFER_NUMBERS},
        "funding_sources": sorted(f.slug for f in page.funding_sources.all()),
        **{name: getattr(page, name) for name in PRECONDITIONS},
        "adaptations": [adaptation_to_row(a) for a in page.adaptations.all()],
        "contact_name": page.contact_name,
        "contact_email": page.contact_email,
        "contact_phone": page.contact_phone,
        "sample": page.is_sample,
        "translations": {
            other.language: translated_texts(other)
            for other in translations
            if other.language != page.language
        },
    }
    return {key: row[key] for key in ROW_KEYS}


def number(value: Any) -> int | float | None:
    """Decimals as JSON numbers: whole ones as int, others as float."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == int(value) else float(value)


def adaptation_to_row(adaptation) -> dict[str, Any]:
    return {
        "place": adaptation.place,
        "country": str(adaptation.country) if adaptation.country else None,
        "year": adaptation.year,
        "description": adaptation.description,
        "url": adaptation.url,
    }


def iter_rows(queryset=None, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Every practice as a row, its live translations inside it, streamed in chunks with their
    relations prefetched."""
    partner_slugs = dict(PartnerPage.objects.values_list("path", "slug"))
    queryset = PracticePage.objects.originals(among_live=False) if queryset is None else queryset
    queryset = (
        queryset.select_related("organisation_type")
        .prefetch_related(*ROW_RELATIONS)
        .order_by("path")
    )
    for chunk in batched(queryset.iterator(chunk_size=chunk_size), chunk_size):
        translations = translations_of(chunk)
        for page in chunk:
            slug = partner_slugs.get(page.path[: -Page.steplen], "")
            yield practice_to_row(page, slug, translations.get(page.translation_key, []))


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
