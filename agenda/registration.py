"""Registering for an event, the waiting list and cancelling: the rules, apart from the views.

Places are counted under a lock on the event's row (SELECT ... FOR UPDATE): two registrations
arriving at once are counted one after the other, so the number of confirmed registrations never
passes the event's capacity; the ones beyond it join the waiting list. A cancellation takes the
same lock, frees the place and gives it to the first person waiting.
https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-for-update

A translated event is a page of its own in another language's tree; its registrations go to the
original page, so every language shares one capacity and one list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ersi_practices.ratelimit import client_hash, sent_too_often

from .models import EventPage, Registration

# Per client and hour, counted in the database as for the contact form (enquiries/limits.py).
# Higher than the contact form's 5: colleagues behind one office address register together.
MAX_REGISTRATIONS = 10
WINDOW = timedelta(hours=1)


def sender_hash(request: HttpRequest) -> str:
    return client_hash(request, "events.registration")


def is_rate_limited(address_hash: str, email: str) -> bool:
    """True when this IP address or e-mail address registered MAX_REGISTRATIONS times in WINDOW."""
    return sent_too_often(
        Registration.objects.all(), address_hash, email, limit=MAX_REGISTRATIONS, window=WINDOW
    )


def original_event(event: EventPage) -> EventPage:
    """The page that holds the registrations: the first written of the event's translations."""
    first = EventPage.objects.filter(translation_key=event.translation_key).order_by("pk").first()
    return first or event


def registration_deadline_passed(event: EventPage, now: dt.datetime | None = None) -> bool:
    """The deadline is a day in the event's own time zone: open until that day ends there."""
    if event.registration_deadline is None:
        return False
    now = now or timezone.now()
    return now.astimezone(event.zone).date() > event.registration_deadline


@dataclass(frozen=True)
class RegistrationState:
    """What the event page says about registering."""

    is_open: bool
    closed_reason: str  # "", "cancelled", "postponed", "not_open", "deadline", "started"
    capacity: int | None
    confirmed: int
    waiting: int
    deadline: dt.date | None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.confirmed)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity

    @property
    def retention_days(self) -> int:
        return settings.EVENT_REGISTRATION_RETENTION_DAYS


def closed_reason(event: EventPage, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    status = getattr(event, "status", "")  # scheduled, postponed or cancelled
    if status in ("cancelled", "postponed"):
        return status
    if not event.registration_open:
        return "not_open"
    if event.starts_at and now >= event.starts_at:
        return "started"
    if registration_deadline_passed(event, now):
        return "deadline"
    return ""


def registration_state(event: EventPage) -> RegistrationState:
    original = original_event(event)
    registrations = Registration.objects.filter(event=original)
    reason = closed_reason(event)
    return RegistrationState(
        is_open=not reason,
        closed_reason=reason,
        capacity=original.capacity,
        confirmed=registrations.filter(status=Registration.Status.CONFIRMED).count(),
        waiting=registrations.filter(status=Registration.Status.WAITING).count(),
        deadline=event.registration_deadline,
    )


class AlreadyRegistered(Exception):
    """This e-mail address already has a place, or is on the waiting list, for this event."""


class RegistrationClosed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def register(event: EventPage, registration: Registration) -> Registration:
    """Stores the (unsaved) registration, confirmed while places are left, else waiting.

    The e-mails are queued once the transaction is committed (events.tasks): if queuing or
    sending fails, the registration is kept and `send_registration_emails` sends them later.
    """
    from .tasks import queue_registration_emails

    original = original_event(event)
    with transaction.atomic():
        # The lock: concurrent registrations for this event wait here, one at a time.
        locked = EventPage.objects.select_for_update(of=("self",)).get(pk=original.pk)
        reason = closed_reason(locked)
        if reason:
            raise RegistrationClosed(reason)
        registrations = Registration.objects.filter(event=locked)
        if registrations.active().filter(email__iexact=registration.email).exists():
            raise AlreadyRegistered
        confirmed = registrations.filter(status=Registration.Status.CONFIRMED).count()
        full = locked.capacity is not None and confirmed >= locked.capacity
        registration.event = locked
        registration.event_title = locked.title[:255]
        registration.event_ends_at = locked.ends_at
        registration.partner = locked.host
        registration.status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
        try:
            with transaction.atomic():  # a savepoint: the constraint is the last word
                registration.save()
        except IntegrityError as error:
            raise AlreadyRegistered from error
        transaction.on_commit(partial(queue_registration_emails, registration.pk))
    return registration


def cancel(registration: Registration) -> bool:
    """Cancels the registration and gives a freed place to the first person waiting.

    Idempotent: False (and nothing changes) when it was already cancelled.
    """
    from .tasks import queue_cancellation_emails, queue_promotion_email

    with transaction.atomic():
        if registration.event_id is not None:
            EventPage.objects.select_for_update(of=("self",)).filter(
                pk=registration.event_id
            ).first()
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.is_cancelled:
            return False
        was_confirmed = current.is_confirmed
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at", "updated_at"])
        transaction.on_commit(partial(queue_cancellation_emails, current.pk))
        if was_confirmed:
            promoted = fill_free_places(current.event)
            for pk in promoted:
                transaction.on_commit(partial(queue_promotion_email, pk))
    registration.refresh_from_db()
    return True


def fill_free_places(event: EventPage | None) -> list[int]:
    """Moves people from the waiting list into the free places, first come first served; to be
    called with the event's row locked. Nobody moves up once the event has started."""
    if event is None or (event.starts_at and timezone.now() >= event.starts_at):
        return []
    registrations = Registration.objects.filter(event=event)
    if event.capacity is None:
        free = None
    else:
        confirmed = registrations.filter(status=Registration.Status.CONFIRMED).count()
        free = max(0, event.capacity - confirmed)
        if free == 0:
            return []
    waiting = registrations.waiting_in_order().select_for_update().values_list("pk", flat=True)
    promoted = list(waiting if free is None else waiting[:free])
    Registration.objects.filter(pk__in=promoted).update(
        status=Registration.Status.CONFIRMED, promoted_at=timezone.now(), updated_at=timezone.now()
    )
    return promoted


def confirm_from_waiting_list(registration: Registration) -> bool:
    """The host gives a waiting person a place (even beyond the capacity: the host decides).
    False when the registration was not waiting."""
    from .tasks import queue_promotion_email

    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if not current.is_waiting:
            return False
        current.status = Registration.Status.CONFIRMED
        current.promoted_at = timezone.now()
        current.save(update_fields=["status", "promoted_at", "updated_at"])
        transaction.on_commit(partial(queue_promotion_email, current.pk))
    registration.refresh_from_db()
    return True


def event_when(event: EventPage) -> str:
    """The event's dates (and times) in its own time zone, in the active language's format."""
    start = event.starts_at.astimezone(event.zone) if event.starts_at else None
    end = event.ends_at.astimezone(event.zone) if event.ends_at else None
    if start is None:
        return ""
    if event.is_all_day:
        first = formats.date_format(event.start_date, "DATE_FORMAT")
        last_day = event.end_date or event.start_date
        if last_day == event.start_date:
            return first
        return f"{first} – {formats.date_format(last_day, 'DATE_FORMAT')}"
    text = formats.date_format(start, "DATETIME_FORMAT")
    if end and end != start:
        end_format = "TIME_FORMAT" if end.date() == start.date() else "DATETIME_FORMAT"
        text = f"{text} – {formats.date_format(end, end_format)}"
    return _("%(when)s (%(zone)s time)") % {"when": text, "zone": event.zone.key}


def event_where(event: EventPage) -> str:
    place = ", ".join(
        part
        for part in (event.venue, event.address, event.city, str(event.country.name or ""))
        if part
    )
    if event.attendance == EventPage.Attendance.ONLINE:
        return _("Online: %(url)s") % {"url": event.online_url} if event.online_url else ""
    if event.attendance == EventPage.Attendance.HYBRID and event.online_url:
        return _("%(place)s, and online: %(url)s") % {"place": place, "url": event.online_url}
    return place
