"""Import practices from JSON Lines (docs/import-format.md), one validated row at a time.

A row that fails validation or saving writes nothing; good rows are imported; a dry run only
validates. The same `ext_id` always updates the same practice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django_countries import countries

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify

from wagtail.coreutils import find_available_slug
from wagtail.models import Locale

from kb.exporting import (
    ADAPTATION_KEYS,
    PRECONDITIONS,
    ROW_KEYS,
    TEXT_FIELDS,
    TRANSLATED_KEYS,
    practice_to_row,
    translated_texts,
)
from kb.languages import LANGUAGE_CODES
from kb.models import (
    ActivityType,
    FundingSource,
    OrganisationType,
    PartnerPage,
    PolicyFramework,
    PracticeAdaptation,
    PracticePage,
    TargetGroup,
    Theme,
)
from kb.text import html_to_plain, normalise_plain, plain_to_html
from multilingual.languages import site_languages
from multilingual.machine import paused as machine_translation_paused

MIN_YEAR, MAX_YEAR = 1950, 2100
MAX_LENGTHS = {
    "ext_id": 100, "title": 255, "summary": 600, "organisation": 255, "region": 255,
    "source_url": 500, "contact_name": 255, "contact_email": 254, "contact_phone": 50,
}  # fmt: skip
LIST_FIELDS = {
    "themes": ("theme", Theme),
    "target_groups": ("target group", TargetGroup),
    "activity_types": ("activity type", ActivityType),
    "policy_frameworks": ("policy framework", PolicyFramework),
    "funding_sources": ("funding source", FundingSource),
}
# Transfer figures: key -> (whole numbers only, minimum, maximum)
NUMBERS = {
    "population": (True, 0, 2_000_000_000),
    "annual_budget_eur": (True, 0, 2_000_000_000),
    "cost_per_beneficiary_eur": (False, 0, 99_999_999),
    "staff_fte": (False, 0, 99_999),
    "duration_months": (True, 1, 1200),
}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"line {self.line}: {where}{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self) -> int:
        return len({error.line for error in self.errors})

    def __str__(self) -> str:
        verb = "would be " if self.dry_run else ""
        return (
            f"{self.created} {verb}created, {self.updated} {verb}updated, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


class Vocabulary:
    """Slug -> object maps for everything a row may refer to, loaded once per import."""

    def __init__(self) -> None:
        # Rows name partners by their slug in the default language's tree.
        self.partners = {p.slug: p for p in PartnerPage.objects.filter(locale=Locale.get_default())}
        self.organisation_types = {t.slug: t for t in OrganisationType.objects.all()}
        self.lists = {
            key: {term.slug: term for term in model.objects.all()}
            for key, (_label, model) in LIST_FIELDS.items()
        }


def read_lines(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(line number, parsed object or error) for every non-blank, non-comment line."""
    for number, text in enumerate(lines, start=1):
        text = text.strip().lstrip("\ufeff")
        if not text or text.startswith("//"):
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, RowError(number, "", f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(data, dict):
            yield number, RowError(number, "", "each line must be a JSON object {...}")
            continue
        yield number, data


def clean_row(data: dict[str, Any], vocab: Vocabulary, default_partner: str | None) -> dict:
    """Validate a row and return it in the exported shape; raises RowInvalid with every problem."""
    errors: list[tuple[str, str]] = []
    row: dict[str, Any] = {}

    unknown = sorted(set(data) - set(ROW_KEYS))
    if unknown:
        errors.append((", ".join(unknown), "unknown key (see docs/import-format.md)"))

    def text(key: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append((key, f"must be a string, not {type(value).__name__}"))
            return ""
        multiline = key in TEXT_FIELDS or key in PRECONDITIONS
        value = normalise_plain(value) if multiline else " ".join(value.split())
        if required and not value:
            errors.append((key, "is required"))
        if key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
            errors.append(
                (key, f"is {len(value)} characters long; the limit is {MAX_LENGTHS[key]}")
            )
        return value

    for key in ("ext_id", "title"):
        row[key] = text(key, required=True)
    for key in ("summary", *TEXT_FIELDS, "organisation", "region", "contact_name",
                "contact_email", "contact_phone", "source_url", *PRECONDITIONS):  # fmt: skip
        row[key] = text(key)

    row["partner"] = text("partner") or default_partner or ""
    if not row["partner"]:
        errors.append(("partner", "is required (or give --partner)"))
    elif row["partner"] not in vocab.partners:
        errors.append(("partner", f"unknown partner '{row['partner']}'"))

    org_type = text("organisation_type") or None
    if org_type and org_type not in vocab.organisation_types:
        known = ", ".join(sorted(vocab.organisation_types))
        errors.append(
            ("organisation_type", f"unknown organisation type '{org_type}' (known: {known})")
        )
    row["organisation_type"] = org_type

    country = text("country").upper() or None
    if country and country not in countries:
        errors.append(("country", f"'{country}' is not an ISO 3166-1 alpha-2 country code"))
    row["country"] = country

    for key, (label, _model) in LIST_FIELDS.items():
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append((key, 'must be a list of slugs, e.g. ["employment"]'))
            value = []
        known = vocab.lists[key]
        for slug in value:
            if slug not in known:
                errors.append(
                    (key, f"unknown {label} '{slug}' (known: {', '.join(sorted(known))})")
                )
        row[key] = sorted(set(value))

    for key in ("start_year", "end_year"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append((key, f"must be a whole number (a year) or null, not {value!r}"))
            value = None
        if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
            errors.append((key, f"{value} is not a year between {MIN_YEAR} and {MAX_YEAR}"))
        row[key] = value
    if row["start_year"] and row["end_year"] and row["end_year"] < row["start_year"]:
        errors.append(("end_year", f"{row['end_year']} is before start_year {row['start_year']}"))

    row["language"] = text("language").lower() or "en"
    if row["language"] not in LANGUAGE_CODES:
        errors.append(("language", f"'{row['language']}' is not an ISO 639-1 language code"))

    if row["source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(row["source_url"])
        except ValidationError:
            errors.append(("source_url", f"'{row['source_url']}' is not an http(s) link"))
    if row["contact_email"]:
        try:
            EmailValidator()(row["contact_email"])
        except ValidationError:
            errors.append(("contact_email", f"'{row['contact_email']}' is not an e-mail address"))

    for key, limit in (("lat", 90), ("lon", 180)):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            errors.append((key, f"must be a number or null, not {value!r}"))
            value = None
        if value is not None and not -limit <= value <= limit:
            errors.append((key, f"{value} is outside -{limit}..{limit}"))
        row[key] = float(value) if value is not None else None
    if (row["lat"] is None) != (row["lon"] is None):
        errors.append(("lat/lon", "give both coordinates or neither"))

    for key, (whole, low, high) in NUMBERS.items():
        row[key] = clean_number(key, data.get(key), whole, low, high, errors)
    row["adaptations"] = clean_adaptations(data.get("adaptations"), errors)

    row["translations"] = clean_translations(data.get("translations"), row["language"], errors)

    sample = data.get("sample", False)
    if not isinstance(sample, bool):
        errors.append(("sample", "must be true or false"))
    row["sample"] = sample is True

    if errors:
        raise RowInvalid(errors)
    return {key: row[key] for key in ROW_KEYS}


def clean_number(key, value, whole, low, high, errors) -> int | float | None:
    kind = "a whole number" if whole else "a number"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (whole and value % 1):
        errors.append((key, f"must be {kind} or null, not {value!r}"))
        return None
    if not low <= value <= high:
        errors.append((key, f"{value} is outside {low}..{high}"))
        return None
    return int(value) if value % 1 == 0 else round(float(value), 2)


def clean_adaptations(value, errors) -> list[dict[str, Any]]:
    """A list of {place, country, year, description, url}; only place is required."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.append(("adaptations", 'must be a list of objects, e.g. [{"place": "Gdańsk"}]'))
        return []
    cleaned = []
    for number, item in enumerate(value, start=1):
        where = f"adaptations[{number}]"
        unknown = sorted(set(item) - set(ADAPTATION_KEYS))
        if unknown:
            errors.append((where, f"unknown key {', '.join(unknown)}"))
        texts = {}
        for key in ("place", "country", "description", "url"):
            text = item.get(key) or ""
            if not isinstance(text, str):
                errors.append((f"{where}.{key}", "must be a string"))
                text = ""
            texts[key] = text.strip()
        if not texts["place"]:
            errors.append((f"{where}.place", "is required"))
        country = texts["country"].upper() or None
        if country and country not in countries:
            errors.append((f"{where}.country", f"'{country}' is not an ISO 3166-1 alpha-2 code"))
        year = item.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR
        ):
            errors.append((f"{where}.year", f"{year!r} is not a year"))
            year = None
        if texts["url"]:
            try:
                URLValidator(schemes=["http", "https"])(texts["url"])
            except ValidationError:
                errors.append((f"{where}.url", f"'{texts['url']}' is not an http(s) link"))
        cleaned.append({**texts, "country": country, "year": year})
    return [{key: item[key] for key in ADAPTATION_KEYS} for item in cleaned]


def clean_translations(value, language: str, errors) -> dict[str, dict[str, str]]:
    """`{"en": {"title": ..., "summary": ..., "approach": ...}, ...}`: the practice's own texts in
    other site languages (each becomes a Wagtail translation of the page)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(("translations", 'must be an object such as {"en": {"title": "..."}}'))
        return {}
    cleaned = {}
    for code, texts in sorted(value.items()):
        where = f"translations.{code}"
        if code not in site_languages():
            errors.append((where, f"'{code}' is not one of the site's languages"))
            continue
        if code == language:
            errors.append((where, "is the practice's own language"))
            continue
        if not isinstance(texts, dict):
            errors.append((where, "must be an object of texts"))
            continue
        unknown = sorted(set(texts) - set(TRANSLATED_KEYS))
        if unknown:
            errors.append(
                (where, f"unknown key {', '.join(unknown)} (a translation has only texts)")
            )
        clean = {}
        for key in TRANSLATED_KEYS:
            text = texts.get(key) or ""
            if not isinstance(text, str):
                errors.append((f"{where}.{key}", "must be a string"))
                text = ""
            clean[key] = (
                normalise_plain(text) if key not in ("title", "summary") else " ".join(text.split())
            )
            if key in MAX_LENGTHS and len(clean[key]) > MAX_LENGTHS[key]:
                errors.append((f"{where}.{key}", f"is longer than {MAX_LENGTHS[key]} characters"))
        if not clean["title"]:
            errors.append((f"{where}.title", "is required"))
        cleaned[code] = clean
    return cleaned


def apply_row(page: PracticePage, row: dict[str, Any], vocab: Vocabulary) -> None:
    """Copy a clean row onto a page in memory (relations included, nothing saved)."""
    page.external_id = row["ext_id"]
    page.title = row["title"]
    page.summary = row["summary"]
    for name in TEXT_FIELDS:
        setattr(page, name, plain_to_html(row[name]))
    page.organisation_name = row["organisation"]
    page.organisation_type = vocab.organisation_types.get(row["organisation_type"])
    page.country = row["country"] or ""
    page.region = row["region"]
    page.start_year, page.end_year = row["start_year"], row["end_year"]
    page.language = row["language"]
    page.source_url = row["source_url"]
    page.latitude, page.longitude = row["lat"], row["lon"]
    page.contact_name = row["contact_name"]
    page.contact_email = row["contact_email"]
    page.contact_phone = row["contact_phone"]
    page.is_sample = row["sample"]
    for name in NUMBERS:
        value = row[name]
        setattr(page, name, Decimal(str(value)) if isinstance(value, float) else value)
    for name in PRECONDITIONS:
        setattr(page, name, row[name])
    page.adaptations = [
        PracticeAdaptation(**{**item, "country": item["country"] or ""})
        for item in row["adaptations"]
    ]
    for key in LIST_FIELDS:
        getattr(page, key).set([vocab.lists[key][slug] for slug in row[key]])


def apply_translation(page: PracticePage, language: str, texts: dict[str, str]) -> None:
    page.language = language
    page.machine_translated = False  # a person's translation, given in the row
    page.title, page.summary = texts["title"], texts["summary"]
    for name in TEXT_FIELDS:
        setattr(page, name, plain_to_html(texts[name]))
    for name in PRECONDITIONS:
        setattr(page, name, texts[name])


def locale_for(language: str) -> Locale:
    """The locale whose tree holds a practice written in this language: its own where the site
    has that language, else the default one."""
    if language not in site_languages():
        return Locale.get_default()
    return Locale.objects.get_or_create(language_code=language)[0]


def partner_in(partner: PartnerPage, locale: Locale) -> PartnerPage:
    """The partner's page in a locale's tree, made the first time a practice needs it as an
    alias (Wagtail keeps it in step with the partner's page, like the parents it copies along):
    it holds the practices written in that language."""
    if partner.locale_id == locale.pk:
        return partner
    return partner.get_translation_or_none(locale) or partner.copy_for_translation(
        locale, copy_parents=True, alias=True
    )


class PracticeImporter:
    def __init__(
        self,
        *,
        default_partner: str | None = None,
        publish: bool = False,
        dry_run: bool = False,
        user=None,
    ) -> None:
        self.default_partner = default_partner
        self.publish = publish
        self.dry_run = dry_run
        self.user = user
        self.vocab = Vocabulary()
        self.report = ImportReport(dry_run=dry_run)
        self._seen_ext_ids: dict[str, int] = {}

    def run(self, lines: Iterable[str]) -> ImportReport:
        for number, parsed in read_lines(lines):
            if isinstance(parsed, RowError):
                self.report.errors.append(parsed)
                continue
            self.import_row(number, parsed)
        return self.report

    def import_row(self, number: int, data: dict[str, Any]) -> None:
        try:
            row = clean_row(data, self.vocab, self.default_partner)
            first = self._seen_ext_ids.setdefault(row["ext_id"], number)
            if first != number:
                raise RowInvalid(
                    [("ext_id", f"'{row['ext_id']}' already appeared on line {first}")]
                )
            outcome = self._save(row)
        except RowInvalid as exc:
            self.report.errors.extend(RowError(number, f, m) for f, m in exc.errors)
            return
        except ValidationError as exc:
            self.report.errors.extend(
                RowError(number, f, " ".join(str(m) for m in msgs))
                for f, msgs in exc.message_dict.items()
            )
            return
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)

    def _save(self, row: dict[str, Any]) -> str:
        partner = self.vocab.partners[row["partner"]]
        page = PracticePage.objects.filter(external_id=row["ext_id"]).first()
        if page is None:
            if not self.dry_run:
                with transaction.atomic():
                    page = self._create(partner, row)
                    self._save_translations(page, row)
            return "created"
        current_partner = page.get_parent()
        before = practice_to_row(page, current_partner.slug)
        apply_row(page, row, self.vocab)
        same = practice_to_row(page, partner.slug) == before and (
            not self.publish or (page.live and not page.has_unpublished_changes)
        )
        if same and not self._translations_changed(page, row):
            return "unchanged"
        if not self.dry_run:
            with transaction.atomic():
                target = partner_in(partner, page.locale)
                if current_partner.pk != target.pk:
                    # Moving reloads the page, dropping the values applied in memory.
                    page.move(target, pos="last-child", user=self.user)
                    page = PracticePage.objects.get(pk=page.pk)
                    apply_row(page, row, self.vocab)
                if not same:
                    page.full_clean()
                    self._save_revision(page)
                self._save_translations(page, row)
        return "updated"

    def _create(self, partner: PartnerPage, row: dict[str, Any]) -> PracticePage:
        parent = partner_in(partner, locale_for(row["language"]))
        page = PracticePage(live=self.publish)
        apply_row(page, row, self.vocab)
        page.slug = find_available_slug(parent, slugify(row["title"])[:80] or "practice")
        parent.add_child(instance=page)
        self._save_revision(page)
        return page

    def _translations_changed(self, page: PracticePage, row: dict[str, Any]) -> bool:
        for code, texts in row["translations"].items():
            translation = page.get_translation_or_none(locale_for(code))
            if translation is None or translated_texts(translation) != {
                **texts,
                **{name: html_to_plain(plain_to_html(texts[name])) for name in TEXT_FIELDS},
            }:
                return True
            if self.publish and (not translation.live or translation.has_unpublished_changes):
                return True
        return False

    def _save_translations(self, page: PracticePage, row: dict[str, Any]) -> None:
        """Each translation as the page's copy in that language's tree (Wagtail's i18n),
        created the first time and updated with the texts after that."""
        for code, texts in row["translations"].items():
            locale = locale_for(code)
            translation = page.get_translation_or_none(locale)
            if translation is None:
                with machine_translation_paused():  # the row brings the texts
                    translation = page.copy_for_translation(locale, copy_parents=True)
            translation = PracticePage.objects.get(pk=translation.pk)
            apply_translation(translation, code, texts)
            translation.full_clean()
            self._save_revision(translation)

    def _save_revision(self, page: PracticePage) -> None:
        revision = page.save_revision(user=self.user, log_action="wagtail.edit")
        if self.publish:
            revision.publish(user=self.user)
