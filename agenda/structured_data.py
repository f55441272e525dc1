"""schema.org JSON-LD for an event page, as opendata/structured_data.py does for practices.

https://schema.org/Event, https://developers.google.com/search/docs/appearance/structured-data/event
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wagtail.api.utils import get_full_url

from opendata.structured_data import NETWORK_NAME

from .models import EventPage

ATTENDANCE_MODES = {
    EventPage.Attendance.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    EventPage.Attendance.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    EventPage.Attendance.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
STATUSES = {
    EventPage.Status.SCHEDULED: "https://schema.org/EventScheduled",
    EventPage.Status.POSTPONED: "https://schema.org/EventPostponed",
    EventPage.Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_json_ld(page: EventPage, request: HttpRequest) -> dict[str, Any]:
    url = page.full_url
    start, end = page.moments()
    # All day: dates; otherwise the local time with its offset, as schema.org asks.
    if page.is_all_day:
        starts, ends = page.start_date.isoformat(), page.last_day.isoformat()
    else:
        starts, ends = start.isoformat(), end.isoformat() if end > start else None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": page.title,
        "description": page.summary,
        "inLanguage": page.languages or [page.locale.language_code],
        "startDate": starts,
        "endDate": ends,
        "eventAttendanceMode": ATTENDANCE_MODES.get(page.attendance),
        "eventStatus": STATUSES.get(page.status),
        "isAccessibleForFree": True,
        "about": [
            {"@type": "DefinedTerm", "name": theme.name, "termCode": theme.slug}
            for theme in page.themes.all()
        ],
        "audience": [
            {"@type": "Audience", "audienceType": group.name} for group in page.target_group_list
        ],
        "organizer": [
            organisation(partner) for partner in (page.host, *page.co_hosts.all()) if partner
        ],
        "superEvent": {
            "@type": "EventSeries",
            "name": NETWORK_NAME,
            "url": get_full_url(request, "/"),
        },
    }
    if page.capacity:
        data["maximumAttendeeCapacity"] = page.capacity
    locations = []
    if page.attendance != EventPage.Attendance.ONLINE and (page.has_place or page.has_coordinates):
        locations.append(place(page))
    if page.is_online and page.online_url:
        locations.append({"@type": "VirtualLocation", "url": page.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organisation(partner) -> dict[str, Any]:
    return {"@type": "Organization", "name": partner.title, "url": partner.full_url}


def place(page: EventPage) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Place", "name": page.venue or page.city or page.place_label}
    address = {"@type": "PostalAddress"}
    if page.address:
        address["streetAddress"] = page.address
    if page.city:
        address["addressLocality"] = page.city
    if page.country:
        address["addressCountry"] = page.country.code
    if len(address) > 1:
        data["address"] = address
    if page.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": page.latitude,
            "longitude": page.longitude,
        }
    return data
