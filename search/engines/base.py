"""The contract every search engine implements; the views and tests speak only this.

An engine answers a `SearchRequest` with ids, scores, snippets and facet counts; turning ids into
pages, labels and URLs is the caller's job (search/service.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

# Facet name -> the SearchRecord column / document field holding its values.
FACETS = ("theme", "target_group", "country", "partner", "org_type", "activity", "label")
Sort = Literal["relevance", "newest", "title"]
# Markers that engines put around matched words in snippets; replaced by <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
# Ids fetched per round trip when streaming every match (SearchEngine.iter_ids).
ID_CHUNK = 1000


class EngineUnavailable(Exception):
    """The engine cannot be reached; callers fall back to PostgreSQL and say so."""


@dataclass(frozen=True)
class Clause:
    """One part of the query: any of its alternatives (words or phrases) may match."""

    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]  # optional: ranked by how many match
    phrases: tuple[str, ...] = ()  # "quoted": each must match as written
    excluded: tuple[str, ...] = ()  # -word, -"phrase": none may match
    corrected: str | None = None  # the query with spelling corrected, when it differs
    languages: tuple[str, ...] = ("en",)  # analyse the words in these languages
    minimum_match: int = 1  # clauses a practice must match, when there are no phrases

    @property
    def is_empty(self) -> bool:
        """No words to match (an exclusion alone still filters)."""
        return not (self.clauses or self.phrases)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word or phrase that may match, for highlighting and the query embedding."""
        return tuple(a for c in self.clauses for a in c.alternatives) + self.phrases


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # OR within, AND across
    year_from: int | None = None
    year_to: int | None = None
    # Only practices transferred successfully elsewhere (transfers.models.transferred_elsewhere).
    transferred: bool = False
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 20
    with_facets: bool = True
    # The query's dense embedding (search/embeddings.py): None when there are no words or the
    # model is unavailable; then only words match.
    embedding: tuple[float, ...] | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


WORDS, MEANING = "words", "meaning"


@dataclass
class Hit:
    page_id: int
    score: float
    snippet: str = ""  # plain text with MARK_START/MARK_END around matches; not yet escaped
    # How it matched: by its words (WORDS), by meaning (MEANING: the embeddings), or both.
    matched: frozenset[str] = frozenset()


@dataclass
class EngineResult:
    total: int
    hits: list[Hit]
    # facet -> value -> count, counted with every filter except the facet's own
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    semantic: bool = False  # meaning-based matching took part


Progress = Callable[[int], None]


class SearchEngine(Protocol):
    name: str

    def search(self, request: SearchRequest) -> EngineResult: ...

    def iter_ids(self, request: SearchRequest, *, chunk_size: int = ID_CHUNK) -> Iterator[int]:
        """Every matching page id in the request's sort order (its page and page size are
        ignored), fetched `chunk_size` at a time; a generator, so nothing is asked before the
        first id is wanted."""
        ...

    def suggest_titles(self, prefix: str, limit: int) -> list[tuple[int, str]]: ...

    def similar(self, page_id: int, limit: int) -> list[int]: ...

    def index_pages(self, page_ids: Iterable[int]) -> None: ...

    def remove_pages(self, page_ids: Iterable[int]) -> None: ...

    def rebuild(self, progress: Progress | None = None) -> int: ...

    def indexed_ids(self) -> set[int]: ...
