"""The attendee lists in the admin: scoped to the host partner's editors, exported per event,
status changes through the waiting-list rules.

Partner A (City of Brzeziny) hosts one event, partner B (City of Mechelen) another. A partner's
editors see their own events' registrations only; the expert panel and the network
administrators see all, and only the host's editors and the administrators change them.
"""

from __future__ import annotations

import csv
import io

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from agenda.models import Registration
from kb.roles import ADMINISTRATORS, EXPERT_PANEL, partner_group_name, setup_roles

from .registration_support import (
    make_event,
    make_registration,
)


def make_user(username: str, *groups, **fields):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="pw", **fields
    )
    user.groups.add(*groups)
    return user


@pytest.fixture
def lists(partners):
    setup_roles()
    event_a = make_event(
        partners["brzeziny"], title="Brzeziny workshop", slug="workshop-a", capacity=1
    )
    event_a2 = make_event(partners["brzeziny"], title="Brzeziny conference", slug="conference-a")
    event_b = make_event(partners["mechelen"], title="Mechelen seminar", slug="seminar-b")
    group = {
        slug: Group.objects.get(name=partner_group_name(partner))
        for slug, partner in partners.items()
        if slug in ("brzeziny", "mechelen")
    }
    return {
        "event_a": event_a,
        "event_a2": event_a2,
        "event_b": event_b,
        "ana": make_registration(event_a, name="Ana Kowalska", email="ana@example.org"),
        "wiktor": make_registration(
            event_a, name="Wiktor Waiting", email="wiktor@example.org", status="waiting"
        ),
        "celina": make_registration(event_a2, name="Celina Conference", email="celina@example.org"),
        "bram": make_registration(event_b, name="Bram Peeters", email="bram@example.be"),
        "editor_a": make_user("editor_a", group["brzeziny"]),
        "editor_b": make_user("editor_b", group["mechelen"]),
        "panel": make_user("panel", Group.objects.get(name=EXPERT_PANEL)),
        "admin": make_user("netadmin", Group.objects.get(name=ADMINISTRATORS)),
    }


def index(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("registrations:index") + query)


def export(client, user, event) -> list[dict]:
    response = index(client, user, f"?event={event.pk}&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_partner_editor_sees_only_their_own_events_registrations(client, lists):
    html = index(client, lists["editor_a"]).content.decode()
    assert "Ana Kowalska" in html and "Celina Conference" in html
    assert "Bram Peeters" not in html
    html = index(client, lists["editor_b"]).content.decode()
    assert "Bram Peeters" in html and "Ana Kowalska" not in html


@pytest.mark.parametrize("who", ["panel", "admin"])
def test_the_expert_panel_and_the_administrators_see_all(client, lists, who):
    html = index(client, lists[who]).content.decode()
    assert "Ana Kowalska" in html and "Bram Peeters" in html


def test_the_export_of_one_event_is_its_attendee_list(client, lists):
    rows = export(client, lists["editor_a"], lists["event_a"])
    assert [(r["Name"], r["E-mail"], r["Status"]) for r in rows] == [
        ("Wiktor Waiting", "wiktor@example.org", "On the waiting list"),
        ("Ana Kowalska", "ana@example.org", "Registered"),
    ]
    assert rows[0]["Waiting list position"] == "1" and rows[1]["Country"] == "Poland"
    assert set(rows[0]) >= {"Event", "Organisation", "Accessibility needs", "Registered on"}


def test_another_partner_s_event_cannot_be_exported(client, lists):
    rows = export(client, lists["editor_a"], lists["event_b"])
    assert "bram@example.be" not in str(rows)  # the filter refuses it: only their own remain
    rows = export(client, lists["editor_b"], lists["event_b"])
    assert [r["E-mail"] for r in rows] == ["bram@example.be"]
    assert export(client, lists["panel"], lists["event_b"])[0]["E-mail"] == "bram@example.be"


def test_the_event_filter_offers_only_the_user_s_events(client, lists):
    html = index(client, lists["editor_a"]).content.decode()
    assert "Brzeziny workshop" in html and "Mechelen seminar" not in html


def test_a_spreadsheet_formula_typed_by_a_registrant_is_exported_as_text(client, lists):
    make_registration(lists["event_a2"], name="=HYPERLINK(1)", email="f@example.org")
    rows = export(client, lists["editor_a"], lists["event_a2"])
    assert "'=HYPERLINK(1)" in [r["Name"] for r in rows]


@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_another_partner_s_registration_cannot_be_opened(client, lists, view):
    client.force_login(lists["editor_a"])
    assert client.get(reverse(f"registrations:{view}", args=[lists["ana"].pk])).status_code == 200
    assert client.get(reverse(f"registrations:{view}", args=[lists["bram"].pk])).status_code == 404
    client.post(reverse("registrations:edit", args=[lists["bram"].pk]), {"status": "cancelled"})
    assert Registration.objects.get(pk=lists["bram"].pk).is_confirmed


def test_the_panel_sees_but_does_not_change(client, lists):
    client.force_login(lists["panel"])
    response = client.post(
        reverse("registrations:edit", args=[lists["bram"].pk]), {"status": "cancelled"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert Registration.objects.get(pk=lists["bram"].pk).is_confirmed


def test_cancelling_in_the_admin_gives_the_place_to_the_first_person_waiting(
    client, lists, django_capture_on_commit_callbacks
):
    client.force_login(lists["editor_a"])
    url = reverse("registrations:edit", args=[lists["ana"].pk])
    page = client.get(url).content.decode()
    assert "ana@example.org" in page and "Waiting" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 302
    assert Registration.objects.get(pk=lists["ana"].pk).is_cancelled
    assert Registration.objects.get(pk=lists["wiktor"].pk).is_confirmed
    assert {m.to[0]: m.subject.split(":")[0] for m in mail.outbox} == {
        "ana@example.org": "Registration cancelled",
        "wiktor@example.org": "A place is free for you",
    }


def test_the_host_confirms_someone_from_the_waiting_list(
    client, lists, django_capture_on_commit_callbacks
):
    client.force_login(lists["editor_a"])
    url = reverse("registrations:edit", args=[lists["wiktor"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": "confirmed"})
    assert Registration.objects.get(pk=lists["wiktor"].pk).is_confirmed  # beyond the capacity
    assert [m.to for m in mail.outbox] == [["wiktor@example.org"]]


def test_a_cancelled_registration_cannot_be_brought_back(client, lists):
    Registration.objects.filter(pk=lists["celina"].pk).update(status="cancelled")
    client.force_login(lists["editor_a"])
    url = reverse("registrations:edit", args=[lists["celina"].pk])
    response = client.post(url, {"status": "confirmed"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    assert Registration.objects.get(pk=lists["celina"].pk).is_cancelled


def test_nobody_adds_a_registration_in_the_admin(client, lists):
    client.force_login(lists["admin"])
    assert client.get(reverse("registrations:add")).status_code == 302
