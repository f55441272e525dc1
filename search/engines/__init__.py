"""Which engine answers searches: PostgreSQL by default, Elasticsearch/OpenSearch when configured.

PostgreSQL (the SearchRecord table) is always kept up to date as well, so it can answer while an
external engine is unreachable (see search/service.py).
"""

from __future__ import annotations

from django.conf import settings

from search.engines.base import EngineUnavailable, SearchEngine
from search.engines.postgres import PostgresEngine

__all__ = ["EngineUnavailable", "PostgresEngine", "SearchEngine", "get_engine", "external_engine"]


def external_engine() -> SearchEngine | None:
    """The configured Elasticsearch/OpenSearch engine, or None on the PostgreSQL default."""
    if settings.SEARCH_BACKEND == "database":
        return None
    from search.engines.elastic import ElasticEngine

    return ElasticEngine()


def get_engine() -> SearchEngine:
    return external_engine() or PostgresEngine()
