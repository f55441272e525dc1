"""What the browser builds from JSON (the map's popups and markers, the search suggestions)
shows HTML and JavaScript written into a practice as text: nothing runs, no element appears.
The server's own output is checked in tests/test_escaping.py."""

import json

import pytest
from playwright.sync_api import Page, expect

from kb.importing import PracticeImporter
from kb.models import TargetGroup
from tests.test_escaping import GROUP_NAME, IMPORTED


@pytest.fixture
def site(transactional_db, partners, settings, live_server):
    # The live server reads committed data, hence a real transaction (flushed afterwards).
    TargetGroup.objects.create(name=GROUP_NAME, slug="escaping-group")
    report = PracticeImporter(publish=True).run([json.dumps(IMPORTED)])
    assert not report.errors
    settings.MAP_TILES = {"url": f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png",
                          "attribution": "© OpenStreetMap contributors"}  # fmt: skip


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """The messages of every alert() the page opens: none is expected."""
    opened: list[str] = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def assert_nothing_injected(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(300)  # an injected image fails to load, then its onerror runs
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("[...document.scripts].every(s => s.src || s.type.includes('json'))")


def test_the_map_popup_and_marker_show_the_title_as_text(site, live_server, page, dialogs):
    page.goto(f"{live_server.url}/map/?q=shelter")
    expect(page.locator("#practice-map[data-ready]")).to_be_attached(timeout=15_000)
    title = IMPORTED["title"]
    page.get_by_role("button", name=f"Show on the map: {title}").click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link")).to_have_text(title)
    expect(popup).to_contain_text(IMPORTED["region"])
    marker = page.locator(".leaflet-marker-icon.map-marker--practice, .map-cluster").first
    expect(marker).to_be_attached()
    assert_nothing_injected(page, dialogs)


def test_the_suggestions_show_titles_and_groups_as_text(site, live_server, page, dialogs):
    page.goto(f"{live_server.url}/search/")
    page.get_by_role("main").get_by_label("Search practices").fill("<script>alert")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.filter(has_text=IMPORTED["title"])).to_have_count(1)
    expect(options.filter(has_text=GROUP_NAME)).to_have_count(1)
    assert_nothing_injected(page, dialogs)
