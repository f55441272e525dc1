"""The finder in a real browser: from a practice page to its fit with the visitor's town, errors
that lead to their field, and a layout that fits a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kb.importing import PracticeImporter
from kb.models import FundingSource, PracticeAdaptation, PracticePage
from kb.seeding import DEMO_PRACTICES_FILE

CHILDCARE = "demo-mechelen-childcare-access"


@pytest.fixture
def demo_site(transactional_db, partners):
    """The demo practices, committed for the live server; one with its transfer figures."""
    with DEMO_PRACTICES_FILE.open() as lines:
        report = PracticeImporter(publish=True).run(lines)
    assert not report.errors
    practice = PracticePage.objects.get(external_id=CHILDCARE)
    practice.population = 87_000
    practice.annual_budget_eur = 240_000
    practice.staff_fte = Decimal("3.5")
    practice.funding_sources.set(FundingSource.objects.filter(slug__in=["esf-plus", "municipal"]))
    practice.adaptations = [PracticeAdaptation(place="Leuven", country="BE", year=2021)]
    practice.save_revision().publish()
    return practice


def test_officer_checks_a_practice_in_the_finder(
    demo_site, live_server, page: Page, assert_accessible
):
    page.goto(f"{live_server.url}{demo_site.url}")
    page.get_by_role("link", name=re.compile("^Check in the finder")).click()
    expect(page).to_have_url(re.compile(rf"/finder/\?practice={demo_site.pk}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Practices for your context")
    # the practice's themes are ticked, and its fit comes first
    for theme in demo_site.themes.all():
        expect(page.get_by_role("checkbox", name=theme.name)).to_be_checked()
    selected = page.get_by_role("region", name=re.compile("^How “.*” fits your context$"))
    expect(selected.get_by_role("heading", level=3)).to_have_text(demo_site.title)
    assert_accessible(page)

    form = page.get_by_role("form", name="Your context")
    form.get_by_label("Your country").select_option("PL")
    form.get_by_label("Population of your municipality or region").fill("90 000")
    form.get_by_label("Budget you could spend each year, in euros").fill("100000")
    form.get_by_role("checkbox", name="European Social Fund Plus (ESF+)").check()
    form.get_by_role("button", name="Show practices that fit").click()

    expect(page).to_have_url(re.compile(r"population=90\+000"))
    expect(page).to_have_url(re.compile(rf"practice={demo_site.pk}"))
    card = selected.get_by_role("article")
    expect(card).to_contain_text("Ran in an area of similar size to yours")
    expect(card).to_contain_text("Costs about €240,000 a year, 2.4× your budget of €100,000.")
    expect(card).to_contain_text("Relies on funding you did not tick: Municipal budget")
    expect(card).to_contain_text("Runs in Belgium")
    expect(card).to_contain_text(re.compile(r"Fit \d+/100"))
    results = page.get_by_role("region", name=re.compile(r"practices? ranked by fit$"))
    expect(results.get_by_role("listitem").first).to_be_visible()
    assert_accessible(page)

    # the same results as JSON
    json_url = page.get_by_role("link", name="The same results as JSON").get_attribute("href")
    data = page.request.get(f"{live_server.url}{json_url}").json()
    assert data["params"]["population"] == 90_000
    assert any(r["selected"] and r["id"] == demo_site.pk for r in data["results"])


def test_an_error_leads_to_its_field(demo_site, live_server, page: Page, assert_accessible):
    page.goto(f"{live_server.url}/finder/?population=-3&theme=employment")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The population must be at least 1.")
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("^Population")).click()
    population = page.get_by_label("Population of your municipality or region")
    expect(population).to_be_focused()
    expect(population).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("checkbox", name=re.compile("^Employment"))).to_be_checked()


def test_the_finder_fits_a_phone_screen(demo_site, live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/finder/?practice={demo_site.pk}&country=BE&population=80000")
    expect(page.get_by_role("heading", name="What matches").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    context.close()
