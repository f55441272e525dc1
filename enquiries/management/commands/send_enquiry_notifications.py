"""E-mail the partners the requests whose e-mail could not be queued or sent (notified_at empty).

Run it after a mail or task-queue outage, or from cron: the requests themselves were never lost.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.tasks import notify_partner


class Command(BaseCommand):
    help = "Queue the e-mail to the partner for every request that has not been e-mailed yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=0,
            help="Only requests received at least this long ago (leave the worker time to send).",
        )

    def handle(self, *args, older_than_minutes: int, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
        pending = Enquiry.objects.filter(notified_at__isnull=True, created_at__lte=cutoff)
        ids = list(pending.values_list("pk", flat=True))
        for enquiry_id in ids:
            notify_partner.enqueue(enquiry_id)
        self.stdout.write(f"Queued the e-mail for {len(ids)} request(s).")
