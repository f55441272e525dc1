"""Nothing is lost while Elasticsearch/OpenSearch is down: the engine is switched off (a TCP
proxy in front of it stops answering), practices are published and deleted, the engine comes
back, the journal drains, and the drift is 0."""

import uuid
from urllib.parse import urlparse

import pytest

from django.core.management import call_command

from search.indexing import drain_index_journal
from search.models import IndexChange
from tests.factories import PracticePageFactory
from tests.search.conftest import search_server
from tests.search.engine_servers import SearchServer, configure_engine, drop_indices
from tests.search.tcp_proxy import SwitchableProxy


@pytest.fixture(params=["elasticsearch", "opensearch"])
def engine_behind_proxy(request, settings, db):
    server = search_server(request, request.param)
    target = urlparse(server.url)
    proxy = SwitchableProxy(target.hostname, target.port)
    proxy.start()
    prefix = f"test_{uuid.uuid4().hex[:10]}_"
    engine = configure_engine(
        settings, request.param, SearchServer(proxy.url, server.options), prefix
    )
    engine.ensure_index()
    yield engine, proxy
    proxy.start()  # in case the test stopped it
    drop_indices(engine, prefix)
    proxy.stop()


def publish(page):
    page.save_revision().publish()
    return page


@pytest.mark.search_engine
def test_changes_made_while_the_engine_is_down_reach_it_when_it_is_back(
    engine_behind_proxy, partners, client, django_capture_on_commit_callbacks, capsys
):
    engine, proxy = engine_behind_proxy
    with django_capture_on_commit_callbacks(execute=True):
        early = publish(PracticePageFactory(parent=partners["kraslava"], title="Debt advice desk"))
    engine.refresh()
    assert engine.indexed_ids() == {early.pk}

    proxy.stop()
    with django_capture_on_commit_callbacks(execute=True):
        late = publish(PracticePageFactory(parent=partners["mechelen"], title="Debt advice online"))
        early.delete()
    pending = IndexChange.objects.count()  # publish, unpublish-on-delete, delete: kept for later
    assert pending >= 2
    assert IndexChange.objects.filter(attempts__gte=1).exclude(last_error="").exists()

    # Search keeps answering, from PostgreSQL, and says so.
    data = client.get("/api/search/", {"q": "debt advice"}).json()
    assert data["degraded"] is True and data["engine"] == "postgres"
    assert [r["id"] for r in data["results"]] == [late.pk]
    html = client.get("/search/", {"q": "debt advice"}).content.decode()
    assert "unavailable" in html

    proxy.start()  # the engine is back
    IndexChange.objects.update(next_attempt_at=None)  # the retry is due
    assert drain_index_journal.call() == pending
    engine.refresh()
    assert engine.indexed_ids() == {late.pk}
    assert not IndexChange.objects.exists()
    call_command("search_index_check")
    assert "total drift: 0" in capsys.readouterr().out
    assert client.get("/api/search/", {"q": "debt advice"}).json()["degraded"] is False
