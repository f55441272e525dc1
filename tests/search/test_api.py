import pytest

from kb.models import TargetGroup, Theme
from tests.factories import PracticePageFactory


@pytest.fixture
def practices(partners):
    theme = Theme.objects.get(slug="social-economy")
    group = TargetGroup.objects.get(slug="long-term-unemployed")
    made = [
        PracticePageFactory(parent=partners["brzeziny"], title="Social cooperative canteens",
                            country="PL", start_year=2015, themes=[theme], target_groups=[group]),
        PracticePageFactory(parent=partners["lyaskovets"], title="Market garden enterprise",
                            country="BG", start_year=2019, themes=[theme]),
        PracticePageFactory(parent=partners["mechelen"], title="Childcare places", country="BE",
                            start_year=2021),
    ]  # fmt: skip
    for page in made:
        page.save_revision().publish()
    return made


def test_api_returns_the_documented_shape(client, practices):
    data = client.get("/api/search/", {"theme": "social-economy", "sort": "title"}).json()
    assert set(data) >= {"count", "page", "pages", "engine", "degraded", "results", "facets"}
    assert data["count"] == 2 and data["engine"] == "postgres" and data["degraded"] is False
    assert data["export"]["csv"].endswith("/export/practices.csv?theme=social-economy&sort=title")
    first = data["results"][0]
    assert set(first) >= {"id", "external_id", "title", "url", "summary", "snippet", "partner",
                          "country", "themes", "target_groups", "start_year", "score"}  # fmt: skip
    assert first["title"] == "Market garden enterprise"
    assert first["partner"] == {"slug": "lyaskovets", "name": "Lyaskovets Municipality"}
    assert first["url"].startswith("http://testserver/partners/lyaskovets/")
    theme_counts = {f["value"]: f["count"] for f in data["facets"]["theme"]}
    assert theme_counts["social-economy"] == 2
    country_counts = {f["value"]: f["count"] for f in data["facets"]["country"]}
    assert country_counts == {"PL": 1, "BG": 1, "BE": 0}  # zero-count values stay listed
    assert {f["label"] for f in data["facets"]["country"]} == {"Poland", "Bulgaria", "Belgium"}


def test_facets_combine_or_within_and_across(client, practices):
    def count(**params):
        return client.get("/api/search/", params).json()["count"]

    assert count(country=["PL", "BE"]) == 2
    assert count(country=["PL", "BE"], theme="social-economy") == 1
    data = client.get("/api/search/", {"country": "PL"}).json()
    # a facet is counted with every filter but its own: the other countries still show
    assert {f["value"]: f["count"] for f in data["facets"]["country"]} == {
        "PL": 1,
        "BG": 1,
        "BE": 1,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"theme": "no-such-theme"}, "theme"),
        ({"country": "XX"}, "country"),
        ({"year_from": "twenty"}, "year_from"),
        ({"year_from": "2020", "year_to": "2010"}, "year_to"),
        ({"page": "0"}, "page"),
        ({"page": "999"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 10_000}, "q"),
    ],
)
def test_invalid_parameters_get_a_400_with_a_clear_message(client, practices, params, field):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "Invalid search parameters."
    assert field in data["errors"] and data["errors"][field]


def test_year_range_and_pagination(client, practices):
    data = client.get("/api/search/", {"year_from": 2016, "page_size": 1}).json()
    assert data["count"] == 2 and data["pages"] == 2 and len(data["results"]) == 1
    second = client.get("/api/search/", {"year_from": 2016, "page_size": 1, "page": 2}).json()
    assert second["results"][0]["id"] != data["results"][0]["id"]


def test_suggestions_cover_titles_themes_groups_and_partners(client, practices):
    data = client.get("/api/search/suggest/", {"q": "soc"}).json()
    kinds = {(s["type"], s["label"]) for s in data["suggestions"]}
    assert ("practice", "Social cooperative canteens") in kinds
    assert ("theme", "Social economy and social enterprise") in kinds
    assert client.get("/api/search/suggest/", {"q": "mech"}).json()["suggestions"][0] == {
        "type": "partner", "label": "City of Mechelen", "url": "/partners/mechelen/"
    }  # fmt: skip
    assert client.get("/api/search/suggest/", {"q": "s"}).json()["suggestions"] == []
