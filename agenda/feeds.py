"""Calendar feeds (iCalendar) and the Atom feed of events, outside the language prefixes.

- /events/<id>/event.ics: one event ("Add to calendar" on its page)
- /events/calendar.ics: every published event, to subscribe to
- /events/themes/<theme>/calendar.ics: the events on one theme
- /feeds/events/: newly announced events (Atom), beside the practice feeds

`?language=pl` gives each event in that language where it has a translation, and its links
under that language's prefix; English by default, as for the practice feeds (opendata/feeds.py).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wagtail.api.utils import get_full_url

from kb.models import Theme
from multilingual.languages import unknown_language
from opendata.feeds import FeedSource, PracticesFeed

from .calendar import ical_calendar
from .models import EventIndexPage, EventPage

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def in_requested_language(view):
    """Run the view in the language of `?language=` (a 400 for one the site does not have)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = request.GET.get("language") or settings.LANGUAGE_CODE
        if error := unknown_language(language):
            return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
        with translation.override(language):
            return view(request, *args, **kwargs)

    return wrapped


def live_events() -> QuerySet[EventPage]:
    return (
        EventPage.objects.live().public().one_per_event()
        .select_related("locale").prefetch_related("themes").order_by("starts_at", "pk")
    )  # fmt: skip


def calendar_response(calendar, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CALENDAR_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data, read by web calendars
    return response


@require_GET
@in_requested_language
def event_calendar(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(EventPage.objects.live().public(), pk=page_id)
    translated = (
        EventPage.objects.live()
        .public()
        .filter(
            translation_key=page.translation_key, locale__language_code=translation.get_language()
        )
    )
    page = translated.first() or page
    calendar = ical_calendar([page], request, page.title)
    return calendar_response(calendar, f"{page.slug}.ics", attachment=True)


@require_GET
@in_requested_language
def events_calendar(request: HttpRequest) -> HttpResponse:
    calendar = ical_calendar(
        live_events(),
        request,
        _("ERSI network events"),
        _("Conferences, seminars, workshops and study visits of the European Regions for "
          "Social Inclusion network."),
    )  # fmt: skip
    return calendar_response(calendar, "ersi-events.ics")


@require_GET
@in_requested_language
def theme_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    events = live_events().filter(themes=theme)
    name = _("ERSI network events: %(theme)s") % {"theme": theme.name}
    calendar = ical_calendar(events, request, name, theme.description or "")
    return calendar_response(calendar, f"ersi-events-{theme.slug}.ics")


class EventsFeed(PracticesFeed):
    """Newly announced events (by first publication), newest first, as the practice feeds."""

    def items(self, source: FeedSource) -> list[EventPage]:
        events = EventPage.objects.live().public().one_per_event().for_listing()
        return list(events.order_by("-first_published_at", "-pk")[:50])

    def title(self, source: FeedSource) -> str:
        return _("ERSI Practices: network events")

    def subtitle(self, source: FeedSource) -> str:
        return _(
            "Conferences, seminars, workshops and study visits of the European Regions for "
            "Social Inclusion network, as they are announced."
        )

    def link(self, source: FeedSource) -> str:
        index = EventIndexPage.objects.live().filter(locale__language_code="en").first()
        url = index.get_full_url(source.request) if index else None
        return url or get_full_url(source.request, "/")

    def item_title(self, item: EventPage) -> str:
        return f"{item.title} ({item.start_date.isoformat()})"

    def item_description(self, item: EventPage) -> str:
        when = item.start_date.isoformat()
        if item.is_multi_day:
            when = f"{when} – {item.last_day.isoformat()}"
        where = item.short_place or str(item.get_attendance_display())
        return escape(f"{item.get_kind_display()} · {when} · {where}. {item.summary}")

    def item_author_name(self, item: EventPage) -> str:
        return item.host_title or ""

    def item_author_link(self, item: EventPage) -> str | None:
        url = item.full_url
        return url.removesuffix(f"{item.slug}/") if url else None
