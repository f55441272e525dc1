"""Security: the production deployment check, and the headers on every kind of response."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import engines

from ersi_practices.security import tile_source
from tests.factories import PracticePageFactory

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),  # 67 random characters
    "ALLOWED_HOSTS": "practices.example.org",
    "DATABASE_URL": "postgres://ersi:secret@db.example.org:5432/ersi",
}
DEPLOYMENT_VARIABLES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "MAP_TILE_URL",
)


def run_python(*args: str, settings_module: str = "production", **env: str):
    # A clean slate: none of the deployment's choices, nor the test run's DJANGO_* variables.
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in DEPLOYMENT_VARIABLES and not k.startswith("DJANGO_")
    }
    environment |= PRODUCTION_ENV | env
    environment["DJANGO_SETTINGS_MODULE"] = f"ersi_practices.settings.{settings_module}"
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=300
    )


def production_settings(*names: str, **env: str) -> dict:
    code = (
        "import json, ersi_practices.settings.production as s;"
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = run_python("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deployment_check_passes_with_the_production_settings():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_and_hsts_by_default():
    assert production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


def test_a_deployment_chooses_from_the_environment():
    assert production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="False",
        SECURE_HSTS_PRELOAD="no",
    ) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_a_mistyped_flag_refuses_to_start():
    result = run_python(
        "-c", "import ersi_practices.settings.production", SECURE_SSL_REDIRECT="flase"
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be true or false, not 'flase'." in result.stderr


def test_the_tile_server_of_map_tile_url_may_send_images():
    found = production_settings(
        "SECURE_CSP", MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    )
    assert found["SECURE_CSP"]["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://localhost:8081/tiles/{z}/{x}/{y}.png", "http://localhost:8081"),
        ("//tiles.example.org/{z}/{x}/{y}.png", "tiles.example.org"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source(template, source):
    assert tile_source(template) == source


def test_a_tile_host_varying_past_its_first_part_is_refused():
    with pytest.raises(ImproperlyConfigured):
        tile_source("https://tiles.{s}.example.org/{z}/{x}/{y}.png")


def assert_security_headers(response, policy: dict) -> None:
    csp = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split("; ")
    }
    for directive, sources in policy.items():
        assert csp[directive] == [s for s in sources if not s.startswith("<")], directive
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"].split(", ")
    assert "geolocation=()" in response["Permissions-Policy"].split(", ")


@pytest.fixture
def practice(partners):
    page = PracticePageFactory(parent=partners["brzeziny"], title="Social cooperative canteens")
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_every_kind_of_public_response_carries_the_headers(client, practice):
    for url in (
        "/",
        practice.url,
        "/search/?q=canteens",
        "/api/search/?q=canteens",
        "/map/",
        "/map/data.json",
        "/feeds/practices/",
        "/sitemap.xml",
        "/api/v2/practices/",
        "/export/practices.csv",
        "/robots.txt",
        "/no-such-page/",
    ):
        response = client.get(url)
        if response.streaming:  # read to its end: that closes the export's cursor
            b"".join(response.streaming_content)
        assert response.status_code in (200, 404), url
        assert_security_headers(response, settings.SECURE_CSP)
        assert response["X-Frame-Options"] == "DENY", url
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert "img-src 'self' data: https://tile.openstreetmap.org" in csp, url


def test_the_admin_has_its_own_policy(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response, settings.ADMIN_CSP)
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # ... and the public policy stays strict next to it.
    assert "'unsafe-inline'" not in client.get("/search/")["Content-Security-Policy"]


def test_an_inline_script_runs_with_the_nonce_of_its_response(rf):
    """The way for a template that needs an inline script; pages without one send no nonce."""
    template = engines["django"].from_string("<script nonce='{{ csp_nonce }}'>go()</script>")
    with_script = ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse(template.render({}, request))
    )(rf.get("/"))
    nonce = with_script.content.decode().split("'")[1]
    assert f"script-src 'self' 'nonce-{nonce}';" in with_script["Content-Security-Policy"]
    without = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("<p>"))(rf.get("/"))
    assert "script-src 'self';" in without["Content-Security-Policy"]
