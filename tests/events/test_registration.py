"""Registering for an event without an account: the form, closed registration, storing before
e-mailing, the e-mails, the waiting list, cancelling, the limits and the purge."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agenda.models import Registration
from agenda.registration import MAX_REGISTRATIONS

from .registration_support import (
    HOST_EMAIL,
    cancel_url,
    make_event,
    make_registration,
    register_data,
    register_url,
)


class RaisingMailer:
    """A mail server that is down: every send fails."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class RaisingTaskBackend:
    """A task queue that refuses every task."""

    def __init__(self, alias, params):
        self.alias = alias

    def validate_task(self, task):
        pass

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("task queue down")


@pytest.fixture
def event(partners):
    return make_event(partners["brzeziny"])


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the on-commit callbacks run (the queued e-mails are sent at once in tests)."""

    def send(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return send


def component(event) -> str:
    """The registration part of the event page, as the page template includes it."""
    request = RequestFactory().get(event.url)
    return render_to_string(
        "events/components/registration.html", {"page": event, "request": request}
    )


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def link_in(body: str) -> str:
    return re.search(r"http://testserver(/\S*/cancel/)", body).group(1)


# --- the component on the event page ----------------------------------------------------------


def test_the_event_page_offers_the_form_with_the_places_left_and_the_deadline(partners):
    deadline = timezone.localdate() + dt.timedelta(days=20)
    event = make_event(partners["brzeziny"], capacity=3, registration_deadline=deadline)
    make_registration(event)
    html = component(event)
    assert f'action="{register_url(event)}" method="post"' in html
    assert "<strong>Places left: 2</strong>" in html
    assert f"Registration closes after {deadline.strftime('%-d %B %Y')}." in html
    for name in ("name", "email", "organisation", "country", "accessibility_needs", "consent"):
        assert f'name="{name}"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html  # the honeypot
    assert "passed to Municipality City of Brzeziny, which hosts the event" in html
    assert "erased 90 days after the event" in html
    assert ">Register</button>" in html


def test_a_full_event_offers_the_waiting_list(partners):
    event = make_event(partners["brzeziny"], capacity=1)
    make_registration(event)
    html = component(event)
    assert "Full — join the waiting list" in html
    assert ">Join the waiting list</button>" in html
    assert "Places left" not in html


def test_without_a_capacity_no_places_are_counted(partners):
    html = component(make_event(partners["brzeziny"], capacity=None))
    assert "Places left" not in html and "Full" not in html
    assert 'name="email"' in html


def test_the_event_page_template_includes_the_component(client, event):
    try:
        get_template("events/event_page.html")
    except TemplateDoesNotExist:  # the event page's own template is built separately
        pytest.skip("templates/events/event_page.html does not exist yet")
    response = client.get(event.url)
    assert f'action="{register_url(event)}"' in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_open": False}, "Registration is not open for this event."),
        (
            {"registration_deadline": timezone.localdate() - dt.timedelta(days=1)},
            "Registration closed after",
        ),
        (
            {
                "start_date": timezone.localdate() - dt.timedelta(days=1),
                "end_date": timezone.localdate() + dt.timedelta(days=1),
            },
            "Registration is closed: the event has started.",
        ),
        ({"status": "cancelled"}, "Registration is closed: the event is cancelled."),
        ({"status": "postponed"}, "Registration is paused: the event is postponed."),
    ],
    ids=["not-open", "after-the-deadline", "started", "cancelled", "postponed"],
)
def test_closed_registration_says_why_and_stores_nothing(post, partners, fields, message):
    event = make_event(partners["brzeziny"], **fields)
    html = component(event)
    assert message in html
    assert 'name="email"' not in html  # no form

    response = post(register_url(event), register_data())
    assert response.status_code == 409
    assert message in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_the_deadline_day_itself_is_still_open(partners):
    event = make_event(
        partners["brzeziny"], registration_deadline=timezone.localdate() + dt.timedelta(days=1)
    )
    assert 'name="email"' in component(event)


def test_a_draft_event_takes_no_registration(client, post, event):
    event.unpublish()
    assert client.get(register_url(event)).status_code == 404
    assert post(register_url(event), register_data()).status_code == 404
    assert not Registration.objects.exists()


# --- validation: a message per field, nothing lost ---------------------------------------------


def test_missing_fields_get_a_message_each_and_everything_typed_is_kept(post, event):
    typed = {
        "name": "Jan de Vries",
        "email": "jan@",
        "country": "NL",
        "accessibility_needs": "Sign language interpretation (NGT).",
    }
    response = post(register_url(event), typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert '<div class="error-summary" id="error-summary"' in html
    for anchor, message in [
        ("registration-email", "Enter an e-mail address in the correct format"),
        ("registration-organisation", "Enter your organisation"),
        ("registration-consent", "Tick the box to agree that we keep your details"),
    ]:
        assert f'<a href="#{anchor}">{message}' in html
        assert f'id="{anchor}_error"' in html
    assert 'aria-invalid="true"' in html
    # Nothing lost.
    assert 'value="Jan de Vries"' in html and 'value="jan@"' in html
    assert '<option value="NL" selected>' in html
    assert "Sign language interpretation (NGT).</textarea>" in html
    assert not Registration.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name"),
        ({"email": ""}, "email", "Enter your e-mail address"),
        ({"country": ""}, "country", "Choose your country"),
        ({"country": "XX"}, "country", "Choose your country from the list"),
        ({"accessibility_needs": "x" * 1001}, "accessibility_needs", "can be at most 1000"),
    ],
)
def test_a_wrong_value_gets_a_message_at_its_field(post, event, overrides, field, message):
    response = post(register_url(event), register_data(**overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not Registration.objects.exists()


def test_accessibility_needs_are_optional(post, event):
    response = post(register_url(event), register_data(accessibility_needs=""))
    assert response.status_code == 302
    assert Registration.objects.get().accessibility_needs == ""


# --- a registration: stored, then e-mailed ----------------------------------------------------


def test_a_registration_is_stored_confirmed_and_e_mailed(client, post, event):
    response = post(register_url(event), register_data(), REMOTE_ADDR="203.0.113.9")
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "event_registration:registration", args=[registration.token]
    )
    assert registration.status == "confirmed" and registration.is_confirmed
    assert registration.event_id == event.pk and registration.partner.slug == "brzeziny"
    assert (registration.name, registration.organisation, registration.country.code) == (
        "Jan de Vries",
        "Gemeente Utrecht",
        "NL",
    )
    assert registration.accessibility_needs == "Step-free access, please."
    assert registration.language == "en"
    assert len(registration.sender_hash) == 64 and "203.0.113.9" not in registration.sender_hash
    assert registration.confirmation_sent_at and registration.host_notified_at

    [confirmation] = mail_to("jan@gemeente.example.nl")
    assert (
        confirmation.subject == "Registration confirmed: Peer learning workshop on social housing"
    )
    body = confirmation.body
    assert "Dear Jan de Vries," in body
    assert 'You are registered for "Peer learning workshop on social housing".' in body
    assert event.start_date.strftime("%-d %B %Y") in body and "09:30" in body
    assert "(Europe/Warsaw time)" in body
    assert "Where: Town hall, Brzeziny, Poland" in body
    assert "Hosted by: Municipality City of Brzeziny" in body
    assert "Your accessibility needs: Step-free access, please." in body
    assert f"http://testserver{event.url}" in body
    assert link_in(body) == cancel_url(registration)

    [notice] = mail_to(HOST_EMAIL)
    assert notice.subject == "New registration: Peer learning workshop on social housing"
    assert notice.reply_to == ["jan@gemeente.example.nl"]
    assert "Organisation: Gemeente Utrecht" in notice.body and "Country: Netherlands" in notice.body
    assert "Accessibility needs: Step-free access, please." in notice.body
    assert "Places taken: 1 of 20" in notice.body
    assert f"http://testserver/admin/registrations/?event={event.pk}" in notice.body

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "You are registered" in html
    assert "Your place at “Peer learning workshop on social housing” is confirmed." in html
    assert f'href="{cancel_url(registration)}"' in html
    assert page["X-Robots-Tag"] == "noindex" and "no-cache" in page["Cache-Control"]


def test_without_an_event_contact_the_partner_gets_the_notice(post, partners):
    partners["brzeziny"].contact_email = "info@brzeziny.example.org"
    partners["brzeziny"].save()
    event = make_event(partners["brzeziny"], contact_email="")
    post(register_url(event), register_data())
    assert [m.subject for m in mail_to("info@brzeziny.example.org")] == [
        "New registration: Peer learning workshop on social housing"
    ]


def test_the_site_language_is_kept_and_the_links_follow_it(post, event):
    response = post("/pl" + register_url(event), register_data())
    registration = Registration.objects.get()
    assert registration.language == "pl"
    assert response["Location"] == f"/pl/events/registrations/{registration.token}/"
    [confirmation] = mail_to("jan@gemeente.example.nl")
    assert f"http://testserver/pl/events/registrations/{registration.token}/cancel/" in (
        confirmation.body
    )
    [notice] = mail_to(HOST_EMAIL)
    assert "/pl/" not in notice.body  # the host's team reads the site's main language


def test_the_registration_is_kept_when_the_mail_server_fails(post, event, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RaisingMailer"}}
    response = post(register_url(event), register_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.is_confirmed
    assert registration.confirmation_sent_at is None and registration.host_notified_at is None

    # The mail server is back: the missing e-mails go out, once.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_registration_emails", verbosity=0)
    call_command("send_registration_emails", verbosity=0)
    assert [m.to for m in mail.outbox] == [["jan@gemeente.example.nl"], [HOST_EMAIL]]


def test_the_registration_is_kept_when_the_task_queue_fails(post, event, settings):
    settings.TASKS = {**settings.TASKS, "queue": {"BACKEND": f"{__name__}.RaisingTaskBackend"}}
    response = post(register_url(event), register_data())
    assert response.status_code == 302
    assert Registration.objects.get().confirmation_sent_at is None
    assert mail.outbox == []


def test_a_filled_honeypot_looks_registered_but_nothing_is_stored_or_sent(post, event):
    response = post(register_url(event), register_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Your registration has been received" in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_too_many_registrations_from_one_client_are_refused_with_the_text_kept(
    post, partners, settings
):
    event = make_event(partners["brzeziny"], capacity=None)
    for n in range(MAX_REGISTRATIONS):
        response = post(
            register_url(event),
            register_data(email=f"a{n}@example.org"),
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 302
    response = post(
        register_url(event),
        register_data(email="late@example.org", name="Late Comer"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert f"You have registered {MAX_REGISTRATIONS} times in the last hour" in html
    assert 'value="Late Comer"' in html
    assert Registration.objects.count() == MAX_REGISTRATIONS
    other = post(register_url(event), register_data(), REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


# --- one registration per e-mail address --------------------------------------------------------


def test_a_second_registration_with_the_same_address_changes_and_sends_nothing(post, event):
    post(register_url(event), register_data())
    sent = len(mail.outbox)
    response = post(register_url(event), register_data(email="JAN@Gemeente.example.NL"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "You are already registered" in html
    assert "Nothing has changed and no new e-mail has been sent." in html
    # Whoever typed the address does not get the first registration's link.
    assert Registration.objects.get().token not in html
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == sent


def test_the_database_refuses_a_second_active_registration_whatever_the_case(event):
    make_registration(event, email="ana@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(event, email="ANA@example.org", status="waiting")
    make_registration(event, email="ana@example.org", status="cancelled")  # a cancelled one is ok


def test_after_cancelling_one_may_register_again(post, client, event):
    post(register_url(event), register_data())
    first = Registration.objects.get()
    post(cancel_url(first), {})
    response = post(register_url(event), register_data())
    assert response.status_code == 302
    assert Registration.objects.filter(status="confirmed").count() == 1


# --- the waiting list ------------------------------------------------------------------------


def test_beyond_the_capacity_people_join_the_waiting_list_in_order(client, post, partners):
    event = make_event(partners["brzeziny"], capacity=1)
    post(register_url(event), register_data(email="first@example.org"))
    post(register_url(event), register_data(email="second@example.org", name="Second"))
    response = post(register_url(event), register_data(email="third@example.org", name="Third"))

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "first@example.org": "confirmed",
        "second@example.org": "waiting",
        "third@example.org": "waiting",
    }
    third = Registration.objects.get(email="third@example.org")
    assert third.waiting_position() == 2
    html = client.get(response["Location"]).content.decode()
    assert "You are on the waiting list" in html and "at position 2" in html

    [confirmation] = mail_to("third@example.org")
    assert confirmation.subject == "On the waiting list: Peer learning workshop on social housing"
    assert "you are on the waiting list, at position 2" in confirmation.body
    assert "To leave the waiting list, open this link:" in confirmation.body
    [notice] = [m for m in mail_to(HOST_EMAIL) if "Third" in m.body]
    assert (
        notice.subject
        == "New registration (waiting list): Peer learning workshop on social housing"
    )
    assert "at position 2" in notice.body and "Places taken: 1 of 1" in notice.body


# --- cancelling ------------------------------------------------------------------------------


def test_cancelling_asks_first_then_frees_the_place_for_the_first_person_waiting(
    client, post, partners
):
    event = make_event(partners["brzeziny"], capacity=1)
    post(register_url(event), register_data(email="first@example.org", name="First"))
    post(register_url(event), register_data(email="second@example.org", name="Second"))
    post(register_url(event), register_data(email="third@example.org", name="Third"))
    first = Registration.objects.get(email="first@example.org")
    mail.outbox.clear()

    # The link from the e-mail only asks: mail scanners follow links.
    page = client.get(cancel_url(first))
    html = page.content.decode()
    assert page.status_code == 200 and "Cancel your registration?" in html
    assert f'<form method="post" action="{cancel_url(first)}">' in html
    first.refresh_from_db()
    assert first.is_confirmed and mail.outbox == []

    response = post(cancel_url(first), {})
    assert response.status_code == 200
    assert "You are no longer registered" in response.content.decode()
    first.refresh_from_db()
    assert first.is_cancelled and first.cancelled_at is not None
    second = Registration.objects.get(email="second@example.org")
    third = Registration.objects.get(email="third@example.org")
    assert second.is_confirmed and second.promoted_at is not None
    assert third.is_waiting and third.waiting_position() == 1

    [cancelled] = mail_to("first@example.org")
    assert cancelled.subject == "Registration cancelled: Peer learning workshop on social housing"
    [promoted] = mail_to("second@example.org")
    assert promoted.subject == "A place is free for you: Peer learning workshop on social housing"
    assert "it is yours: you are now registered" in promoted.body
    assert link_in(promoted.body) == cancel_url(second)
    assert mail_to("third@example.org") == []

    # Again (a second click, the back button): nothing changes, nobody else moves up.
    sent = len(mail.outbox)
    again = post(cancel_url(first), {})
    assert again.status_code == 200
    assert "was already cancelled. Nothing has changed." in again.content.decode()
    third.refresh_from_db()
    assert third.is_waiting and len(mail.outbox) == sent


def test_leaving_the_waiting_list_promotes_nobody(post, partners):
    event = make_event(partners["brzeziny"], capacity=1)
    post(register_url(event), register_data(email="first@example.org"))
    post(register_url(event), register_data(email="second@example.org"))
    post(register_url(event), register_data(email="third@example.org"))
    second = Registration.objects.get(email="second@example.org")
    post(cancel_url(second), {})
    assert Registration.objects.get(email="third@example.org").waiting_position() == 1
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_the_cancellation_link_is_unguessable(client, post, partners):
    event = make_event(partners["brzeziny"], capacity=None)
    for n in range(3):
        post(register_url(event), register_data(email=f"p{n}@example.org"))
    tokens = list(Registration.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 3
    for token in tokens:
        # 32 random bytes, URL-safe: 43 characters, nothing to do with the id or the address.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    registration = Registration.objects.first()
    for guess in (str(registration.pk), registration.email, tokens[0][:-1] + "x"):
        if guess == registration.token:
            continue
        assert client.get(f"/events/registrations/{guess}/cancel/").status_code == 404
        assert client.post(f"/events/registrations/{guess}/cancel/").status_code == 404
    assert Registration.objects.filter(status="confirmed").count() == 3


# --- the purge ------------------------------------------------------------------------------


def test_purge_erases_personal_data_after_the_retention_period_and_keeps_the_counts(
    partners, settings
):
    today = timezone.localdate()
    old = make_event(
        partners["brzeziny"], slug="old", start_date=today - dt.timedelta(days=100), end_date=None
    )
    recent = make_event(
        partners["brzeziny"], slug="recent", start_date=today - dt.timedelta(days=10), end_date=None
    )
    for ended in (old, recent):
        make_registration(ended, email="ana@example.org", accessibility_needs="Wheelchair")
        make_registration(ended, email="bo@example.org", status="cancelled")
    # A page deleted since: its registration still goes when its kept end date is old enough.
    gone = make_event(
        partners["brzeziny"], slug="gone", start_date=today - dt.timedelta(days=200), end_date=None
    )
    make_registration(gone, email="cy@example.org")
    gone.delete()

    from io import StringIO

    out = StringIO()
    call_command("purge_registrations", "--dry-run", stdout=out)
    assert "3 registration(s)" in out.getvalue() and "would be erased" in out.getvalue()
    assert not Registration.objects.filter(purged_at__isnull=False).exists()

    out = StringIO()
    call_command("purge_registrations", stdout=out)
    assert "Erased the personal data of 3 registration(s) for 2 event(s)" in out.getvalue()
    assert "more than 90 days ago" in out.getvalue()
    purged = Registration.objects.filter(purged_at__isnull=False)
    assert purged.count() == 3
    assert set(purged.values_list("name", "email", "organisation", "accessibility_needs")) == {
        ("", "", "", "")
    }
    # The counts stay: per event and status, and the country.
    assert old.registrations.count() == 2
    assert old.registrations.filter(status="confirmed").get().country.code == "PL"
    assert recent.registrations.filter(purged_at__isnull=True).count() == 2
    # The purged registration's link leads nowhere.
    assert purged.first().token  # kept unique, but no longer answered

    settings.EVENT_REGISTRATION_RETENTION_DAYS = 5
    out = StringIO()
    call_command("purge_registrations", stdout=out)
    assert "of 2 registration(s) for 1 event(s)" in out.getvalue()
    call_command("purge_registrations", "--days", "0", stdout=StringIO())
    assert not Registration.objects.filter(purged_at__isnull=True).exists()


def test_a_purged_registration_has_no_page(client, event):
    registration = make_registration(event, purged_at=timezone.now(), email="")
    assert client.get(cancel_url(registration)).status_code == 404
