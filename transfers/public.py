"""The approved transfer stories as open data: the API v2 detail of a practice (opendata.api)
and its JSON-LD (opendata.structured_data). Never the submitter's name, e-mail or token."""

from __future__ import annotations

from typing import Any

from .models import SUCCESSFUL, TransferStory


def approved_stories(page) -> list[TransferStory]:
    return list(
        TransferStory.objects.of_practice(page)
        .approved()
        .prefetch_related("updates", "funding_sources")
        .order_by("-year_adopted", "pk")
    )


def public_stories(page) -> list[dict[str, Any]]:
    from maps.locations import Locator

    stories = []
    locator = Locator.load()
    for story in approved_stories(page):
        point = story.location(locator)
        stories.append(
            {
                "organisation": story.organisation,
                "place": story.place,
                "country": str(story.country),
                "latitude": point[0] if point else None,
                "longitude": point[1] if point else None,
                "location_approximate": point[2] if point else None,
                "year_adopted": story.year_adopted,
                "month_adopted": story.month_adopted,
                "kind": story.kind,
                "status": story.status,
                "changes": story.changes,
                "financing": story.financing,
                "funding_sources": [source.slug for source in story.funding_sources.all()],
                "results": story.latest_results,
                "lessons": story.latest_lessons,
                "updates": [
                    {
                        "date": update.created_at.date().isoformat(),
                        "status": update.status,
                        "results": update.results,
                        "lessons": update.lessons,
                    }
                    for update in story.public_updates()
                ],
                "sample": story.is_sample,
            }
        )
    return stories


def stories_json_ld(page) -> list[dict[str, Any]]:
    """schema.org: each transfer as a CreativeWork adapted from the practice, at its place."""
    items = []
    for story in approved_stories(page):
        place: dict[str, Any] = {
            "@type": "Place",
            "name": story.place,
            "address": {"@type": "PostalAddress", "addressCountry": str(story.country)},
        }
        if story.latitude is not None and story.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": story.latitude,
                "longitude": story.longitude,
            }
        item: dict[str, Any] = {
            "@type": "CreativeWork",
            "name": f"{story.place} ({story.year_adopted})",
            "creativeWorkStatus": story.status,
            "dateCreated": str(story.year_adopted),
            "spatialCoverage": place,
            "author": {"@type": "Organization", "name": story.organisation},
        }
        if story.latest_results:
            item["abstract"] = story.latest_results
        items.append(item)
    return items


# The export columns (opendata.exports): how many approved stories say the practice runs
# elsewhere (running or scaled up), and a summary of every approved story.
TRANSFER_KEYS = ("transfers_successful", "transfers")
EMPTY_TRANSFERS: dict[str, Any] = {"transfers_successful": 0, "transfers": []}


def transfer_summaries(pages) -> dict[Any, dict[str, Any]]:
    """The export columns of these practices, by translation key (one query)."""
    keys = {page.translation_key for page in pages}
    found: dict[Any, dict[str, Any]] = {}
    stories = (
        TransferStory.objects.approved()
        .filter(practice__translation_key__in=keys)
        .values_list("practice__translation_key", "place", "country", "year_adopted", "kind",
                     "status")
        .order_by("-year_adopted", "pk")
    )  # fmt: skip
    for key, place, country, year, kind, status in stories:
        columns = found.setdefault(key, {"transfers_successful": 0, "transfers": []})
        columns["transfers"].append(
            {"place": place, "country": country, "year": year, "kind": kind, "status": status}
        )
        if status in SUCCESSFUL:
            columns["transfers_successful"] += 1
    return found
