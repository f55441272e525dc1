"""The "Expert panel review" workflow, through the admin: submit, the panel's queue, approve or
request changes with a comment, e-mails, revisions and rollback, scheduled publishing.

The site (23 partners, the roles, one user per role, practices in every state) is the one of
test_permissions.py, seeded once for this module and rolled back at the end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry, TaskState, WorkflowState

from ersi_practices.mail import deliver_email
from kb.models import PracticePage
from kb.roles import WORKFLOW_NAME
from tests.kb.test_permissions import describe, edit_practice, practice_form, seeded_site


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with seeded_site(django_db_blocker) as site:
        yield site


@pytest.fixture
def login(site, client, db):
    def as_(role: str):
        user = get_user_model().objects.get(pk=site.users[role])
        client.force_login(user)
        return user

    mail.outbox.clear()  # the seeding's own notifications
    return as_


def submit_new_practice(client, site, title="Community kitchen in the old school") -> PracticePage:
    url = reverse("wagtailadmin_pages:add", args=["kb", "practicepage", site.partners["own"]])
    response = client.post(url, {**practice_form(title=title, slug="community-kitchen"),
                                 "action-submit": "Submit"})  # fmt: skip
    assert response.status_code == 302, describe(response)
    return PracticePage.objects.get(slug="community-kitchen")


def task_state(page: PracticePage) -> TaskState:
    return page.current_workflow_task_state


def recipients(subject_contains: str) -> set[str]:
    return {
        address
        for message in mail.outbox
        if subject_contains in message.subject
        for address in message.to
    }


def workflow_action(client, page, action: str, comment: str = ""):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state(page).pk])
    return client.post(url, {"comment": comment})


def test_a_submitted_practice_waits_in_the_panels_queue(site, client, login):
    login("partner_editor")
    page = submit_new_practice(client, site)

    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert state.current_task_state.task.name == "Expert panel approval"
    assert not page.live

    author_dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your pages and snippets in a workflow" in author_dashboard
    assert page.title in author_dashboard

    login("expert_panel")
    panel_dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Awaiting your review" in panel_dashboard
    assert page.title in panel_dashboard

    login("other_partner_editor")
    assert page.title not in client.get(reverse("wagtailadmin_home")).content.decode()

    # The panel (and the administrators, also reviewers) are told by e-mail; not the author.
    told = recipients(page.title)
    assert {"panel@example.org", "admin@example.org"} <= told
    assert "editor_a@example.org" not in told
    assert "editor_b@example.org" not in told


def test_approval_publishes_and_tells_the_author(site, client, login):
    page = PracticePage.objects.get(pk=site.in_review["own"])  # submitted by colleague_a
    login("expert_panel")
    response = workflow_action(client, page, "approve", comment="Clear and complete.")
    assert response.status_code == 302, describe(response)

    page.refresh_from_db()
    assert page.live
    assert page.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    assert client.get(page.url).status_code == 200
    told = recipients("has been approved")
    assert "colleague_a@example.org" in told
    assert "panel@example.org" not in told  # the one who approved


def test_request_changes_sends_it_back_with_the_comment(site, client, login):
    page = PracticePage.objects.get(pk=site.in_review["own"])
    comment = "Please give figures for the results: how many people took part?"
    login("expert_panel")
    response = workflow_action(client, page, "reject", comment=comment)
    assert response.status_code == 302, describe(response)

    page.refresh_from_db()
    assert not page.live
    state = page.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # The author gets the comment by e-mail...
    [message] = [m for m in mail.outbox if "colleague_a@example.org" in m.to]
    assert "rejected" in message.subject and comment in message.body
    # ... in the editor, when they open the practice ...
    login("colleague_a")
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    assert f'with comment: <em>"{comment}"</em>' in edit.content.decode()
    # ... and in the practice's workflow history and history.
    history_url = reverse("wagtailadmin_pages:workflow_history_detail", args=[page.pk, state.pk])
    history = client.get(history_url)
    assert history.status_code == 200
    assert comment in history.content.decode()
    page_history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert comment in page_history.content.decode()

    # The author changes the practice and resubmits: back in the panel's queue.
    response = edit_practice(client, page.pk, {"action-submit": "Resubmit"},
                             summary="Now with figures: 120 people took part.")  # fmt: skip
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS, describe(response)
    assert "panel@example.org" in recipients(page.title)


def test_the_author_cannot_approve_their_own_practice(site, client, login):
    page = PracticePage.objects.get(pk=site.in_review["own"])
    login("colleague_a")
    workflow_action(client, page, "approve")
    page.refresh_from_db()
    assert not page.live
    assert task_state(page).status == TaskState.STATUS_IN_PROGRESS


def test_revisions_compare_and_rollback(site, client, login):
    page = PracticePage.objects.get(pk=site.lives["own"])
    first = page.latest_revision
    first_summary = page.summary
    login("expert_panel")
    edit_practice(client, page.pk, {"action-publish": "Publish"}, summary="A second version.")
    page.refresh_from_db()
    assert page.summary == "A second version."

    compare = reverse("wagtailadmin_pages:revisions_compare",
                      args=[page.pk, first.pk, page.latest_revision.pk])  # fmt: skip
    response = client.get(compare)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Summary:" in html  # word by word: what was taken out, what was put in
    assert '<span class="deletion">live practice of Municipality City of Brzeziny.</span>' in html
    assert '<span class="addition">second version.</span>' in html
    assert client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).status_code == 200

    # Roll back: open the first revision in the editor ("Review this version") and publish it.
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first.pk])
    response = client.get(revert)
    assert response.status_code == 200
    assert first_summary in response.content.decode()
    old = first.as_object()
    response = client.post(revert, {**practice_form(old), "action-publish": "Publish"})
    assert response.status_code == 302, describe(response)
    page.refresh_from_db()
    assert page.summary == first_summary
    assert PageLogEntry.objects.filter(page=page, action="wagtail.revert").exists()


def test_partner_editors_see_their_own_practices_history(site, client, login):
    page_id = site.lives["own"]
    login("partner_editor")
    assert client.get(reverse("wagtailadmin_pages:history", args=[page_id])).status_code == 200


def test_an_approved_practice_scheduled_for_later_goes_live_then(site, client, login, monkeypatch):
    page = PracticePage.objects.get(pk=site.drafts["own"])
    go_live = timezone.localtime() + timedelta(days=2)
    login("partner_editor")
    response = edit_practice(client, page.pk, {"action-submit": "Submit",
                             "go_live_at": go_live.strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    page.refresh_from_db()
    assert page.workflow_in_progress, describe(response)

    login("expert_panel")
    workflow_action(client, page, "approve")
    page.refresh_from_db()
    assert not page.live  # approved, but waiting for its date
    scheduled = page.scheduled_revision
    assert scheduled is not None and scheduled.approved_go_live_at is not None

    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live  # not yet

    # Two days later, the worker's periodic run publishes it.
    later = timezone.now() + timedelta(days=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert page.last_published_at == later


@pytest.fixture
def mail_queue(settings):
    """The production set-up: e-mails become tasks on the "queue" backend, a worker sends them."""
    settings.TASKS = {**settings.TASKS,
                      "queue": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # fmt: skip
    settings.MAILERS = {
        "default": {"BACKEND": "ersi_practices.mail.QueuedEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    backend = task_backends["queue"]
    backend.clear()
    return backend


def test_workflow_e_mails_go_through_the_task_queue(site, client, login, mail_queue):
    login("partner_editor")
    page = submit_new_practice(client, site)
    assert mail.outbox == []  # nothing sent during the request
    queued = [result.args[0] for result in mail_queue.results]
    assert any("panel@example.org" in data["to"] and page.title in data["subject"]
               for data in queued)  # fmt: skip

    for data in queued:  # what the worker does
        assert deliver_email.call(data) is True
    assert "panel@example.org" in recipients(page.title)
