"""E-mail a new request to the partner, in the background (the "queue" tasks backend)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from multilingual.languages import site_languages

from .models import Enquiry

logger = logging.getLogger(__name__)


def queue_notification(enquiry_id: int) -> None:
    """Called once the request is committed. A failure to queue the e-mail is logged, never
    shown to the sender: the request is stored, and `send_enquiry_notifications` sends later."""
    try:
        notify_partner.enqueue(enquiry_id)
        confirm_to_sender.enqueue(enquiry_id)
    except Exception:
        logger.exception("Could not queue the e-mails for request %s", enquiry_id)


@task(backend="queue")
def notify_partner(enquiry_id: int) -> bool:
    enquiry = Enquiry.objects.select_related("practice", "partner").filter(pk=enquiry_id).first()
    if enquiry is None:  # deleted in the meantime
        return False
    recipients = enquiry.recipients()
    if not recipients:
        logger.warning("Request %s: no contact e-mail for the practice or the partner", enquiry.pk)
        return False
    # The team reads it in the site's main language, whatever language the sender used.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "enquiry": enquiry,
            "admin_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("requests:edit", args=[enquiry.pk]),
        }
        subject = render_to_string("enquiries/notification_subject.txt", context)
        message = EmailMessage(
            subject=" ".join(subject.split()),
            body=render_to_string("enquiries/notification_email.txt", context),
            to=recipients,
            reply_to=[enquiry.email],
        )
    message.send()
    Enquiry.objects.filter(pk=enquiry.pk).update(notified_at=timezone.now())
    return True


@task(backend="queue")
def confirm_to_sender(enquiry_id: int) -> bool:
    """A receipt to the sender, in the language they wrote in: what was sent, and to whom."""
    enquiry = Enquiry.objects.select_related("practice", "partner").filter(pk=enquiry_id).first()
    if enquiry is None:
        return False
    language = enquiry.language if enquiry.language in site_languages() else None
    with translation.override(language or settings.LANGUAGE_CODE):
        practice = enquiry.practice
        context = {
            "enquiry": enquiry,
            "partner": enquiry.partner.title if enquiry.partner else "",
            "practice_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + practice.url
            if practice is not None and practice.url
            else "",
        }
        subject = render_to_string("enquiries/receipt_subject.txt", context)
        message = EmailMessage(
            subject=" ".join(subject.split()),
            body=render_to_string("enquiries/receipt_email.txt", context),
            to=[enquiry.email],
        )
    message.send()
    return True
