"""Failure pages: a database that is down gets a styled 503 quickly and the site recovers by
itself (the site under gunicorn, its database behind a proxy that stops and starts); the 404
and 500 pages are the site's, in the reader's language, and the 500 page needs no database."""

import json
import socket

import pytest

from django.db import OperationalError, connection
from django.test import Client
from django.urls import path
from django.utils import translation

from ersi_practices.errors import server_error
from ersi_practices.urls import handler500
from ersi_practices.urls import urlpatterns as site_urlpatterns
from tests.ersi_practices.servers import database_url, get, gunicorn, socket_target
from tests.search.tcp_proxy import SwitchableProxy

CONNECT_TIMEOUT = 2


@pytest.fixture
def database_proxy(transactional_db):
    """The test database behind a proxy: stopping it is stopping the database for the site."""
    proxy = SwitchableProxy(*socket_target(connection.settings_dict))
    proxy.start()
    yield proxy
    proxy.stop()


def assert_503_page(response):
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "Error 503" in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert 'class="site-header"' in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


def test_a_stopped_database_gets_a_503_page_and_the_site_recovers_by_itself(
    database_proxy, home, tmp_path
):
    url = database_url(connection.settings_dict, host=f"127.0.0.1:{database_proxy.port}")
    with gunicorn(
        url, tmp_path / "gunicorn.log", DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT)
    ) as site:
        up = get(f"{site}/")
        assert up.status == 200, up.text
        assert home.title in up.text

        database_proxy.stop()
        down = get(f"{site}/")
        assert_503_page(down)
        assert down.seconds < CONNECT_TIMEOUT  # refused at once: nothing listens
        assert 'lang="pl"' in get(f"{site}/pl/").text  # in the reader's language

        database_proxy.start()
        back = get(f"{site}/")  # the same worker, not restarted
        assert back.status == 200
        assert home.title in back.text

        # A restart between two requests: the kept-alive connection is dead, and checked first.
        database_proxy.stop()
        database_proxy.start()
        assert get(f"{site}/").status == 200


def test_a_database_that_does_not_answer_gets_a_503_within_the_connect_timeout(tmp_path):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never says a word
    try:
        url = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/ersi"
        env = {"DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT)}
        with gunicorn(url, tmp_path / "gunicorn.log", **env) as site:
            get(f"{site}/")  # the worker is ready once this has an answer
            response = get(f"{site}/partners/")
            assert_503_page(response)
            assert CONNECT_TIMEOUT - 0.5 < response.seconds < CONNECT_TIMEOUT + 4
    finally:
        silent.close()


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]


@pytest.mark.urls(__name__)
def test_the_500_page_needs_no_database_and_speaks_the_readers_language(rf):
    # No database fixture: any query here fails the test.
    assert handler500 == "ersi_practices.errors.server_error"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html

    with translation.override("pl"):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            polish = server_error(rf.get("/pl/"))
    assert polish.status_code == 500
    assert 'lang="pl"' in polish.content.decode()
    assert "Wystąpił błąd" in polish.content.decode()


def test_a_database_error_anywhere_gets_the_503_page_without_touching_the_database(rf):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Error 503" in response.content.decode()


def test_the_404_page_is_the_sites_in_the_readers_language(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html and 'id="notfound-search-q"' in html

    polish = client.get("/pl/no-such-page/")
    assert polish.status_code == 404
    assert "Nie znaleziono strony" in polish.content.decode()


@pytest.mark.parametrize("path", ["/api/search/", "/api/v2/practices/", "/map/data.json",
                                  "/pl/map/data.json", "/finder/api/"])  # fmt: skip
def test_the_json_addresses_answer_failures_in_json(rf, path):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get(path))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert json.loads(response.content) == {"error": "Temporarily unavailable", "retry_after": 30}
    with translation.override("pl"):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = server_error(rf.get(path))
    assert response.status_code == 500
    assert json.loads(response.content) == {"error": "Wystąpił błąd"}
