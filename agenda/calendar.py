"""The events as iCalendar (RFC 5545), for calendar applications: one event, every event, or the
events on a theme. Built with the `icalendar` package.

Times are local times with their zone (DTSTART;TZID=Europe/Warsaw), and each zone used is
described by a VTIMEZONE (icalendar's add_missing_timezones), so that a subscriber in Lisbon
sees a Łódź seminar at the right hour, summer time or not. An all-day event has DATE values,
its DTEND the day after its last day (RFC 5545: the end is exclusive). The UID comes from the
event's translation key: the same for all its languages and across edits, so that a calendar
updates the event rather than adding it again.
https://icalendar.readthedocs.io/ , https://www.rfc-editor.org/rfc/rfc5545
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vCalAddress, vGeo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.text import html_to_plain

from .models import EventPage

PRODID = "-//European Regions for Social Inclusion//ERSI Practices events//EN"
UID_DOMAIN = "events.ersi-practices"
STATUS = {
    EventPage.Status.SCHEDULED: "CONFIRMED",
    EventPage.Status.POSTPONED: "TENTATIVE",
    EventPage.Status.CANCELLED: "CANCELLED",
}
# How often subscribed calendars should check for changes.
REFRESH = dt.timedelta(hours=12)


def event_uid(event: EventPage) -> str:
    return f"{event.translation_key}@{UID_DOMAIN}"


def ical_event(event: EventPage, request: HttpRequest | None) -> Event:
    start, end = event.moments()
    item = Event()
    item.add("uid", event_uid(event))
    item.add("dtstamp", event.last_published_at or timezone.now())
    if event.is_all_day:
        item.add("dtstart", event.start_date)
        item.add("dtend", event.last_day + dt.timedelta(days=1))
    else:
        item.add("dtstart", start)
        if end > start:
            item.add("dtend", end)
    item.add("summary", event.title)
    item.add("description", description(event, request))
    if location := ical_location(event):
        item.add("location", location)
    url = event.get_full_url(request)
    if url:
        item.add("url", url)
    if event.has_coordinates:
        item.add("geo", vGeo((event.latitude, event.longitude)))
    host = event.host
    if host:
        organizer = vCalAddress(host.get_full_url(request) or f"urn:partner:{host.slug}")
        organizer.params["cn"] = host.title
        item.add("organizer", organizer)
    categories = [str(event.get_kind_display()), *(theme.name for theme in event.themes.all())]
    item.add("categories", categories)
    item.add("status", STATUS.get(event.status, "CONFIRMED"))
    if event.first_published_at:
        item.add("created", event.first_published_at)
    if event.last_published_at:
        item.add("last-modified", event.last_published_at)
    return item


def ical_location(event: EventPage) -> str:
    parts = [event.place_label] if event.has_place else []
    if event.is_online and event.online_url:
        parts.append(event.online_url)
    return " · ".join(part for part in parts if part)


def description(event: EventPage, request: HttpRequest | None) -> str:
    parts = [event.summary]
    if event.description:
        parts.append(html_to_plain(event.description))
    if event.is_online and event.online_url:
        parts.append(_("Join online: %(url)s") % {"url": event.online_url})
    url = event.get_full_url(request)
    if url:
        parts.append(_("Programme and registration: %(url)s") % {"url": url})
    return "\n\n".join(part for part in parts if part)


def ical_calendar(
    events: Iterable[EventPage], request: HttpRequest | None, name: str, about: str = ""
) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if about:
        cal.add("x-wr-caldesc", about)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    for event in events:
        cal.add_component(ical_event(event, request))
    cal.add_missing_timezones()
    return cal
