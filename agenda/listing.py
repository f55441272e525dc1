"""/events/: the filters (type, country, partner, theme, month), the upcoming and past lists and
the month calendar. One GET form, without JavaScript; every filter can be removed with a chip.

A filter value that is not known is left out and said so (the page answers 400, as /search/
does); the rest of the filters still apply.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kb.models import PartnerPage, Theme

from .models import EventPage

PAST_PER_PAGE = 10
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FILTERS = ("kind", "country", "partner", "theme", "month")
FILTER_LABELS = {
    "kind": gettext_lazy("Type of event"),
    "country": gettext_lazy("Country"),
    "partner": gettext_lazy("Partner"),
    "theme": gettext_lazy("Theme"),
    "month": gettext_lazy("Month"),
}
VIEWS = ("list", "calendar")


@dataclass
class Choice:
    value: str
    label: str
    selected: bool = False


@dataclass
class EventFilters:
    """The filters as read from the query string, with the choices the form offers."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    month: dt.date | None = None  # the first day of the month filtered on
    view: str = "list"
    choices: dict[str, list[Choice]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # value labels of the active filters

    def query(self, **changes) -> str:
        """The query string of these filters with some changed (None removes one)."""
        params = {**self.values, "view": self.view}
        params.update(changes)
        if params["view"] == "list":
            params["view"] = None  # the default
        data = QueryDict(mutable=True)
        for key in ("view", *FILTERS, "page"):
            if params.get(key):
                data[key] = str(params[key])
        encoded = data.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def active(self) -> list[dict[str, str]]:
        """One chip per active filter: its name, value's label and the address without it."""
        return [
            {
                "name": key,
                "facet": str(FILTER_LABELS[key]),
                "label": self.labels.get(key, value),
                "url": self.query(**{key: None}),
            }
            for key, value in self.values.items()
        ]


def live_events() -> QuerySet[EventPage]:
    return EventPage.objects.live().public().one_per_event()


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def parse_month(text: str) -> dt.date | None:
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def read_filters(data: QueryDict, events: QuerySet[EventPage]) -> EventFilters:
    filters = EventFilters()
    kinds = dict(EventPage.Kind.choices)
    countries = {
        code: str(EventPage._meta.get_field("country").countries.name(code))
        for code in events.exclude(country="").values_list("country", flat=True).distinct()
    }
    partners = dict(
        PartnerPage.objects.live()
        .filter(locale__language_code="en")
        .order_by("title")
        .values_list("slug", "title")
    ) or dict(PartnerPage.objects.live().order_by("title").values_list("slug", "title"))
    themes = dict(Theme.objects.filter(events__in=events).distinct().values_list("slug", "name"))
    known = {"kind": kinds, "country": countries, "partner": partners, "theme": themes}

    for key, values in known.items():
        value = (data.get(key) or "").strip()
        if not value:
            continue
        if key == "country":
            value = value.upper()
        if value in values:
            filters.values[key] = value
            filters.labels[key] = str(values[value])
        else:
            filters.errors[key] = _("Unknown value: %(values)s.") % {"values": value[:50]}
    month = (data.get("month") or "").strip()
    if month:
        filters.month = parse_month(month)
        if filters.month:
            filters.values["month"] = filters.month.strftime("%Y-%m")
            filters.labels["month"] = month_label(filters.month)
        else:
            filters.errors["month"] = _("Give a month as year and month, e.g. 2027-03.")
    view = (data.get("view") or "list").strip()
    if view in VIEWS:
        filters.view = view
    else:
        filters.errors["view"] = _("Show the events as a list or a calendar.")

    # The choices offered: those with events (and the one chosen, whatever happens).
    used_kinds = set(events.values_list("kind", flat=True).distinct())
    used_partners = hosts_and_co_hosts(events)
    filters.choices = {
        "kind": [Choice(v, str(label), v == filters.values.get("kind"))
                 for v, label in kinds.items() if v in used_kinds],
        "country": [Choice(v, label, v == filters.values.get("country"))
                    for v, label in sorted(countries.items(), key=lambda item: item[1])],
        "partner": [Choice(v, label, v == filters.values.get("partner"))
                    for v, label in partners.items() if v in used_partners],
        "theme": [Choice(v, label, v == filters.values.get("theme"))
                  for v, label in sorted(themes.items(), key=lambda item: item[1])],
    }  # fmt: skip
    return filters


def hosts_and_co_hosts(events: QuerySet[EventPage]) -> set[str]:
    hosts = set(events.for_listing().values_list("host_slug", flat=True))
    co_hosts = set(
        EventPage.co_hosts.through.objects.filter(eventpage__in=events).values_list(
            "partnerpage__slug", flat=True
        )
    )
    return (hosts | co_hosts) - {None}


def apply_filters(events: QuerySet[EventPage], filters: EventFilters, *, month=True):
    values = filters.values
    if kind := values.get("kind"):
        events = events.filter(kind=kind)
    if country := values.get("country"):
        events = events.filter(country=country)
    if partner := values.get("partner"):
        events = events.hosted_by(partner)
    if theme := values.get("theme"):
        events = events.filter(themes__slug=theme)
    if month and filters.month:
        events = in_month(events, filters.month)
    return events


def in_month(events: QuerySet[EventPage], month: dt.date) -> QuerySet[EventPage]:
    """The events with at least one of their (local) days in the month."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return events.filter(start_date__lte=last).filter(
        Q(end_date__gte=month) | Q(end_date__isnull=True, start_date__gte=month)
    )


# -- the calendar ------------------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    events: list[EventPage]


@dataclass
class MonthGrid:
    month: dt.date
    caption: str
    weekdays: list[tuple[str, str]]  # (full name, abbreviation), Monday first
    weeks: list[list[Day]]
    previous_url: str
    next_url: str
    previous_label: str
    next_label: str
    count: int


def month_grid(events: list[EventPage], month: dt.date, filters: EventFilters) -> MonthGrid:
    """The month as weeks of days (Monday first, as across Europe), each with the events held on
    it: a three-day seminar is on each of its three days, at its local dates."""
    by_day: dict[dt.date, list[EventPage]] = defaultdict(list)
    for event in events:
        day = event.start_date
        while day <= event.last_day:
            by_day[day].append(event)
            day += dt.timedelta(days=1)
    today = timezone.localdate()
    weeks = [
        [Day(day, day.month == month.month, day == today, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return MonthGrid(
        month=month,
        caption=month_label(month),
        weekdays=[(str(WEEKDAYS[n]), str(WEEKDAYS_ABBR[n])) for n in range(7)],
        weeks=weeks,
        previous_url=filters.query(month=previous.strftime("%Y-%m"), page=None),
        next_url=filters.query(month=following.strftime("%Y-%m"), page=None),
        previous_label=month_label(previous),
        next_label=month_label(following),
        count=len(events),
    )


# -- the page's context ------------------------------------------------------------------------


def listing_context(request: HttpRequest) -> dict:
    events = live_events()
    filters = read_filters(request.GET, events)
    context: dict = {
        "filters": filters,
        "filter_errors": filters.errors,
        "filter_labels": FILTER_LABELS,
        "view": filters.view,
        "list_url": filters.query(view="list", page=None),
        "calendar_url": filters.query(view="calendar", page=None),
        "noindex": bool(request.GET),
    }
    if filters.view == "calendar":
        month = filters.month or timezone.localdate().replace(day=1)
        shown = apply_filters(events, filters, month=False)
        in_view = list(in_month(shown, month).for_listing().order_by("starts_at", "pk"))
        context["calendar"] = month_grid(in_view, month, filters)
        context["list_url"] = filters.query(view="list", month=None, page=None)
        return context

    shown = apply_filters(events, filters)
    now = timezone.now()
    context["upcoming"] = list(shown.upcoming(now).for_listing())
    paginator = Paginator(shown.past(now).for_listing(), PAST_PER_PAGE)
    number = request.GET.get("page") or 1
    try:
        past_page = paginator.page(number)
    except PageNotAnInteger:
        filters.errors["page"] = _("Give a page number from 1 to %(max)s.") % {
            "max": paginator.num_pages
        }
        past_page = paginator.page(1)
    except EmptyPage:
        filters.errors["page"] = _("Give a page number from 1 to %(max)s.") % {
            "max": paginator.num_pages
        }
        past_page = paginator.page(paginator.num_pages)
    context["past"] = past_page
    context["past_previous_url"] = (
        filters.query(page=past_page.previous_page_number() if past_page.number > 2 else None)
        if past_page.has_previous()
        else None
    )
    context["past_next_url"] = (
        filters.query(page=past_page.next_page_number()) if past_page.has_next() else None
    )
    return context
