"""The map in a real browser: markers drawn from the GeoJSON, the list beside them, a marker
reached from the list, an accessible page, and the map above the list on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE


@pytest.fixture
def demo_site(transactional_db, partners, settings, live_server):
    # The live server reads committed data, hence a real transaction (flushed afterwards).
    with DEMO_PRACTICES_FILE.open() as lines:
        report = PracticeImporter(publish=True).run(lines)
    assert not report.errors
    # No tiles from the internet: a local address that answers 404 (the map draws without them).
    settings.MAP_TILES = {"url": f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png",
                          "attribution": "© OpenStreetMap contributors"}  # fmt: skip


def test_the_map_draws_markers_beside_the_list(
    demo_site, live_server, page: Page, assert_accessible
):
    page.goto(f"{live_server.url}/map/?country=PL")
    expect(page.locator("#practice-map[data-ready]")).to_be_attached(timeout=15_000)
    expect(page.locator("#map-status")).to_contain_text(re.compile(r"On the map: practices \d+"))
    assert page.locator("#practice-map .leaflet-marker-icon").count() > 0
    assert page.locator("#practice-map .map-pin").count() > 0  # partners
    assert page.locator("#practice-map .map-cluster, #practice-map .map-marker--practice").count()
    expect(page.locator(".map-legend")).to_be_visible()
    items = page.locator(".map-list__item")
    expect(items.first).to_be_visible()
    assert items.count() > 1
    assert_accessible(page)

    # From the list to the marker: its popup opens, with the link to the practice focused.
    first = items.first
    title = first.locator(".map-list__title").inner_text()
    first.get_by_role("button", name=f"Show on the map: {title}").click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup.get_by_role("link", name=title)).to_be_focused()
    # Leaflet fades the popup in: check the colours once it is opaque, not half-way. (Not with
    # wait_for_function("..."): Playwright evaluates such a string with eval, which the site's
    # Content Security Policy refuses.)
    expect(popup).to_have_css("opacity", "1")
    assert_accessible(page)


def test_the_keyboard_reaches_a_practice_through_its_group(demo_site, live_server, page: Page):
    page.goto(f"{live_server.url}/map/?partner=mechelen")
    expect(page.locator("#practice-map[data-ready]")).to_be_attached(timeout=15_000)
    popup = page.locator(".leaflet-popup")
    for _step in range(5):  # Enter on a group zooms in (or spreads it); on a practice, opens it
        single = page.locator("#practice-map .map-marker--practice")
        target = (
            single.first if single.count() else page.locator("#practice-map .map-cluster").first
        )
        expect(target).to_have_attribute("role", "button")
        target.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(700)  # the zoom animation
        if popup.count():
            break
    expect(popup).to_be_visible()
    expect(popup.get_by_role("link")).to_have_attribute("href", re.compile("^/partners/mechelen/"))


def test_on_a_phone_the_map_is_above_the_list(demo_site, live_server, browser):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/map/")
    expect(phone.locator("#practice-map[data-ready]")).to_be_attached(timeout=15_000)
    map_box = phone.locator("#practice-map").bounding_box()
    list_box = phone.locator("#map-list-title").bounding_box()
    assert map_box["y"] + map_box["height"] <= list_box["y"]
    assert map_box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone.close()


def test_without_javascript_the_list_and_filters_still_work(demo_site, live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#practice-map")).to_be_hidden()
    expect(page.locator("#map-status")).to_contain_text("The map needs JavaScript")
    page.locator("#search-filters").evaluate("details => details.open = true")
    page.get_by_role("checkbox", name=re.compile(r"^Latvia \(")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/map/\?.*country=LV"))
    titles = page.locator(".map-list__item")
    assert titles.count() > 0
    for text in page.locator(".map-list__meta").all_inner_texts():
        assert "Latvia" in text
    context.close()
