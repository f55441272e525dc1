"""The Content Security Policy in a real browser: the public map and a practice page (the latter
with the editors' user bar), and in the Wagtail admin the practice editor, its preview, an inline
panel and the image chooser, all work with no violation of the policies (SECURE_CSP, and
ADMIN_CSP under /admin/). Requests that leave the site (map tiles, Wagtail's release check) are
answered by the test: only requests the policy allowed reach that point."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import wagtail_factories
from playwright.sync_api import Page, Route, expect

from django.contrib.auth import get_user_model

from kb.models import PracticeImage
from tests.factories import PracticePageFactory

PASSWORD = "Policy-pass-2024"  # noqa: S105
# A 1×1 transparent PNG, the answer to every tile request.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
# Each violation, from the page or any frame in it, is logged where the test sees it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
        + ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""


@pytest.fixture
def site(transactional_db, partners):
    """Committed data for the live server: practices with coordinates, one with an image, an
    image for the chooser, and an administrator."""
    made = []
    for title, lat, lon in (
        ("Social cooperative canteens", 51.8, 19.75),
        ("Repair café run by retired craftsmen", 51.76, 19.46),
    ):
        practice = PracticePageFactory(
            parent=partners["brzeziny"], title=title, country="PL", latitude=lat, longitude=lon
        )
        practice.save_revision().publish()
        made.append(practice)
    image = wagtail_factories.ImageFactory(title="Canteen kitchen")
    PracticeImage.objects.create(page=made[0], image=image, alt_text="The canteen's kitchen")
    wagtail_factories.ImageFactory(title="Repair table")
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    return {"practices": made}


@pytest.fixture
def violations(page: Page, live_server) -> list[str]:
    """The policy violations reported on the page; requests that leave the site get a tile or a
    404, so that nothing depends on the network."""
    found: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            found.append(text)

    page.on("console", on_console)
    site_host = urlsplit(live_server.url).netloc

    def answer(route: Route) -> None:
        if urlsplit(route.request.url).netloc == site_host:
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            route.fulfill(status=404, body="")

    page.route("**/*", answer)
    return found


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_map_draws_its_tiles_and_markers_within_the_policy(
    site, live_server, page: Page, violations
):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#practice-map[data-ready]")).to_be_attached(timeout=15_000)
    # Tiles from the default tile server (MAP_TILE_URL), let through by img-src.
    expect(page.locator("#practice-map .leaflet-tile-loaded").first).to_be_attached()
    assert any(url.startswith("https://tile.openstreetmap.org/") for url in requests)
    assert page.locator("#practice-map .leaflet-marker-icon").count() > 0
    page.locator(".map-list__item").first.get_by_role("button").click()
    expect(page.locator(".leaflet-popup")).to_be_visible()
    assert not violations, "\n".join(violations)


def test_the_admin_editor_preview_and_image_chooser_work_within_the_policy(
    site, live_server, page: Page, violations
):
    base = live_server.url
    log_in(page, base)  # the dashboard, with Wagtail's release check
    practice = site["practices"][0]

    # A practice seen on the site by a logged-in editor, with Wagtail's user bar.
    page.goto(f"{base}{practice.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(practice.title)
    page.locator("wagtail-userbar").get_by_role("button", name="View Wagtail quick actions").click()
    expect(page.locator("wagtail-userbar").get_by_role("menuitem").first).to_be_visible()

    # The editor, its preview panel and an inline panel of images with the image chooser.
    page.goto(f"{base}/admin/pages/{practice.pk}/edit/")
    expect(page.get_by_label(re.compile(r"^Title\*?$"))).to_have_value(practice.title)
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("iframe[title='Preview'][src]")  # the one Wagtail loads
    expect(preview.get_by_role("heading", level=1)).to_have_text(practice.title)

    page.get_by_role("tab", name="Contact and media").click()
    page.get_by_role("button", name="Add Images").click()
    page.get_by_role("button", name="Choose an image").last.click()
    chooser = page.get_by_role("dialog")
    expect(chooser.get_by_role("heading", name="Choose an image")).to_be_visible()
    chooser.get_by_role("textbox", name=re.compile("Search", re.I)).fill("Repair")
    chooser.get_by_role("link", name=re.compile("Repair table")).click()
    expect(chooser).to_be_hidden()
    media = page.get_by_role("tabpanel", name="Contact and media")
    expect(media.get_by_text("Repair table")).to_be_visible()  # the image chosen
    expect(media.get_by_text("Canteen kitchen")).to_be_visible()  # the one it had
    assert not violations, "\n".join(violations)
