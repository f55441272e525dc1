import pytest

from tests.factories import PracticePageFactory


@pytest.fixture
def two_practices(partners):
    canteens = PracticePageFactory(
        parent=partners["brzeziny"],
        title="Social cooperative school canteens",
        summary="Unemployed women cook healthy canteens meals for schools.",
        country="PL",
    )
    libraries = PracticePageFactory(
        parent=partners["lalrg"], title="Accessible libraries", country="LV"
    )
    for page in (canteens, libraries):
        page.save_revision().publish()
    return canteens, libraries


def titles(response):
    return [item.page.title for item in response.context["search"].results]


def test_search_finds_practices_by_word(client, two_practices):
    response = client.get("/search/", {"q": "canteens"})
    assert response.status_code == 200
    assert titles(response) == ["Social cooperative school canteens"]
    assert "<mark>canteens</mark>" in response.content.decode()


def test_a_search_can_be_shown_on_the_map(client, two_practices):
    html = client.get("/search/", {"q": "canteens", "page": "1"}).content.decode()
    assert 'href="/map/?q=canteens">Show these results on the map</a>' in html


def test_search_without_results_says_so(client, two_practices):
    response = client.get("/search/", {"q": "zzzzqqq"})
    assert response.status_code == 200
    assert "No practices match" in response.content.decode()


def test_browsing_without_words_lists_everything(client, two_practices):
    response = client.get("/search/")
    assert response.context["search"].count == 2


def test_bad_parameters_get_a_message_and_the_valid_part_still_searches(client, two_practices):
    response = client.get("/search/", {"q": "canteens", "year_from": "abc", "theme": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a year between 1900 and 2100." in html
    assert "Unknown value: nope." in html
    assert titles(response) == ["Social cooperative school canteens"]


@pytest.mark.parametrize(
    "q", ["'\"<script>alert(1)</script>", "a" * 10_000, "AND OR NOT ( ) : * !"]
)
def test_search_page_survives_odd_input(client, two_practices, q):
    response = client.get("/search/", {"q": q, "page": "x"})
    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_every_active_filter_can_be_removed(client, two_practices):
    response = client.get("/search/", {"q": "canteens", "country": "PL", "year_from": "2000"})
    search = response.context["search"]
    assert [v.url for v in search.active_filters] == ["?q=canteens&year_from=2000"]
    assert search.without_years_url == "?q=canteens&country=PL"
    assert search.clear_filters_url == "?q=canteens"
