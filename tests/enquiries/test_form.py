"""The public form: validation messages, honeypot, storage before e-mail, e-mail content."""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from enquiries.models import Enquiry

from .conftest import make_enquiry


def visit_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "kind": "study_visit",
        "name": "Jan de Vries",
        "email": "jan@gemeente.example.nl",
        "organisation": "Gemeente Utrecht",
        "message": "We would like to see how the kitchens are run.",
        "visit_from": (today + timedelta(days=30)).isoformat(),
        "visit_to": (today + timedelta(days=32)).isoformat(),
        "visitors": "6",
        "consent": "on",
        "website": "",
    }
    return data | overrides


def contact_url(practice) -> str:
    return reverse("enquiries:contact", args=[practice.pk])


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


# --- the form on the practice page ---------------------------------------------------------------


def test_practice_page_shows_the_form(client, practice_a):
    response = client.get(practice_a.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{contact_url(practice_a)}" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Your message goes to Municipality City of Brzeziny" in html  # who receives it
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert "enquiries.css" in html


def test_form_is_not_offered_for_a_draft_practice(client, practice_a):
    practice_a.unpublish()
    assert client.get(contact_url(practice_a)).status_code == 404
    assert client.post(contact_url(practice_a), visit_data()).status_code == 404
    assert not Enquiry.objects.exists()


# --- validation -----------------------------------------------------------------------------------


def test_missing_fields_get_a_message_each_and_a_linked_summary(client, practice_a):
    response = client.post(contact_url(practice_a), {"message": "Half-written question"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<div class="error-summary" id="error-summary"' in html
    assert "<title>Error:" in html
    for anchor, message in [
        ("enquiry-kind_0", "Choose whether you ask a question or request a study visit"),
        ("enquiry-name", "Enter your name"),
        ("enquiry-email", "Enter your e-mail address"),
        ("enquiry-consent", "Tick the box to agree that we pass your message on"),
    ]:
        assert f'<a href="#{anchor}">{message}</a>' in html
        assert f'id="{anchor.removesuffix("_0")}_error"' in html
    assert 'aria-invalid="true"' in html
    # What the visitor typed is still there.
    assert "Half-written question</textarea>" in html
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "jan@"}, "email", "Enter an e-mail address in the correct format"),
        ({"visit_from": "2020-01-01"}, "visit_from", "The first day must be in the future"),
        ({"visit_from": "31/12/2030"}, "visit_from", "Enter the first day as a real date"),
        ({"visit_to": ""}, "visit_to", "Enter the last day of the visit"),
        ({"visitors": "0"}, "visitors", "Enter the number of visitors, from 1 to 100"),
        ({"visitors": "101"}, "visitors", "A study visit can be for at most 100 visitors"),
        ({"visitors": ""}, "visitors", "Enter the number of visitors, from 1 to 100"),
        ({"organisation": ""}, "organisation", "Enter the organisation you work for"),
        ({"message": "x" * 5001}, "message", "Your message can be at most 5000 characters"),
    ],
)
def test_a_wrong_value_gets_a_message_at_its_field(client, practice_a, overrides, field, message):
    response = client.post(contact_url(practice_a), visit_data(**overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert f'href="#enquiry-{field}"' in response.content.decode()
    assert not Enquiry.objects.exists()


def test_the_last_day_cannot_be_before_the_first(client, practice_a):
    first = timezone.localdate() + timedelta(days=10)
    data = visit_data(
        visit_from=first.isoformat(), visit_to=(first - timedelta(days=1)).isoformat()
    )
    response = client.post(contact_url(practice_a), data)
    assert response.context["form"].errors == {
        "visit_to": ["The last day must be the same as or after the first day"]
    }


def test_a_question_needs_no_visit_details(client, practice_a, django_capture_on_commit_callbacks):
    data = visit_data(kind="question", organisation="", visitors="abc", visit_from="2020-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(practice_a), data)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.kind == "question"
    assert (enquiry.visit_from, enquiry.visit_to, enquiry.visitors) == (None, None, None)


# --- a request that is sent ------------------------------------------------------------------------


def test_a_study_visit_request_is_stored_and_e_mailed_to_the_practice(
    client, practice_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(practice_a), visit_data(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("enquiries:sent", args=[practice_a.pk])

    enquiry = Enquiry.objects.get()
    assert enquiry.practice_id == practice_a.pk
    assert enquiry.partner.slug == "brzeziny"
    assert enquiry.practice_title == "Neighbourhood kitchens"
    assert enquiry.status == "new" and enquiry.visitors == 6 and enquiry.language == "en"
    assert enquiry.notified_at is not None
    assert "203.0.113.9" not in enquiry.sender_hash and len(enquiry.sender_hash) == 64

    message, receipt = mail.outbox
    assert message.to == ["kitchens@brzeziny.example.org"]
    assert message.reply_to == ["jan@gemeente.example.nl"]
    assert message.subject == "Study-visit request: Neighbourhood kitchens"
    assert "Gemeente Utrecht" in message.body and "Number of visitors: 6" in message.body
    assert enquiry.visit_from.strftime("%-d %B %Y") in message.body
    assert f"http://testserver/admin/requests/edit/{enquiry.pk}/" in message.body
    # The sender gets a receipt of what was sent, and to whom.
    assert receipt.to == ["jan@gemeente.example.nl"]
    assert receipt.subject == "Your study-visit request about Neighbourhood kitchens has been sent"
    assert "City of Brzeziny" in receipt.body and "Number of visitors: 6" in receipt.body

    sent = client.get(response["Location"])
    assert "Your message has been sent" in sent.content.decode()
    assert "City of Brzeziny has received your message" in sent.content.decode()


def test_without_a_practice_contact_the_partner_gets_the_e_mail(
    client, practice_b, django_capture_on_commit_callbacks
):
    partner = practice_b.get_parent().specific
    partner.contact_email = "info@mechelen.example.be"
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_url(practice_b), visit_data(kind="question"))
    assert [m.to for m in mail.outbox] == [
        ["info@mechelen.example.be"],
        ["jan@gemeente.example.nl"],
    ]
    assert mail.outbox[0].subject == "Question about Buddy project"


def test_the_request_is_kept_when_the_mail_server_fails(
    client, practice_a, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RaisingMailer"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(practice_a), visit_data())
    assert response.status_code == 302
    assert "Your message has been sent" in client.get(response["Location"]).content.decode()
    enquiry = Enquiry.objects.get()
    assert enquiry.notified_at is None  # the inbox shows it was not e-mailed

    # The mail server is back: the pending e-mail goes out.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_enquiry_notifications", verbosity=0)
    assert ["kitchens@brzeziny.example.org"] in [m.to for m in mail.outbox]
    enquiry.refresh_from_db()
    assert enquiry.notified_at is not None


def test_the_request_is_kept_when_the_task_queue_fails(
    client, practice_a, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {**settings.TASKS, "queue": {"BACKEND": f"{__name__}.RaisingTaskBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(practice_a), visit_data())
    assert response.status_code == 302
    assert Enquiry.objects.get().notified_at is None
    assert mail.outbox == []


def test_a_filled_honeypot_looks_sent_but_nothing_is_stored_or_sent(
    client, practice_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(practice_a), visit_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("enquiries:sent", args=[practice_a.pk])
    assert not Enquiry.objects.exists()
    assert mail.outbox == []


# --- rate limit -----------------------------------------------------------------------------------


def test_a_sixth_request_within_the_hour_is_refused_with_the_text_kept(client, practice_a):
    for n in range(5):
        response = client.post(
            contact_url(practice_a),
            visit_data(email=f"a{n}@example.org"),
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 302
    response = client.post(
        contact_url(practice_a),
        visit_data(email="a5@example.org", message="My sixth message"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent 5 requests in the last hour" in html
    assert "My sixth message</textarea>" in html
    assert Enquiry.objects.count() == 5

    # Another address is not affected.
    other = client.post(
        contact_url(practice_a), visit_data(email="b@example.org"), REMOTE_ADDR="198.51.100.8"
    )
    assert other.status_code == 302


def test_the_limit_also_counts_per_e_mail_address_and_only_the_last_hour(client, practice_a):
    for _ in range(5):
        make_enquiry(practice_a, email="Ana@example.org", sender_hash="elsewhere")
    response = client.post(contact_url(practice_a), visit_data(email="ana@example.org"))
    assert response.status_code == 429

    Enquiry.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=1))
    response = client.post(contact_url(practice_a), visit_data(email="ana@example.org"))
    assert response.status_code == 302


def test_the_receipt_is_in_the_language_the_sender_wrote_in(
    client, practice_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pl" + contact_url(practice_a), visit_data())
    assert response.status_code == 302
    assert Enquiry.objects.get().language == "pl"
    partner_mail, receipt = mail.outbox
    with translation.override("pl"):
        expected = gettext("Number of visitors")
    assert expected != "Number of visitors"  # the Polish catalogue has it
    assert f"{expected}: 6" in receipt.body
    assert "Number of visitors: 6" in partner_mail.body  # the team reads English
