"""The map's markers as a GeoJSON FeatureCollection: the partners, and the practices matching a
search (every one, up to MAX_PRACTICES, in the search's order)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest

from kb.models import PracticePage
from maps.locations import Location, Locator

# Beyond this many practices the map keeps the first ones and says so: the browser would have
# to parse and cluster tens of megabytes of markers (about 200 bytes each).
MAX_PRACTICES = 10_000
LOAD_CHUNK = 1000  # practices loaded per query
PRACTICE_FIELDS = ("title", "path", "url_path", "country", "region", "latitude", "longitude")


def place_label(place: str, country) -> str:
    """ "Łódź Voivodeship, Poland"; either part may be missing."""
    return ", ".join(part for part in (place, country.name if country else "") if part)


def point(location: Location, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(location.lon, 5), round(location.lat, 5)],  # GeoJSON: lon, lat
        },
        "properties": properties,
    }


def map_features(
    ids: Iterator[int], locator: Locator, request: HttpRequest, limit: int = MAX_PRACTICES
) -> dict[str, Any]:
    """The partners and the practices of `ids` (loaded LOAD_CHUNK at a time) as GeoJSON, with
    how many practices are shown, left unplaced (no country known) and whether some were cut."""
    practices: list[dict[str, Any]] = []
    per_partner: Counter[str] = Counter()
    unplaced = 0
    wanted = list(itertools.islice(ids, limit + 1))
    truncated = len(wanted) > limit
    for chunk in itertools.batched(wanted[:limit], LOAD_CHUNK):
        pages = PracticePage.objects.live().filter(pk__in=chunk).only(*PRACTICE_FIELDS)
        by_id = {page.pk: page for page in pages}
        for page in (by_id[pk] for pk in chunk if pk in by_id):
            partner = locator.partner_of(page)
            location = locator.practice_location(page)
            if location is None:
                unplaced += 1
                continue
            if partner:
                per_partner[partner.slug] += 1
            practices.append(
                point(
                    location,
                    {
                        "kind": "practice",
                        "id": page.pk,
                        "title": page.title,
                        "url": page.get_url(request),
                        "partner": partner.title if partner else "",
                        "place": place_label(page.region, page.country),
                        "approximate": location.approximate,
                        "precision": location.precision,
                    },
                )
            )
    return {
        "type": "FeatureCollection",
        "features": partner_features(locator, request, per_partner) + practices,
        "practices": {
            "shown": len(practices),
            "unplaced": unplaced,
            "truncated": truncated,
            "limit": limit,
        },
    }


def partner_features(
    locator: Locator, request: HttpRequest, per_partner: Counter[str]
) -> list[dict[str, Any]]:
    features = []
    for partner in locator.partners:
        location = locator.partner_location(partner)
        if location is None:
            continue
        features.append(
            point(
                location,
                {
                    "kind": "partner",
                    "slug": partner.slug,
                    "title": partner.title,
                    "url": partner.get_url(request),
                    "place": place_label(partner.city, partner.country),
                    "approximate": location.approximate,
                    "precision": location.precision,
                    "practices": per_partner[partner.slug],
                },
            )
        )
    return features
