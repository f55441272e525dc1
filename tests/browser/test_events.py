"""/events/ in a real browser: the list, the calendar, a filter, an event page without axe
violations and with its map drawn by the site's own script."""

import re

import pytest
from playwright.sync_api import Page, expect

from agenda.seeding import seed_demo_events, seed_event_index
from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE


@pytest.fixture
def demo_events(transactional_db, home, partners, settings, live_server):
    # The live server reads committed data, hence a real transaction (flushed afterwards).
    with DEMO_PRACTICES_FILE.open() as lines:
        PracticeImporter(publish=True).run(lines)
    seed_event_index(home)
    seed_demo_events()
    settings.MAP_TILES = {"url": f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png",
                          "attribution": "© OpenStreetMap contributors"}  # fmt: skip


def test_list_calendar_filter_and_an_accessible_event(
    demo_events, live_server, page: Page, assert_accessible
):
    page.goto(f"{live_server.url}/events/")
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
    assert page.locator("#upcoming .event-card").count() >= 6
    assert_accessible(page)

    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=calendar"))
    table = page.locator("table.calendar")
    expect(table.locator("caption")).to_be_visible()
    expect(table.locator("th[scope=col]")).to_have_count(7)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("next month")).click()
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))

    page.get_by_role("link", name="List", exact=True).click()
    page.get_by_label("Type of event").select_option("study_visit")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=study_visit"))
    cards = page.locator(".event-card")
    assert cards.count() >= 2
    for kind in cards.locator(".badge--kind").all_inner_texts():
        assert kind == "Study visit"
    expect(
        page.get_by_role("link", name=re.compile("Remove filter: Type of event"))
    ).to_be_visible()

    page.locator("#upcoming .event-card .card__title a").first.click()
    expect(page.locator("h1#event-title")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar (.ics)")).to_be_visible()
    expect(page.locator("#event-map[data-ready]")).to_be_attached(timeout=15_000)
    assert_accessible(page)
