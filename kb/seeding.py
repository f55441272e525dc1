"""Seed the starting vocabulary and the 23 ERSI partners. Safe to run again: it only adds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from wagtail.models import Locale, Page

from kb.models import (
    ActivityType,
    Assessment,
    CollectionIndexPage,
    CollectionItem,
    CollectionPage,
    FundingSource,
    OrganisationType,
    PartnerIndexPage,
    PartnerPage,
    PolicyFramework,
    PracticePage,
    TargetGroup,
    Theme,
)
from kb.text import plain_to_html
from multilingual.languages import site_languages

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_FILE = DATA_DIR / "taxonomy.json"
PARTNERS_FILE = DATA_DIR / "partners.json"
DEMO_PRACTICES_FILE = DATA_DIR / "demo_practices.jsonl"
# Practices written in the partners' languages, some with translations (docs/import-format.md).
DEMO_MULTILINGUAL_FILE = DATA_DIR / "demo_practices_multilingual.jsonl"
DEMO_PRACTICES_FILES = {
    "Demo practices": DEMO_PRACTICES_FILE,
    "Demo practices in the partners' languages": DEMO_MULTILINGUAL_FILE,
}
DEMO_CURATION_FILE = DATA_DIR / "demo_curation.json"

TAXONOMY_MODELS = {
    "themes": Theme,
    "organisation_types": OrganisationType,
    "activity_types": ActivityType,
    "policy_frameworks": PolicyFramework,
    "funding_sources": FundingSource,
    "target_groups": TargetGroup,
}


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.existing} already there"


@transaction.atomic
def seed_taxonomy(path: Path = TAXONOMY_FILE) -> SeedReport:
    """Create missing terms by slug; names edited in the CMS are left alone."""
    data = json.loads(path.read_text(encoding="utf-8"))
    report = SeedReport()
    for key, model in TAXONOMY_MODELS.items():
        for term in data.get(key, []):
            defaults = {"name": term["name"]}
            if "description" in term and model is not TargetGroup:
                defaults["description"] = term["description"]
            _obj, created = model.objects.get_or_create(slug=term["slug"], defaults=defaults)
            report.created += created
            report.existing += not created
    return report


@transaction.atomic
def seed_partners(home: Page, path: Path = PARTNERS_FILE) -> SeedReport:
    """Create the partner index under `home` and one published page per missing partner."""
    data = json.loads(path.read_text(encoding="utf-8"))
    index = _index_page(
        home,
        PartnerIndexPage,
        "Partners",
        "The European Regions for Social Inclusion network brings together public authorities "
        "and civil-society organisations from ten countries. Each partner shares the practices "
        "it knows best.",
    )
    org_types = {t.slug: t for t in OrganisationType.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    existing = set(PartnerPage.objects.child_of(index).values_list("slug", flat=True))
    report = SeedReport(existing=len(existing & {p["slug"] for p in data["partners"]}))
    for partner in data["partners"]:
        if partner["slug"] in existing:
            continue
        page = PartnerPage(
            title=partner["name"],
            slug=partner["slug"],
            partner_number=partner.get("no"),
            is_lead=partner.get("lead", False),
            country=partner["country"],
            city=partner["city"],
            organisation_type=org_types.get(partner.get("type")),
            profile=plain_to_html(partner.get("profile", "")),
            roles="\n".join(partner.get("roles", [])),
            latitude=partner.get("lat"),
            longitude=partner.get("lon"),
        )
        page.expertise.set([themes[slug] for slug in partner.get("themes", []) if slug in themes])
        index.add_child(instance=page)
        page.save_revision().publish()
        report.created += 1
    return report


def seed_language_trees(home: Page, languages: list[str] | None = None) -> SeedReport:
    """Every site language gets the home page, the partner index and the partners as aliases
    (Wagtail keeps them in step with the English pages), so that a practice can be translated
    into any language from the admin: Wagtail's "Translate" needs the parent in that language."""
    report = SeedReport()
    pages = [
        home,
        *PartnerIndexPage.objects.child_of(home),
        *PartnerPage.objects.descendant_of(home),
    ]
    for code in languages or site_languages():
        if code == settings.LANGUAGE_CODE:
            continue
        locale = Locale.objects.get_or_create(language_code=code)[0]
        for page in pages:  # parents first: home, index, partners
            if page.has_translation(locale):
                report.existing += 1
                continue
            page.copy_for_translation(locale, copy_parents=True, alias=True)
            report.created += 1
    return report


def _index_page(home: Page, model, title: str, intro: str):
    """The published index page of `model` under `home`, created when missing."""
    index = model.objects.child_of(home).first()
    if index is None:
        index = model(title=title, slug=title.lower(), intro=plain_to_html(intro))
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


@transaction.atomic
def seed_collection_index(home: Page) -> CollectionIndexPage:
    """The /collections/ page, where the expert panel publishes curated collections."""
    return _index_page(
        home,
        CollectionIndexPage,
        "Collections",
        "Selections of practices put together by the network's expert panel, each with a note "
        "on why the practice is in it and what to look at.",
    )


@transaction.atomic
def seed_demo_curation(index: CollectionIndexPage, path: Path = DEMO_CURATION_FILE) -> SeedReport:
    """Demo assessments (for practices that have none) and collections (by slug, if missing)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    practices = {p.external_id: p for p in PracticePage.objects.exclude(external_id=None)}
    report = SeedReport()
    for fields in data.get("assessments", []):
        practice = practices.get(fields["practice"])
        if practice is None or practice.assessments.exists():
            report.existing += 1
            continue
        Assessment.objects.create(**{**fields, "practice": practice})
        report.created += 1
    existing = set(CollectionPage.objects.child_of(index).values_list("slug", flat=True))
    for collection in data.get("collections", []):
        if collection["slug"] in existing:
            report.existing += 1
            continue
        page = CollectionPage(
            title=collection["title"],
            slug=collection["slug"],
            intro=plain_to_html(collection["intro"]),
            featured=collection.get("featured", False),
        )
        listed = [item for item in collection["items"] if item["practice"] in practices]
        page.items = [
            CollectionItem(practice=practices[item["practice"]], note=item["note"], sort_order=n)
            for n, item in enumerate(listed)
        ]
        index.add_child(instance=page)
        page.save_revision().publish()
        report.created += 1
    return report
