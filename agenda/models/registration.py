"""A registration for an event, made on the event page without an account.

A registration outlives its page, as a request does (enquiries.models): the event's title and end
are kept, and the hosting partner scopes who may see it (events.permissions). After the
retention period the personal data is erased and the row kept, so the counts stay right
(`manage.py purge_registrations`).
"""

from __future__ import annotations

import secrets

from django_countries.fields import CountryField

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_NEEDS_LENGTH = 1000


def new_token() -> str:
    """The secret of the cancellation link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=Registration.ACTIVE)

    def waiting_in_order(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    event_title = models.CharField(_("event"), max_length=255)
    # When the event ended, kept for the retention period if the page is deleted.
    event_ends_at = models.DateTimeField(_("event ends"), null=True, blank=True)
    partner = models.ForeignKey(
        "kb.PartnerPage",
        verbose_name=_("hosting partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )

    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    country = CountryField(_("country"), blank=True)
    accessibility_needs = models.TextField(
        _("accessibility needs"), max_length=MAX_NEEDS_LENGTH, blank=True
    )
    language = models.CharField(_("language of the site"), max_length=12, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    host_notified_at = models.DateTimeField(_("e-mailed to the host"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mailed"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # A keyed hash of the registrant's IP address, only to limit registrations (no raw IP).
    sender_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["-created_at", "-pk"]
        # Registrations come from the event page only: nobody "adds" one in the admin.
        default_permissions = ("view", "change", "delete")
        permissions = [
            ("view_all_registrations", _("Can see the registrations for every partner's events"))
        ]
        constraints = [
            # One place (or waiting-list entry) per e-mail address and event, whatever its case.
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=models.Q(status__in=["confirmed", "waiting"], purged_at__isnull=True),
                name="events_registration_one_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["sender_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        # No personal data: Wagtail's audit log keeps this label after a deletion.
        return f"{self.event_title} #{self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def waiting_position(self) -> int | None:
        """1 for the first person on the waiting list; None when not waiting."""
        if not self.is_waiting or self.event_id is None:
            return None
        ahead = Registration.objects.filter(
            event_id=self.event_id, status=self.Status.WAITING
        ).filter(
            models.Q(created_at__lt=self.created_at)
            | models.Q(created_at=self.created_at, pk__lt=self.pk)
        )
        return ahead.count() + 1

    def host_recipients(self) -> list[str]:
        """The event's contact address, else the hosting partner's; empty when neither."""
        for source in (self.event, self.partner):
            if source is not None and source.contact_email:
                return [source.contact_email]
        return []
