"""The approved transfer stories as open data: the API v2 detail of a practice (opendata.api)
and its JSON-LD (opendata.structured_data). Never the submitter's name, e-mail or token."""

from __future__ import annotations

from typing import Any

from .models import TransferStory


def approved_stories(page) -> list[TransferStory]:
    return list(
        TransferStory.objects.of_practice(page)
        .approved()
        .prefetch_related("updates")
        .order_by("-year_adopted", "pk")
    )


def public_stories(page) -> list[dict[str, Any]]:
    stories = []
    for story in approved_stories(page):
        point = story.location()
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
                "results": story.latest_results,
                "lessons": story.latest_lessons,
                "updates": [
                    {
                        "date": update.created_at.date().isoformat(),
                        "status": update.status,
                        "results": update.results,
                        "lessons": update.lessons,
                    }
                    for update in sorted(story.updates.all(), key=lambda u: (u.created_at, u.pk))
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
