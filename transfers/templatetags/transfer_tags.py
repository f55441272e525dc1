"""The "Transferred elsewhere" section of the practice page (templates/transfers/components/)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from kb.models import PracticePage
from maps.locations import Locator, country_centroids
from transfers.models import SUCCESSFUL, Kind, TransferStory

register = template.Library()


@dataclass
class LineageEntry:
    place: str
    country: str  # the country's name
    year: int | None
    kind: str
    status: str = ""
    results: str = ""
    lessons: str = ""
    changes: str = ""
    url: str = ""
    organisation: str = ""
    successful: bool = False
    is_sample: bool = False
    anchor: str = ""
    updates: list = field(default_factory=list)
    point: tuple[float, float, bool] | None = field(default=None, repr=False)


def _adaptation_point(adaptation) -> tuple[float, float, bool] | None:
    centre = country_centroids().get(str(adaptation.country or ""))
    return (centre[0], centre[1], True) if centre else None


def lineage_entries(practice: PracticePage) -> list[LineageEntry]:
    """The approved stories and the editor-written adaptations, newest first."""
    stories = TransferStory.objects.of_practice(practice).approved().prefetch_related("updates")
    locator = Locator.load()
    entries = [
        LineageEntry(
            place=story.place,
            country=str(story.country.name or ""),
            year=story.year_adopted,
            kind=str(story.get_kind_display()),
            status=str(story.get_status_display()),
            results=story.latest_results,
            lessons=story.latest_lessons,
            changes=story.changes,
            organisation=story.organisation,
            successful=story.status in SUCCESSFUL,
            is_sample=story.is_sample,
            anchor=f"transfer-story-{story.pk}",
            updates=story.public_updates(),
            point=story.location(locator),
        )
        for story in stories
    ]
    entries += [
        LineageEntry(
            place=adaptation.place,
            country=str(adaptation.country.name or "") if adaptation.country else "",
            year=adaptation.year,
            kind=str(Kind.ADAPTED.label),
            changes=adaptation.description,
            url=adaptation.url,
            # An adaptation the partner lists is one known to have been taken up.
            successful=True,
            point=_adaptation_point(adaptation),
        )
        for adaptation in practice.adaptations.all()
    ]
    entries.sort(key=lambda entry: -(entry.year or 0))
    return entries


@register.simple_tag
def transfer_lineage(practice: PracticePage) -> dict:
    entries = lineage_entries(practice)
    points = []
    origin = Locator.load().practice_location(practice)
    if origin is not None:
        points.append(
            {"lat": origin.lat, "lon": origin.lon, "label": practice.title, "origin": True}
        )
    for entry in entries:
        if entry.point is not None:
            label = ", ".join(part for part in (entry.place, entry.country) if part)
            points.append(
                {"lat": entry.point[0], "lon": entry.point[1], "label": label, "origin": False}
            )
    return {
        "entries": entries,
        "successful": sum(1 for entry in entries if entry.successful),
        # JSON in a data attribute (escaped by the template): no inline script (CSP).
        "points": json.dumps(points) if entries and points else "",
        "tiles": settings.MAP_TILES,
        "origin_label": _("Original practice"),
    }


@register.simple_tag
def cited_transfer_stories(assessment) -> list[TransferStory]:
    """The approved transfer stories an assessment cites as evidence (a story rejected since is
    left out)."""
    return list(
        assessment.cited_transfer_stories.approved()
        .prefetch_related("updates")
        .order_by("-year_adopted", "place")
    )


@register.simple_tag
def successful_transfer_count(practice: PracticePage) -> int:
    """Approved stories running or scaled up, and the adaptations the partner lists (two
    counts, for the key facts at the top of the practice page)."""
    stories = TransferStory.objects.of_practice(practice).approved().successful().count()
    return stories + practice.adaptations.count()
