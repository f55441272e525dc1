from django.db.models.signals import post_delete

from wagtail.signals import page_published, page_unpublished, post_page_move

from kb.models import PracticePage
from search.indexing import practice_changed


def on_practice_changed(sender, instance, **kwargs) -> None:
    practice_changed(instance.pk)


def on_practice_deleted(sender, instance, **kwargs) -> None:
    practice_changed(instance.pk, deleted=True)


def register_signal_handlers() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(on_practice_changed, sender=PracticePage, dispatch_uid=f"search-{signal}")
    post_delete.connect(on_practice_deleted, sender=PracticePage, dispatch_uid="search-delete")
