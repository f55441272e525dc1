"""E-mail through the task queue: sending never blocks or fails a request, nothing is lost.

The default mailer (`MAILERS["default"]`) is `QueuedEmailBackend`: it turns each message into a
task on the database queue (stored before anything is sent). The worker delivers it through the
"delivery" mailer (console in development, SMTP in production); when delivery fails, the task
queues itself again with a growing delay.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 12


def message_to_dict(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {k: str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
            if not isinstance(content, MIMEBase)
        ],
    }


def dict_to_message(data: dict, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        connection=connection,
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            deliver_email.enqueue(message_to_dict(message))
        return len(email_messages)


@task(backend="queue")
def deliver_email(data: dict, attempt: int = 1) -> bool:
    try:
        dict_to_message(data, mailers["delivery"]).send()
    except Exception:  # any failure of the mail server: try again later, never drop the message
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Giving up e-mail to %s after %s attempts", data["to"], attempt)
            raise
        delay = timedelta(minutes=min(2**attempt, 240))
        logger.warning(
            "E-mail to %s failed (attempt %s); retrying in %s", data["to"], attempt, delay
        )
        retry = deliver_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + delay)
            retry.enqueue(data, attempt + 1)
        else:
            raise
        return False
    return True
