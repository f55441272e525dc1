"""A visitor registers on an event page, then cancels from the link in the confirmation e-mail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from django.core import mail

from agenda.models import Registration
from tests.browser import conftest as journeys

from .registration_support import make_event

pytestmark = pytest.mark.browser
assert_accessible = journeys.assert_accessible  # axe-core, as in the browser journeys


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, as in tests/browser/."""
    return {**browser_type_launch_args, "executable_path": journeys.CHROMIUM,
            "args": journeys.CHROMIUM_ARGS}  # fmt: skip


@pytest.fixture
def event(transactional_db, partners):
    return make_event(partners["brzeziny"], capacity=5)


def test_a_visitor_registers_and_cancels_from_the_e_mail(
    event, live_server, page, assert_accessible
):
    page.goto(live_server.url + event.url)
    form = page.locator("#register")
    expect(form).to_contain_text("Places left: 5")
    assert_accessible(page)

    # A first try without the consent: the error summary takes focus, nothing typed is lost.
    page.get_by_label("Your name").fill("Jan de Vries")
    page.get_by_label("Your e-mail address").fill("jan@gemeente.example.nl")
    page.get_by_label("Your organisation").fill("Gemeente Utrecht")
    page.get_by_label("Your country").select_option("NL")
    page.get_by_label("Accessibility needs (optional)").fill("A hearing loop")
    page.get_by_role("button", name="Register").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tick the box to agree that we keep your details")
    expect(page.get_by_label("Accessibility needs (optional)")).to_have_value("A hearing loop")
    assert_accessible(page)

    page.get_by_label(re.compile("I agree that my details are stored")).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert_accessible(page)
    assert Registration.objects.get().is_confirmed

    # The confirmation e-mail's cancellation link.
    [confirmation] = [m for m in mail.outbox if m.to == ["jan@gemeente.example.nl"]]
    link = re.search(r"http://testserver(/\S+/cancel/)", confirmation.body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration is cancelled")
    assert_accessible(page)
    assert Registration.objects.get().is_cancelled

    page.goto(live_server.url + event.url)
    expect(page.locator("#register")).to_contain_text("Places left: 5")
