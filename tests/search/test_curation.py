from django.core.management import call_command

from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.models import QueryOutcome, SearchRecord
from tests.factories import PracticePageFactory


def publish(page):
    page.save_revision().publish()
    return page


def test_a_promoted_practice_comes_first(client, partners):
    top = publish(
        PracticePageFactory(parent=partners["brzeziny"], title="Canteens run by a cooperative")
    )
    promoted = publish(
        PracticePageFactory(parent=partners["rogow"], title="Grants for village NGOs")
    )
    SearchPromotion.objects.create(query=Query.get("cooperative"), page=promoted, sort_order=0)
    data = client.get("/api/search/", {"q": "Cooperative"}).json()
    assert [r["id"] for r in data["results"]] == [promoted.pk, top.pk]
    assert data["results"][0]["promoted"] is True


def test_searches_are_logged_and_zero_results_counted(client, partners):
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens"))
    client.get("/search/", {"q": "canteens"})
    client.get("/api/search/", {"q": "canteens"})
    client.get("/search/", {"q": "Teleportation"})
    assert Query.get("canteens").hits == 2
    assert QueryOutcome.objects.get(query_string="teleportation").zero_result_hits == 1
    assert not QueryOutcome.objects.filter(query_string="canteens").exists()


def test_curators_report_lists_top_and_zero_result_queries(admin_client, partners):
    publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens"))
    for q in ("canteens", "canteens", "teleportation"):
        admin_client.get("/search/", {"q": q})
    response = admin_client.get("/admin/reports/search-terms/")
    assert response.status_code == 200
    zero = [row["query_string"] for row in response.context["zero_results"]]
    top = [(q.query_string, q.searches) for q in response.context["top_queries"]]
    assert zero == ["teleportation"]
    assert top[0] == ("canteens", 2)


def test_drift_check_reports_and_repairs_the_postgres_table(partners, capsys):
    page = publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens"))
    SearchRecord.objects.filter(page_id=page.pk).delete()
    try:
        call_command("search_index_check")
    except SystemExit as exit:
        assert exit.code == 1
    assert "1 missing" in capsys.readouterr().out
    call_command("search_index_check", fix=True)
    assert SearchRecord.objects.filter(page_id=page.pk).exists()
    call_command("search_index_check")
    assert "total drift: 0" in capsys.readouterr().out


def test_update_index_rebuilds_the_postgres_table(partners):
    page = publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens"))
    SearchRecord.objects.all().delete()
    call_command("update_index", verbosity=0)
    assert list(SearchRecord.objects.values_list("page_id", flat=True)) == [page.pk]


def test_unpublishing_and_deleting_leave_the_postgres_table(partners):
    page = publish(PracticePageFactory(parent=partners["brzeziny"], title="Canteens"))
    assert SearchRecord.objects.filter(page_id=page.pk).exists()
    page.unpublish()
    assert not SearchRecord.objects.filter(page_id=page.pk).exists()
    publish(page)
    page.delete()
    assert not SearchRecord.objects.exists()


def test_practice_page_shows_similar_practices(client, partners):
    from kb.models import Theme

    theme = Theme.objects.get(slug="active-ageing")
    pages = [
        publish(
            PracticePageFactory(parent=partners["lalrg"], title=f"Senior club {n}", themes=[theme])
        )
        for n in range(3)
    ]
    response = client.get(pages[0].url)
    html = response.content.decode()
    assert "Similar practices" in html
    assert "Senior club 1" in html and "Senior club 2" in html


def test_similar_practices_are_kept_for_the_configured_time(client, partners, settings):
    """With SIMILAR_PRACTICES_CACHE_SECONDS the engine is asked once per page and time; a
    practice published meanwhile joins the list when the time is up."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kb.models import Theme

    settings.SIMILAR_PRACTICES_CACHE_SECONDS = 60
    cache.clear()
    theme = Theme.objects.get(slug="active-ageing")
    first, second = (
        publish(PracticePageFactory(parent=partners["lalrg"], title=title, themes=[theme]))
        for title in ("Senior club", "Walking group")
    )
    assert "Walking group" in client.get(first.url).content.decode()
    with CaptureQueriesContext(connection) as asked:
        client.get(first.url)
    assert not any("search_searchrecord" in q["sql"] for q in asked.captured_queries)
    publish(PracticePageFactory(parent=partners["lalrg"], title="Choir", themes=[theme]))
    assert "Choir" not in client.get(first.url).content.decode()  # kept
    cache.clear()  # the time is up
    assert "Choir" in client.get(first.url).content.decode()
    cache.clear()
