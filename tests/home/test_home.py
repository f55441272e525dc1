from tests.factories import PracticePageFactory


def test_home_page_renders_with_search_and_stats(client, partners):
    PracticePageFactory(parent=partners["kraslava"], title="Debt advice in Krāslava", country="LV")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html and 'action="/search/"' in html
    assert response.context["stats"] == {"practices": 1, "partners": 23, "countries": 1}
    assert "Debt advice in Krāslava" in html
    assert 'href="/partners/"' in html


def test_home_page_queries_do_not_grow_with_the_practices(client, partners):
    def queries_for_home():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    PracticePageFactory(parent=partners["kraslava"])
    one = queries_for_home()
    for slug in ("lyaskovets", "mechelen", "rogow", "uniejow", "belchatow"):
        PracticePageFactory(parent=partners[slug])
    assert queries_for_home() == one


def test_the_default_site_takes_its_address_from_base_url(home, settings):
    from wagtail.models import Site

    from home.site import point_site_at_base_url

    settings.WAGTAILADMIN_BASE_URL = "https://practices.example.eu"
    assert point_site_at_base_url().root_url == "https://practices.example.eu"
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("practices.example.eu", 443)
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    assert point_site_at_base_url() is None  # an address already set is left alone


def test_every_page_leads_to_the_finder_and_the_map(client, home):
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert 'href="/finder/"' in nav and 'href="/map/"' in nav
    ways = html[html.index('id="ways-heading"') :]
    assert "Practices for my context" in ways and "Map of practices" in ways
