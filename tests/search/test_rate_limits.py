"""The search and suggest APIs answer 429 with Retry-After past RATE_LIMITS, per client."""

import time

import pytest

from django.core.cache import caches
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext


@pytest.fixture
def limits(settings):
    caches[settings.RATE_LIMIT_CACHE].clear()
    settings.RATE_LIMITS = {"search": (3, 60), "suggest": (5, 60)}
    yield settings.RATE_LIMITS
    caches[settings.RATE_LIMIT_CACHE].clear()


@pytest.mark.parametrize(
    ("url", "scope"), [("/api/search/", "search"), ("/api/search/suggest/?q=soc", "suggest")]
)
def test_the_request_past_the_limit_gets_429_with_retry_after(db, limits, url, scope):
    client = Client(REMOTE_ADDR="198.51.100.7")
    allowed = limits[scope][0]
    for _ in range(allowed):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    data = response.json()
    assert data["retry_after"] == seconds
    assert data["error"] == f"Too many requests. Please try again in {seconds} seconds."


def test_the_message_is_in_the_language_asked_for(db, limits):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        response = client.get("/api/search/", {"language": "pl"})
    assert response.status_code == 429
    seconds = response.json()["retry_after"]
    with translation.override("pl"):
        expected = ngettext(
            "Too many requests. Please try again in %(seconds)d second.",
            "Too many requests. Please try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    assert response.json()["error"] == expected


def test_another_client_is_not_affected(db, limits):
    first, second = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    for _ in range(4):
        first.get("/api/search/")
    assert first.get("/api/search/").status_code == 429
    assert second.get("/api/search/").status_code == 200
    # The two APIs count apart: searching does not use up the suggestions.
    assert first.get("/api/search/suggest/?q=soc").status_code == 200


def test_behind_a_proxy_the_client_ip_header_tells_clients_apart(db, limits, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert proxy.get("/api/search/", HTTP_X_REAL_IP="203.0.113.1").status_code == 200
    assert proxy.get("/api/search/", HTTP_X_REAL_IP="203.0.113.1").status_code == 429
    assert proxy.get("/api/search/", HTTP_X_REAL_IP="203.0.113.2").status_code == 200


def test_the_limit_resets_after_retry_after(db, limits, settings):
    settings.RATE_LIMITS = {"search": (2, 2)}  # two in a window of two seconds
    client = Client(REMOTE_ADDR="198.51.100.7")
    time.sleep(2 - time.time() % 2)  # at the start of a window, so the three fall in one
    statuses = [client.get("/api/search/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/search/")
    assert response.status_code == 429
    time.sleep(int(response["Retry-After"]))
    assert client.get("/api/search/").status_code == 200


def test_a_limit_of_zero_or_none_switches_it_off(db, limits, settings):
    settings.RATE_LIMITS = {"search": (0, 60), "suggest": None}
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(10):
        assert client.get("/api/search/").status_code == 200
        assert client.get("/api/search/suggest/?q=soc").status_code == 200


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("/map/data.json", "map"),
        ("/finder/api/?population=20000&country=PL", "finder"),
        ("/export/practices.csv", "export"),
    ],
)
def test_the_map_data_the_finder_and_the_exports_are_limited_too(db, settings, url, scope):
    caches[settings.RATE_LIMIT_CACHE].clear()
    settings.RATE_LIMITS = {scope: (2, 60)}
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:  # an export: read it to the end, which closes its cursor
            b"".join(response.streaming_content)
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    caches[settings.RATE_LIMIT_CACHE].clear()


def test_the_search_page_over_its_limit_gets_a_styled_page_in_the_reader_language(db, settings):
    caches[settings.RATE_LIMIT_CACHE].clear()
    settings.RATE_LIMITS = {"search": (1, 60)}
    client = Client(REMOTE_ADDR="198.51.100.10")
    assert client.get("/search/?q=housing").status_code == 200
    response = client.get("/pl/search/?q=housing")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "no-cache" in response["Cache-Control"]
    seconds = int(response["Retry-After"])
    with translation.override("pl"):
        message = ngettext(
            "Too many requests. Please try again in %(seconds)d second.",
            "Too many requests. Please try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    page = response.content.decode()
    assert f"<h1>{message}</h1>" in page
    assert 'lang="pl"' in page
    caches[settings.RATE_LIMIT_CACHE].clear()
