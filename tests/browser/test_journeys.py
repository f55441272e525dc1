import re

import pytest
from playwright.sync_api import expect

from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE


@pytest.fixture
def demo_site(transactional_db, partners):
    # The live server reads committed data, hence a real transaction (flushed afterwards).
    with DEMO_PRACTICES_FILE.open() as lines:
        report = PracticeImporter(publish=True).run(lines)
    assert not report.errors


def test_visitor_goes_from_home_to_a_partner_practice(
    demo_site, live_server, page, assert_accessible
):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("ERSI Practices")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    expect(page).to_have_url(f"{live_server.url}/partners/")
    assert_accessible(page)

    page.get_by_role("link", name="City of Mechelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("City of Mechelen")
    assert_accessible(page)

    practices = page.locator("#practices").get_by_role("link")
    title = practices.first.inner_text()
    practices.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("note")).to_contain_text("Sample content")
    expect(page.get_by_role("link", name="City of Mechelen").first).to_be_visible()
    assert_accessible(page)


def test_visitor_searches_from_the_home_page(demo_site, live_server, page):
    page.goto(live_server.url)
    box = page.get_by_role("main").get_by_label("Search practices")
    box.fill("cooperativ")
    # suggestions while typing (autocomplete), then the full search on Enter
    expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()
    box.press("Escape")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=cooperativ")
    expect(page.locator("main")).to_contain_text("Results include the spelling “cooperative”")
    expect(page.locator("main h2 a, main h3 a").first).to_be_visible()


def test_facets_narrow_the_results_without_reloading(
    demo_site, live_server, page, assert_accessible
):
    page.goto(f"{live_server.url}/search/?q=employment")
    assert_accessible(page)
    summary = page.locator("#search-summary")
    before = summary.inner_text()
    page.get_by_role("checkbox", name=re.compile("^Poland")).check()
    expect(page).to_have_url(re.compile(r"country=PL"))
    expect(summary).not_to_have_text(before)
    for card in page.locator("ol.result-list > li").all():
        expect(card).to_contain_text("Poland")
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"country=PL"))


def test_layout_fits_a_phone_screen(demo_site, live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/partners/mechelen/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    context.close()
