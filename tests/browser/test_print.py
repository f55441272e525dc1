"""The print stylesheet, in Chromium: a practice page printed as a handout."""

import pytest
from playwright.sync_api import expect

from kb.models import Theme
from tests.factories import PracticePageFactory


@pytest.fixture
def practice(transactional_db, partners):
    # The live server reads committed data, hence a real transaction (flushed afterwards).
    page = PracticePageFactory(
        parent=partners["brzeziny"],
        title="Social cooperative canteens",
        approach='<p>See <a href="https://example.org/report">the evaluation report</a>.</p>',
        contact_name="Anna Nowak",
        contact_email="anna@example.org",
        themes=[Theme.objects.get(slug="social-economy")],
    )
    page.save_revision().publish()
    return page


def style(locator, prop: str, pseudo: str | None = None) -> str:
    return locator.evaluate(
        "(e, [prop, pseudo]) => getComputedStyle(e, pseudo).getPropertyValue(prop)",
        [prop, pseudo],
    )


def test_a_practice_prints_as_a_clean_handout(practice, live_server, page):
    page.goto(live_server.url + practice.url)
    footer_line = page.locator(".site-footer__print-url")
    expect(footer_line).to_be_hidden()  # on screen

    page.emulate_media(media="print")
    for hidden in (".site-nav", ".header-search", ".breadcrumbs", ".toc", "#ask"):
        if page.locator(hidden).count():
            expect(page.locator(hidden).first).to_be_hidden()
    facts = page.locator(".facts").first
    expect(facts).to_be_visible()
    assert style(facts, "display") == "table"
    assert style(page.locator("body"), "background-color") in (
        "rgba(0, 0, 0, 0)",
        "rgb(255, 255, 255)",
    )
    assert style(page.locator("h1"), "color") == "rgb(0, 0, 0)"

    # key facts first, then the contact details, then the text
    facts_box = page.locator(".facts-box").bounding_box()
    contact = page.locator(".contact-box").bounding_box()
    first_section = page.locator(".practice-section").first.bounding_box()
    assert facts_box["y"] < contact["y"] < first_section["y"]
    expect(page.locator(".contact-box")).to_contain_text("anna@example.org")

    link = page.locator(".prose a[href='https://example.org/report']")
    assert style(link, "content", "::after") == '" (https://example.org/report)"'
    expect(footer_line).to_be_visible()
    expect(footer_line).to_contain_text(practice.url)
    expect(page.locator(".site-footer__licence")).to_contain_text("CC BY 4.0")

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_open_data_page_is_accessible(practice, live_server, page, assert_accessible):
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    assert_accessible(page)
    page.get_by_role("link", name="Open data").click()
    expect(page).to_have_url(f"{live_server.url}/open-data/")
