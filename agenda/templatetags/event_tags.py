"""Events on other pages (home, practice, partner) and the event page's metadata."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from kb.models import PartnerPage, PracticePage
from opendata.structured_data import json_ld_script

from ..models import EventIndexPage, EventPage
from ..structured_data import event_json_ld

register = template.Library()
# On a practice or partner page: the upcoming events, and this many past ones.
PAST_SHOWN = 5


@dataclass
class EventsOf:
    upcoming: list[EventPage]
    past: list[EventPage]
    more_past: bool = False

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.past)


def _split(events) -> EventsOf:
    now = timezone.now()
    events = events.live().public().one_per_event().for_listing()
    past = list(events.past(now)[: PAST_SHOWN + 1])
    return EventsOf(list(events.upcoming(now)), past[:PAST_SHOWN], len(past) > PAST_SHOWN)


@register.simple_tag
def practice_events(practice: PracticePage) -> EventsOf:
    """The events that presented or visited the practice, whichever of its translations they
    name."""
    versions = PracticePage.objects.filter(translation_key=practice.translation_key)
    linking = EventPage.objects.filter(practices__in=versions.values("pk"))
    return _split(EventPage.objects.filter(translation_key__in=linking.values("translation_key")))


@register.simple_tag
def partner_events(partner: PartnerPage) -> EventsOf:
    """The events the partner hosts or co-hosts."""
    return _split(EventPage.objects.hosted_by(partner.slug))


@register.simple_tag
def upcoming_events(limit: int = 3) -> list[EventPage]:
    events = EventPage.objects.live().public().one_per_event().for_listing()
    return list(events.upcoming()[:limit])


@register.simple_tag
def event_index() -> EventIndexPage | None:
    """The /events/ page (the English one: every language reads it under its prefix)."""
    return EventIndexPage.objects.live().filter(locale__language_code="en").first()


@register.simple_tag(takes_context=True)
def event_structured_data(context: template.Context, page: EventPage) -> SafeString:
    """The event page's JSON-LD (a schema.org Event), for its <head>."""
    return json_ld_script(event_json_ld(page, context["request"]))


@register.filter
def iso_start(event: EventPage) -> str:
    """For <time datetime>: the date of an all-day event, else the moment with its offset."""
    if event.is_all_day:
        return event.start_date.isoformat()
    return event.moments()[0].isoformat()


@register.filter
def iso_end(event: EventPage) -> str:
    if event.is_all_day:
        return event.last_day.isoformat()
    return event.moments()[1].isoformat()
