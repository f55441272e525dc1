"""Queries and set-ups that could break discovery: a clear message, and words still match."""

import pytest

from django.db import connection

from search import vectors
from search.embeddings import embed_practices
from tests.factories import PracticePageFactory


@pytest.fixture
def practices(partners):
    made = [
        PracticePageFactory(parent=partners["wsx-enterprise"], title="Housing First for rough sleepers",
                            summary="Flats first, then support, for people sleeping rough.",
                            country="GB", start_year=2020),
        PracticePageFactory(parent=partners["kraslava"], title="Home visits to older people",
                            summary="Volunteers visit older residents living alone.",
                            country="LV", start_year=2012),
    ]  # fmt: skip
    for page in made:
        page.save_revision().publish()
    embed_practices([page.pk for page in made])
    return made


def notices(client, q):
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("q", ["the of and", "!!! ??? ---", "«»", '""', "-"])
def test_stop_words_or_symbols_only_show_everything_and_say_why(client, practices, q):
    data = notices(client, q)
    assert data["count"] == 2
    if q.strip('"-'):
        assert "only very common words or symbols" in data["notices"][0]


def test_mixed_scripts_and_very_long_queries(client, practices):
    data = notices(client, "Housing First жилище mieszkanie 住宅")
    assert data["results"][0]["title"] == "Housing First for rough sleepers"
    long = client.get("/api/search/", {"q": "housing " * 200})
    assert long.status_code == 400 and "limit is 500" in long.json()["errors"]["q"]
    page = client.get("/search/", {"q": "housing " * 200})
    assert page.status_code == 400 and "limit is 500" in page.content.decode()


def test_a_model_that_fails_to_load_leaves_word_search_working(client, practices, settings):
    settings.SEARCH_EMBEDDING_MODEL = "search.embeddings.NoSuchModel"
    data = notices(client, "rough sleepers")
    assert data["results"][0]["title"] == "Housing First for rough sleepers"
    assert data["results"][0]["matched_by"] == ["words"]
    assert data["semantic"] is False
    assert "Matching by meaning is unavailable" in data["notices"][0]
    page = client.get("/search/", {"q": "rough sleepers"})
    assert "Matching by meaning is unavailable" in page.content.decode()


def test_without_pgvector_words_still_match(client, practices):
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("DROP EXTENSION vector CASCADE")
    vectors._available.clear()
    try:
        data = notices(client, "roofless people given an apartment")
        assert data["results"][0]["matched_by"] == ["words"]
        assert "Matching by meaning is unavailable" in data["notices"][0]
    finally:
        vectors._available.clear()


def test_meaning_and_words_are_reported_per_result(client, practices):
    data = notices(client, "roofless people given an apartment without preconditions")
    first = data["results"][0]
    assert first["title"] == "Housing First for rough sleepers"
    assert "meaning" in first["matched_by"] and data["semantic"] is True
    assert first["language"] == "en"
