"""Erase the registrants' personal data once their event is long over (GDPR).

    manage.py purge_registrations [--days DAYS] [--dry-run]

For every registration whose event ended more than EVENT_REGISTRATION_RETENTION_DAYS ago (or
--days), the name, e-mail address, organisation and accessibility needs are erased, as is the
hashed IP address. The rows stay, with their event, status and country: the counts of
registrations, attendees and cancellations remain right. `make run` runs it every minute with
scheduled publishing; run it daily from cron in production.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from agenda.models import Registration


class Command(BaseCommand):
    help = "Erase the personal data of registrations for events that ended long enough ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days after the event's end (default: EVENT_REGISTRATION_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, erase nothing.")

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        days = settings.EVENT_REGISTRATION_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        cutoff = timezone.now() - timedelta(days=days)
        # The event's current end; the one kept on the registration when the page is gone.
        due = (
            Registration.objects.filter(purged_at__isnull=True)
            .alias(ended=Coalesce(F("event__ends_at"), F("event_ends_at")))
            .filter(Q(ended__lt=cutoff))
        )
        if dry_run:
            self.stdout.write(
                f"{due.count()} registration(s) of events ended before {cutoff:%Y-%m-%d} "
                "would be erased."
            )
            return
        events = due.values("event_id", "event_title").distinct().count()
        erased = due.update(
            name="",
            email="",
            organisation="",
            accessibility_needs="",
            sender_hash="",
            purged_at=timezone.now(),
        )
        self.stdout.write(
            f"Erased the personal data of {erased} registration(s) for {events} event(s) that "
            f"ended more than {days} days ago; the counts are kept."
        )
