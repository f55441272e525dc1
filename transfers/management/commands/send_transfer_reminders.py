"""E-mail the submitter of each approved transfer story 6 and 12 months after it was recorded.

Idempotent: each reminder is sent once (reminder_6_sent_at / reminder_12_sent_at). Run hourly
by the scheduler (docker-compose.yml, Makefile `run`).
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from transfers.models import TransferStory
from transfers.tasks import REMINDER_FIELDS, mark_and_queue_reminder


class Command(BaseCommand):
    help = "E-mail the 6- and 12-month reminders to the submitters of approved transfer stories."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        sent = 0
        # The 12-month one first: a story found late gets only that one, not both at once.
        for months in sorted(REMINDER_FIELDS, reverse=True):
            field = REMINDER_FIELDS[months]
            due = TransferStory.objects.approved().filter(
                created_at__lte=now - relativedelta(months=months), **{f"{field}__isnull": True}
            )
            if months == 6:
                due = due.filter(reminder_12_sent_at__isnull=True)
            for story in due.order_by("pk"):
                if mark_and_queue_reminder(story, months):
                    sent += 1
                    self.stdout.write(f"{months}-month reminder queued for story {story.pk}")
        self.stdout.write(f"{sent} reminder(s) queued.")
