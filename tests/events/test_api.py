"""/api/v2/events/: the fields, the filters (type, theme, partner, language, upcoming), and its
place in the OpenAPI description."""

import datetime as dt

import pytest

from opendata.openapi import openapi_document

from .conftest import days, publish_event


@pytest.fixture
def events(partners):
    return {
        "past": publish_event(partners["community-of-madrid-immigration"],
                              "Madrid seminar", kind="seminar", start_date=days(-30),
                              themes=["migrant-integration"], languages=["es", "en"],
                              time_zone="Europe/Madrid", city="Madrid", country="ES"),
        "soon": publish_event(partners["brzeziny"], "Brzeziny study visit", kind="study_visit",
                              start_date=days(10), start_time=dt.time(9), end_time=dt.time(15),
                              co_hosts=[partners["nowosolna"]], themes=["social-economy"],
                              languages=["pl"], registration_open=True, capacity=20),
    }  # fmt: skip


def listing(client, **params) -> list[str]:
    response = client.get("/api/v2/events/", params)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_the_listing_has_the_useful_fields_soonest_first(client, events, partners):
    response = client.get("/api/v2/events/")
    data = response.json()
    assert data["meta"]["total_count"] == 2
    assert [item["title"] for item in data["items"]] == ["Madrid seminar", "Brzeziny study visit"]
    visit = data["items"][1]
    assert visit["kind"] == "study_visit" and visit["status"] == "scheduled"
    assert visit["start_date"] == days(10).isoformat() and visit["time_zone"] == "Europe/Warsaw"
    assert visit["host"]["slug"] == "brzeziny"
    assert visit["country"] == {"code": "PL", "name": "Poland"}
    assert visit["themes"] == [
        {"slug": "social-economy", "name": "Social economy and social enterprise"}
    ]
    assert visit["ical_url"].endswith(f"/events/{events['soon'].pk}/event.ics")
    assert response["Link"].endswith('rel="license"')


def test_the_detail_has_every_field(client, events, partners):
    data = client.get(f"/api/v2/events/{events['soon'].pk}/").json()
    assert data["start_time"] == "09:00:00" and data["end_time"] == "15:00:00"
    assert data["co_hosts"][0]["slug"] == "nowosolna"
    assert data["languages"] == ["pl"]
    assert data["registration_open"] is True and data["capacity"] == 20
    assert data["all_day"] is False
    assert "contact_email" not in data  # not shown publicly


def test_the_filters(client, events):
    assert listing(client, kind="seminar") == ["Madrid seminar"]
    assert listing(client, theme="social-economy") == ["Brzeziny study visit"]
    assert listing(client, partner="nowosolna") == ["Brzeziny study visit"]  # co-host
    assert listing(client, language="es") == ["Madrid seminar"]
    assert listing(client, upcoming="true") == ["Brzeziny study visit"]
    assert listing(client, upcoming="false") == ["Madrid seminar"]
    assert listing(client, country="ES") == ["Madrid seminar"]


def test_wrong_filter_values_are_a_400_naming_them(client, events):
    response = client.get("/api/v2/events/", {"kind": "picnic", "upcoming": "soon", "theme": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "upcoming", "theme"}
    assert client.get("/api/v2/events/", {"languages": "en"}).status_code == 400
    assert client.get("/api/v2/events/", {"capacity": "many"}).status_code == 400


def test_the_openapi_document_describes_the_events_endpoint():
    paths = openapi_document()["paths"]
    names = [p["name"] for p in paths["/api/v2/events/"]["get"]["parameters"]]
    assert {"kind", "theme", "partner", "language", "upcoming", "limit", "offset"} <= set(names)
    assert len(names) == len(set(names))
    assert "/api/v2/events/{id}/" in paths
