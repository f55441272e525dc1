"""Search servers for the engine tests: osmem-server as the stand-in, or real ones from the env.

`osmem-server` (an in-memory OpenSearch-compatible server) stands in for both Elasticsearch 9 and
OpenSearch 3. The elasticsearch 9 client asks for `application/vnd.elasticsearch+json;
compatible-with=9`, which osmem refuses (406); `JsonHeadersNode` rewrites those headers to plain
JSON. Test-only: never put it in production settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse

from search.engines.config import wagtail_search_backends
from search.engines.elastic import ElasticEngine

# ELASTICSEARCH_URL / OPENSEARCH_URL point the engine tests at real servers instead of osmem.
ENV_URLS = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}
JSON = "application/json"


class JsonHeadersNode(Urllib3HttpNode):
    """An elastic_transport node that speaks plain `application/json` (for osmem)."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        **kwargs: Any,
    ) -> NodeApiResponse:
        headers = HttpHeaders(headers or {})
        for name in ("accept", "content-type"):
            if "vnd.elasticsearch" in headers.get(name, ""):
                # Bulk bodies are newline-delimited JSON; everything else is JSON.
                ndjson = "x-ndjson" in headers[name]
                headers[name] = "application/x-ndjson" if ndjson else JSON
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


@dataclass(frozen=True)
class SearchServer:
    """Where an engine test sends its requests, and the client options it needs there."""

    url: str
    options: dict[str, Any] = field(default_factory=dict)
    real: bool = False  # a real Elasticsearch/OpenSearch from the environment


def server_from_env(kind: str) -> SearchServer | None:
    url = os.environ.get(ENV_URLS[kind], "").strip()
    return SearchServer(url=url, real=True) if url else None


def osmem_server_for(kind: str, osmem_url: str) -> SearchServer:
    options = {"node_class": JsonHeadersNode} if kind == "elasticsearch" else {}
    return SearchServer(url=osmem_url, options=options)


def configure_engine(
    settings, kind: str, server: SearchServer, prefix: str, vectors: str | None = None
) -> ElasticEngine:
    """Point the settings (pytest-django's `settings` fixture) at `server` under a private index
    prefix, and return the engine they now describe.

    Vectors live in the engine on real servers; osmem has no kNN search (and refuses
    `dense_vector` fields), so there the nearest practices come from PostgreSQL, unless a test
    asks for `vectors="engine"`."""
    vectors = vectors or ("engine" if server.real else "postgres")
    settings.SEARCH_BACKEND = kind
    settings.SEARCH_URL = server.url
    settings.SEARCH_INDEX_PREFIX = prefix
    settings.SEARCH_VECTORS = vectors
    # auto_update=False: only the engine API writes to the index, as on PostgreSQL.
    settings.WAGTAILSEARCH_BACKENDS = wagtail_search_backends(
        kind, server.url, prefix, server.options, auto_update=False, vectors=vectors == "engine"
    )
    return ElasticEngine()


def drop_indices(engine: ElasticEngine, prefix: str) -> None:
    """Delete a test's indices by name (real clusters refuse wildcard deletes)."""
    for name in list(engine.es.indices.get(index=f"{prefix}*").keys()):
        engine.es.indices.delete(index=name)
