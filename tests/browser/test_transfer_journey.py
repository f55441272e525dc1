"""The transfer journey in a real browser: an officer searches, opens a practice, checks in the
finder how it fits their town, asks for a study visit (correcting a mistake on the way); the
partner's editor finds the request in the admin inbox and marks it as answered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from django.contrib.auth.models import Group
from django.utils import timezone

from enquiries.models import Enquiry
from kb.models import Theme
from kb.roles import partner_group_name, setup_roles
from tests.enquiries.conftest import make_user
from tests.factories import PracticePageFactory

PASSWORD = "pw"  # noqa: S105 (make_user's password)


@pytest.fixture
def site(transactional_db, partners):
    """Committed data for the live server: a practice of partner A and an editor of A."""
    setup_roles()
    practice = PracticePageFactory(
        parent=partners["brzeziny"],
        title="Neighbourhood kitchens",
        summary="Social cooperative kitchens cook lunches for older neighbours.",
        contact_email="k@example.org",
        country="PL",
        population=30000,
        annual_budget_eur=120000,
        staff_fte=2,
        themes=[Theme.objects.get(slug="social-economy")],
    )
    practice.save_revision().publish()  # published: indexed for search
    editor = make_user("editor_a", Group.objects.get(name=partner_group_name(partners["brzeziny"])))
    return {"practice": practice, "editor": editor}


def test_visitor_requests_a_study_visit_and_the_partner_answers_it(
    site, live_server, page: Page, assert_accessible
):
    # 1. Search from the home page and open the practice.
    page.goto(live_server.url)
    box = page.get_by_role("main").get_by_label("Search practices")
    box.fill("kitchens")
    box.press("Escape")  # close the suggestions
    box.press("Enter")
    page.get_by_role("link", name="Neighbourhood kitchens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhood kitchens")
    expect(page.get_by_role("region", name="What it takes to transfer")).to_contain_text("€120,000")

    # 2. Check in the finder how it fits a town of 25,000 in Poland.
    page.get_by_role("link", name=re.compile("^Check in the finder")).click()
    form = page.get_by_role("form", name="Your context")
    form.get_by_label("Your country").select_option("PL")
    form.get_by_label("Population of your municipality or region").fill("25000")
    form.get_by_role("button", name="Show practices that fit").click()
    selected = page.get_by_role("region", name=re.compile("^How “Neighbourhood kitchens” fits"))
    expect(selected).to_contain_text("Ran in an area of similar size to yours")
    expect(selected).to_contain_text("Runs in your country")
    assert_accessible(page)
    selected.get_by_role("link", name="Neighbourhood kitchens").click()

    # 3. Ask for a study visit.
    page.get_by_text("Write to the people behind this practice").click()
    visit_dates = page.get_by_label("First day")
    expect(visit_dates).to_be_hidden()  # only for a study visit
    page.get_by_role("radio", name="Study visit").check()
    expect(visit_dates).to_be_visible()
    assert_accessible(page)

    first = timezone.localdate() + timedelta(days=40)
    visit_dates.fill(first.isoformat())
    page.get_by_label("Number of visitors").fill("8")
    page.get_by_label("Your name").fill("Jan de Vries")
    page.get_by_label("Your e-mail address").fill("jan@gemeente.example.nl")
    page.get_by_label("Your organisation").fill("Gemeente Utrecht")
    page.get_by_label("Your message").fill("We would like to see a kitchen at lunchtime.")
    page.get_by_role("button", name="Send").click()

    # Two things are missing: the summary takes focus and links to each field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(
        "Error: Contact the people behind “Neighbourhood kitchens” · ERSI Practices"
    )
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the last day of the visit").click()
    expect(page.get_by_label("Last day")).to_be_focused()
    expect(page.get_by_label("Your message")).to_have_value(
        "We would like to see a kitchen at lunchtime."
    )
    page.get_by_label("Last day").fill((first + timedelta(days=1)).isoformat())
    page.get_by_label("I agree that what I write here").check()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your message has been sent")
    assert_accessible(page)
    assert Enquiry.objects.get().visitors == 8

    # 4. The partner's editor finds it in the inbox and answers it.
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("One new question or study-visit request")).to_be_visible()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Requests").click()
    row = page.get_by_role("row").filter(has_text="Jan de Vries")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name="Study visit: Neighbourhood kitchens").click()
    expect(page.get_by_text("Gemeente Utrecht")).to_be_visible()
    page.get_by_role("combobox", name="Status").select_option("answered")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row").filter(has_text="Jan de Vries")).to_contain_text("Answered")
