"""Nearest-neighbour search over the practice embeddings on PostgreSQL, with pgvector.

The embeddings are stored as plain float arrays (search_practiceembedding.vector), so the table
exists on any PostgreSQL. Where the `vector` extension can be created (the embedded server ships
it), an HNSW index on the array cast to `vector(N)` answers "the k nearest" in milliseconds;
without it, meaning-based search is off and says so, and words still match.
https://github.com/pgvector/pgvector#hnsw
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)
TABLE = "search_practiceembedding"
# Candidates the HNSW scan looks at (pgvector's hnsw.ef_search); more is slower and closer to
# exact. Iterative scans go on past filtered-out rows (pgvector 0.8).
EF_SEARCH = 100
_available: dict[str, bool] = {}


def ensure_extension() -> bool:
    """Create the `vector` extension if this server has it; True when it is there."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
                " UNION ALL SELECT 1 FROM pg_extension WHERE extname = 'vector'"
            )
            if not cursor.fetchone():
                return False
            cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except DatabaseError as exc:  # e.g. no privilege to create extensions
        logger.warning("pgvector is not available: %s", exc)
        return False
    _available.clear()
    return True


def available() -> bool:
    """Whether pgvector is installed in this database (checked once per connection alias)."""
    key = connection.settings_dict["NAME"]
    if key not in _available:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
            _available[key] = cursor.fetchone() is not None
    return _available[key]


def index_name(dimension: int) -> str:
    return f"search_embedding_hnsw_{dimension}"


def ensure_index(dimension: int) -> bool:
    """The HNSW index for vectors of this dimension (one per dimension, so that changing the
    model to one of another size needs no migration)."""
    if not available():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index_name(dimension)])
        if cursor.fetchone():
            return True
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(dimension)} ON {TABLE} "
            f"USING hnsw ((vector::vector({dimension})) vector_cosine_ops) "
            f"WHERE cardinality(vector) = {dimension}"
        )
    return True


def literal(vector: Sequence[float]) -> str:
    """A vector as pgvector's text input."""
    return "[" + ",".join(f"{x:.7g}" for x in vector) + "]"


def nearest_sql(dimension: int) -> str:
    """The ORDER BY expression that the HNSW index serves (cosine distance to %s)."""
    return f"(e.vector::vector({dimension})) <=> %s::vector({dimension})"


def set_search_options(cursor) -> None:
    """For this connection (the options are the same for every search)."""
    cursor.execute(
        "SELECT set_config('hnsw.ef_search', %s, false), "
        "set_config('hnsw.iterative_scan', 'relaxed_order', false)",
        [str(EF_SEARCH)],
    )
