"""What only the Elasticsearch/OpenSearch engine has: the alias swap, unreachable servers, paging
through every indexed id, the analysis, the test-only header shim."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import ApiError, Elasticsearch
from osmem_server import OsmemServer

from kb.models import PartnerPage, PracticePage
from search.engines import elastic as elastic_module
from search.engines.base import MARK_END, MARK_START, EngineUnavailable, SearchRequest
from search.engines.config import wagtail_search_backends
from search.engines.elastic import ElasticEngine
from search.query import parse_query
from tests.factories import PartnerPageFactory, PracticePageFactory, ThemeFactory
from tests.search.engine_servers import (
    JsonHeadersNode,
    SearchServer,
    configure_engine,
    osmem_server_for,
)

pytestmark = pytest.mark.search_engine
ELASTIC_ENGINES = pytest.mark.parametrize("engine", ["elasticsearch", "opensearch"], indirect=True)


@pytest.fixture
def partner(home) -> PartnerPage:
    """One partner is enough here (the seeded 23 take a second to create)."""
    return PartnerPageFactory(parent=home, slug="brzeziny", title="Brzeziny")


def practice(partner: PartnerPage, **fields) -> PracticePage:
    page = PracticePageFactory(parent=partner, **fields)
    page.save_revision().publish()
    return page


def found(engine: ElasticEngine, text: str, **request) -> list[int]:
    query = parse_query(text, correct=False)
    return [hit.page_id for hit in engine.search(SearchRequest(query=query, **request)).hits]


def aliased_indices(engine: ElasticEngine) -> list[str]:
    return sorted(engine.es.indices.get_alias(name=engine.alias.name).keys())


# -- the index and its alias -----------------------------------------------------------------


@ELASTIC_ENGINES
def test_engine_is_named_after_its_backend(engine, request):
    assert engine.name == request.node.callspec.params["engine"]


@ELASTIC_ENGINES
def test_rebuild_swaps_the_alias_while_searches_keep_answering(
    engine, indexed, partner, monkeypatch
):
    monkeypatch.setattr(elastic_module, "CHUNK", 2)
    old_page = indexed(practice(partner, title="School canteens run by a cooperative"))[0]
    others = [practice(partner, title=f"Reading circle {n}") for n in range(4)]
    old_indices = aliased_indices(engine)
    seen_during_rebuild = []

    def progress(n: int) -> None:
        # Mid-rebuild the alias still points at the old, complete index.
        assert aliased_indices(engine) == old_indices
        seen_during_rebuild.append((n, found(engine, "canteens")))

    assert engine.rebuild(progress) == 5
    assert seen_during_rebuild == [(2, [old_page.pk]), (2, [old_page.pk]), (1, [old_page.pk])]
    new_indices = aliased_indices(engine)
    assert len(new_indices) == 1 and new_indices != old_indices
    assert not engine.es.indices.exists(index=old_indices[0])  # dropped after the swap
    assert engine.indexed_ids() == {old_page.pk, *(p.pk for p in others)}
    # Every page type of the page index is rebuilt, not only practices.
    partner_docs = engine.es.count(
        index=engine.alias.name,
        body={"query": {"term": {"_django_content_type": "kb.PartnerPage"}}},
    )
    assert partner_docs["count"] == PartnerPage.objects.count()


@ELASTIC_ENGINES
def test_failed_rebuild_leaves_the_old_index_in_place(engine, indexed, partner):
    page = indexed(practice(partner, title="School canteens"))[0]
    before = aliased_indices(engine)

    def fail(n: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        engine.rebuild(fail)
    assert aliased_indices(engine) == before
    assert found(engine, "canteens") == [page.pk]
    # The half-built index is gone.
    assert list(engine.es.indices.get(index=f"{engine.alias.name}_*").keys()) == before


@ELASTIC_ENGINES
def test_rebuild_replaces_an_index_written_under_the_alias_name(engine, partner):
    # What a write to a missing index leaves behind: a concrete index with a guessed mapping.
    for name in aliased_indices(engine):
        engine.es.indices.delete(index=name)
    engine.es.index(index=engine.alias.name, id="1", body={"pk": "1"}, refresh=True)
    page = practice(partner, title="School canteens")
    assert engine.rebuild() == 1
    assert engine.es.indices.exists_alias(name=engine.alias.name)
    assert found(engine, "canteens") == [page.pk]


@ELASTIC_ENGINES
def test_index_pages_creates_a_missing_index_with_the_mapping(engine, partner):
    for name in aliased_indices(engine):
        engine.es.indices.delete(index=name)
    fresh = ElasticEngine()
    page = practice(partner, title="School canteens", summary="Healthy meals")
    fresh.index_pages([page.pk])
    fresh.refresh()
    assert fresh.es.indices.exists_alias(name=fresh.alias.name)
    assert found(fresh, "meal") == [page.pk]  # analysed text, not a guessed mapping


# -- indexing --------------------------------------------------------------------------------


@ELASTIC_ENGINES
def test_unpublished_and_deleted_practices_leave_the_results(engine, indexed, partner):
    kept, unpublished, deleted, removed = (
        practice(partner, title=f"School canteens {n}") for n in range(4)
    )
    indexed(kept, unpublished, deleted, removed)
    unpublished.unpublish()
    deleted_id, removed_id = deleted.pk, removed.pk
    deleted.delete()
    removed.delete()

    engine.index_pages([unpublished.pk, deleted_id])  # gone from the DB: removed from the index
    engine.remove_pages([removed_id, 999_999])  # unknown ids are fine
    engine.refresh()

    assert found(engine, "canteens") == [kept.pk]
    assert engine.indexed_ids() == {kept.pk}
    doc = engine.es.get(index=engine.alias.name, id=str(unpublished.pk))
    assert doc["_source"][engine._fields.live] is False  # indexed, but not live


@ELASTIC_ENGINES
def test_indexed_ids_pages_through_every_document(engine, monkeypatch):
    monkeypatch.setattr(elastic_module, "SCAN_PAGE", 1000)
    content_type = engine.mapping.get_content_type()
    live = engine._fields.live

    def doc(i: int, **extra) -> dict:
        source = {"pk": str(i), live: True, "_django_content_type": [content_type], **extra}
        return {"_index": engine.alias.name, "_id": str(i), "_source": source}

    docs = [doc(i) for i in range(1, 2501)]
    docs.append(doc(5000, **{live: False}))
    docs.append(doc(5001, _django_content_type=["kb.PartnerPage", "wagtailcore.Page"]))
    engine.backend.bulk(engine.es, docs)
    engine.refresh()
    assert engine.indexed_ids() == set(range(1, 2501))


@ELASTIC_ENGINES
def test_rejected_documents_raise_instead_of_being_logged(engine, partner, monkeypatch):
    page = practice(partner, title="School canteens")
    year = engine._fields.start_year
    original = engine.mapping.get_document

    def bad_document(self, obj):
        return {**original(obj), year: "not a year"}

    monkeypatch.setattr(engine.backend.mapping_class, "get_document", bad_document)
    with pytest.raises(RuntimeError, match="index operations failed"):
        engine.index_pages([page.pk])


# -- analysis and queries --------------------------------------------------------------------


@ELASTIC_ENGINES
def test_text_is_stemmed_folded_and_possessives_cut(engine, indexed, partner):
    page = indexed(
        practice(partner, title="Homes in Łódź", summary="Healthy meals for children's homes")
    )[0]
    assert found(engine, "meal") == [page.pk]
    assert found(engine, "healthy meal") == [page.pk]
    assert found(engine, "children") == [page.pk]
    assert found(engine, "lodz") == [page.pk]
    assert found(engine, "zzzqqq") == []


@ELASTIC_ENGINES
def test_snippets_mark_matches_and_fall_back_to_the_summary(engine, indexed, partner):
    page = indexed(practice(partner, title="Accessible libraries", summary="Open every day."))[0]
    [hit] = engine.search(SearchRequest(query=parse_query("open", correct=False))).hits
    assert hit.snippet == f"{MARK_START}Open{MARK_END} every day."
    [hit] = engine.search(SearchRequest(query=parse_query("libraries", correct=False))).hits
    assert hit.page_id == page.pk and hit.snippet == "Open every day."  # title-only match


@ELASTIC_ENGINES
def test_each_facet_is_counted_without_its_own_filter(engine, indexed, partner):
    first, second = ThemeFactory(), ThemeFactory()
    indexed(
        practice(partner, title="A", themes=[first], country="PL"),
        practice(partner, title="B", themes=[second], country="PL"),
        practice(partner, title="C", themes=[second], country="ES"),
        practice(partner, title="D", themes=[second], country="ES", start_year=2001),
    )
    result = engine.search(
        SearchRequest(
            query=parse_query(""),
            filters={"theme": (second.slug,), "country": ("ES",)},
            year_from=2010,  # the year range applies to the counts too: D is never counted
        )
    )
    assert result.total == 1
    assert result.facets["theme"] == {second.slug: 1}  # with country=ES only
    assert result.facets["country"] == {"PL": 1, "ES": 1}  # with theme=second only
    assert result.facets["partner"] == {"brzeziny": 1}  # with both


@ELASTIC_ENGINES
def test_pages_past_the_result_window_are_empty_but_counted(engine, indexed, partner):
    indexed(practice(partner, title="School canteens"))
    result = engine.search(SearchRequest(query=parse_query(""), page=600, page_size=20))
    assert result.total == 1 and result.hits == []
    assert result.facets["partner"] == {"brzeziny": 1}


# -- failures --------------------------------------------------------------------------------


def every_call(engine: ElasticEngine, page_id: int) -> dict:
    query = SearchRequest(query=parse_query("canteens", correct=False))
    return {
        "search": lambda: engine.search(query),
        "suggest_titles": lambda: engine.suggest_titles("can", 5),
        "similar": lambda: engine.similar(page_id, 5),
        "index_pages": lambda: engine.index_pages([page_id]),
        "remove_pages": lambda: engine.remove_pages([page_id]),
        "rebuild": lambda: engine.rebuild(),
        "indexed_ids": lambda: engine.indexed_ids(),
        "refresh": lambda: engine.refresh(),
    }


def assert_all_unavailable(engine: ElasticEngine, page_id: int) -> None:
    for name, call in every_call(engine, page_id).items():
        with pytest.raises(EngineUnavailable) as raised:
            call()
        assert raised.value.__cause__ is not None, name  # the client's error is chained


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def failing_server() -> Iterator[str]:
    """An HTTP server that answers every request 503, as a cluster without a master does."""

    class Unavailable(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = json.dumps({"error": {"type": "cluster_block_exception"}, "status": 503})
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("kind", ["elasticsearch", "opensearch"])
def test_unreachable_server_raises_engine_unavailable(kind, settings, partner):
    page = practice(partner, title="School canteens")
    options = {"node_class": JsonHeadersNode} if kind == "elasticsearch" else {}
    server = SearchServer(url=f"http://127.0.0.1:{closed_port()}", options=options)
    assert_all_unavailable(configure_engine(settings, kind, server, "down_"), page.pk)


@pytest.mark.parametrize("kind", ["elasticsearch", "opensearch"])
def test_server_errors_raise_engine_unavailable(kind, settings, partner, failing_server):
    page = practice(partner, title="School canteens")
    engine = configure_engine(settings, kind, SearchServer(url=failing_server), "failing_")
    assert_all_unavailable(engine, page.pk)


@pytest.mark.parametrize("kind", ["elasticsearch", "opensearch"])
def test_stopped_server_raises_engine_unavailable(kind, settings, partner):
    page = practice(partner, title="School canteens")
    server = OsmemServer.start(japanese=False)
    engine = configure_engine(settings, kind, osmem_server_for(kind, server.url), "stopped_")
    engine.index_pages([page.pk])
    engine.refresh()
    assert found(engine, "canteens") == [page.pk]
    server.close()
    assert_all_unavailable(engine, page.pk)


# -- the test-only shim ----------------------------------------------------------------------


def test_json_headers_node_lets_the_elasticsearch_9_client_talk_to_osmem(osmem_server):
    index = f"shim_{uuid.uuid4().hex[:8]}"
    plain = Elasticsearch(hosts=[osmem_server.url])
    with pytest.raises(ApiError) as refused:
        plain.indices.create(index=index, mappings={"properties": {"t": {"type": "text"}}})
    assert refused.value.meta.status == 406  # osmem refuses compatible-with=9 media types

    shimmed = Elasticsearch(hosts=[osmem_server.url], node_class=JsonHeadersNode)
    shimmed.indices.create(index=index, mappings={"properties": {"t": {"type": "text"}}})
    shimmed.bulk(operations=[{"index": {"_index": index, "_id": "1"}}, {"t": "x"}], refresh=True)
    assert shimmed.count(index=index)["count"] == 1
    shimmed.indices.delete(index=index)


def test_production_settings_never_use_the_shim():
    for kind in ("elasticsearch", "opensearch"):
        config = wagtail_search_backends(kind, "http://search:9200", "ersi_")["default"]
        assert config["OPTIONS"] == {}
        assert config["AUTO_UPDATE"] is True


# -- vectors in the engine (SEARCH_VECTORS = "engine") ---------------------------------------


@pytest.fixture
def opensearch_with_vectors(settings, db, request) -> Iterator[ElasticEngine]:
    """OpenSearch (osmem) with the embeddings in its documents, as on a real server."""
    from tests.search.conftest import search_server
    from tests.search.engine_servers import drop_indices

    prefix = f"test_{uuid.uuid4().hex[:10]}_"
    engine = configure_engine(
        settings, "opensearch", search_server(request, "opensearch"), prefix, vectors="engine"
    )
    engine.ensure_index()
    yield engine
    drop_indices(engine, prefix)


def test_documents_carry_the_embedding_and_the_knn_query_falls_back(
    opensearch_with_vectors, partner, caplog
):
    from search.embeddings import embed_practices, embed_query
    from search.engines.elastic import VECTOR_FIELD

    engine = opensearch_with_vectors
    housing = practice(partner, title="Housing First for rough sleepers",
                       summary="Flats first, then support, for people sleeping rough.")  # fmt: skip
    embed_practices([housing.pk])
    engine.index_pages([housing.pk])
    engine.refresh()
    mapping = engine.es.indices.get_mapping(index=engine.alias.name)
    [properties] = [m["mappings"]["properties"] for m in mapping.values()]
    assert properties[VECTOR_FIELD]["type"] == "knn_vector"
    assert properties[VECTOR_FIELD]["dimension"] == 384
    document = engine.es.get(index=engine.alias.name, id=engine._document_id(housing.pk))
    assert len(document["_source"][VECTOR_FIELD]) == 384

    sent = []
    search = engine.es.search

    def recording(*args, **kwargs):
        sent.append(kwargs.get("body"))
        return search(*args, **kwargs)

    engine.es.search = recording
    text = "roofless people given an apartment without preconditions"
    query = parse_query(text)
    result = engine.search(SearchRequest(query=query, embedding=embed_query(text)))
    knn = next(
        body["query"]["knn"][VECTOR_FIELD] for body in sent if "knn" in body.get("query", {})
    )
    assert len(knn["vector"]) == 384 and knn["k"] > 0
    assert knn["filter"]["bool"]["filter"] == engine._base_filters()  # live practices only
    # osmem refuses kNN queries: the nearest practices come from PostgreSQL's vectors instead
    assert "refused the kNN query" in caplog.text
    assert [hit.page_id for hit in result.hits] == [housing.pk]


def test_the_elasticsearch_knn_request_and_mapping():
    from search.engines.elastic import VECTOR_FIELD, knn_body, vector_mapping

    body = knn_body("elasticsearch", [0.1, 0.2], 40, {"term": {"x": 1}})
    assert body["knn"] == {
        "field": VECTOR_FIELD, "query_vector": [0.1, 0.2], "k": 40, "num_candidates": 160,
        "filter": {"term": {"x": 1}},
    }  # fmt: skip
    assert vector_mapping("elasticsearch", 384) == {
        "type": "dense_vector", "dims": 384, "index": True, "similarity": "cosine",
    }  # fmt: skip
