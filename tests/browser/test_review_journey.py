"""The review journey in a real browser: a partner editor writes a practice and submits it; the
expert panel approves it and assesses it; it appears on the site and in search with its label;
another partner's editor cannot open it for editing."""

from __future__ import annotations

import re
import warnings

import pytest
from playwright.sync_api import Page, expect

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kb.models import Assessment, PartnerPage, PracticePage
from kb.roles import EXPERT_PANEL, partner_group_name, setup_roles
from kb.seeding import seed_collection_index

PASSWORD = "Journey-pass-2024"  # noqa: S105
TITLE = "Repair café run by retired craftsmen"


@pytest.fixture
def network(transactional_db, home, partners):
    """The seeded site with its roles, committed for the live server, and one user per role."""
    seed_collection_index(home)
    setup_roles()
    users = {}
    for username, group in (
        ("editor_a", partner_group_name(partners["brzeziny"])),
        ("editor_b", partner_group_name(partners["mechelen"])),
        ("panel", EXPERT_PANEL),
    ):
        user = get_user_model().objects.create_user(
            username, f"{username}@example.org", PASSWORD, first_name=username, last_name="X"
        )
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def log_out(page: Page, username: str) -> None:
    page.get_by_role("button", name=username).click()
    page.get_by_role("menuitem", name="Log out").or_(
        page.get_by_role("button", name="Log out")
    ).or_(page.get_by_role("link", name="Log out")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_partner_writes_panel_approves_and_assesses_reader_finds_it(
    network, live_server, page: Page
):
    base = live_server.url
    partner = PartnerPage.objects.get(slug="brzeziny")

    # 1. The partner editor writes a practice under their partner's page and submits it.
    log_in(page, base, "editor_a")
    page.goto(f"{base}/admin/pages/{partner.pk}/")
    page.get_by_role("link", name="Add child page").click()
    # A partner page takes practices and events: Wagtail asks which.
    page.get_by_role("link", name=re.compile(r"^Practice\b")).click()
    page.get_by_label(re.compile(r"^Title\*?$")).fill(TITLE)
    page.get_by_label(re.compile(r"^Summary")).fill(
        "Retired craftsmen repair household goods with their neighbours every Saturday."
    )
    page.get_by_role("tab", name="Context and tags").click()
    page.get_by_label("Active ageing").check()
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Expert panel review").click()
    expect(page.get_by_text("submitted for moderation")).to_be_visible()
    practice = PracticePage.objects.get(title=TITLE)
    assert practice.get_parent().pk == partner.pk
    assert practice.workflow_in_progress and not practice.live
    log_out(page, "editor_a")

    # 2. The expert panel member finds it in "Awaiting your review" and approves it.
    log_in(page, base, "panel")
    awaiting = page.get_by_role("region", name="Awaiting your review")
    awaiting.get_by_role("link", name=TITLE).first.click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{practice.pk}/edit/"))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.get_by_text(f"Page '{TITLE}' has been updated.")).to_be_visible()
    practice.refresh_from_db()
    assert practice.live

    # 3. ... and writes the panel's assessment, choosing the practice in the page chooser.
    page.goto(f"{base}/admin/snippets/kb/assessment/add/")
    page.get_by_role("button", name="Choose a page (Practice)").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("textbox", name=re.compile("Search", re.I)).fill("Repair café")
    chooser.get_by_role("link", name=TITLE).click()
    expect(chooser).to_be_hidden()
    page.get_by_label("Overall label").select_option("good")
    page.get_by_role("textbox", name="Overall assessment").fill("Cheap, sociable, easy to copy.")
    for criterion in ("Relevance", "Evidence of results", "Impact", "Transferability",
                      "Sustainability", "Participation of the people concerned", "Innovation"):  # fmt: skip
        section = page.get_by_role("region", name=criterion, exact=True)
        section.get_by_role("spinbutton", name=criterion).fill("4")
        section.get_by_role("textbox", name="Justification").fill("Shown by the visitor counts.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Assessment 'Good practice: {TITLE}' created.")).to_be_visible()
    assessment = Assessment.objects.get(practice=practice)
    assert (assessment.label, assessment.assessor) == ("good", network["panel"])
    log_out(page, "panel")

    # 4. Readers see the practice with its label, on its page and in search.
    page.goto(f"{base}{practice.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".label-badge").first).to_have_text("Good practice")
    page.goto(f"{base}/search/?q=repair+caf%C3%A9")
    expect(page.get_by_role("main").get_by_role("link", name=TITLE)).to_be_visible()
    check_search_by_label(page, base, practice)

    # 5. Another partner's editor cannot open it for editing.
    log_in(page, base, "editor_b")
    page.goto(f"{base}/admin/pages/{practice.pk}/edit/")
    expect(page).to_have_url(f"{base}/admin/")
    expect(
        page.get_by_text("Sorry, you do not have permission to access this area.")
    ).to_be_visible()
    assert (
        PracticePage.objects.get(pk=practice.pk).latest_revision_id == practice.latest_revision_id
    )


def check_search_by_label(page: Page, base: str, practice: PracticePage) -> None:
    """With the label facet (?label=promising|good|best), the practice is found under "good" only
    and its card shows the label. Until the facet exists the API refuses the parameter (400) or
    ignores it (then ?label=best finds the practice too): the page and the text search must do."""
    found = page.request.get(f"{base}/api/search/", params={"q": TITLE}).json()
    assert practice.pk in [result["id"] for result in found["results"]]

    good = page.request.get(f"{base}/api/search/", params={"label": "good"})
    best = page.request.get(f"{base}/api/search/", params={"label": "best"})
    facet = good.ok and (
        "label" in good.json()["facets"]
        or practice.pk not in [result["id"] for result in best.json()["results"]]
    )
    if not facet:
        warnings.warn(
            "no label facet in /api/search/ yet: checked the page and ?q= only", stacklevel=2
        )
        return
    assert practice.pk in [result["id"] for result in good.json()["results"]]
    assert practice.pk not in [result["id"] for result in best.json()["results"]]
    page.goto(f"{base}/search/?label=good")
    card = page.get_by_role("main").get_by_role("article").filter(has_text=TITLE)
    expect(card).to_contain_text("Good practice")
