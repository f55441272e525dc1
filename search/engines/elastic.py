"""The scale-out engine: Elasticsearch 9 or OpenSearch 3, on Wagtail's own page index.

Wagtail (modelsearch) owns the index: its mapping names the fields, its backend holds the client,
and its atomic rebuilder creates the concrete index behind an alias. This engine writes and
queries that index directly through the backend's client, so that failures surface as
`EngineUnavailable` instead of being logged and swallowed as in Wagtail's signal handlers.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import decimal
import functools
import logging
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wagtail.search import index as search_index
from wagtail.search.backends import get_search_backend
from wagtail.search.index import get_indexed_models

from kb.models import PracticePage
from search.engines.base import (
    FACETS,
    ID_CHUNK,
    MARK_END,
    MARK_START,
    MEANING,
    WORDS,
    Clause,
    EngineResult,
    EngineUnavailable,
    Hit,
    ParsedQuery,
    Progress,
    SearchRequest,
)
from search.fusion import fused_hits
from search.languages import stems

logger = logging.getLogger(__name__)
JSON_NATIVE = (str, int, float, bool, datetime.date, datetime.time, uuid.UUID, decimal.Decimal)
CHUNK = 500  # pages per bulk request while indexing
SCAN_PAGE = 10_000  # documents per request listing every indexed id
MAX_WINDOW = 10_000  # index.max_result_window: from + size may not go beyond it
SCROLL_KEEP_ALIVE = "2m"  # how long a scroll waits for its reader's next request
FACET_SIZE = 500  # more values than any facet has
SNIPPET_FRAGMENTS = 2
SNIPPET_FRAGMENT_SIZE = 160  # characters
SNIPPET_SEPARATOR = " … "
# Facet -> the PracticePage attributes indexed as FilterFields (keyword fields), the first found
# is used: `facet_country` (the code as a string) once PracticePage indexes it, else `country`.
FACET_ATTRIBUTES = {
    "theme": ("facet_themes",),
    "target_group": ("facet_target_groups",),
    "activity": ("facet_activities",),
    "partner": ("facet_partner",),
    "org_type": ("facet_org_type",),
    "country": ("facet_country", "country"),
    "label": ("facet_label",),
}
# Text fields weighted above the rest (1); a title or summary match outranks one deep in the text.
TEXT_BOOSTS = {"title": 4, "summary": 2}
# Where snippets come from, in this order: the summary, then the written sections.
SNIPPET_SOURCES = (
    "summary", "problem", "approach", "results", "evidence", "resources", "transferability",
    "lessons", "body",
)  # fmt: skip
# Related names (RelatedFields) searched through nested queries.
NESTED_TEXT = ("themes", "target_groups")
# Named queries: each hit says which clauses (c0, c1, ...), phrases or meaning it matched.
CLAUSE_NAME, PHRASES_NAME, MEANING_NAME = "clause-", "phrases", "meaning"
# As on PostgreSQL: the best RERANK_WINDOW word matches are fused with the matches by meaning.
RERANK_WINDOW = 200
# The practice's embedding in its document (SEARCH_VECTORS = "engine").
VECTOR_FIELD = "ersi_embedding"
# The practice's title, summary and sections as stems of its own language (search/languages.py),
# split on spaces: each practice analysed in its language, whatever the index's analyzer.
STEMS_FIELD = "ersi_stems"
# Similarity per shared value (PostgreSQL's weights).
SIMILAR_BOOSTS = {"theme": 3.0, "target_group": 2.0, "activity": 1.0, "country": 0.5}


def nearest_in_postgres(request: SearchRequest) -> list[tuple[int, float]]:
    """The practices nearest to the query's embedding, from PostgreSQL's vectors (pgvector)."""
    from django.db import connection

    from search.engines.postgres import Plan, PostgresEngine

    with connection.cursor() as cursor:
        return PostgresEngine().nearest(cursor, request, Plan())


def vector_mapping(kind: str, dimension: int) -> dict[str, Any]:
    """The embedding field: Elasticsearch's `dense_vector` or OpenSearch's `knn_vector`, both
    with an HNSW graph and cosine similarity."""
    if kind == "opensearch":
        return {
            "type": "knn_vector",
            "dimension": dimension,
            "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"},
        }
    return {"type": "dense_vector", "dims": dimension, "index": True, "similarity": "cosine"}


def knn_body(kind: str, vector: list[float], k: int, filters: dict[str, Any]) -> dict[str, Any]:
    """A kNN search for the k nearest documents within `filters` (a query)."""
    if kind == "opensearch":
        knn = {VECTOR_FIELD: {"vector": vector, "k": k, "filter": filters}}
        return {"size": k, "query": {"knn": knn}, "_source": False}
    return {
        "size": k,
        "knn": {
            "field": VECTOR_FIELD,
            "query_vector": vector,
            "k": k,
            "num_candidates": max(100, 4 * k),
            "filter": filters,
        },
        "_source": False,
    }


def cosine_of(score: float) -> float:
    """Both engines score a cosine kNN match (1 + cos) / 2."""
    return 2 * score - 1


def _matched(hit: dict[str, Any]) -> frozenset[str]:
    names = set(hit.get("matched_queries") or ())
    matched = set()
    if any(n.startswith(CLAUSE_NAME) for n in names) or PHRASES_NAME in names:
        matched.add(WORDS)
    if MEANING_NAME in names:
        matched.add(MEANING)
    return frozenset(matched)


def _error_classes() -> tuple[tuple[type[Exception], ...], ...]:
    """(transport-level, HTTP API, serialisation) errors of the installed client libraries."""
    transport: list[type[Exception]] = []
    api: list[type[Exception]] = []
    serialization: list[type[Exception]] = []
    try:
        from elastic_transport import SerializationError, TransportError
        from elasticsearch import ApiError

        transport.append(TransportError)
        api.append(ApiError)
        serialization.append(SerializationError)
    except ImportError:  # pragma: no cover - both clients are dependencies
        pass
    try:
        from opensearchpy.exceptions import SerializationError as OpenSearchSerializationError
        from opensearchpy.exceptions import TransportError as OpenSearchTransportError

        api.append(OpenSearchTransportError)
        serialization.append(OpenSearchSerializationError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(transport), tuple(api), tuple(serialization)


TRANSPORT_ERRORS, API_ERRORS, SERIALIZATION_ERRORS = _error_classes()


def _status(exc: Exception) -> int | None:
    """The HTTP status of a client error, None for a connection-level failure."""
    meta = getattr(exc, "meta", None)  # elasticsearch.ApiError
    if meta is not None:
        return meta.status
    status = getattr(exc, "status_code", None)  # opensearchpy: 'N/A' when no response
    return status if isinstance(status, int) else None


def _is_unavailable_status(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


@contextmanager
def unavailable_on_transport_errors() -> Iterator[None]:
    """Turn connection failures, timeouts, 429 and 5xx answers into EngineUnavailable."""
    try:
        yield
    except (EngineUnavailable, *SERIALIZATION_ERRORS):
        raise  # a value the client cannot encode is a bug, not an outage
    except TRANSPORT_ERRORS as exc:
        raise EngineUnavailable(str(exc)) from exc
    except API_ERRORS as exc:
        if _is_unavailable_status(_status(exc)):
            raise EngineUnavailable(str(exc)) from exc
        raise


_backends: dict[str, Any] = {}
_backends_lock = threading.Lock()


def default_backend() -> ElasticsearchBaseSearchBackend:
    """The "default" Wagtail backend, one per configuration (a client keeps its connections)."""
    key = repr(settings.WAGTAILSEARCH_BACKENDS.get("default"))
    with _backends_lock:
        if key not in _backends:
            _backends[key] = get_search_backend("default")
        return _backends[key]


class ElasticEngine:
    def __init__(self, backend: ElasticsearchBaseSearchBackend | None = None) -> None:
        self.backend = backend if backend is not None else default_backend()
        if not isinstance(self.backend, ElasticsearchBaseSearchBackend):
            raise ImproperlyConfigured(
                "ElasticEngine needs an Elasticsearch/OpenSearch Wagtail search backend, "
                f"not {type(self.backend).__name__}"
            )
        self.es = self.backend.es
        client_module = type(self.es).__module__
        self.name = "opensearch" if client_module.startswith("opensearchpy") else "elasticsearch"
        self.alias = self.backend.get_index_for_model(PracticePage)
        self.mapping = self.backend.mapping_class(PracticePage)
        self._fields = practice_fields(self.backend.mapping_class)
        self._index_ready = False
        self.vectors_in_engine = getattr(settings, "SEARCH_VECTORS", "postgres") == "engine"

    # -- meaning ---------------------------------------------------------------------------

    def nearest(self, request: SearchRequest) -> list[tuple[int, float]]:
        """The practices nearest to the query's embedding: by a kNN query to the engine
        (SEARCH_VECTORS = "engine"), or from PostgreSQL's vectors, also when the engine refuses
        the kNN query (a server without vector search, such as the osmem-server stand-in)."""
        if request.embedding is None:
            return []
        if not self.vectors_in_engine:
            return nearest_in_postgres(request)
        from search.embeddings import get_embedder
        from search.engines.postgres import SEMANTIC_CANDIDATES
        from search.fusion import similar_enough

        embedder = get_embedder()
        if embedder is None:
            return []
        filters: dict[str, Any] = {
            "bool": {
                "filter": self._base_filters() + self._year_filters(request)
                + self._transferred_filters(request)
            }
        }  # fmt: skip
        if request.query.excluded:
            filters["bool"]["must_not"] = [self._phrase_query(w) for w in request.query.excluded]
        body = knn_body(self.name, list(request.embedding), SEMANTIC_CANDIDATES, filters)
        try:
            hits = self._search(body)["hits"]["hits"]
        except API_ERRORS as exc:
            if _status(exc) != 400:
                raise
            logger.warning(
                "%s refused the kNN query (%s); using PostgreSQL's vectors", self.name, exc
            )
            return nearest_in_postgres(request)
        found = [(int(hit["_id"]), cosine_of(float(hit["_score"]))) for hit in hits]
        return similar_enough(found, embedder.query_floor, embedder.similarity_spread)

    # -- searching -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        semantic = self.nearest(request)
        if self._ranked(request, semantic):
            return self._ranked_search(request, semantic)
        f = self._fields
        # Past the result window there are no hits to show, but still a total and facets.
        beyond = request.offset + request.page_size > MAX_WINDOW
        body = self._body(request, semantic)
        body.update(
            {
                "from": 0 if beyond else request.offset,
                "size": 0 if beyond else request.page_size,
                "sort": self._sort(request),
                "_source": [f.text["summary"]],
            }
        )
        if not request.query.is_empty:
            body["highlight"] = self._highlight()
        response = self._search(body)
        hits = [
            Hit(
                page_id=int(hit["_id"]),
                score=0.0,
                snippet=self._snippet(hit),
                matched=_matched(hit),
            )
            for hit in response["hits"]["hits"]
        ]
        return self._result(request, response, hits, semantic)

    def _ranked_search(self, request: SearchRequest, semantic: list[tuple[int, float]]):
        """Sorted by relevance with words or meaning: the best RERANK_WINDOW matches by words
        and the matches by meaning fused (search/fusion.py), then the rest by words."""
        head, response = self._fused_head(request, semantic)
        end = request.offset + request.page_size
        hits = head[request.offset : end]
        if end > len(head) and request.offset + request.page_size <= MAX_WINDOW:
            start = max(request.offset, len(head))
            hits += self._lexical_tail(
                request, [h.page_id for h in head], start - len(head), end - start
            )
        self._add_snippets(request, hits)
        return self._result(request, response, hits, semantic)

    def _result(self, request: SearchRequest, response: dict, hits: list[Hit], semantic: list):
        return EngineResult(
            total=response["hits"]["total"]["value"],
            hits=hits,
            facets=self._facets(request, response),
            semantic=bool(semantic),
        )

    def _fused_head(self, request: SearchRequest, semantic: list[tuple[int, float]]):
        body = self._body(request, semantic)
        body.update(
            {"from": 0, "size": RERANK_WINDOW, "sort": self._sort(request), "_source": False}
        )
        response = self._search(body)
        clauses = len(request.query.clauses) or 1
        lexical = []
        for hit in response["hits"]["hits"]:
            names = set(hit.get("matched_queries") or ())
            words = {n for n in names if n.startswith(CLAUSE_NAME)}
            if words or PHRASES_NAME in names:
                coverage = len(words) / clauses if request.query.clauses else 1.0
                lexical.append((int(hit["_id"]), float(hit.get("_score") or 0), coverage))
        kept = set(self._ids_matching(request, [pk for pk, _s in semantic])) if semantic else set()
        meaning = [(pk, sim) for pk, sim in semantic if pk in kept]
        return fused_hits(lexical, meaning), response

    def _lexical_tail(self, request: SearchRequest, skip: list[int], offset: int, limit: int):
        body = self._body(request, [], with_facets=False)
        body["query"]["bool"]["must_not"] = [
            *body["query"]["bool"].get("must_not", []),
            {"ids": {"values": [self._document_id(pk) for pk in skip]}},
        ]
        body.update({"from": offset, "size": limit, "sort": self._sort(request), "_source": False})
        return [
            Hit(
                page_id=int(hit["_id"]),
                score=float(hit.get("_score") or 0),
                matched=frozenset({WORDS}),
            )
            for hit in self._search(body)["hits"]["hits"]
        ]

    def _ids_matching(self, request: SearchRequest, page_ids: list[int]) -> list[int]:
        """Which of these practices pass the request's filters (years, facets, words excluded
        or required)."""
        body = self._body(request, [], with_facets=False)
        query = body["query"]["bool"]
        query.pop("should", None)
        query.pop("minimum_should_match", None)
        query["filter"].append({"ids": {"values": [self._document_id(pk) for pk in page_ids]}})
        body.update({"size": len(page_ids), "_source": False})
        return [int(hit["_id"]) for hit in self._search(body)["hits"]["hits"]]

    def _add_snippets(self, request: SearchRequest, hits: list[Hit]) -> None:
        if not hits:
            return
        f = self._fields
        body = {
            "query": {
                "bool": {
                    "should": self._word_queries(request),
                    "filter": [{"ids": {"values": [self._document_id(h.page_id) for h in hits]}}],
                }
            },
            "size": len(hits),
            "_source": [f.text["summary"]],
            "highlight": self._highlight(),
        }
        snippets = {
            int(hit["_id"]): self._snippet(hit) for hit in self._search(body)["hits"]["hits"]
        }
        for hit in hits:
            hit.snippet = snippets.get(hit.page_id, "")

    def _highlight(self) -> dict[str, Any]:
        return {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fragment_size": SNIPPET_FRAGMENT_SIZE,
            "number_of_fragments": SNIPPET_FRAGMENTS,
            "fields": {column: {} for column in self._fields.snippet_columns},
        }

    @staticmethod
    def _ranked(request: SearchRequest, semantic: list) -> bool:
        return request.sort == "relevance" and (not request.query.is_empty or bool(semantic))

    def _body(
        self,
        request: SearchRequest,
        semantic: list[tuple[int, float]],
        *,
        with_facets: bool | None = None,
    ):
        """The query (words or meaning, years), the facet filters as a post filter, and the
        facet counts as aggregations (each counted with the other facets' filters)."""
        f = self._fields
        body: dict[str, Any] = {
            "query": self._query(request, semantic),
            "track_total_hits": True,
            "track_scores": True,
        }
        facet_filters = self._facet_filters(request)
        if facet_filters:
            body["post_filter"] = {"bool": {"filter": list(facet_filters.values())}}
        if request.with_facets if with_facets is None else with_facets:
            body["aggs"] = {
                name: {
                    "filter": {
                        "bool": {"filter": [q for n, q in facet_filters.items() if n != name]}
                    },
                    "aggs": {"values": {"terms": {"field": f.facets[name], "size": FACET_SIZE}}},
                }
                for name in FACETS
            }
        return body

    def _facet_filters(self, request: SearchRequest) -> dict[str, Any]:
        f = self._fields
        return {
            name: {"terms": {f.facets[name]: list(values)}}
            for name, values in request.filters.items()
            if values
        }

    def _facets(
        self, request: SearchRequest, response: dict[str, Any]
    ) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        if request.with_facets:
            for name in FACETS:
                buckets = response["aggregations"][name]["values"]["buckets"]
                facets[name] = {str(b["key"]): b["doc_count"] for b in buckets if b["key"] != ""}
        return facets

    def iter_ids(self, request: SearchRequest, *, chunk_size: int = ID_CHUNK) -> Iterator[int]:
        """Every matching id in the request's order, `chunk_size` per request, through a scroll:
        a snapshot of the index, so no id is missed or repeated if it changes meanwhile. Sorted
        by relevance, the fused head (search's order) comes first, then the rest by words.

        Not search_after: osmem-server (the test stand-in) does not take back the `_score` it
        sends, and would repeat the same page of a relevance sort forever.
        """
        semantic = self.nearest(request)
        skip: list[int] = []
        if self._ranked(request, semantic):
            head, _response = self._fused_head(request, semantic)
            skip = [hit.page_id for hit in head]
            yield from skip
            semantic = []
        query = self._query(request, semantic)
        query["bool"]["filter"] += list(self._facet_filters(request).values())
        if skip:
            query["bool"]["must_not"] = [
                *query["bool"].get("must_not", []),
                {"ids": {"values": [self._document_id(pk) for pk in skip]}},
            ]
        body = {"query": query, "sort": self._sort(request), "size": chunk_size, "_source": False}
        response = self._search(body, scroll=SCROLL_KEEP_ALIVE)
        try:
            while hits := response["hits"]["hits"]:
                yield from (int(hit["_id"]) for hit in hits)
                with unavailable_on_transport_errors():
                    response = self.es.scroll(
                        scroll_id=response["_scroll_id"], scroll=SCROLL_KEEP_ALIVE
                    )
        finally:
            with contextlib.suppress(Exception):  # it expires anyway
                self.es.clear_scroll(scroll_id=response["_scroll_id"])

    def _query(
        self, request: SearchRequest, semantic: list[tuple[int, float]] = ()
    ) -> dict[str, Any]:
        """Live practices within the years, matching the words (at least `minimum_match` of
        the clauses, every quoted phrase, no excluded word) or near in meaning (`semantic`);
        not yet the facet filters. Each clause is a named query, so that each hit says which
        words it matched."""
        query = request.query
        bool_query: dict[str, Any] = {
            "filter": self._base_filters() + self._year_filters(request)
            + self._transferred_filters(request)
        }  # fmt: skip
        if query.excluded:
            bool_query["must_not"] = [
                self._phrase_query(word, query.languages) for word in query.excluded
            ]
        if query.is_empty and not semantic:
            bool_query["must"] = [{"match_all": {}}]
            return {"bool": bool_query}
        meaning = (
            [{"constant_score": {"filter": {"ids": {"values": [self._document_id(pk) for pk, _s in semantic]}},
                                 "boost": 0, "_name": MEANING_NAME}}]
            if semantic
            else []
        )  # fmt: skip
        clauses = self._word_queries(request)
        if query.phrases:
            bool_query["must"] = [
                {
                    "bool": {
                        "must": [self._phrase_query(p) for p in query.phrases],
                        "_name": PHRASES_NAME,
                    }
                }
            ]
            bool_query["should"] = clauses + meaning  # they rank; the phrases decide
        else:
            words = {"bool": {"should": clauses, "minimum_should_match": query.minimum_match}}
            bool_query["should"] = ([words] if clauses else []) + meaning
            bool_query["minimum_should_match"] = 1
        return {"bool": bool_query}

    def _word_queries(self, request: SearchRequest) -> list[dict[str, Any]]:
        return [
            {
                "bool": {
                    **self._clause_query(c, request.query.languages)["bool"],
                    "_name": f"{CLAUSE_NAME}{i}",
                }
            }
            for i, c in enumerate(request.query.clauses)
        ]

    def _phrase_query(self, phrase: str, languages: tuple[str, ...] = ()) -> dict[str, Any]:
        f = self._fields
        fields = [f"{column}^{boost}" for column, boost in f.weighted_text]
        should: list[dict[str, Any]] = [
            {"multi_match": {"query": phrase, "type": "phrase", "fields": fields}}
        ]
        should += [
            {"match_phrase": {STEMS_FIELD: stemmed}}
            for stemmed in dict.fromkeys(stems(phrase, lang) for lang in languages)
            if stemmed
        ]
        for path, column in f.nested_text:
            should.append(
                {
                    "nested": {
                        "path": path,
                        "query": {"match_phrase": {column: phrase}},
                        "score_mode": "max",
                    }
                }
            )
        return {"bool": {"should": should, "minimum_should_match": 1}}

    def _clause_query(self, clause: Clause, languages: tuple[str, ...] = ()) -> dict[str, Any]:
        """Any of the clause's alternatives, in any text field (themes and groups are nested),
        or as stems in any of the query's languages (STEMS_FIELD)."""
        f = self._fields
        fields = [f"{column}^{boost}" for column, boost in f.weighted_text]
        fuzzy = {"fuzziness": "AUTO", "prefix_length": 1}
        should: list[dict[str, Any]] = []
        for alternative in clause.alternatives:
            phrase = len(alternative.split()) > 1
            if phrase:
                should.append(
                    {"multi_match": {"query": alternative, "type": "phrase", "fields": fields}}
                )
            else:
                # The exact word scores above its fuzzy neighbours (typos, other forms).
                should.append({"multi_match": {"query": alternative, "fields": fields}})
                should.append(
                    {"multi_match": {"query": alternative, "fields": fields, "boost": 0.5, **fuzzy}}
                )
            for path, column in f.nested_text:
                match = (
                    {"match_phrase": {column: alternative}}
                    if phrase
                    else {"match": {column: {"query": alternative, **fuzzy}}}
                )
                should.append({"nested": {"path": path, "query": match, "score_mode": "max"}})
            for stemmed in dict.fromkeys(stems(alternative, lang) for lang in languages):
                if stemmed:
                    should.append({"match_phrase": {STEMS_FIELD: stemmed}})
        return {"bool": {"should": should, "minimum_should_match": 1}}

    def _base_filters(self) -> list[dict[str, Any]]:
        """Live practices only (the page index also holds every other page type)."""
        return [
            {"term": {"_django_content_type": self.mapping.get_content_type()}},
            {"term": {self._fields.live: True}},
        ]

    def _year_filters(self, request: SearchRequest) -> list[dict[str, Any]]:
        years = {}
        if request.year_from is not None:
            years["gte"] = request.year_from
        if request.year_to is not None:
            years["lte"] = request.year_to
        return [{"range": {self._fields.start_year: years}}] if years else []

    def _transferred_filters(self, request: SearchRequest) -> list[dict[str, Any]]:
        return [{"term": {self._fields.transferred: True}}] if request.transferred else []

    def _sort(self, request: SearchRequest) -> list[Any]:
        f = self._fields
        newest = {f.published: {"order": "desc", "missing": "_last"}}
        sort = request.sort
        if sort == "relevance" and request.query.is_empty:
            sort = "newest"
        if sort == "relevance":
            return ["_score", newest, {f.page_id: "desc"}]
        if sort == "newest":
            return [newest, {f.page_id: "desc"}]
        return [{f.sort_title: "asc"}, {f.page_id: "asc"}]

    def _snippet(self, hit: dict[str, Any]) -> str:
        highlight = hit.get("highlight") or {}
        fragments = [
            fragment
            for column in self._fields.snippet_columns
            for fragment in highlight.get(column, [])
        ][:SNIPPET_FRAGMENTS]
        if fragments:
            return SNIPPET_SEPARATOR.join(fragments)
        return (hit.get("_source") or {}).get(self._fields.text["summary"]) or ""

    def suggest_titles(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        prefix = " ".join(prefix.split())
        if not prefix or limit <= 0:
            return []
        f = self._fields
        body = {
            "query": {
                "bool": {
                    "should": [
                        {"match": {f.title_edgengrams: {"query": prefix, "operator": "and"}}},
                        {"match_phrase_prefix": {f.text["title"]: prefix}},
                    ],
                    "minimum_should_match": 1,
                    "filter": self._base_filters(),
                }
            },
            "size": limit * 3,
            "_source": [f.text["title"]],
        }
        hits = self._search(body)["hits"]["hits"]
        found = [(int(hit["_id"]), hit["_source"][f.text["title"]]) for hit in hits]
        # Titles that start with the prefix first, as on PostgreSQL; otherwise the engine's order.
        lowered = prefix.lower()
        found.sort(key=lambda item: not item[1].lower().startswith(lowered))
        return found[:limit]

    def similar(self, page_id: int, limit: int) -> list[int]:
        """Live practices like this one: each shared theme, target group and activity, the same
        country, and words in common (more-like-this on title and summary, as on PostgreSQL)."""
        f = self._fields
        doc_id = self._document_id(page_id)
        with unavailable_on_transport_errors():
            try:
                doc = self.es.get(
                    index=self.alias.name, id=doc_id, _source_includes=list(f.similar_boosts)
                )
            except self.backend.NotFoundError as exc:
                if "index_not_found" in str(exc):
                    raise EngineUnavailable(f"no search index {self.alias.name}") from exc
                return []  # not indexed (yet)
        source = doc.get("_source") or {}

        def shared(column: str) -> list[dict[str, Any]]:
            values = source.get(column)
            values = values if isinstance(values, list) else [values]
            # One clause per value: two shared themes score twice one.
            boost = f.similar_boosts[column]
            return [{"term": {column: {"value": v, "boost": boost}}} for v in values if v]

        words = {
            "more_like_this": {
                "fields": [f.text["title"], f.text["summary"]],
                "like": [{"_index": doc["_index"], "_id": doc_id}],
                "min_term_freq": 1,
                "min_doc_freq": 1,
                "max_query_terms": 25,
            }
        }
        related = [words, *shared(f.facets["theme"]), *shared(f.facets["target_group"])]
        extra = [*shared(f.facets["activity"]), *shared(f.facets["country"])]
        body = {
            "query": {
                "bool": {
                    # Related by words, themes or groups; activities and country only add weight.
                    "must": [{"bool": {"should": related, "minimum_should_match": 1}}],
                    "should": extra,
                    "filter": self._base_filters(),
                    "must_not": [{"ids": {"values": [doc_id]}}],
                }
            },
            "sort": ["_score", {f.published: {"order": "desc", "missing": "_last"}}],
            "size": limit * 2,
            "_source": False,
        }
        related_ids = [
            (int(hit["_id"]), float(hit.get("_score") or 0), 1.0)
            for hit in self._search(body)["hits"]["hits"]
        ]
        # Nearest in meaning (PostgreSQL's vectors), so that practices about the same approach
        # in different languages are similar; only those this index holds.
        from django.db import connection

        from search.engines.postgres import PostgresEngine

        with connection.cursor() as cursor:
            nearest = PostgresEngine().nearest_to_page(cursor, page_id, limit * 2)
        indexed = (
            set(
                self._ids_matching(
                    SearchRequest(query=ParsedQuery("", ())), [pk for pk, _s in nearest]
                )
            )
            if nearest
            else set()
        )
        nearest = [(pk, s) for pk, s in nearest if pk in indexed]
        return [hit.page_id for hit in fused_hits(related_ids, nearest)][:limit]

    def _search(self, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        with unavailable_on_transport_errors():
            try:
                return self.es.search(index=self.alias.name, body=body, **params)
            except self.backend.NotFoundError as exc:
                # No index yet (never built): the caller falls back to PostgreSQL.
                raise EngineUnavailable(f"no search index {self.alias.name}: {exc}") from exc

    # -- indexing --------------------------------------------------------------------------

    def index_pages(self, page_ids: Iterable[int]) -> None:
        page_ids = sorted(set(page_ids))
        if not page_ids:
            return
        self.ensure_index()
        for start in range(0, len(page_ids), CHUNK):
            chunk = page_ids[start : start + CHUNK]
            pages = list(PracticePage.get_indexed_objects().filter(pk__in=chunk))
            gone = set(chunk) - {page.pk for page in pages}
            actions = self._index_actions(self.alias.name, PracticePage, pages)
            actions += self._delete_actions(self.alias.name, gone)
            self._bulk(actions)

    def remove_pages(self, page_ids: Iterable[int]) -> None:
        ids = sorted(set(page_ids))
        for start in range(0, len(ids), CHUNK):
            self._bulk(self._delete_actions(self.alias.name, ids[start : start + CHUNK]))

    def refresh(self) -> None:
        with unavailable_on_transport_errors():
            self.es.indices.refresh(index=self.alias.name)

    def ensure_index(self) -> None:
        """Create the (empty) page index behind its alias, with our mapping, if it is missing.

        Otherwise the first document written would create an index with a guessed mapping.
        """
        if self._index_ready:
            return
        with unavailable_on_transport_errors():
            if not self.es.indices.exists(index=self.alias.name):
                rebuilder = self.backend.atomic_rebuilder_class(self.alias)
                new_index = rebuilder.start()
                self._put_mappings(new_index.name)
                self._point_alias_at(new_index.name)
        self._index_ready = True

    def rebuild(self, progress: Progress | None = None) -> int:
        """Fill a new concrete index with every page model of the page index, then move the alias
        to it in one step and drop the old index; searches use the old index until then."""
        rebuilder = self.backend.atomic_rebuilder_class(self.alias)
        count = 0
        with unavailable_on_transport_errors():
            new_index = rebuilder.start()
            try:
                self._put_mappings(new_index.name)
                for model in self._models_in_index():
                    for chunk in _chunks(model.get_indexed_objects()):
                        self._bulk(self._index_actions(new_index.name, model, chunk))
                        if model is PracticePage:
                            count += len(chunk)
                            if progress:
                                progress(len(chunk))
                self.es.indices.refresh(index=new_index.name)
                self._point_alias_at(new_index.name)
            except BaseException:
                with contextlib.suppress(Exception):  # the original error matters more
                    new_index.delete()
                raise
        self._index_ready = True
        return count

    def indexed_ids(self) -> set[int]:
        f = self._fields
        ids: set[int] = set()
        body: dict[str, Any] = {
            "query": {"bool": {"filter": self._base_filters()}},
            "sort": [{f.pk: "asc"}],  # unique: search_after needs a total order
            "size": SCAN_PAGE,
            "_source": False,
            "track_total_hits": False,
        }
        while True:
            try:
                hits = self._search(body)["hits"]["hits"]
            except EngineUnavailable as exc:
                if isinstance(exc.__cause__, self.backend.NotFoundError):
                    return ids  # no index: nothing indexed
                raise
            ids.update(int(hit["_id"]) for hit in hits)
            if len(hits) < SCAN_PAGE:
                return ids
            body["search_after"] = hits[-1]["sort"]

    # -- index internals -------------------------------------------------------------------

    def _models_in_index(self) -> list[type]:
        """Every indexed model stored in the page index (all page types), as update_index
        groups them; PracticePage last, so progress reports run up to the end."""
        key = self.alias.get_key()
        models = [
            m for m in get_indexed_models() if self.backend.get_index_for_model(m).get_key() == key
        ]
        return sorted(models, key=lambda m: m is PracticePage)

    def _put_mappings(self, index_name: str) -> None:
        from search.embeddings import dimension

        for model in self._models_in_index():
            mapping = _with_explicit_analyzers(self.backend.mapping_class(model).get_mapping())
            if model is PracticePage:
                mapping["properties"][STEMS_FIELD] = {"type": "text", "analyzer": "whitespace"}
            if model is PracticePage and self.vectors_in_engine and dimension():
                mapping["properties"][VECTOR_FIELD] = vector_mapping(self.name, dimension())
            self.es.indices.put_mapping(index=index_name, body=mapping)

    def _point_alias_at(self, index_name: str) -> None:
        alias = self.alias.name
        if self.es.indices.exists_alias(name=alias):
            old = list(self.es.indices.get_alias(name=alias).keys())
            actions = [{"remove": {"index": name, "alias": alias}} for name in old]
            actions.append({"add": {"index": index_name, "alias": alias}})
            self.es.indices.update_aliases(body={"actions": actions})  # one atomic switch
            for name in old:
                if name != index_name:
                    self.es.indices.delete(index=name)
        else:
            if self.es.indices.exists(index=alias):
                # A concrete index under the alias's name (made by a write to a missing index).
                self.es.indices.delete(index=alias)
            self.es.indices.put_alias(index=index_name, name=alias)

    def _index_actions(self, index_name: str, model: type, objects: Iterable[Any]) -> list[dict]:
        mapping = self.backend.mapping_class(model)
        objects = list(objects)
        vectors = self._vectors(objects) if model is PracticePage else {}
        actions = []
        for obj in objects:
            source = _plain_values(mapping.get_document(obj))
            if model is PracticePage:
                text = "\n".join([obj.title, obj.summary, obj.plain_text()])
                source[STEMS_FIELD] = stems(text, obj.language)
            if obj.pk in vectors:
                source[VECTOR_FIELD] = vectors[obj.pk]
            actions.append(
                {"_op_type": "index", "_index": index_name, "_id": mapping.get_document_id(obj),
                 "_source": source}
            )  # fmt: skip
        return actions

    def _vectors(self, pages: list[Any]) -> dict[int, list[float]]:
        """The current embeddings of these practices, when vectors live in the engine."""
        if not self.vectors_in_engine:
            return {}
        from search.embeddings import get_embedder
        from search.models import PracticeEmbedding

        embedder = get_embedder()
        if embedder is None:
            return {}
        return dict(
            PracticeEmbedding.objects.filter(
                page_id__in=[p.pk for p in pages], model=embedder.name
            ).values_list("page_id", "vector")
        )

    def _delete_actions(self, index_name: str, page_ids: Iterable[int]) -> list[dict]:
        return [
            {"_op_type": "delete", "_index": index_name, "_id": self._document_id(page_id)}
            for page_id in page_ids
        ]

    def _document_id(self, page_id: int) -> str:
        # The id Wagtail gives a page's document, without loading the page (it may be gone).
        return self.mapping.get_document_id(PracticePage(id=page_id, page_ptr_id=page_id))

    def _bulk(self, actions: list[dict]) -> None:
        if not actions:
            return
        with unavailable_on_transport_errors():
            _ok, errors = self.backend.bulk(
                self.es, actions, chunk_size=CHUNK, raise_on_error=False, stats_only=False
            )
        failures = []
        for error in errors:
            [(op_type, item)] = error.items()
            if op_type == "delete" and item.get("status") == 404:
                continue  # already absent
            failures.append(item)
        if not failures:
            return
        message = f"{len(failures)} of {len(actions)} index operations failed: {failures[:3]}"
        if any(_is_unavailable_status(item.get("status")) for item in failures):
            raise EngineUnavailable(message)
        raise RuntimeError(message)


@functools.cache
def practice_fields(mapping_class: type) -> PracticeFields:
    return PracticeFields(mapping_class)


class PracticeFields:
    """Document field names of PracticePage, as Wagtail's mapping names them."""

    def __init__(self, mapping_class: type) -> None:
        mapping = mapping_class(PracticePage)
        fields = PracticePage.get_search_fields()

        def column(kind: type, name: str) -> str:
            for field in fields:
                if type(field) is kind and field.field_name == name:
                    return mapping.get_field_column_name(field)
            raise ImproperlyConfigured(
                f"PracticePage.search_fields has no {kind.__name__}({name!r})"
            )

        filter_names = {f.field_name for f in fields if type(f) is search_index.FilterField}
        self.filters = {name: column(search_index.FilterField, name) for name in filter_names}
        self.facets = {
            facet: next(self.filters[a] for a in attributes if a in self.filters)
            for facet, attributes in FACET_ATTRIBUTES.items()
        }
        self.similar_boosts = {self.facets[facet]: boost for facet, boost in SIMILAR_BOOSTS.items()}
        self.live = self.filters["live"]
        self.start_year = self.filters["start_year"]
        self.transferred = self.filters["facet_transferred"]
        self.published = self.filters["first_published_at"]
        self.page_id = self.filters["id"]
        # A lower-cased title, when PracticePage indexes one; else the title as written.
        self.sort_title = self.filters.get("sort_title", self.filters["title"])
        self.pk = "pk"  # Wagtail stores the primary key as a keyword in every document
        self.title_edgengrams = column(search_index.AutocompleteField, "title")

        search_fields = [f for f in fields if type(f) is search_index.SearchField]
        self.text = {f.field_name: mapping.get_field_column_name(f) for f in search_fields}
        self.weighted_text = [
            (self.text[name], TEXT_BOOSTS.get(name, 1)) for name in dict.fromkeys(self.text)
        ]
        self.snippet_columns = [self.text[name] for name in SNIPPET_SOURCES if name in self.text]
        self.nested_text: list[tuple[str, str]] = []
        for field in fields:
            if isinstance(field, search_index.RelatedFields) and field.field_name in NESTED_TEXT:
                path = mapping.get_field_column_name(field)
                related = mapping_class(field.get_field(PracticePage).related_model)
                for sub in field.fields:
                    if isinstance(sub, search_index.SearchField):
                        self.nested_text.append(
                            (path, f"{path}.{related.get_field_column_name(sub)}")
                        )


def _with_explicit_analyzers(mapping: dict[str, Any]) -> dict[str, Any]:
    """Wagtail's mapping, with text fields naming the index's `default` analyzer outright.

    Elasticsearch and OpenSearch apply `analysis.analyzer.default` to such fields anyway; osmem
    (the test stand-in) ignores that setting, and would index them without English stemming.
    """
    mapping = copy.deepcopy(mapping)

    def visit(properties: dict[str, Any]) -> None:
        for spec in properties.values():
            if spec.get("type") == "text" and "analyzer" not in spec:
                spec["analyzer"] = "default"
            if "properties" in spec:
                visit(spec["properties"])

    visit(mapping["properties"])
    return mapping


def _plain_values(value: Any) -> Any:
    """A document with values the client cannot serialise (a django-countries `Country` in a
    FilterField) as their strings."""
    if isinstance(value, dict):
        return {key: _plain_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_values(item) for item in value]
    if value is None or isinstance(value, JSON_NATIVE):
        return value
    return str(value)


def _chunks(queryset: Any) -> Iterator[list[Any]]:
    """A queryset in primary-key order, CHUNK objects at a time (keyset pagination)."""
    last = None
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk
