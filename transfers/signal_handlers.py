"""Keep the search index's `transferred` flag (search/engines/) in step with the stories.

A practice is "transferred successfully elsewhere" with an approved running or scaled-up story
or an adaptation its partner lists (transfers.models.transferred_elsewhere). Only when that
changes is the practice reindexed (search.indexing.practice_changed: PostgreSQL in the same
transaction, the journal for Elasticsearch/OpenSearch), so a pending story costs nothing.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from kb.models import PracticeAdaptation, PracticePage

from .models import TransferStory, TransferUpdate, is_transferred


def practice_changed_if_flag_moved(practice_id: int | None) -> None:
    from search.indexing import practice_changed
    from search.models import SearchRecord

    practice = PracticePage.objects.filter(pk=practice_id).only("translation_key").first()
    if practice is None:
        return
    versions = PracticePage.objects.filter(translation_key=practice.translation_key)
    flag = is_transferred(practice)
    indexed = SearchRecord.objects.filter(page__in=versions).values_list("transferred", flat=True)
    if any(value != flag for value in indexed):
        for page_id in versions.values_list("pk", flat=True).order_by("pk"):
            practice_changed(page_id)


def story_changed(story: TransferStory) -> None:
    practice_changed_if_flag_moved(story.practice_id)


def on_story_saved(sender, instance, **kwargs) -> None:
    story_changed(instance)


def on_update_saved(sender, instance, **kwargs) -> None:
    practice_changed_if_flag_moved(
        TransferStory.objects.filter(pk=instance.story_id)
        .values_list("practice_id", flat=True)
        .first()
    )


def on_adaptation_saved(sender, instance, **kwargs) -> None:
    practice_changed_if_flag_moved(instance.page_id)


def register_signal_handlers() -> None:
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(on_story_saved, sender=TransferStory, dispatch_uid=f"transfers-story-{name}")
        signal.connect(on_update_saved, sender=TransferUpdate, dispatch_uid=f"transfers-up-{name}")
        signal.connect(
            on_adaptation_saved, sender=PracticeAdaptation, dispatch_uid=f"transfers-ad-{name}"
        )
