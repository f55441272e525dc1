"""The transfer-story e-mails, sent in the background (the "queue" tasks backend).

The story is committed before any of them is queued (transfers.views). A failure to queue is
logged, never shown to the submitter: the story is stored and awaits moderation in the admin.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from multilingual.languages import site_languages

from .models import TransferStory, TransferUpdate

logger = logging.getLogger(__name__)
REMINDER_FIELDS = {6: "reminder_6_sent_at", 12: "reminder_12_sent_at"}


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def story_url(story: TransferStory) -> str:
    return base_url() + reverse("transfers:story", args=[story.token])


def submitter_language(story: TransferStory) -> str:
    return story.language if story.language in site_languages() else settings.LANGUAGE_CODE


def queue_story_emails(story_id: int) -> None:
    try:
        send_receipt.enqueue(story_id)
        notify_moderators.enqueue(story_id)
    except Exception:
        logger.exception("Could not queue the e-mails for transfer story %s", story_id)


def queue_update_notice(update_id: int) -> None:
    try:
        notify_update.enqueue(update_id)
    except Exception:
        logger.exception("Could not queue the e-mail for transfer update %s", update_id)


def _send(template: str, context: dict, to: list[str], **kwargs) -> None:
    subject = render_to_string(f"transfers/email_{template}_subject.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"transfers/email_{template}.txt", context),
        to=to,
        **kwargs,
    ).send()


def _story(story_id: int) -> TransferStory | None:
    return TransferStory.objects.select_related("practice").filter(pk=story_id).first()


def _practice_context(story: TransferStory) -> dict:
    practice = story.practice
    url = practice.url if practice is not None and practice.live else ""
    title = practice.title if practice is not None else story.practice_title
    return {"practice_title": title, "practice_url": base_url() + url if url else ""}


@task(backend="queue")
def send_receipt(story_id: int) -> bool:
    """To the submitter, in their language: the story is stored and awaits moderation; their
    private link to add results later."""
    story = _story(story_id)
    if story is None:
        return False
    with translation.override(submitter_language(story)):
        context = {"story": story, "story_url": story_url(story), **_practice_context(story)}
        _send("receipt", context, [story.submitter_email])
    return True


@task(backend="queue")
def notify_moderators(story_id: int) -> bool:
    """To the practice's contact address (else the partner's), in the site's main language."""
    story = _story(story_id)
    if story is None:
        return False
    recipients = story.recipients()
    if not recipients:
        logger.warning("Transfer story %s: no contact e-mail for the practice or partner", story_id)
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "story": story,
            "admin_url": base_url() + reverse("transfer_stories:edit", args=[story.pk]),
            **_practice_context(story),
        }
        _send("moderation", context, recipients, reply_to=[story.submitter_email])
    return True


@task(backend="queue")
def notify_update(update_id: int) -> bool:
    """A follow-up sent through the private link awaits moderation: tell the practice's contact."""
    update = TransferUpdate.objects.select_related("story__practice").filter(pk=update_id).first()
    if update is None or update.moderation != TransferUpdate.Moderation.PENDING:
        return False
    story = update.story
    recipients = story.recipients()
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "story": story,
            "update": update,
            "admin_url": base_url() + reverse("transfer_stories:edit", args=[story.pk]),
            **_practice_context(story),
        }
        _send("update_moderation", context, recipients, reply_to=[story.submitter_email])
    return True


@task(backend="queue")
def send_reminder(story_id: int, months: int) -> bool:
    """N months after the story was recorded: how is it going? Sent once per reminder (the
    command marks it before queuing)."""
    story = _story(story_id)
    if story is None or not story.is_approved or months not in REMINDER_FIELDS:
        return False
    with translation.override(submitter_language(story)):
        context = {
            "story": story,
            "months": months,
            "story_url": story_url(story),
            **_practice_context(story),
        }
        _send("reminder", context, [story.submitter_email])
    return True


def mark_and_queue_reminder(story: TransferStory, months: int) -> bool:
    """Marks the reminder as sent (only if it was not yet: a second run changes nothing), then
    queues it. True when this call claimed it."""
    field = REMINDER_FIELDS[months]
    claimed = TransferStory.objects.filter(pk=story.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if not claimed:
        return False
    try:
        send_reminder.enqueue(story.pk, months)
    except Exception:
        logger.exception("Could not queue the %s-month reminder for story %s", months, story.pk)
        TransferStory.objects.filter(pk=story.pk).update(**{field: None})
        return False
    return True
