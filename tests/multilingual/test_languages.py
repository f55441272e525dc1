"""The site in the network's languages: first visit, the switcher's choice, alternates, routing."""

import pytest

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from wagtail.models import GroupPagePermission, Locale

from kb.roles import partner_group_name, setup_roles
from tests.factories import PracticePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(partners):
    return PracticePageFactory(
        parent=partners["lodzkie-region"], title="Befriending older people", slug="befriending"
    )


@pytest.fixture
def polish_practice(partners):
    """A practice written in Polish: a page in the Polish locale's tree (its parents copied)."""
    polish = Locale.objects.get_or_create(language_code="pl")[0]
    setup_roles()
    partner = partners["lodzkie-region"].copy_for_translation(polish, copy_parents=True)
    return PracticePageFactory(
        parent=partner, title="Samotność osób starszych", slug="samotnosc", language="pl"
    )


def test_first_visit_follows_the_browsers_language(client, practice):
    response = client.get("/partners/?page=2", headers={"accept-language": "pl,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/pl/partners/?page=2"
    assert "Accept-Language" in response["Vary"]


def test_the_choice_of_english_is_remembered(client, practice):
    response = client.get(
        "/language/en/", {"next": "/partners/lodzkie-region/"}, headers={"accept-language": "pl"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/partners/lodzkie-region/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert (
        response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    )
    page = client.get("/partners/lodzkie-region/", headers={"accept-language": "pl"})
    assert page.status_code == 200
    assert b'<html lang="en"' in page.content


def test_a_chosen_language_brings_the_reader_back_to_it(client, practice):
    client.get("/language/es/", {"next": "/es/"})
    response = client.get("/partners/")
    assert response.status_code == 302
    assert response["Location"] == "/es/partners/"


def test_the_switcher_never_sends_the_reader_elsewhere(client, home):
    response = client.get("/language/xx/", {"next": "https://attacker.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_data_addresses_are_never_redirected(client, practice):
    for path in ("/api/search/?q=care", "/sitemap.xml", "/feeds/practices/"):
        response = client.get(path, headers={"accept-language": "pl"})
        assert response.status_code != 302, path
        assert "Cookie" not in response.get("Vary", ""), path  # cacheable whoever asks


def test_every_page_says_its_language_and_offers_the_others(client, practice):
    response = client.get("/pl/partners/lodzkie-region/befriending/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pl"' in html
    assert 'hreflang="es" href="http://testserver/es/partners/lodzkie-region/befriending/"' in html
    assert (
        'hreflang="x-default" href="http://testserver/partners/lodzkie-region/befriending/"' in html
    )
    assert 'hreflang="mt" lang="mt">Malti</a>' in html
    assert 'href="/language/en/?next=%2Fpartners%2Flodzkie-region%2Fbefriending%2F"' in html
    assert '<script src="/pl/jsi18n/" defer></script>' in html


def test_views_outside_the_page_tree_keep_their_query_in_other_languages(client, home):
    html = client.get("/search/", {"q": "housing"}).content.decode()
    assert 'hreflang="fr" href="http://testserver/fr/search/?q=housing"' in html


def test_links_follow_the_readers_language(client, practice):
    html = client.get("/pl/partners/lodzkie-region/").content.decode()
    assert 'href="/pl/partners/lodzkie-region/befriending/"' in html


def test_a_practice_in_another_locale_is_readable_under_every_prefix(client, polish_practice):
    assert polish_practice.locale.language_code == "pl"
    for path in (
        "/pl/partners/lodzkie-region/samotnosc/",
        "/partners/lodzkie-region/samotnosc/",
        "/hu/partners/lodzkie-region/samotnosc/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Samotność osób starszych" in response.content.decode()
    assert client.get("/partners/lodzkie-region/no-such-practice/").status_code == 404


def test_a_translated_partner_tree_keeps_the_partners_editors(polish_practice, partners):
    polish_partner = polish_practice.get_parent()
    assert polish_partner.locale.language_code == "pl"
    groups = set(
        GroupPagePermission.objects.filter(page=polish_partner).values_list(
            "group__name", flat=True
        )
    )
    assert partner_group_name(partners["lodzkie-region"]) in groups


def test_javascript_strings_come_in_the_active_language(client, home):
    response = client.get("/pl/jsi18n/")
    assert response.status_code == 200
    assert "gettext" in response.content.decode()


def test_the_sitemap_lists_every_locale_with_its_alternates(client, practice, polish_practice):
    xml = client.get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://localhost/pl/partners/lodzkie-region/samotnosc/</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="hu" '
        'href="http://localhost/hu/partners/lodzkie-region/befriending/"/>'
    ) in xml


def test_the_sitemap_costs_the_same_queries_for_more_pages(client, practice, partners):
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap-pages.xml")
    for number in range(5):
        PracticePageFactory(parent=partners["brzeziny"], slug=f"more-{number}")
    with CaptureQueriesContext(connection) as more:
        client.get("/sitemap-pages.xml")
    assert len(more) == len(few)


def test_structural_pages_are_titled_in_the_readers_language(client, partners):
    with translation.override("pl"):
        expected = gettext("Partners")
    assert expected != "Partners"
    html = client.get("/pl/partners/").content.decode()
    assert f"<h1>{expected}</h1>" in html
    assert f"<title>{expected} · ERSI Practices</title>" in html
    partner = client.get("/pl/partners/lodzkie-region/").content.decode()
    assert f">{expected}</a>" in partner  # in the breadcrumbs


def test_a_practices_language_is_named_in_the_readers_language(client, polish_practice):
    html = client.get("/es" + polish_practice.url).content.decode()
    with translation.override("es"):
        assert f"<dd>{gettext('Polish')}</dd>" in html
