from tests.factories import PracticePageFactory


def test_search_finds_practices_by_word(client, partners):
    PracticePageFactory(parent=partners["brzeziny"], title="Social cooperative school canteens")
    PracticePageFactory(parent=partners["lalrg"], title="Accessible libraries")
    response = client.get("/search/", {"q": "canteens"})
    assert response.status_code == 200
    titles = [p.title for p in response.context["search_results"]]
    assert titles == ["Social cooperative school canteens"]


def test_search_without_results_says_so(client, partners):
    response = client.get("/search/", {"q": "zzzzqqq"})
    assert response.status_code == 200
    assert "No practices match" in response.content.decode()


def test_search_page_survives_odd_input(client, partners):
    for q in ("", "'\"<script>", "a" * 10_000, "AND OR NOT ( ) :"):
        assert client.get("/search/", {"q": q, "page": "x"}).status_code == 200
