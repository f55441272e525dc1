"""The practice search keeps to practices: events are neither in its index nor in its results."""

from search.models import SearchRecord

from .conftest import days, publish_event, publish_practice


def test_an_event_is_not_indexed_or_found_by_the_practice_search(client, partners):
    practice = publish_practice(partners["kraslava"], "Zeppelinfield volunteer network")
    event = publish_event(partners["kraslava"], "Zeppelinfield seminar", start_date=days(9),
                          summary="Zeppelinfield volunteers meet.")  # fmt: skip
    assert SearchRecord.objects.filter(page_id=practice.pk).exists()
    assert not SearchRecord.objects.filter(page_id=event.pk).exists()
    results = client.get("/api/search/", {"q": "zeppelinfield"}).json()["results"]
    assert [r["id"] for r in results] == [practice.pk]
    html = client.get("/search/", {"q": "zeppelinfield"}).content.decode()
    assert "Zeppelinfield volunteer network" in html and "Zeppelinfield seminar" not in html
    suggestions = client.get("/api/search/suggest/", {"q": "zeppelin"}).json()["suggestions"]
    assert all(s["label"] != "Zeppelinfield seminar" for s in suggestions)
    practices = client.get("/api/v2/practices/", {"q": "zeppelinfield"}).json()["items"]
    assert [p["id"] for p in practices] == [practice.pk]
