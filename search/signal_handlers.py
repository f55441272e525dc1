from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move

from kb.models import Assessment, PracticePage
from search.indexing import practice_changed


def on_practice_changed(sender, instance, **kwargs) -> None:
    """The index holds one record per practice, the original (the first live translation):
    publishing or unpublishing one translation may change which one that is."""
    keys = PracticePage.objects.filter(translation_key=instance.translation_key)
    for page_id in keys.values_list("pk", flat=True).order_by("pk"):
        practice_changed(page_id)


def on_practice_deleted(sender, instance, **kwargs) -> None:
    practice_changed(instance.pk, deleted=True)


def on_assessment_changed(sender, instance, **kwargs) -> None:
    """The label is a facet and assessed practices get a small boost: reindex the practice."""
    practice_changed(instance.practice_id)


def register_signal_handlers() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(on_practice_changed, sender=PracticePage, dispatch_uid=f"search-{signal}")
    post_delete.connect(on_practice_deleted, sender=PracticePage, dispatch_uid="search-delete")
    for signal in (post_save, post_delete):
        signal.connect(on_assessment_changed, sender=Assessment, dispatch_uid=f"search-a-{signal}")
