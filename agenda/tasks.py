"""The registration e-mails, sent in the background (the "queue" tasks backend).

The registration is committed before any of them is queued (events.registration). A failure to
queue is logged, never shown to the registrant; `manage.py send_registration_emails` sends what
is still missing (confirmation_sent_at / host_notified_at empty).
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

from .models import Registration
from .registration import event_when, event_where

logger = logging.getLogger(__name__)


def _enqueue(*tasks_and_ids) -> None:
    try:
        for registration_task, registration_id in tasks_and_ids:
            registration_task.enqueue(registration_id)
    except Exception:
        logger.exception("Could not queue the e-mails for registration %s", tasks_and_ids[0][1])


def queue_registration_emails(registration_id: int) -> None:
    _enqueue((send_confirmation, registration_id), (notify_host, registration_id))


def queue_promotion_email(registration_id: int) -> None:
    """Someone moved up from the waiting list: their confirmation is due again."""
    Registration.objects.filter(pk=registration_id).update(confirmation_sent_at=None)
    _enqueue((send_confirmation, registration_id))


def queue_cancellation_emails(registration_id: int) -> None:
    _enqueue((send_cancellation, registration_id))


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def registrant_language(registration: Registration) -> str:
    language = registration.language
    return language if language in site_languages() else settings.LANGUAGE_CODE


def event_context(registration: Registration) -> dict:
    """The event as the registrant reads it: its translation in their language when there is
    one, the dates in its own time zone; call inside the language's translation.override."""
    event = registration.event
    if event is None:
        return {"title": registration.event_title, "when": "", "where": "", "url": ""}
    localized = event.localized.specific
    url = localized.get_url()
    return {
        "title": localized.title,
        "when": event_when(event),
        "where": event_where(localized),
        "url": base_url() + url if url else "",
    }


def _send(template: str, context: dict, to: list[str], **kwargs) -> None:
    subject = render_to_string(f"events/registration_email_{template}_subject.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"events/registration_email_{template}.txt", context),
        to=to,
        **kwargs,
    ).send()


def _registration(registration_id: int) -> Registration | None:
    registration = (
        Registration.objects.select_related("event", "partner").filter(pk=registration_id).first()
    )
    if registration is None or registration.purged_at is not None or not registration.email:
        return None
    return registration


@task(backend="queue")
def send_confirmation(registration_id: int) -> bool:
    """To the registrant, in their language: registered, or on the waiting list at position N,
    or moved up from it; the event's details and the cancellation link."""
    registration = _registration(registration_id)
    if registration is None or registration.is_cancelled:
        return False
    if registration.confirmation_sent_at is not None:
        return False  # already sent for this status (a task queued twice)
    with translation.override(registrant_language(registration)):
        context = {
            "registration": registration,
            "event": event_context(registration),
            "position": registration.waiting_position(),
            "partner": registration.partner.title if registration.partner else "",
            "cancel_url": base_url()
            + reverse("event_registration:cancel", args=[registration.token]),
            "retention_days": settings.EVENT_REGISTRATION_RETENTION_DAYS,
        }
        _send("confirmation", context, [registration.email])
    Registration.objects.filter(pk=registration.pk).update(confirmation_sent_at=timezone.now())
    return True


@task(backend="queue")
def notify_host(registration_id: int) -> bool:
    """To the event's contact address (else the partner's), in the site's main language."""
    registration = _registration(registration_id)
    if registration is None:
        return False
    recipients = registration.host_recipients()
    if not recipients:
        logger.warning(
            "Registration %s: no contact e-mail for the event or partner", registration_id
        )
        return False
    event = registration.event
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event_context(registration),
            "position": registration.waiting_position(),
            "confirmed": event.registrations.filter(status=Registration.Status.CONFIRMED).count()
            if event
            else None,
            "capacity": event.capacity if event else None,
            "admin_url": base_url() + reverse("registrations:index") + f"?event={event.pk}"
            if event
            else base_url() + reverse("registrations:index"),
        }
        _send("host", context, recipients, reply_to=[registration.email])
    Registration.objects.filter(pk=registration.pk).update(host_notified_at=timezone.now())
    return True


@task(backend="queue")
def send_cancellation(registration_id: int) -> bool:
    """To the registrant: their registration is cancelled (by them, or by the host)."""
    registration = _registration(registration_id)
    if registration is None or not registration.is_cancelled:
        return False
    with translation.override(registrant_language(registration)):
        context = {
            "registration": registration,
            "event": event_context(registration),
            "partner": registration.partner.title if registration.partner else "",
        }
        _send("cancellation", context, [registration.email])
    return True
