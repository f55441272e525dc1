"""Which engine answers searches: PostgreSQL by default, Elasticsearch/OpenSearch when configured.

PostgreSQL (the SearchRecord table) is always kept up to date as well, so it can answer while an
external engine is unreachable (see search/service.py). Imports are lazy: settings import
search.engines.config, before any model can be loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.engines.base import SearchEngine


def external_engine() -> SearchEngine | None:
    """The configured Elasticsearch/OpenSearch engine, or None on the PostgreSQL default."""
    from django.conf import settings

    if settings.SEARCH_BACKEND == "database":
        return None
    from search.engines.elastic import ElasticEngine

    return ElasticEngine()


def get_engine() -> SearchEngine:
    from search.engines.postgres import PostgresEngine

    return external_engine() or PostgresEngine()
