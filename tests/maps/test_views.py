"""/map/ (the page: filters, the list, the map's source) and /map/data.json (the markers)."""

import socket
import uuid

import pytest

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kb.models import PartnerPage, Theme
from maps.geojson import map_features
from maps.locations import Locator, country_centroids
from tests.factories import PracticePageFactory
from tests.search.engine_servers import SearchServer, configure_engine


def publish(partner, title, *, themes=(), **fields):
    fields = {"latitude": None, "longitude": None, **fields}
    page = PracticePageFactory(
        parent=partner, title=title, themes=[Theme.objects.get(slug=s) for s in themes], **fields
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def practices(partners):
    p = partners
    return {
        "visits": publish(p["kraslava"], "Home visits to older people", country="LV",
                          region="Krāslava", latitude=55.9, longitude=27.2,
                          themes=["active-ageing"]),
        "hubs": publish(p["lalrg"], "Neighbourhood hubs", country="LV",
                        region="Latvia (national)", themes=["active-ageing"]),
        "clauses": publish(p["lodzkie-region"], "Social clauses in procurement", country="PL",
                           region="Łódź Voivodeship", themes=["social-economy"]),
        "canteens": publish(p["brzeziny"], "Social cooperative canteens", country="PL",
                            region="Brzeziny", latitude=51.8, longitude=19.75,
                            themes=["social-economy"]),
    }  # fmt: skip


def listed_titles(response):
    return [item.page.title for item in response.context["listed"]]


def test_the_page_lists_the_matching_practices_with_partner_and_place(client, practices):
    response = client.get("/map/", {"country": "LV"})
    assert response.status_code == 200
    assert set(listed_titles(response)) == {"Home visits to older people", "Neighbourhood hubs"}
    html = response.content.decode()
    assert f"<dd>{practices['hubs'].get_parent().title}</dd>" in html
    assert "Latvia (national), Latvia" in html
    assert "approximate location on the map: its country" in html
    assert "Krāslava, Latvia" in html
    # the map reads its markers from the same search, whatever the page of the list
    assert 'data-source="/map/data.json?country=LV"' in html
    assert 'id="practice-map"' in html and 'role="region"' in html


def test_filters_and_words_narrow_the_list(client, practices):
    response = client.get("/map/", {"theme": "social-economy", "q": "canteens"})
    assert listed_titles(response) == ["Social cooperative canteens"]
    html = response.content.decode()
    assert 'data-source="/map/data.json?q=canteens&amp;theme=social-economy"' in html
    # the filters are the search page's, checked as chosen
    assert (
        'id="f-theme-social-economy" name="theme" value="social-economy" form="search-form" checked'
        in html
    )


def test_the_region_is_said_to_be_approximate(client, practices):
    html = client.get("/map/", {"country": "PL"}).content.decode()
    assert "approximate location on the map: its region" in html


def test_invalid_parameters_are_a_400_with_an_error_summary(client, practices):
    response = client.get("/map/", {"theme": "nope", "year_from": "abc", "country": "LV"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Unknown value: nope." in html
    assert "Give a year between 1900 and 2100." in html
    # what is valid still applies
    assert len(listed_titles(response)) == 2


def test_the_list_is_paged_like_search(client, practices):
    response = client.get("/map/", {"page_size": "3"})
    assert len(listed_titles(response)) == 3
    html = response.content.decode()
    assert "Page 1 of 2" in html and 'href="?page=2&amp;page_size=3#map-list-title"' in html
    assert 'data-source="/map/data.json"' in html  # every match on the map, not one page


def features(data, kind):
    return {
        f["properties"]["title"]: f for f in data["features"] if f["properties"]["kind"] == kind
    }


def test_geojson_has_the_practices_and_every_partner(client, practices):
    response = client.get("/map/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert (data["engine"], data["degraded"]) == ("postgres", False)
    assert data["practices"] == {"shown": 4, "unplaced": 0, "truncated": False, "limit": 10_000}

    partners = features(data, "partner")
    assert len(partners) == PartnerPage.objects.live().count() == 23
    kraslava = partners[practices["visits"].get_parent().title]
    assert kraslava["properties"]["practices"] == 1
    assert kraslava["properties"]["url"] == "/partners/kraslava/"

    found = features(data, "practice")
    visits = found["Home visits to older people"]
    assert visits["geometry"] == {"type": "Point", "coordinates": [27.2, 55.9]}  # lon, lat
    assert visits["properties"] == {
        "kind": "practice",
        "id": practices["visits"].pk,
        "title": "Home visits to older people",
        "url": practices["visits"].url,
        "partner": practices["visits"].get_parent().title,
        "place": "Krāslava, Latvia",
        "approximate": False,
        "precision": "exact",
    }
    hubs = found["Neighbourhood hubs"]
    lat, lon = country_centroids()["LV"]
    assert hubs["geometry"]["coordinates"] == [round(lon, 5), round(lat, 5)]
    assert hubs["properties"]["approximate"] is True
    assert hubs["properties"]["precision"] == "country"
    clauses = found["Social clauses in procurement"]
    assert clauses["geometry"]["coordinates"] == [19.456, 51.7592]  # the Łódź partner's place
    assert clauses["properties"]["precision"] == "region"


def test_geojson_follows_the_filters(client, practices):
    data = client.get("/map/data.json", {"theme": "active-ageing", "year_from": "2000"}).json()
    assert set(features(data, "practice")) == {"Home visits to older people", "Neighbourhood hubs"}
    assert len(features(data, "partner")) == 23  # partners stay, with their matching count
    counts = {f["properties"]["slug"]: f["properties"]["practices"] for f in data["features"]
              if f["properties"]["kind"] == "partner"}  # fmt: skip
    assert counts["lalrg"] == 1 and counts["brzeziny"] == 0
    assert client.get("/map/data.json", {"q": "zebra"}).json()["practices"]["shown"] == 0


def test_geojson_rejects_invalid_parameters(client, practices):
    response = client.get("/map/data.json", {"theme": "nope", "sort": "sideways"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "theme": "Unknown value: nope.",
        "sort": "Sort by one of: relevance, newest, title.",
    }


def test_geojson_loads_practices_in_a_fixed_number_of_queries(client, practices, partners):
    client.get("/map/data.json")  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as few:
        client.get("/map/data.json")
    for n in range(6):
        publish(partners["mechelen"], f"Extra practice {n}", country="BE", region="Mechelen")
    with CaptureQueriesContext(connection) as more:
        data = client.get("/map/data.json").json()
    assert data["practices"]["shown"] == 10
    assert len(more) == len(few)


def test_geojson_is_cut_at_the_limit_in_search_order(practices):
    request = RequestFactory().get("/map/data.json")
    newest_first = sorted(practices.values(), key=lambda p: p.pk, reverse=True)
    data = map_features(iter([p.pk for p in newest_first]), Locator.load(), request, limit=2)
    assert data["practices"] == {"shown": 2, "unplaced": 0, "truncated": True, "limit": 2}
    titles = [f["properties"]["title"] for f in data["features"][23:]]
    assert titles == [p.title for p in newest_first[:2]]


def test_practices_with_no_known_place_are_counted_not_drawn(client, partners):
    publish(partners["mechelen"], "Twinning in Springfield", country="US", region="Springfield")
    data = client.get("/map/data.json").json()
    assert data["practices"] == {"shown": 0, "unplaced": 1, "truncated": False, "limit": 10_000}
    html = client.get("/map/").content.decode()
    assert "(not on the map)" in html


def test_the_markers_come_from_postgres_when_the_search_engine_is_down(settings, client, practices):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SearchServer(url=f"http://127.0.0.1:{port}")
    configure_engine(settings, "opensearch", server, f"test_{uuid.uuid4().hex[:10]}_")
    data = client.get("/map/data.json", {"country": "PL"}).json()
    assert (data["engine"], data["degraded"]) == ("postgres", True)
    assert set(features(data, "practice")) == {
        "Social clauses in procurement",
        "Social cooperative canteens",
    }
