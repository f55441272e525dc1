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
