"""Transfer stories in a real browser: a town tells how it transferred a practice (correcting a
mistake on the way), the partner's editor approves the story in the admin, and it shows on the
practice page, on its map, and in the finder's "Transferred successfully elsewhere"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from django.contrib.auth.models import Group

from kb.models import Theme
from kb.roles import partner_group_name, setup_roles
from tests.browser.test_content_security_policy import REPORT_VIOLATIONS
from tests.enquiries.conftest import make_user
from tests.factories import PracticePageFactory
from transfers.models import TransferStory

PASSWORD = "pw"  # noqa: S105 (make_user's password)


@pytest.fixture
def site(transactional_db, partners):
    setup_roles()
    practice = PracticePageFactory(
        parent=partners["brzeziny"],
        title="Neighbourhood kitchens",
        summary="Social cooperative kitchens cook lunches for older neighbours.",
        contact_email="k@example.org",
        country="PL",
        themes=[Theme.objects.get(slug="social-economy")],
    )
    practice.save_revision().publish()
    make_user("editor_a", Group.objects.get(name=partner_group_name(partners["brzeziny"])))
    return {"practice": practice}


def test_a_town_records_a_transfer_the_partner_approves_it(
    site, live_server, page: Page, assert_accessible
):
    practice = site["practice"]
    violations: list[
        str
    ] = []  # of the Content Security Policy (no inline script: a data attribute)
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: "CSP violation" in m.text and violations.append(m.text))
    # 1. From the practice page, tell how the practice was transferred.
    page.goto(live_server.url + practice.url)
    section = page.get_by_role("region", name="Transferred elsewhere")
    expect(section).to_contain_text("No transfer of this practice has been reported yet.")
    section.get_by_role("link", name="Tell us how it went").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Neighbourhood kitchens")
    assert_accessible(page)
    page.get_by_label("Your organisation").fill("Gemeente Utrecht")
    page.get_by_label("Town, city or region where it runs").fill("Utrecht")
    page.get_by_label("Country").select_option("NL")
    page.get_by_role("radio", name="Adapted").check()
    page.get_by_role("radio", name="Running").check()
    page.get_by_label("Results so far (optional)").fill("30 older people eat together weekly")
    page.get_by_label("Your name").fill("Jan de Vries")
    page.get_by_label("Your e-mail address").fill("jan@gemeente.example.nl")
    page.get_by_label("I agree that my story is published").check()
    page.get_by_role("button", name="Send my story").click()

    # The year is missing: the summary takes focus, and nothing typed is lost.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the year it started").click()
    expect(page.get_by_label("Year it started")).to_be_focused()
    expect(page.get_by_label("Results so far (optional)")).to_have_value(
        "30 older people eat together weekly"
    )
    page.get_by_label("Year it started").fill("2024")
    page.get_by_label("I agree that my story is published").check()
    page.get_by_role("button", name="Send my story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your transfer story")
    expect(page.locator(".enquiry-sent")).to_contain_text("awaits moderation")
    assert_accessible(page)
    story = TransferStory.objects.get()
    assert story.is_pending and story.year_adopted == 2024

    # 2. The partner's editor approves it in the admin.
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Transfer stories").click()
    row = page.get_by_role("row").filter(has_text="Gemeente Utrecht")
    expect(row).to_contain_text("Awaiting moderation")
    row.get_by_role("link", name="Utrecht (2024)").click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("The story is approved and published.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Gemeente Utrecht")).to_contain_text("Approved")

    # 3. It shows on the practice page, with the map and the count at the top.
    page.goto(live_server.url + practice.url)
    section = page.get_by_role("region", name="Transferred elsewhere")
    expect(section).to_contain_text("Utrecht, Netherlands (2024)")
    expect(section).to_contain_text("30 older people eat together weekly")
    expect(section).not_to_contain_text("Jan de Vries")
    expect(page.locator("#transfer-map")).to_have_attribute("data-ready", "true")
    expect(page.locator(".facts__transfers")).to_contain_text("1")
    assert_accessible(page)
    assert not violations, "\n".join(violations)

    # 4. The finder keeps it under "Transferred successfully elsewhere".
    page.goto(live_server.url + "/finder/")
    form = page.get_by_role("form", name="Your context")
    form.get_by_role("checkbox", name="Social economy and social enterprise").check()
    form.get_by_label("Transferred successfully elsewhere").check()
    form.get_by_role("button", name="Show practices that fit").click()
    expect(page.get_by_role("link", name="Neighbourhood kitchens").first).to_be_visible()
