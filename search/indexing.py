"""Keeping the search engines in step with what is published, even while an engine is down.

PostgreSQL's SearchRecord is updated in the same transaction as the change, so it is never
behind. For Elasticsearch/OpenSearch each change is written to a journal (IndexChange) in that
same transaction, and a task on the database queue drains the journal; while the engine is
unreachable the entries stay, and the drain is retried with a growing delay until it is back.
Wagtail's own index tasks swallow such errors (catch_indexing_errors), hence this journal.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from search.embeddings import schedule_embedding
from search.engines import external_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine
from search.models import IndexChange

logger = logging.getLogger(__name__)
BATCH = 500
MAX_DELAY = timedelta(minutes=10)


def practice_changed(page_id: int, *, deleted: bool = False) -> None:
    """Call inside the transaction that published, unpublished, moved or deleted a practice."""
    postgres = PostgresEngine()
    if deleted:
        postgres.remove_pages([page_id])
    else:
        postgres.index_pages([page_id])  # removes the record when the page is not live
        schedule_embedding(page_id)
    if external_engine() is None:
        return
    action = IndexChange.Action.DELETE if deleted else IndexChange.Action.UPSERT
    IndexChange.objects.create(page_id=page_id, action=action)
    transaction.on_commit(schedule_drain)


def journal_upserts(page_ids: list[int]) -> None:
    """Send these practices to the external engine again (e.g. with a new embedding)."""
    if external_engine() is None or not page_ids:
        return
    IndexChange.objects.bulk_create(
        [IndexChange(page_id=pk, action=IndexChange.Action.UPSERT) for pk in page_ids]
    )
    transaction.on_commit(schedule_drain)


def schedule_drain(delay: timedelta | None = None) -> None:
    """Queue a drain, after `delay` when given. A queue that cannot defer (the immediate one in
    tests) gets no retry: the entries wait for the next change or `search_index_check --fix`."""
    if delay is None:
        drain_index_journal.enqueue()
    elif drain_index_journal.get_backend().supports_defer:
        drain_index_journal.using(run_after=timezone.now() + delay).enqueue()


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** min(attempts, 10)), MAX_DELAY)


@task(backend="queue")
def drain_index_journal() -> int:
    """Apply pending journal entries to the external engine; returns how many were applied."""
    engine = external_engine()
    if engine is None:
        IndexChange.objects.all().delete()
        return 0
    with transaction.atomic():
        changes = list(
            IndexChange.objects.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
            .order_by("id")[:BATCH]
        )
        if not changes:
            return 0
        latest = {change.page_id: change.action for change in changes}  # the last one wins
        try:
            engine.index_pages([pk for pk, a in latest.items() if a == IndexChange.Action.UPSERT])
            engine.remove_pages([pk for pk, a in latest.items() if a == IndexChange.Action.DELETE])
        except EngineUnavailable as exc:
            attempts = max(change.attempts for change in changes) + 1
            retry_at = timezone.now() + backoff(attempts)
            IndexChange.objects.filter(pk__in=[c.pk for c in changes]).update(
                attempts=attempts, next_attempt_at=retry_at, last_error=str(exc)[:2000]
            )
            logger.warning("Search engine unreachable; %s changes kept for retry", len(changes))
            transaction.on_commit(lambda: schedule_drain(backoff(attempts)))
            return 0
        IndexChange.objects.filter(pk__in=[c.pk for c in changes]).delete()
    if IndexChange.objects.exists():
        transaction.on_commit(schedule_drain)
    return len(changes)


def pending_changes() -> int:
    return IndexChange.objects.count()
