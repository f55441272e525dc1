import datetime
import xml.etree.ElementTree as ET

from django.test import override_settings
from django.utils import timezone

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert feed.tag == f"{ATOM}feed"
    return feed


def assert_valid_atom(feed: ET.Element) -> None:
    """The elements RFC 4287 requires: feed id, title, updated (and an author for each entry
    without a feed author); entry id, title, updated and a link."""
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href").startswith("http")
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
        assert entry.findtext(f"{ATOM}author/{ATOM}name")


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def test_new_practices_feed(client, practices, draft):
    # the newest first: publication dates a day apart, "Childcare places" published last
    for days, practice in enumerate(reversed(practices)):
        practice.first_published_at = timezone.now() - datetime.timedelta(days=days)
        practice.save(update_fields=["first_published_at"])
    feed = parse_atom(client, "/feeds/practices/")
    assert_valid_atom(feed)
    assert feed.findtext(f"{ATOM}title") == "ERSI Practices: new practices"
    assert feed.findtext(f"{ATOM}id") == "http://localhost/feeds/practices/"
    assert "CC BY 4.0" in feed.findtext(f"{ATOM}rights")
    titles = [e.findtext(f"{ATOM}title") for e in entries(feed)]
    assert titles == ["Childcare places", "Market garden enterprise", "Social cooperative canteens"]
    garden = entries(feed)[1]
    assert garden.findtext(f"{ATOM}id") == f"http://localhost{practices[1].url}"
    assert garden.findtext(f"{ATOM}summary") == practices[1].summary
    assert garden.findtext(f"{ATOM}author/{ATOM}name") == "Lyaskovets Municipality"
    assert garden.findtext(f"{ATOM}author/{ATOM}uri") == "http://localhost/partners/lyaskovets/"
    assert {c.get("term") for c in garden.findall(f"{ATOM}category")} == {
        "Employment and job creation",
        "Social economy and social enterprise",
    }


def test_theme_feed_has_only_that_themes_practices(client, practices):
    feed = parse_atom(client, "/feeds/themes/employment/")
    assert_valid_atom(feed)
    assert feed.findtext(f"{ATOM}title") == (
        "ERSI Practices: new practices on Employment and job creation"
    )
    assert feed.findtext(f"{ATOM}id") == "http://localhost/feeds/themes/employment/"
    assert [e.findtext(f"{ATOM}title") for e in entries(feed)] == ["Market garden enterprise"]
    assert len(entries(parse_atom(client, "/feeds/themes/social-economy/"))) == 2
    empty = parse_atom(client, "/feeds/themes/active-ageing/")
    assert_valid_atom(empty)
    assert entries(empty) == []
    assert client.get("/feeds/themes/no-such-theme/").status_code == 404


@override_settings(CONTENT_LICENCE={"name": "CC0 1.0", "url": "https://example.org/cc0"})
def test_feed_rights_follow_the_configured_licence(client, practices):
    feed = parse_atom(client, "/feeds/practices/")
    assert feed.findtext(f"{ATOM}rights") == "Content licence: CC0 1.0 (https://example.org/cc0)"
    assert entries(feed)[0].findtext(f"{ATOM}rights") == "CC0 1.0"


def test_pages_announce_the_feed(client, practices):
    html = client.get(practices[0].url).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New practices (Atom feed)" '
        'href="/feeds/practices/">' in html
    )
