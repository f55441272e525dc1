"""E-mail a new request to the partner, in the background (the "queue" tasks backend)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Enquiry

logger = logging.getLogger(__name__)


def queue_notification(enquiry_id: int) -> None:
    """Called once the request is committed. A failure to queue the e-mail is logged, never
    shown to the sender: the request is stored, and `send_enquiry_notifications` sends later."""
    try:
        notify_partner.enqueue(enquiry_id)
    except Exception:
        logger.exception("Could not queue the e-mail for request %s", enquiry_id)


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
