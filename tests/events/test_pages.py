"""The event page (times in its zone, place, hosts, practices, JSON-LD, map, calendar link) and
the events shown on practice, partner and home pages."""

import datetime as dt
import json
import re

from agenda.seeding import seed_event_index

from .conftest import days, publish_event, publish_practice


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found[1])


def test_the_event_page_shows_when_where_who_and_its_json_ld(client, partners):
    practice = publish_practice(partners["covasna-child-protection"], "Professional foster care")
    event = publish_event(
        partners["covasna-child-protection"], "Study visit to foster carers", kind="study_visit",
        start_date=dt.date(2030, 7, 3), start_time=dt.time(9), end_date=dt.date(2030, 7, 5),
        end_time=dt.time(15), time_zone="Europe/Bucharest", venue="Directorate",
        address="Str. Presei 7", city="Sfântu Gheorghe", country="RO", latitude=45.8656,
        longitude=25.7867, languages=["ro", "en"], co_hosts=[partners["lyaskovets"]],
        practices=[practice], themes=["child-protection"], is_sample=True,
    )  # fmt: skip
    response = client.get(event.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="event-title">Study visit to foster carers</h1>' in html
    assert "3 July 2030, 09:00" in html and "5 July 2030, 15:00" in html
    assert "Time zone: Europe/Bucharest (EEST, UTC+03:00)" in html
    assert 'datetime="2030-07-03T09:00:00+03:00"' in html
    assert "Str. Presei 7" in html and "Romania" in html
    assert f'href="{partners["covasna-child-protection"].url}"' in html  # host
    assert f'href="{partners["lyaskovets"].url}"' in html  # co-host
    assert "Romanian" in html and "Practices visited" in html and "Professional foster care" in html
    assert "Sample content: this event is invented" in html
    assert f'href="/events/{event.pk}/event.ics"' in html
    assert 'id="event-map"' in html and 'data-lat="45.865600"' in html
    assert "<script>" not in html  # no inline script: the map is static/js/event_map.js
    assert 'include "events/components/registration.html"' not in html
    data = json_ld(html)
    assert data["@type"] == "Event" and data["name"] == "Study visit to foster carers"
    assert data["startDate"] == "2030-07-03T09:00:00+03:00"
    assert data["endDate"] == "2030-07-05T15:00:00+03:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressCountry"] == "RO"
    assert data["location"]["geo"]["latitude"] == 45.8656
    assert [o["name"] for o in data["organizer"]] == [
        partners["covasna-child-protection"].title,
        partners["lyaskovets"].title,
    ]


def test_an_online_all_day_event_has_no_times_and_a_virtual_location(client, partners):
    event = publish_event(
        partners["european-projects-association"], "Online exchange day", kind="workshop",
        start_date=dt.date(2030, 2, 14), attendance="online", city="", country="",
        online_url="https://meet.example.org/day", status="cancelled",
    )  # fmt: skip
    html = client.get(event.url).content.decode()
    assert "Thursday, 14 February 2030" in html and "(all day)" in html
    assert "Time zone:" not in html and 'id="event-map"' not in html
    assert "This event has been cancelled." in html
    assert 'href="https://meet.example.org/day"' in html
    data = json_ld(html)
    assert data["startDate"] == data["endDate"] == "2030-02-14"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/day"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_the_report_shows_once_the_event_is_over(client, partners):
    past = publish_event(partners["belchatow"], "Citizens' dialogue", kind="citizens_dialogue",
                         start_date=days(-3), report="<p>Ninety residents came.</p>")  # fmt: skip
    coming = publish_event(partners["belchatow"], "Next dialogue", kind="citizens_dialogue",
                           start_date=days(3), report="<p>Not yet.</p>")  # fmt: skip
    assert "Ninety residents came." in client.get(past.url).content.decode()
    assert "Past event" in client.get(past.url).content.decode()
    assert "Not yet." not in client.get(coming.url).content.decode()


def test_the_practice_page_lists_its_events_upcoming_and_past(client, partners):
    practice = publish_practice(partners["brzeziny"], "School canteens cooperative")
    publish_event(partners["brzeziny"], "Visit to the canteens", kind="study_visit",
                  start_date=days(-20), practices=[practice])  # fmt: skip
    publish_event(partners["lodzkie-region"], "Closing conference", kind="conference",
                  start_date=days(60), practices=[practice])  # fmt: skip
    publish_event(partners["brzeziny"], "Unrelated seminar", start_date=days(10))
    html = client.get(practice.url).content.decode()
    section = html[html.index('id="events-heading"') :]
    assert section.index("Upcoming") < section.index("Closing conference")
    assert section.index("Past") < section.index("Visit to the canteens")
    assert "Unrelated seminar" not in html


def test_the_partner_page_lists_the_events_it_hosts_or_co_hosts(client, partners):
    publish_event(partners["nowosolna"], "Green cooperative open day", start_date=days(8))
    publish_event(partners["brzeziny"], "Joint study visit", start_date=days(15),
                  co_hosts=[partners["nowosolna"]])  # fmt: skip
    publish_event(partners["brzeziny"], "Brzeziny only", start_date=days(16))
    html = client.get(partners["nowosolna"].url).content.decode()
    assert "Green cooperative open day" in html and "Joint study visit" in html
    assert "Brzeziny only" not in html
    assert 'href="/events/?partner=nowosolna"' in html


def test_the_home_page_shows_the_next_three_events_and_the_menu_links_to_them(client, partners):
    seed_event_index(partners["brzeziny"].get_parent().get_parent())
    for n in range(4):
        publish_event(partners["rogow"], f"Meeting {n}", start_date=days(n + 1))
    publish_event(partners["rogow"], "Old meeting", start_date=days(-1))
    html = client.get("/").content.decode()
    section = html[html.index('id="events-heading"') :]
    assert [f"Meeting {n}" in section for n in range(4)] == [True, True, True, False]
    assert "Old meeting" not in section
    assert '<a class="site-nav__link" href="/events/">Events</a>' in html
    events = client.get("/events/").content.decode()
    assert 'href="/events/" aria-current="page">Events</a>' in events


def test_a_draft_event_is_not_shown(client, partners):
    from tests.factories import EventPageFactory

    draft = EventPageFactory(parent=partners["rogow"], title="Draft event", live=False)
    assert client.get(draft.url).status_code == 404
    assert "Draft event" not in client.get(partners["rogow"].url).content.decode()
