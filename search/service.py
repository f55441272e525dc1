"""One search, as the HTML page and the JSON API both need it.

Parses the query (synonyms, spelling), asks the configured engine, falls back to PostgreSQL when
that engine is unreachable (`degraded`), turns ids into pages and facet values into labels,
puts editors' promotions first, and logs the query for the curators' report.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from html import escape

from django_countries import countries

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.search.utils import normalise_query_string

from kb.models import (
    ActivityType,
    Label,
    OrganisationType,
    PartnerPage,
    PracticePage,
    TargetGroup,
    Theme,
)
from multilingual.routing import in_reader_language
from search.embeddings import embed_query, get_embedder
from search.engines import get_engine
from search.engines.base import (
    FACETS,
    MARK_END,
    MARK_START,
    MEANING,
    WORDS,
    EngineResult,
    EngineUnavailable,
    SearchEngine,
    SearchRequest,
)
from search.engines.postgres import PostgresEngine
from search.models import QueryOutcome
from search.params import FACET_PARAMS, InvalidSearch, SearchParams, parse_params
from search.query import parse_query, query_text

logger = logging.getLogger(__name__)

FACET_LABELS = {
    "theme": _("Theme"),
    "target_group": _("Target group"),
    "country": _("Country"),
    "partner": _("Partner"),
    "org_type": _("Type of organisation"),
    "activity": _("Activity type"),
    "label": _("Assessment"),
}
MAX_PROMOTED = 3


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""  # the search with this value toggled (and back to page 1)


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class ResultItem:
    page: PracticePage
    snippet: SafeString
    score: float
    promoted: bool = False
    matched: frozenset[str] = frozenset()  # WORDS and/or MEANING (search/engines/base.py)

    @property
    def by_words(self) -> bool:
        return WORDS in self.matched

    @property
    def by_meaning(self) -> bool:
        return MEANING in self.matched


@dataclass
class SearchResponse:
    params: SearchParams
    count: int
    pages: int
    engine: str
    degraded: bool
    results: list[ResultItem]
    facets: list[Facet]
    corrected: str | None = None
    semantic: bool = False  # matching by meaning took part
    notices: list[str] = field(default_factory=list)  # what the reader should know about it

    @property
    def page(self) -> int:
        return self.params.page

    def url(self, **changes) -> str:
        query = self.params.as_query(**changes).urlencode()
        return f"?{query}" if query else "?"

    @property
    def active_filters(self) -> list[FacetValue]:
        return [value for facet in self.facets for value in facet.selected]

    @property
    def clear_filters_url(self) -> str:
        """The same words without any filter: the broader search to offer when nothing matches."""
        return self.url(
            page=None, year_from=None, year_to=None, transferred=None,
            **{p: [] for p in FACET_PARAMS},
        )  # fmt: skip

    @property
    def without_years_url(self) -> str:
        return self.url(page=None, year_from=None, year_to=None)

    @property
    def corrected_url(self) -> str:
        return self.url(q=self.corrected, page=None) if self.corrected else ""

    @property
    def sort_links(self) -> list[tuple[str, str, str, bool]]:
        labels = {
            "relevance": pgettext_lazy("search order", "Relevance"),
            "newest": _("Newest"),
            "title": _("Title"),
        }
        return [
            (sort, str(labels[sort]), self.url(sort=sort, page=None), sort == self.params.sort)
            for sort in labels
        ]

    @property
    def clear_page_url(self) -> str:
        """The same search from its first page (for the map and other views of it)."""
        return self.url(page=None)

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page + 1) if self.page < self.pages else ""

    @property
    def first_result(self) -> int:
        return (self.page - 1) * self.params.page_size + 1 if self.count else 0

    @property
    def last_result(self) -> int:
        return min(self.count, self.page * self.params.page_size)


def toggled_url(params: SearchParams, facet: str, value: str) -> str:
    selected = list(params.filters.get(facet, ()))
    selected = [v for v in selected if v != value] if value in selected else [*selected, value]
    param = next(p for p, name in FACET_PARAMS.items() if name == facet)
    query = params.as_query(page=None, **{param: selected}).urlencode()
    return f"?{query}" if query else "?"


def facet_vocabulary() -> dict[str, dict[str, str]]:
    """Every value each facet can take, with its label (six small queries, whatever the data)."""
    present = countries_indexed()
    return {
        "theme": dict(Theme.objects.values_list("slug", "name")),
        "target_group": dict(TargetGroup.objects.values_list("slug", "name")),
        "country": {code: countries.name(code) for code in present},
        "partner": dict(PartnerPage.objects.values_list("slug", "title")),
        "org_type": dict(OrganisationType.objects.values_list("slug", "name")),
        "activity": dict(ActivityType.objects.values_list("slug", "name")),
        "label": {value: str(label) for value, label in Label.choices},
    }


def countries_indexed() -> list[str]:
    """The countries of the indexed practices, by a loose scan of the country index: a few
    index lookups instead of reading every entry (12 ms at 100,000 practices, see
    docs/benchmarks.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE c(country) AS (
                (SELECT country FROM search_searchrecord WHERE country > '' ORDER BY country LIMIT 1)
                UNION ALL
                SELECT (SELECT r.country FROM search_searchrecord r WHERE r.country > c.country
                        ORDER BY r.country LIMIT 1)
                FROM c WHERE c.country IS NOT NULL
            )
            SELECT country FROM c WHERE country IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


def snippet_html(text: str) -> SafeString:
    """Escape the engine's snippet, then turn its match markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags are added


def engine_request(params: SearchParams, *, semantic: bool = True) -> SearchRequest:
    """What the engine is asked for these parameters: the query parsed (synonyms, spelling,
    languages) and, for meaning-based matching, embedded."""
    query = parse_query(params.q)
    return SearchRequest(
        query=query,
        embedding=embed_query(query_text(query)) if semantic and not query.is_empty else None,
        filters=params.filters,
        year_from=params.year_from,
        year_to=params.year_to,
        transferred=params.transferred,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
    )


def kept_search(engine: SearchEngine, request: SearchRequest) -> EngineResult:
    """The engine's answer, kept SEARCH_RESULTS_CACHE_SECONDS in the default cache (0: not
    kept) for the same request, engine and reading language: popular searches are asked again
    and again, and their facet counts cost the engine most (docs/benchmarks.md, load). A
    practice published meanwhile appears in them when that time is up; pages and the query log
    stay live."""
    asked = f"{engine.name}|{translation.get_language()}|{replace(request, embedding=None)!r}"
    return cache.get_or_set(
        "search-result:" + hashlib.sha256(asked.encode()).hexdigest(),
        lambda: engine.search(request),
        settings.SEARCH_RESULTS_CACHE_SECONDS,
    )


def run_search(params: SearchParams, vocabulary: dict[str, dict[str, str]]) -> SearchResponse:
    request = engine_request(params)
    parsed = request.query
    engine = get_engine()
    degraded = False
    try:
        result: EngineResult = kept_search(engine, request)
    except EngineUnavailable:
        logger.warning("Search engine %s unreachable; answering from PostgreSQL", engine.name)
        engine, degraded = PostgresEngine(), True
        result = engine.search(request)
    if not result.total and parsed.minimum_match > 1:
        # A long query that no practice matches enough of: any of its words will do.
        request = replace(request, query=replace(parsed, minimum_match=1))
        result = kept_search(engine, request)

    promoted = promoted_pages(params.q) if params.q and params.page == 1 else []
    promoted_ids = {page.pk for page in promoted}
    hits = [hit for hit in result.hits if hit.page_id not in promoted_ids]
    pages = {
        page.pk: page
        for page in PracticePage.objects.live()
        .filter(pk__in=[hit.page_id for hit in hits])
        .for_listing()
    }
    results = [
        ResultItem(page, snippet_html(page.summary), 0.0, promoted=True)
        for page in in_reader_language(promoted, PracticePage.objects.for_listing())
    ]
    readers = dict(
        zip(
            pages,
            in_reader_language(list(pages.values()), PracticePage.objects.for_listing()),
            strict=True,
        )
    )
    for hit in hits:
        if (reader := readers.get(hit.page_id)) is None:
            continue
        # A translation shows its own summary: the snippet's words are the original's.
        snippet = hit.snippet if reader.pk == hit.page_id else reader.summary
        results.append(ResultItem(reader, snippet_html(snippet), hit.score, matched=hit.matched))
    facets = [
        Facet(
            name,
            str(FACET_LABELS[name]),
            sorted(
                (
                    FacetValue(
                        value,
                        label,
                        result.facets.get(name, {}).get(value, 0),
                        value in params.filters.get(name, ()),
                        toggled_url(params, name, value),
                    )
                    for value, label in vocabulary[name].items()
                ),
                key=lambda v: (-v.count, v.label),
            ),
        )
        for name in FACETS
    ]
    log_query(params.q, found=result.total)
    notices = []
    if params.q and parsed.is_empty and not parsed.excluded:
        notices.append(
            str(_("Your search has only very common words or symbols, so it cannot narrow the "
                  "practices down: showing them all. Try a more specific word."))
        )  # fmt: skip
    elif not parsed.is_empty and meaning_unavailable():
        notices.append(
            str(_("Matching by meaning is unavailable at the moment: these results match your "
                  "words only."))
        )  # fmt: skip
    return SearchResponse(
        params=params,
        count=result.total,
        pages=max(1, math.ceil(result.total / params.page_size)),
        engine=engine.name,
        degraded=degraded,
        results=results,
        facets=facets,
        corrected=parsed.corrected,
        semantic=result.semantic,
        notices=notices,
    )


def meaning_unavailable() -> bool:
    """Whether matching by meaning is configured but cannot run (no model, no pgvector)."""
    from django.conf import settings

    from search import vectors

    if not settings.SEARCH_EMBEDDING_MODEL:
        return False
    return get_embedder() is None or not vectors.available()


def iter_matching_ids(params: SearchParams) -> tuple[MatchingIds, str, bool]:
    """Every practice id matching the parameters, in their sort order, streamed; with the name
    of the engine that answers and whether it is the PostgreSQL fallback (`degraded`).

    The configured engine is asked for the first chunk here, so an unreachable engine is
    noticed before anything is sent; an outage later in the stream raises EngineUnavailable.
    close() the ids to stop early (that frees the cursor or scroll).
    """
    request = engine_request(params)
    engine = get_engine()
    degraded = False
    ids = engine.iter_ids(request)
    try:
        first = next(ids, None)
    except EngineUnavailable:
        logger.warning("Search engine %s unreachable; listing ids from PostgreSQL", engine.name)
        engine, degraded = PostgresEngine(), True
        ids = engine.iter_ids(request)
        first = next(ids, None)
    return MatchingIds(first, ids), engine.name, degraded


class MatchingIds(Iterator[int]):
    """The engine's stream of ids again, with its first id (already read) in front.

    close() closes the engine's stream, and with it its cursor, at once, whether or not anything
    was read: a generator wrapping it would, unstarted, keep it open until collected.
    """

    def __init__(self, first: int | None, rest: Generator[int]):
        self._first, self._rest = first, rest
        self._started = first is None

    def __next__(self) -> int:
        if not self._started:
            self._started = True
            return self._first
        if self._first is None:
            raise StopIteration
        return next(self._rest)

    def close(self) -> None:
        self._rest.close()


def search_leniently(data: QueryDict) -> tuple[SearchResponse, dict[str, str]]:
    """The search for a page (/search/, /map/): invalid parameters get a message each and are
    left out, so that the valid ones still search; a page past the last shows the last one."""
    vocabulary = facet_vocabulary()
    known = {name: set(values) for name, values in vocabulary.items()}
    errors: dict[str, str] = {}
    try:
        params = parse_params(data, known)
    except InvalidSearch as exc:
        errors = dict(exc.errors)
        cleaned = data.copy()
        for key in errors:
            cleaned.pop(key, None)
        params = parse_params(cleaned, known)
    response = run_search(params, vocabulary)
    if response.page > response.pages:
        errors["page"] = _("There is no page %(page)s; showing the last page.") % {
            "page": response.page
        }
        response = run_search(replace(params, page=response.pages), vocabulary)
    return response, errors


def promoted_pages(query_string: str) -> list[PracticePage]:
    """Practices that editors promoted for this exact query (Wagtail search promotions)."""
    promotions = SearchPromotion.objects.filter(
        query__query_string=normalise_query_string(query_string), page__live=True
    ).order_by("sort_order")[:MAX_PROMOTED]
    ids = [p.page_id for p in promotions if p.page_id]
    pages = {p.pk: p for p in PracticePage.objects.live().filter(pk__in=ids).for_listing()}
    return [pages[pk] for pk in ids if pk in pages]


def log_query(query_string: str, *, found: int) -> None:
    """Wagtail's query log counts the search; we also count the searches that found nothing."""
    if not query_string:
        return
    query = Query.get(query_string)
    query.add_hit()
    if found == 0:
        outcome, _created = QueryOutcome.objects.get_or_create(
            query_string=query.query_string, date=timezone.localdate()
        )
        QueryOutcome.objects.filter(pk=outcome.pk).update(
            zero_result_hits=F("zero_result_hits") + 1
        )
