"""WAGTAILSEARCH_BACKENDS from SEARCH_BACKEND / SEARCH_URL (imported by settings: no models here)."""

from __future__ import annotations

from typing import Any

WAGTAIL_BACKENDS = {
    "elasticsearch": "wagtail.search.backends.elasticsearch9",
    "opensearch": "wagtail.search.backends.opensearch3",
}

# Our analysis: English stemming for every text field by default (Wagtail's mapping names its
# own analyzers for autocomplete fields). Synonyms are expanded at query time (search/query.py),
# so editors' changes apply at once, without a reindex.
INDEX_SETTINGS: dict[str, Any] = {
    "settings": {
        "analysis": {
            "filter": {
                "english_stop": {"type": "stop", "stopwords": "_english_"},
                "english_stemmer": {"type": "stemmer", "language": "english"},
                "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
            },
            "analyzer": {
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "english_possessive_stemmer",
                        "lowercase",
                        "asciifolding",
                        "english_stop",
                        "english_stemmer",
                    ],
                },
            },
        }
    }
}


def wagtail_search_backends(
    backend: str, url: str, index_prefix: str, options: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
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
            "INDEX_SETTINGS": INDEX_SETTINGS,
            "ATOMIC_REBUILD": True,  # update_index builds a new index, then swaps the alias
            "TIMEOUT": 5,
            "OPTIONS": options or {},
        }
    }
