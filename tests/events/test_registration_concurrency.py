"""Registrations arriving at the same moment, each request in its own thread with its own
database connection and transaction, as under a real multi-process server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from django.core import mail
from django.db import connections
from django.test import Client

from agenda.models import Registration

from .registration_support import (
    cancel_url,
    make_event,
    register_data,
    register_url,
)

pytestmark = pytest.mark.django_db(transaction=True)


def all_at_once(requests: list) -> list:
    """Runs the callables in as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def run(request):
        try:
            barrier.wait(timeout=30)
            return request()
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))


def registering(event, n: int, email: str | None = None):
    def post():
        data = register_data(email=email or f"person{n}@example.org", name=f"Person {n}")
        return Client().post(register_url(event), data, REMOTE_ADDR=f"192.0.2.{n + 1}")

    return post


def test_ten_registrations_at_once_for_three_places(partners):
    event = make_event(partners["brzeziny"], capacity=3)
    responses = all_at_once([registering(event, n) for n in range(10)])

    assert [r.status_code for r in responses] == [302] * 10
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == 3
    waiting = registrations.filter(status="waiting")
    assert waiting.count() == 7
    assert sorted(r.waiting_position() for r in waiting) == list(range(1, 8))
    # Each registrant was told their own outcome by e-mail.
    subjects = [m.subject.split(":")[0] for m in mail.outbox if m.to[0].startswith("person")]
    assert sorted(subjects) == ["On the waiting list"] * 7 + ["Registration confirmed"] * 3


def test_the_same_address_registering_five_times_at_once_gets_one_registration(partners):
    event = make_event(partners["brzeziny"], capacity=3)
    responses = all_at_once([registering(event, n, email="same@example.org") for n in range(5)])

    assert sorted(r.status_code for r in responses) == [302] + [409] * 4
    assert Registration.objects.filter(event=event).count() == 1


def test_cancellations_at_once_promote_each_waiting_person_once(partners):
    event = make_event(partners["brzeziny"], capacity=2)
    all_at_once([registering(event, n) for n in range(6)])
    confirmed = list(Registration.objects.filter(event=event, status="confirmed"))
    mail.outbox.clear()

    # Both confirmed people cancel at once, each twice (a double click).
    cancels = [
        (lambda r=registration: Client().post(cancel_url(r)))
        for registration in confirmed
        for _ in range(2)
    ]
    responses = all_at_once(cancels)

    assert [r.status_code for r in responses] == [200] * 4
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="cancelled").count() == 2
    assert registrations.filter(status="confirmed").count() == 2
    assert registrations.filter(status="waiting").count() == 2
    promoted = [m for m in mail.outbox if m.subject.startswith("A place is free for you")]
    assert len(promoted) == 2 and len({m.to[0] for m in promoted}) == 2
