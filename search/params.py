"""The search parameters of /search/ and /api/search/, validated with clear messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_countries import countries

from django.http import QueryDict
from django.utils.translation import gettext as _

from search.engines.base import Sort

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MIN_YEAR, MAX_YEAR = 1900, 2100
# Keeps the engines' offsets ((page - 1) * page_size) well inside a 64-bit integer.
MAX_PAGE = 2**31 - 1
# A number of more digits than this is past every limit (and int() refuses 4,300 digits).
MAX_DIGITS = 18
SORTS: tuple[Sort, ...] = ("relevance", "newest", "title")
# `transferred` (a checkbox sends "1"; the API takes true/false too)
TRUE_VALUES, FALSE_VALUES = ("1", "true", "on", "yes"), ("", "0", "false", "off", "no")
# URL parameter -> facet name
FACET_PARAMS = {
    "theme": "theme",
    "target_group": "target_group",
    "country": "country",
    "partner": "partner",
    "org_type": "org_type",
    "activity": "activity",
    "label": "label",
}


class InvalidSearch(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    transferred: bool = False  # only practices transferred successfully elsewhere

    def as_query(self, **changes) -> QueryDict:
        """These parameters (with changes) as a URL query; facet values as repeated keys."""
        values = {
            "q": self.q,
            **{param: list(self.filters.get(name, ())) for param, name in FACET_PARAMS.items()},
            "year_from": self.year_from,
            "year_to": self.year_to,
            "transferred": "1" if self.transferred else None,
            "sort": None if self.sort == "relevance" else self.sort,
            "page": None if self.page == 1 else self.page,
            "page_size": None if self.page_size == DEFAULT_PAGE_SIZE else self.page_size,
        }
        values.update(changes)
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if isinstance(value, list | tuple):
                if value:
                    query.setlist(key, [str(v) for v in value])
            elif value not in (None, ""):
                query[key] = str(value)
        return query


def parse_params(data: QueryDict, vocabulary: dict[str, set[str]]) -> SearchParams:
    """Validate the request's parameters against the facet vocabularies; raise InvalidSearch."""
    errors: dict[str, str] = {}
    q = " ".join(data.get("q", "").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = _("The query is %(length)s characters long; the limit is %(limit)s.") % {
            "length": len(q),
            "limit": MAX_QUERY_LENGTH,
        }
        q = ""

    filters = {}
    for param, name in FACET_PARAMS.items():
        values = tuple(dict.fromkeys(v.strip() for v in data.getlist(param) if v.strip()))
        if name == "country":
            values = tuple(v.upper() for v in values)
        unknown = [v for v in values if not _known(name, v, vocabulary)]
        if unknown:
            errors[param] = _("Unknown value: %(values)s.") % {"values": ", ".join(unknown[:5])}
        elif values:
            filters[name] = values

    years = {}
    for key in ("year_from", "year_to"):
        raw = data.get(key, "").strip()
        year = whole_number(raw)
        if not raw:
            years[key] = None
        elif year is None or not MIN_YEAR <= year <= MAX_YEAR:
            errors[key] = _("Give a year between %(min)s and %(max)s.") % {
                "min": MIN_YEAR,
                "max": MAX_YEAR,
            }
            years[key] = None
        else:
            years[key] = year
    if years["year_from"] and years["year_to"] and years["year_from"] > years["year_to"]:
        errors["year_to"] = _("The end of the year range is before its start.")

    raw = data.get("transferred", "").strip().lower()
    if raw not in TRUE_VALUES + FALSE_VALUES:
        errors["transferred"] = _("Give 1 to keep only practices transferred elsewhere, or 0.")
    transferred = raw in TRUE_VALUES

    sort = data.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        errors["sort"] = _("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)}
    page = _positive_int(data, "page", 1, errors)
    if page > MAX_PAGE:
        errors["page"] = _("Give a page number from 1 to %(max)s.") % {"max": MAX_PAGE}
    page_size = _positive_int(data, "page_size", DEFAULT_PAGE_SIZE, errors)
    if page_size > MAX_PAGE_SIZE:
        errors["page_size"] = _("At most %(max)s results per page.") % {"max": MAX_PAGE_SIZE}

    if errors:
        raise InvalidSearch(errors)
    return SearchParams(
        q, filters, years["year_from"], years["year_to"], sort, page, page_size, transferred
    )


def _known(facet: str, value: str, vocabulary: dict[str, set[str]]) -> bool:
    if facet == "country":
        return value in countries
    return value in vocabulary.get(facet, set())


def _positive_int(data: QueryDict, key: str, default: int, errors: dict[str, str]) -> int:
    raw = data.get(key, "").strip()
    if not raw:
        return default
    number = whole_number(raw)
    if number is None or number < 1:
        errors[key] = _("Give a whole number of 1 or more.")
        return default
    return number


def whole_number(raw: str) -> int | None:
    """`raw` as a number of ASCII digits, else None; one of more than MAX_DIGITS digits (leading
    zeros aside) as 10**MAX_DIGITS, past every limit. str.isdigit() alone lets through "²",
    which int() refuses, and "٣", which it reads as 3; int() refuses 4,300 digits and more."""
    if not raw.isascii() or not raw.isdigit():
        return None
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else 10**MAX_DIGITS
