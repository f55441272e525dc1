"""The events on /map/: a layer of their own beside the partners and practices (maps/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import formats, timezone

from maps.geojson import point
from maps.locations import Location

from .models import EventPage


def when_label(event: EventPage) -> str:
    first = formats.date_format(event.start_date, "DATE_FORMAT")
    if not event.is_multi_day:
        return first
    return f"{first} – {formats.date_format(event.last_day, 'DATE_FORMAT')}"


def event_features(request: HttpRequest) -> list[dict[str, Any]]:
    """Every live event with coordinates (one per event, in the reader's language), upcoming
    and past told apart, soonest first."""
    now = timezone.now()
    events = (
        EventPage.objects.live().public().one_per_event().for_listing()
        .filter(latitude__isnull=False, longitude__isnull=False).order_by("starts_at", "pk")
    )  # fmt: skip
    return [
        point(
            Location(event.latitude, event.longitude, "exact"),
            {
                "kind": "event",
                "id": event.pk,
                "title": event.title,
                "url": event.get_url(request),
                "event_type": str(event.get_kind_display()),
                "when": when_label(event),
                "start": event.start_date.isoformat(),
                "upcoming": event.ends_at >= now,
                "partner": event.host_title or "",
                "place": event.short_place,
            },
        )
        for event in events
    ]
