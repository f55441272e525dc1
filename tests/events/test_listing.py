"""/events/: upcoming and past, the filters and their chips, the month calendar, each event once
in the reader's language."""

import datetime as dt
import re

import pytest

from agenda.seeding import seed_event_index

from .conftest import TODAY, days, publish_event


@pytest.fixture
def index(home, calendar):
    return seed_event_index(home)


def titles(events) -> list[str]:
    return [event.title for event in events]


def test_upcoming_soonest_first_and_past_most_recent_first(client, index, calendar):
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response.context["upcoming"]) == [
        "Online workshop on transfer", "Study visit to social cooperatives",
        "Youth inclusion seminar",
    ]  # fmt: skip
    assert titles(response.context["past"]) == [
        "Expert panel on active ageing", "Seminar on migrant associations",
    ]  # fmt: skip
    html = response.content.decode()
    assert html.index("Upcoming events") < html.index("Past events")
    assert 'href="/events/calendar.ics"' in html and 'href="/feeds/events/"' in html


def test_an_event_running_now_is_still_upcoming(client, index, partners):
    publish_event(partners["belchatow"], "Art competition", kind="art_competition",
                  start_date=days(-5), end_date=days(20))  # fmt: skip
    response = client.get("/events/")
    assert "Art competition" in titles(response.context["upcoming"])


@pytest.mark.parametrize(
    ("query", "upcoming", "past"),
    [
        ({"kind": "seminar"}, ["Youth inclusion seminar"], ["Seminar on migrant associations"]),
        ({"country": "lv"}, [], ["Expert panel on active ageing"]),
        ({"partner": "nowosolna"}, ["Study visit to social cooperatives"], []),  # co-host
        ({"partner": "brzeziny"}, ["Study visit to social cooperatives"], []),  # host
        ({"theme": "youth-inclusion"}, ["Youth inclusion seminar"], []),
        ({"kind": "seminar", "theme": "migrant-integration"}, [],
         ["Seminar on migrant associations"]),
    ],
)  # fmt: skip
def test_filters_combine(client, index, calendar, query, upcoming, past):
    response = client.get("/events/", query)
    assert response.status_code == 200
    assert titles(response.context["upcoming"]) == upcoming
    assert titles(response.context["past"]) == past


def test_the_month_filter_takes_the_events_with_a_day_in_it(client, index, calendar):
    month = days(13).strftime("%Y-%m")
    response = client.get("/events/", {"month": month})
    assert "Study visit to social cooperatives" in titles(response.context["upcoming"])
    assert all(
        e.start_date <= dt.date.fromisoformat(f"{month}-28") + dt.timedelta(days=3)
        for e in response.context["upcoming"]
    )


def test_each_active_filter_is_a_chip_that_removes_it(client, index, calendar):
    html = client.get("/events/", {"kind": "seminar", "theme": "youth-inclusion"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'href="?theme=youth-inclusion"' in html  # removes the type
    assert 'href="?kind=seminar"' in html  # removes the theme
    assert "Remove filter:" in html and "Type of event:</span> Seminar" in html
    assert '<option value="seminar" selected>Seminar</option>' in html


def test_unknown_filter_values_are_a_400_and_the_rest_still_applies(client, index, calendar):
    response = client.get("/events/", {"kind": "picnic", "month": "March", "country": "PL"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Unknown value: picnic." in html
    assert "Give a month as year and month, e.g. 2027-03." in html
    assert titles(response.context["upcoming"]) == ["Study visit to social cooperatives"]


def test_past_events_are_paginated(client, home, partners):
    seed_event_index(home)
    for n in range(12):
        publish_event(partners["rogow"], f"Past workshop {n:02}", kind="workshop",
                      start_date=days(-100 + n))  # fmt: skip
    first = client.get("/events/")
    assert first.context["past"].paginator.num_pages == 2
    assert titles(first.context["past"])[0] == "Past workshop 11"
    html = first.content.decode()
    assert 'href="?page=2#past"' in html and "Page 1 of 2" in html
    second = client.get("/events/", {"page": "2"})
    assert titles(second.context["past"]) == ["Past workshop 01", "Past workshop 00"]
    assert client.get("/events/", {"page": "9"}).status_code == 400


def test_the_calendar_is_a_month_table_with_each_day_listing_its_events(client, index, calendar):
    month = days(12).replace(day=1)
    response = client.get("/events/", {"view": "calendar", "month": month.strftime("%Y-%m")})
    assert response.status_code == 200
    grid = response.context["calendar"]
    assert grid.month == month
    visit_days = [day.date for week in grid.weeks for day in week
                  if day.in_month and "Study visit to social cooperatives" in titles(day.events)]  # fmt: skip
    expected = [d for d in (days(12), days(13), days(14)) if d.month == month.month]
    assert visit_days == expected  # each day of a three-day visit
    assert all(len(week) == 7 for week in grid.weeks)
    assert grid.weeks[0][0].date.weekday() == 0  # Monday first
    html = response.content.decode()
    assert '<table class="calendar">' in html
    assert '<caption id="calendar-caption">' in html
    assert html.count('<th scope="col">') == 7 and '<abbr title="Monday">Mon</abbr>' in html
    previous = (month - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (month + dt.timedelta(days=32)).strftime("%Y-%m")
    assert f'href="?view=calendar&amp;month={previous}"' in html
    assert f'href="?view=calendar&amp;month={following}"' in html


def test_the_calendar_keeps_the_filters_and_starts_at_this_month(client, index, calendar):
    response = client.get("/events/", {"view": "calendar", "kind": "workshop"})
    grid = response.context["calendar"]
    assert grid.month == TODAY.replace(day=1)
    shown = {e.title for week in grid.weeks for day in week for e in day.events}
    assert shown <= {"Online workshop on transfer"}
    html = response.content.decode()
    assert re.search(r'href="\?view=calendar&amp;kind=workshop&amp;month=\d{4}-\d{2}"', html)
    assert 'aria-current="date"' in html  # today
    assert client.get("/events/", {"view": "agenda"}).status_code == 400


def test_an_event_is_listed_once_in_the_readers_language(client, index, calendar):
    original = calendar["malta"]
    from wagtail.models import Locale

    locale = Locale.objects.get_or_create(language_code="pl")[0]
    polish = original.copy_for_translation(locale, copy_parents=True)
    polish.title = "Seminarium o włączeniu młodzieży"
    polish.save_revision().publish()
    english = client.get("/events/")
    assert titles(english.context["upcoming"]).count("Youth inclusion seminar") == 1
    assert "Seminarium o włączeniu młodzieży" not in titles(english.context["upcoming"])
    in_polish = client.get("/pl/events/")
    listed = titles(in_polish.context["upcoming"])
    assert "Seminarium o włączeniu młodzieży" in listed and "Youth inclusion seminar" not in listed
