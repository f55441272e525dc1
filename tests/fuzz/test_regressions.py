"""The server errors and empty messages the fuzzing found (docs/fuzzing.md), one exact input
each: every one of them answered 500 (or a 4xx that said nothing) before it was fixed."""

import pytest

from tests.factories import PracticePageFactory


@pytest.fixture
def published(partners):
    """One published practice: with none, the engine never reaches the OFFSET."""
    page = PracticePageFactory(parent=partners["brzeziny"], title="Social cooperative canteens")
    page.save_revision().publish()
    return page


def assert_bad_request(response, field: str | None = None, key: str = "error") -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body[key].strip()
    if field:
        assert body["errors"][field].strip()
    return body


@pytest.mark.parametrize("path", ["/api/search/", "/map/data.json", "/export/practices.csv"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        # int() refuses strings of more than 4,300 digits (ValueError)
        ({"year_from": "9" * 5000}, "year_from"),
        # "²".isdigit() is True, int("²") a ValueError
        ({"year_to": "²"}, "year_to"),
    ],
)
def test_digits_int_refuses_are_a_400(client, db, path, query, field):
    assert_bad_request(client.get(path, query), field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "9" * 5000}, "page"),
        ({"page_size": "²"}, "page_size"),
        # (page - 1) * page_size past a 64-bit integer: "bigint out of range" (DataError)
        ({"page": "1" + "0" * 18}, "page"),
    ],
)
def test_search_paging_past_every_limit_is_a_400(client, published, query, field):
    body = assert_bad_request(client.get("/api/search/", query), field)
    assert "whole number" in body["errors"][field] or "page number" in body["errors"][field]


@pytest.mark.parametrize(
    "query",
    [{"offset": "9" * 5000}, {"offset": "²"}, {"offset": "1" + "0" * 20}, {"limit": "²"}],
)
def test_practices_api_offset_and_limit_past_every_limit_are_a_400(client, published, query):
    assert_bad_request(client.get("/api/v2/practices/", query), key="message")


def test_partners_api_offset_past_a_64_bit_integer_is_a_400(client, db):
    body = assert_bad_request(
        client.get("/api/v2/partners/", {"offset": "1" + "0" * 20}), key="message"
    )
    assert body["message"] == "offset cannot be higher than 2147483647"


@pytest.mark.parametrize(
    "query",
    [
        {"latitude": ""},  # float("") in the model field
        {"expertise": "housing"},  # a word for the id of a related item
        {"last_published_at": "housing"},  # not a date
    ],
)
def test_partners_api_field_filter_of_the_wrong_kind_is_a_400(client, db, query):
    body = assert_bad_request(client.get("/api/v2/partners/", query), key="message")
    assert "wrong kind" in body["message"]


def test_an_unknown_api_format_says_so(client, db):
    response = client.get("/api/v2/practices/", {"format": "JSON"})
    assert response.status_code == 404
    assert response.json() == {"message": "Unknown format: JSON. Use one of: json, api."}


@pytest.mark.parametrize("path", ["/api/v2/practices/", "/api/v2/partners/"])
def test_rest_frameworks_own_errors_are_worded_as_the_apis(client, db, path):
    response = client.post(path)
    assert response.status_code == 405
    assert response.json() == {"message": 'Method "POST" not allowed.'}
    unacceptable = client.get(path, headers={"accept": "application/xml"})
    assert unacceptable.status_code == 406
    assert unacceptable.json()["message"].startswith("Could not satisfy")


@pytest.mark.parametrize(
    "path", ["/api/search/", "/api/search/suggest/", "/finder/api/", "/map/data.json"]
)
def test_a_wrong_method_gets_a_message_and_allow(client, db, path):
    response = client.put(path, b"\x00", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "error": "This address does not take PUT requests. Use: GET.",
        "allowed": ["GET"],
    }
