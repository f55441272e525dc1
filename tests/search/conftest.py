"""Engine fixtures: one behaviour suite runs on PostgreSQL, Elasticsearch and OpenSearch.

`engine` is parametrized over the three engines. Elasticsearch and OpenSearch run on one
osmem-server (an in-memory OpenSearch-compatible server) for the session, unless
ELASTICSEARCH_URL / OPENSEARCH_URL name real servers; each test gets its own index prefix.
Select or skip them with `-m search_engine` / `-m "not search_engine"`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator

import pytest
from osmem_server import OsmemServer

from kb.models import PracticePage
from search.embeddings import embed_practices
from search.engines.base import SearchEngine
from search.engines.config import wagtail_search_backends
from search.engines.postgres import PostgresEngine
from tests.search.engine_servers import (
    SearchServer,
    configure_engine,
    drop_indices,
    osmem_server_for,
    server_from_env,
)

ENGINES = [
    "postgres",
    pytest.param("elasticsearch", marks=pytest.mark.search_engine),
    pytest.param("opensearch", marks=pytest.mark.search_engine),
]


@pytest.fixture(scope="session")
def osmem_server() -> Iterator[OsmemServer]:
    """One osmem-server for the whole session (overrides the osmem plugin's frozen, seeded one).

    The binary ships in the osmem-server wheel; it exits with the test process.
    """
    server = OsmemServer.start(japanese=False)
    yield server
    server.close()


def search_server(request: pytest.FixtureRequest, kind: str) -> SearchServer:
    """A real server from the environment, or osmem (started on first use)."""
    real = server_from_env(kind)
    if real:
        return real
    return osmem_server_for(kind, request.getfixturevalue("osmem_server").url)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, settings, db) -> Iterator[SearchEngine]:
    kind = request.param
    if kind == "postgres":
        settings.SEARCH_BACKEND = "database"
        settings.WAGTAILSEARCH_BACKENDS = wagtail_search_backends("database", "", "")
        yield PostgresEngine()
        return
    prefix = f"test_{uuid.uuid4().hex[:10]}_"
    elastic = configure_engine(settings, kind, search_server(request, kind), prefix)
    elastic.ensure_index()
    yield elastic
    drop_indices(elastic, prefix)


@pytest.fixture
def indexed(engine: SearchEngine) -> Callable[..., list[PracticePage]]:
    """Make published practices visible to the engine: `indexed(page)`, `indexed(a, b)` or
    `indexed([a, b])`; returns the pages."""

    def make_visible(*pages: PracticePage | Iterable[PracticePage]) -> list[PracticePage]:
        flat = [p for item in pages for p in ([item] if isinstance(item, PracticePage) else item)]
        embed_practices([page.pk for page in flat])  # as the task queue would, after publishing
        engine.index_pages([page.pk for page in flat])
        refresh = getattr(engine, "refresh", None)
        if refresh:
            refresh()
        return flat

    return make_visible
