"""The partners' inbox in the admin: who sees which requests, status, deletion (GDPR).

Partner A is the City of Brzeziny, partner B the City of Mechelen. Requests carry personal data:
a partner's editors see their own partner's requests only, the expert panel sees none, the
network administrators (and superusers) see all.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

from enquiries.models import Enquiry
from kb.roles import ADMINISTRATORS, EXPERT_PANEL, partner_group_name, setup_roles

from .conftest import make_enquiry, make_user


@pytest.fixture
def inbox(partners, practice_a, practice_b):
    setup_roles()
    group = {
        slug: Group.objects.get(name=partner_group_name(partners[slug]))
        for slug in ("brzeziny", "mechelen")
    }
    return {
        "request_a": make_enquiry(practice_a, name="Ana Kowalska"),
        "request_b": make_enquiry(practice_b, name="Bram Peeters", email="bram@example.be"),
        "editor_a": make_user("editor_a", group["brzeziny"]),
        "editor_b": make_user("editor_b", group["mechelen"]),
        "panel": make_user("panel", Group.objects.get(name=EXPERT_PANEL)),
        "admin": make_user("netadmin", Group.objects.get(name=ADMINISTRATORS)),
        "superuser": make_user("root", is_superuser=True),
    }


def index(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("requests:index") + query)


def test_a_partner_editor_sees_only_their_partner_s_requests(client, inbox):
    html = index(client, inbox["editor_a"]).content.decode()
    assert "Ana Kowalska" in html
    assert "Bram Peeters" not in html

    html = index(client, inbox["editor_b"]).content.decode()
    assert "Bram Peeters" in html and "Ana Kowalska" not in html


@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage"])
def test_another_partner_s_request_cannot_be_opened(client, inbox, view):
    client.force_login(inbox["editor_a"])
    own = client.get(reverse(f"requests:{view}", args=[inbox["request_a"].pk]))
    other = client.get(reverse(f"requests:{view}", args=[inbox["request_b"].pk]))
    assert own.status_code == 200
    assert other.status_code == 404
    assert client.post(reverse("requests:delete", args=[inbox["request_b"].pk])).status_code == 404
    assert Enquiry.objects.filter(pk=inbox["request_b"].pk).exists()


def test_the_expert_panel_sees_no_requests(client, inbox):
    response = index(client, inbox["panel"])
    assert response.status_code == 302  # Wagtail: back to the dashboard, "no permission"
    assert "Ana Kowalska" not in client.get(response["Location"]).content.decode()
    edit = client.get(reverse("requests:edit", args=[inbox["request_a"].pk]))
    assert edit.status_code == 302
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("requests:index") not in dashboard  # not in the menu


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_network_administrators_see_every_request(client, inbox, who):
    html = index(client, inbox[who]).content.decode()
    assert "Ana Kowalska" in html and "Bram Peeters" in html


def test_a_request_stays_with_its_partner_when_the_practice_is_deleted(client, inbox, practice_a):
    practice_a.delete()
    html = index(client, inbox["editor_a"]).content.decode()
    assert "Neighbourhood kitchens" in html and "Ana Kowalska" in html


def test_the_editor_marks_a_request_as_answered_with_a_note(client, inbox):
    client.force_login(inbox["editor_a"])
    url = reverse("requests:edit", args=[inbox["request_a"].pk])
    page = client.get(url).content.decode()
    assert "How do you fund the kitchens?" in page and "ana@example.org" in page
    response = client.post(url, {"status": "answered", "note": "Called her back."})
    assert response.status_code == 302
    request_a = Enquiry.objects.get(pk=inbox["request_a"].pk)
    assert (request_a.status, request_a.note) == ("answered", "Called her back.")
    # Only status and note can change: the sender's words stay as sent.
    client.post(url, {"status": "closed", "message": "edited", "email": "x@example.org"})
    request_a.refresh_from_db()
    assert (request_a.status, request_a.message) == ("closed", "How do you fund the kitchens?")


def test_the_list_filters_by_status_and_searches_the_editor_s_own_requests(
    client, inbox, practice_a
):
    make_enquiry(practice_a, name="Closed Case", status="closed")
    html = index(client, inbox["editor_a"], "?status=closed").content.decode()
    assert "Closed Case" in html and "Ana Kowalska" not in html

    html = index(client, inbox["editor_a"], "?q=kowalska").content.decode()
    assert "Ana Kowalska" in html and "Closed Case" not in html
    html = index(client, inbox["editor_a"], "?q=bram").content.decode()
    assert "Bram Peeters" not in html  # another partner's request, even when searched for


def test_nobody_adds_a_request_in_the_admin(client, inbox):
    client.force_login(inbox["superuser"])
    assert client.get(reverse("requests:add")).status_code == 302
    assert 'href="/admin/requests/new/"' not in index(client, inbox["superuser"]).content.decode()


def test_the_dashboard_counts_new_requests(client, inbox, practice_a):
    make_enquiry(practice_a, name="Second Sender")
    client.force_login(inbox["editor_a"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 new questions or study-visit requests wait for an answer." in html
    client.force_login(inbox["panel"])
    assert "New requests" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_deleting_a_request_leaves_no_personal_data_behind(client, inbox):
    client.force_login(inbox["editor_a"])
    pk = inbox["request_a"].pk
    client.post(reverse("requests:edit", args=[pk]), {"status": "answered", "note": ""})
    response = client.post(reverse("requests:delete", args=[pk]))
    assert response.status_code == 302
    assert not Enquiry.objects.filter(pk=pk).exists()
    labels = " ".join(
        ModelLogEntry.objects.filter(object_id=str(pk)).values_list("label", flat=True)
    )
    assert "Neighbourhood kitchens" in labels  # the audit log says what was deleted...
    assert "Ana" not in labels and "ana@example.org" not in labels  # ...but not who sent it


def test_purge_deletes_closed_requests_after_the_retention_period(inbox, practice_a):
    old_closed = make_enquiry(practice_a, status="closed")
    recent_closed = make_enquiry(practice_a, status="closed")
    old_new = make_enquiry(practice_a, status="new", sender_hash="f" * 64)
    long_ago = timezone.now() - timedelta(days=400)
    Enquiry.objects.filter(pk__in=[old_closed.pk, old_new.pk]).update(
        updated_at=long_ago, created_at=long_ago
    )

    call_command("purge_enquiries", "--older-than", "365", "--dry-run", verbosity=0)
    assert Enquiry.objects.filter(pk=old_closed.pk).exists()
    call_command("purge_enquiries", "--older-than", "365", verbosity=0)
    remaining = set(Enquiry.objects.values_list("pk", flat=True))
    assert old_closed.pk not in remaining
    assert {recent_closed.pk, old_new.pk} <= remaining
    assert Enquiry.objects.get(pk=old_new.pk).sender_hash == ""  # not needed after an hour
