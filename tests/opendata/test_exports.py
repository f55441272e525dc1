import csv
import io
import json
import re

import pytest

from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opendata import exports
from opendata.exports import EXPORT_KEYS, csv_cell


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # the byte order mark Excel needs for UTF-8
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_csv_export_of_a_search(client, practices, draft):
    response = client.get("/export/practices.csv", {"theme": "social-economy", "sort": "title"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="ersi-practices-{today}.csv"')
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    rows = read_csv(response)
    assert [row["title"] for row in rows] == [
        "Market garden enterprise",
        "Social cooperative canteens",
    ]
    garden, canteens = rows
    assert tuple(garden) == EXPORT_KEYS
    assert "contact_phone" not in garden
    assert garden["themes"] == "employment; social-economy"
    assert garden["partner"] == "lyaskovets" and garden["country"] == "BG"
    assert garden["url"] == f"http://localhost{practices[1].url}"
    assert garden["last_published_at"].startswith(str(practices[1].last_published_at.year))
    assert canteens["contact_email"] == "anna@example.org"
    assert canteens["approach"] == "'- a drop-in hub\n- home visits"  # not a formula in Excel
    assert canteens["lat"] == "51.8" and canteens["end_year"] == "2019" and canteens["body"] == ""
    assert canteens["sample"] == "false" and canteens["population"] == ""


def test_jsonl_export_of_a_search(client, practices):
    response = client.get("/export/practices.jsonl", {"country": ["PL", "BE"], "sort": "title"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].endswith('.jsonl"')
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["title"] for row in rows] == ["Childcare places", "Social cooperative canteens"]
    canteens = rows[1]
    assert list(canteens) == list(EXPORT_KEYS)
    assert canteens["themes"] == ["social-economy"]
    assert canteens["target_groups"] == ["long-term-unemployed"]
    assert canteens["approach"] == "- a drop-in hub\n- home visits"  # JSON keeps the text as is
    assert canteens["lat"] == 51.8 and canteens["start_year"] == 2015
    assert canteens["adaptations"] == [] and canteens["sample"] is False
    assert "+48" not in "\n".join(lines)


def test_an_empty_result_is_a_header_or_nothing(client, practices):
    csv_response = client.get("/export/practices.csv", {"q": "nothingmatchesthis"})
    assert read_csv(csv_response) == []
    jsonl = client.get("/export/practices.jsonl", {"q": "nothingmatchesthis"})
    assert b"".join(jsonl.streaming_content) == b""


def test_rows_are_loaded_and_sent_chunk_by_chunk(client, practices, monkeypatch):
    """The first rows leave before the next ones are read, each chunk in the same few
    queries: memory does not grow with the size of the result."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 1)
    response = client.get("/export/practices.jsonl", {"sort": "title"})
    chunks = iter(response.streaming_content)
    loaded, titles = [], []
    for _ in practices:
        with CaptureQueriesContext(connection) as queries:
            chunk = next(chunks).decode()
        assert chunk.count("\n") == 1
        titles.append(json.loads(chunk)["title"])
        loaded.append(queries.captured_queries)
    assert titles == ["Childcare places", "Market garden enterprise", "Social cooperative canteens"]
    with pytest.raises(StopIteration):
        next(chunks)
    counts = [len(q) for q in loaded]
    # the first chunk also reads the partner slugs and the site once; then the same per chunk
    assert counts[1] == counts[2] and counts[0] > counts[1], counts
    practice_queries = [
        sql for q in loaded for sql in (s["sql"] for s in q) if 'FROM "kb_practicepage"' in sql
    ]
    translations = [sql for sql in practice_queries if '"translation_key" IN' in sql]
    page_loads = [sql for sql in practice_queries if sql not in translations]
    assert len(page_loads) == 3 and len(translations) == 3  # one of each per chunk
    assert all(re.search(r"\bIN \(\d+\)", sql) for sql in page_loads)  # one id each


@pytest.mark.parametrize(
    ("params", "field"),
    [({"theme": "nope"}, "theme"), ({"year_from": "1800"}, "year_from"), ({"sort": "x"}, "sort")],
)
def test_parameter_errors_are_a_400_with_messages_not_a_stream(client, db, params, field):
    response = client.get("/export/practices.csv", params)
    assert response.status_code == 400
    assert not response.streaming
    data = response.json()
    assert data["error"] == "Invalid search parameters." and field in data["errors"]


def test_paging_parameters_are_ignored_and_unknown_formats_are_404(client, practices):
    response = client.get("/export/practices.jsonl", {"page": "2", "page_size": "1"})
    assert len(b"".join(response.streaming_content).splitlines()) == 3
    assert client.get("/export/practices.xml").status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (["a", "b"], "a; b"),
        ([{"place": "Gdańsk"}], '[{"place": "Gdańsk"}]'),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1", "'+1"),
        (-3.5, "-3.5"),  # numbers are never taken for formulas
        ("Łódź", "Łódź"),
    ],
)
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


def open_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("read", [False, True])
def test_closing_an_export_closes_its_cursor_at_once(rf, practices, read):
    """The server closes the response when the client goes away, before or after the first
    part: the engine's server-side cursor closes then, not when Python collects the stream."""
    before = open_cursors()
    response = exports.export_practices(rf.get("/export/practices.csv"), "csv")
    if read:
        next(iter(response))
    assert open_cursors() == before + 1  # the stream holds the engine's cursor
    # request_finished (sent by close()) would close the database connection too: in a test,
    # that is inside the test's transaction.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert open_cursors() == before
