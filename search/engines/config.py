"""WAGTAILSEARCH_BACKENDS from SEARCH_BACKEND / SEARCH_URL (imported by settings: no models here)."""

from __future__ import annotations

from typing import Any

WAGTAIL_BACKENDS = {
    "elasticsearch": "wagtail.search.backends.elasticsearch9",
    "opensearch": "wagtail.search.backends.opensearch3",
}

# Our analysis: English stemming for every text field by default (Wagtail's mapping names its
# own analyzers for autocomplete fields). Synonyms are expanded at query time (search/query.py),
# so editors' changes apply at once, without a reindex. Possessives ("children's") are cut by a
# pattern_replace char filter rather than the `possessive_english` stemmer: osmem-server, the
# stand-in the tests run on, mishandles that stemmer (every query then matches every document).
INDEX_SETTINGS: dict[str, Any] = {
    "settings": {
        "analysis": {
            "char_filter": {
                "english_possessive": {
                    "type": "pattern_replace",
                    "pattern": "(\\w)['’][sS]\\b",
                    "replacement": "$1",
                },
            },
            "filter": {
                "english_stop": {"type": "stop", "stopwords": "_english_"},
                "english_stemmer": {"type": "stemmer", "language": "english"},
            },
            "analyzer": {
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["english_possessive"],
                    "filter": ["lowercase", "asciifolding", "english_stop", "english_stemmer"],
                },
            },
        }
    }
}


def index_settings(backend: str, *, vectors: bool) -> dict[str, Any]:
    if backend == "opensearch" and vectors:
        knn = {"settings": {"index": {"knn": True}}}
        return {"settings": {**INDEX_SETTINGS["settings"], **knn["settings"]}}
    return INDEX_SETTINGS


def wagtail_search_backends(
    backend: str,
    url: str,
    index_prefix: str,
    options: dict[str, Any] | None = None,
    *,
    auto_update: bool = True,
    vectors: bool = False,
) -> dict[str, dict[str, Any]]:
    """The "default" Wagtail search backend for SEARCH_BACKEND at `url`.

    `options` go to the client constructor; `auto_update=False` stops Wagtail's own signal
    handlers writing to the index (the engine tests index through the engine API only);
    `vectors` readies an OpenSearch index for `knn_vector` fields (`index.knn`).
    """
    if backend == "database":
        return {"default": {"BACKEND": "wagtail.search.backends.database"}}
    if backend not in WAGTAIL_BACKENDS:
        raise ValueError(
            f"SEARCH_BACKEND must be database, elasticsearch or opensearch, not {backend!r}"
        )
    return {
        "default": {
            "BACKEND": WAGTAIL_BACKENDS[backend],
            "URLS": [url],
            "INDEX_PREFIX": index_prefix,
            "INDEX_SETTINGS": index_settings(backend, vectors=vectors),
            "ATOMIC_REBUILD": True,  # update_index builds a new index, then swaps the alias
            "TIMEOUT": 5,
            "OPTIONS": options or {},
            "AUTO_UPDATE": auto_update,
        }
    }
