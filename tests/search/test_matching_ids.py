"""Every matching id, streamed: `SearchEngine.iter_ids` on PostgreSQL, Elasticsearch and
OpenSearch, and `iter_matching_ids` with its PostgreSQL fallback.

Streamed ids must be exactly the ids of paging through `search()`, in the same order, however
small the chunks.
"""

import socket
import uuid
from dataclasses import replace

import pytest

from django.http import QueryDict

from kb.models import TargetGroup, Theme
from kb.text import plain_to_html
from search.engines.base import SearchRequest
from search.engines.postgres import PostgresEngine
from search.params import parse_params
from search.query import parse_query
from search.service import engine_request, iter_matching_ids
from tests.factories import PracticePageFactory
from tests.search.engine_servers import SearchServer, configure_engine

# (partner, title, country, start year, themes, target groups)
PRACTICES = [
    ("brzeziny", "Social cooperative running school canteens", "PL", 2015,
     ["social-economy", "employment"], ["long-term-unemployed"]),
    ("lyaskovets", "Market garden enterprise", "BG", 2019,
     ["social-economy", "disability-inclusion"], ["people-with-disabilities"]),
    ("lalrg", "Neighbourhood hubs for older people", "LV", 2021,
     ["active-ageing"], ["older-people"]),
    ("kraslava", "Home visits to older people living alone", "LV", 2012,
     ["active-ageing", "civic-participation"], ["older-people", "volunteers"]),
    ("wsx-enterprise", "Housing First for rough sleepers", "GB", 2020,
     ["housing-homelessness"], ["homeless-people"]),
    ("local-councils-association-malta", "Youth guarantee outreach", "MT", 2017,
     ["youth-inclusion", "employment"], ["neet"]),
    ("mechelen", "Cooperative laundry for older people", "BE", 2018,
     ["social-economy", "active-ageing"], ["older-people"]),
]  # fmt: skip


def publish_practices(partners):
    pages = []
    for partner, title, country, year, themes, groups in PRACTICES:
        page = PracticePageFactory(
            parent=partners[partner],
            title=title,
            summary=f"About {title.lower()}.",
            results=plain_to_html(f"{title} helped people in {country}."),
            country=country,
            start_year=year,
            themes=[Theme.objects.get(slug=s) for s in themes],
            target_groups=[TargetGroup.objects.get(slug=s) for s in groups],
        )
        page.save_revision().publish()
        pages.append(page)
    return pages


@pytest.fixture
def corpus(partners, indexed):
    return indexed(publish_practices(partners))


def request(q="", **kwargs):
    return SearchRequest(query=parse_query(q), **kwargs)


def paged_ids(engine, req, page_size=3):
    """The ids of every page of `search()`, in order."""
    ids, page = [], 1
    while True:
        hits = engine.search(replace(req, page=page, page_size=page_size, with_facets=False)).hits
        ids += [hit.page_id for hit in hits]
        if len(hits) < page_size:
            return ids
        page += 1


def test_streamed_ids_are_the_ids_of_paging_through_search(engine, corpus):
    for q in ("", "older people", "cooperative"):
        for sort in ("relevance", "newest", "title"):
            req = request(q, sort=sort)
            expected = paged_ids(engine, req)
            assert expected, (q, sort)  # every query finds something
            for chunk_size in (1, 2, len(expected), 1000):
                assert list(engine.iter_ids(req, chunk_size=chunk_size)) == expected, (
                    q, sort, chunk_size,
                )  # fmt: skip


def test_every_match_is_streamed_past_one_chunk(engine, corpus):
    ids = list(engine.iter_ids(request(), chunk_size=2))
    assert len(ids) == len(corpus) == len(set(ids))  # four chunks, no id twice
    assert set(ids) == {page.pk for page in corpus}


def test_the_order_is_the_requested_sort(engine, corpus):
    titles = {page.pk: page.title for page in corpus}
    by_title = [titles[i] for i in engine.iter_ids(request(sort="title"), chunk_size=3)]
    assert by_title == sorted(titles.values(), key=str.lower)
    for page in corpus:
        page.refresh_from_db()
    newest_first = sorted(corpus, key=lambda p: p.first_published_at, reverse=True)
    assert list(engine.iter_ids(request(sort="newest"), chunk_size=3)) == [
        p.pk for p in newest_first
    ]


def test_filters_years_and_words_are_respected(engine, corpus):
    by_title = {page.title: page.pk for page in corpus}
    latvia = engine.iter_ids(request(filters={"country": ("LV",)}, sort="title"), chunk_size=1)
    assert list(latvia) == [
        by_title["Home visits to older people living alone"],
        by_title["Neighbourhood hubs for older people"],
    ]
    either = request(filters={"country": ("LV", "BE"), "theme": ("social-economy",)})
    assert list(engine.iter_ids(either, chunk_size=1)) == [
        by_title["Cooperative laundry for older people"]
    ]
    years = set(engine.iter_ids(request(year_from=2018, year_to=2020), chunk_size=2))
    assert years == {
        by_title[t]
        for t in (
            "Market garden enterprise",
            "Housing First for rough sleepers",
            "Cooperative laundry for older people",
        )
    }
    words = set(engine.iter_ids(request("older people", filters={"theme": ("active-ageing",)})))
    assert words == {
        by_title[t]
        for t in (
            "Neighbourhood hubs for older people",
            "Home visits to older people living alone",
            "Cooperative laundry for older people",
        )
    }


def test_nothing_matching_streams_nothing(engine, corpus):
    assert list(engine.iter_ids(request("zebra xylophone"), chunk_size=2)) == []
    assert list(engine.iter_ids(request(filters={"country": ("FI",)}))) == []


def test_a_stream_left_half_read_does_not_block_the_next_search(engine, corpus):
    ids = engine.iter_ids(request(sort="title"), chunk_size=2)
    first = next(ids)
    ids.close()  # the consumer stopped (a client went away): the cursor is closed
    assert next(engine.iter_ids(request(sort="title"), chunk_size=2)) == first
    assert engine.search(request()).total == len(corpus)


@pytest.mark.django_db(transaction=True)
def test_postgres_streams_outside_a_transaction(partners):
    """In autocommit mode (as in a view) the server-side cursor is held across commits."""
    engine = PostgresEngine()
    pages = publish_practices(partners)
    engine.index_pages([page.pk for page in pages])
    ids = engine.iter_ids(request(sort="title"), chunk_size=2)
    titles = {page.pk: page.title for page in pages}
    assert [titles[i] for i in ids] == sorted(titles.values(), key=str.lower)


def params(query: str):
    vocabulary = {"theme": set(Theme.objects.values_list("slug", flat=True))}
    return parse_params(QueryDict(query), vocabulary)


def test_iter_matching_ids_asks_the_configured_engine(engine, corpus):
    ids, name, degraded = iter_matching_ids(params("q=older+people&sort=title&page=2"))
    assert (name, degraded) == (engine.name, False)
    # the page parameter does not matter: every match (by words and by meaning)
    assert list(ids) == paged_ids(engine, engine_request(params("q=older+people&sort=title")))
    ids, _name, _degraded = iter_matching_ids(params("q=zebra"))
    assert list(ids) == []


def test_iter_matching_ids_can_stop_early(engine, corpus):
    ids, _name, _degraded = iter_matching_ids(params("sort=title"))
    first = next(ids)
    ids.close()  # frees the cursor or the scroll
    assert list(ids) == []
    again, _name, _degraded = iter_matching_ids(params("sort=title"))
    assert next(again) == first
    assert len([first, *again]) == len(corpus)


@pytest.fixture
def unreachable_engine(settings, db):
    """Elasticsearch configured at a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SearchServer(url=f"http://127.0.0.1:{port}")
    return configure_engine(settings, "elasticsearch", server, f"test_{uuid.uuid4().hex[:10]}_")


def test_iter_matching_ids_falls_back_to_postgres_when_the_engine_is_down(
    unreachable_engine, partners
):
    pages = publish_practices(partners)
    PostgresEngine().index_pages([page.pk for page in pages])
    ids, name, degraded = iter_matching_ids(params("theme=active-ageing&sort=title"))
    assert (name, degraded) == ("postgres", True)
    titles = {page.pk: page.title for page in pages}
    assert [titles[i] for i in ids] == [
        "Cooperative laundry for older people",
        "Home visits to older people living alone",
        "Neighbourhood hubs for older people",
    ]
