"""Events to register for and registrations, for the tests in tests/events/test_registration*.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from agenda.models import EventPage, Registration
from kb.models import PartnerPage

HOST_EMAIL = "events@brzeziny.example.org"


def make_event(partner: PartnerPage, **fields) -> EventPage:
    start = timezone.localdate() + dt.timedelta(days=30)
    values = {
        "title": "Peer learning workshop on social housing",
        "slug": "peer-learning-workshop",
        "kind": EventPage.Kind.WORKSHOP,
        "summary": "Two days of visits and exchange between housing teams.",
        "start_date": start,
        "start_time": dt.time(9, 30),
        "end_date": start + dt.timedelta(days=1),
        "end_time": dt.time(16, 0),
        "time_zone": "Europe/Warsaw",
        "venue": "Town hall",
        "city": "Brzeziny",
        "country": "PL",
        "registration_open": True,
        "capacity": 20,
        "contact_email": HOST_EMAIL,
    }
    event = EventPage(**(values | fields))
    partner.add_child(instance=event)
    return EventPage.objects.get(pk=event.pk)


def register_data(**overrides) -> dict:
    data = {
        "name": "Jan de Vries",
        "email": "jan@gemeente.example.nl",
        "organisation": "Gemeente Utrecht",
        "country": "NL",
        "accessibility_needs": "Step-free access, please.",
        "consent": "on",
        "website": "",
    }
    return data | overrides


def register_url(event: EventPage) -> str:
    return reverse("event_registration:register", args=[event.pk])


def cancel_url(registration: Registration) -> str:
    return reverse("event_registration:cancel", args=[registration.token])


def make_registration(event: EventPage, **fields) -> Registration:
    values = {
        "event": event,
        "event_title": event.title,
        "event_ends_at": event.ends_at,
        "partner": event.get_parent().specific,
        "name": "Ana Kowalska",
        "email": "ana@example.org",
        "organisation": "Gmina Brzeziny",
        "country": "PL",
        "status": Registration.Status.CONFIRMED,
    }
    return Registration.objects.create(**(values | fields))
