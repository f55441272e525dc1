"""The practices a set of search parameters selects, for the API and the exports.

The parameters are those of /search/ and /api/search/ (search.params), validated the same way;
the engine answers, with the same fallback to PostgreSQL when an external engine is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from django.http import QueryDict

from search.engines import get_engine
from search.engines.base import EngineResult, EngineUnavailable, SearchRequest
from search.engines.postgres import PostgresEngine
from search.params import FACET_PARAMS, SearchParams, parse_params
from search.service import engine_request, facet_vocabulary

logger = logging.getLogger(__name__)

# The parameters that select practices; paging is the caller's business (offset/limit in the
# API, none in the exports).
SEARCH_KEYS = ("q", *FACET_PARAMS, "year_from", "year_to", "transferred", "sort")


def parse_selection(data: QueryDict) -> SearchParams:
    """Validate the selecting parameters in `data` (others are ignored); raise InvalidSearch."""
    vocabulary = {name: set(values) for name, values in facet_vocabulary().items()}
    selected = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        if key in data:
            selected.setlist(key, data.getlist(key))
    return parse_params(selected, vocabulary)


def selection_query(params: SearchParams) -> str:
    """The URL query that selects these practices again (no paging)."""
    return params.as_query(page=None, page_size=None).urlencode()


@dataclass(frozen=True)
class SliceRequest(SearchRequest):
    """A search request for any offset, not only whole pages (the API pages by offset/limit)."""

    start: int = 0

    @property
    def offset(self) -> int:
        return self.start


@dataclass
class Slice:
    result: EngineResult
    engine: str
    degraded: bool


def search_slice(params: SearchParams, offset: int, limit: int) -> Slice:
    """Ids of matches offset..offset+limit and the total, without facet counts."""
    base = engine_request(params)
    values = {f.name: getattr(base, f.name) for f in fields(SearchRequest)}
    request = SliceRequest(**{**values, "page_size": limit, "with_facets": False}, start=offset)
    engine, degraded = get_engine(), False
    try:
        result = engine.search(request)
    except EngineUnavailable:
        logger.warning("Search engine %s unreachable; answering from PostgreSQL", engine.name)
        engine, degraded = PostgresEngine(), True
        result = engine.search(request)
    return Slice(result, engine.name, degraded)
