"""The calendar feeds parse back as iCalendar with the right events, times, zones and UIDs; the
Atom feed lists the announced events."""

import datetime as dt
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
from icalendar import Calendar

from tests.factories import EventPageFactory

from .conftest import publish_event

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.fixture
def seminar(partners):
    return publish_event(
        partners["lodzkie-region"], "Seminar on civic dialogue", kind="seminar",
        start_date=dt.date(2030, 3, 12), start_time=dt.time(9, 30), end_time=dt.time(17),
        time_zone="Europe/Warsaw", venue="Manufaktura", address="ul. Drewnowska 58",
        city="Łódź", country="PL", latitude=51.78, longitude=19.45,
        themes=["civic-participation"],
    )  # fmt: skip


def test_one_event_has_local_times_with_its_zone_and_a_stable_uid(client, seminar):
    response = client.get(f"/events/{seminar.pk}/event.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{seminar.slug}.ics"'
    calendar = parse(response)
    [event] = calendar.events
    start = event.decoded("dtstart")
    assert start == dt.datetime(2030, 3, 12, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
    assert event["dtstart"].params["TZID"] == "Europe/Warsaw"
    assert event.decoded("dtend").astimezone(dt.UTC) == dt.datetime(2030, 3, 12, 16, tzinfo=dt.UTC)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    assert str(event["uid"]) == f"{seminar.translation_key}@events.ersi-practices"
    assert str(event["summary"]) == "Seminar on civic dialogue"
    assert "Manufaktura, ul. Drewnowska 58, Łódź, Poland" == str(event["location"])
    assert str(event["url"]).endswith(seminar.url)
    assert event["geo"].latitude == 51.78 and event["geo"].longitude == 19.45
    assert str(event["status"]) == "CONFIRMED"
    assert event["organizer"].params["CN"] == seminar.get_parent().title
    assert {str(c) for c in event["categories"].cats} == {
        "Seminar",
        "Civic participation and dialogue",
    }
    assert "Programme and registration:" in str(event["description"])
    # The same UID after an edit: a calendar updates the event rather than adding it again.
    seminar.title = "Seminar on civic dialogue (new room)"
    seminar.save_revision().publish()
    again = parse(client.get(f"/events/{seminar.pk}/event.ics")).events[0]
    assert str(again["uid"]) == str(event["uid"])


def test_an_all_day_event_has_dates_and_an_exclusive_end(client, partners):
    visit = publish_event(partners["brzeziny"], "Study visit", kind="study_visit",
                          start_date=dt.date(2030, 5, 6), end_date=dt.date(2030, 5, 7))  # fmt: skip
    [event] = parse(client.get(f"/events/{visit.pk}/event.ics")).events
    assert event.decoded("dtstart") == dt.date(2030, 5, 6)
    assert event.decoded("dtend") == dt.date(2030, 5, 8)
    assert "TZID" not in event["dtstart"].params


def test_the_feed_of_every_event_has_only_live_ones_with_each_zone(client, partners, seminar):
    publish_event(partners["lalrg"], "Expert panel in Riga", kind="expert_panel",
                  start_date=dt.date(2030, 4, 2), start_time=dt.time(13), end_time=dt.time(17),
                  time_zone="Europe/Riga")  # fmt: skip
    EventPageFactory(parent=partners["mechelen"], title="Draft dialogue", live=False)
    calendar = parse(client.get("/events/calendar.ics"))
    assert [str(e["summary"]) for e in calendar.events] == [
        "Seminar on civic dialogue", "Expert panel in Riga",
    ]  # fmt: skip
    assert {tz["tzid"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Warsaw", "Europe/Riga"}
    assert str(calendar["x-wr-calname"]) == "ERSI network events"
    assert str(calendar["method"]) == "PUBLISH"


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(client, partners):
    publish_event(partners["mechelen"], "Cancelled dialogue", start_date=dt.date(2030, 6, 1),
                  status="cancelled")  # fmt: skip
    [event] = parse(client.get("/events/calendar.ics")).events
    assert str(event["status"]) == "CANCELLED"


def test_the_theme_feed_has_the_events_on_that_theme(client, partners, seminar):
    publish_event(partners["mechelen"], "Childcare dialogue", start_date=dt.date(2030, 6, 1),
                  themes=["child-protection"])  # fmt: skip
    calendar = parse(client.get("/events/themes/child-protection/calendar.ics"))
    assert [str(e["summary"]) for e in calendar.events] == ["Childcare dialogue"]
    assert client.get("/events/themes/no-such-theme/calendar.ics").status_code == 404
    assert client.get("/events/calendar.ics", {"language": "xx"}).status_code == 400


def test_a_draft_has_no_calendar_file(client, partners):
    draft = EventPageFactory(parent=partners["mechelen"], title="Draft", live=False)
    assert client.get(f"/events/{draft.pk}/event.ics").status_code == 404


def test_the_feeds_are_not_redirected_to_a_language(client, seminar):
    response = client.get("/events/calendar.ics", headers={"accept-language": "pl"})
    assert response.status_code == 200


def test_the_atom_feed_lists_the_announced_events(client, partners, seminar):
    response = client.get("/feeds/events/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Seminar on civic dialogue (2030-03-12)"
    ]
    summary = entries[0].find(f"{ATOM}summary").text
    assert "Seminar · 2030-03-12 · Łódź, Poland." in summary
