"""SEARCH_RESULTS_CACHE_SECONDS: the engine's answers and the map's markers are kept that long
(the load benchmark's caching, docs/benchmarks.md); the query log and the pages stay live."""

import pytest

from django.core.cache import cache

from wagtail.contrib.search_promotions.models import Query

from tests.factories import PracticePageFactory


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def kept(settings):
    settings.SEARCH_RESULTS_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def titles(client, **params) -> list[str]:
    return sorted(r["title"] for r in client.get("/api/search/", params).json()["results"])


def test_a_search_is_answered_from_the_cache_until_the_time_is_up(client, partners, kept):
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens for seniors"))
    assert titles(client, q="canteens") == ["Canteens for seniors"]
    publish(PracticePageFactory(parent=partners["rogow"], title="School canteens"))
    assert titles(client, q="canteens") == ["Canteens for seniors"]  # kept
    assert titles(client, q="canteens", sort="title") == [  # another search: asked anew
        "Canteens for seniors",
        "School canteens",
    ]
    # Kept answers are still logged, each search as it is made.
    assert Query.get("canteens").hits == 3
    cache.clear()  # the time is up
    assert titles(client, q="canteens") == ["Canteens for seniors", "School canteens"]


def test_the_language_is_part_of_what_is_kept(client, partners, kept):
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens for seniors"))
    assert titles(client, q="canteens", language="pl") == ["Canteens for seniors"]
    publish(PracticePageFactory(parent=partners["rogow"], title="School canteens"))
    assert len(titles(client, q="canteens")) == 2  # English: not the Polish answer


def test_the_map_markers_are_kept_and_browsers_told_so(client, partners, kept):
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens for seniors"))
    first = client.get("/map/data.json")
    assert first.status_code == 200
    assert "max-age=60" in first["Cache-Control"]
    count = len(first.json()["features"])
    publish(PracticePageFactory(parent=partners["rogow"], title="School canteens"))
    assert len(client.get("/map/data.json").json()["features"]) == count
    cache.clear()
    assert len(client.get("/map/data.json").json()["features"]) == count + 1


def test_without_the_setting_nothing_is_kept(client, partners, settings):
    settings.SEARCH_RESULTS_CACHE_SECONDS = 0
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens for seniors"))
    assert titles(client, q="canteens") == ["Canteens for seniors"]
    publish(PracticePageFactory(parent=partners["rogow"], title="School canteens"))
    assert len(titles(client, q="canteens")) == 2
    assert "max-age" not in client.get("/map/data.json").get("Cache-Control", "")
