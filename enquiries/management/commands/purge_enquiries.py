"""Delete closed requests (and the sender's personal data in them) after a retention period.

    manage.py purge_enquiries --older-than 365 [--dry-run]

Deletes the requests whose status is "closed" and that have not changed for DAYS days. New and
answered requests are kept whatever their age: someone still has to deal with them.
It also forgets the hashed sender address of every request older than the rate-limit window:
it is only needed to count the last hour's requests.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enquiries.limits import WINDOW
from enquiries.models import Enquiry


class Command(BaseCommand):
    help = "Delete closed requests that have not changed for the given number of days (GDPR)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        closed = Enquiry.objects.filter(
            status=Enquiry.Status.CLOSED, updated_at__lt=timezone.now() - timedelta(days=older_than)
        )
        if dry_run:
            self.stdout.write(f"{closed.count()} closed request(s) would be deleted.")
            return
        deleted, _ = closed.delete()
        Enquiry.objects.filter(created_at__lt=timezone.now() - WINDOW).exclude(
            sender_hash=""
        ).update(sender_hash="")
        self.stdout.write(f"Deleted {deleted} closed request(s).")
