"""Send the registration e-mails that could not be queued or sent (after a mail or queue outage).

The registrations themselves were never lost: this queues the registrant's confirmation and the
host's notice of every active registration that has not had them yet.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from agenda.models import Registration
from agenda.tasks import notify_host, send_confirmation


class Command(BaseCommand):
    help = "Queue the registration e-mails that have not been sent yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=0,
            help="Only registrations made at least this long ago (leave the worker time to send).",
        )

    def handle(self, *args, older_than_minutes: int, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
        pending = Registration.objects.active().filter(
            purged_at__isnull=True, updated_at__lte=cutoff, event__ends_at__gt=timezone.now()
        )
        confirmations = list(
            pending.filter(confirmation_sent_at__isnull=True).values_list("pk", flat=True)
        )
        notices = list(pending.filter(host_notified_at__isnull=True).values_list("pk", flat=True))
        for registration_id in confirmations:
            send_confirmation.enqueue(registration_id)
        for registration_id in notices:
            notify_host.enqueue(registration_id)
        self.stdout.write(
            f"Queued {len(confirmations)} confirmation(s) and {len(notices)} host notice(s)."
        )
