"""HTML and JavaScript written into a practice, a target group or a search query never runs.

Two payloads go into every text an editor or an import writes (title, summary, the written
sections, organisation, region, a target group's name, a place it was adapted in) and into search
queries. Wherever the site shows them, HTML pages, JSON, GeoJSON, JSON-LD, Atom and the exports,
they must come out as text (escaped) or as JSON string data, never as markup. The map's popups
and the suggestions list are built in the browser: tests/browser/test_escaping.py.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from kb.importing import PracticeImporter
from kb.models import PracticePage, TargetGroup, Theme
from kb.text import plain_to_html
from tests.factories import PracticePageFactory

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)
EVIL = f"{SCRIPT} {ATTRIBUTE}"
ATOM = "{http://www.w3.org/2005/Atom}"

GROUP_NAME = f"Night walkers {EVIL}"
IMPORTED = {
    "ext_id": "escaping-imported",
    "partner": "city-of-lodz",
    "title": f"Shelter beds {EVIL}",
    "summary": f"Shelter summary {EVIL}",
    "body": f"Shelter body {EVIL}",
    "approach": f"- Shelter approach {EVIL}\n- a second step",
    "lessons": f"Lessons {EVIL}",
    "organisation": f"Organisation {EVIL}",
    "region": f"Region {EVIL}",
    "country": "PL",
    "language": "en",
    "population": 650_000,
    "themes": ["housing-homelessness"],
    "target_groups": ["escaping-group"],
    "adaptations": [{"place": f"Town {EVIL}", "country": "PL"}],
}


@pytest.fixture
def practices(partners) -> dict[str, PracticePage]:
    TargetGroup.objects.create(name=GROUP_NAME, slug="escaping-group")
    line = json.dumps(IMPORTED)
    report = PracticeImporter(publish=True).run([line])
    assert not report.errors, report.errors
    imported = PracticePage.objects.get(external_id="escaping-imported")
    # Through the model, as the admin's form or code would write it.
    model = PracticePageFactory(
        parent=partners["brzeziny"],
        title=f"Shelter model {EVIL}",
        summary=f"Shelter model summary {EVIL}",
        body=plain_to_html(f"Model body {EVIL}"),
        organisation_name=f"Model organisation {EVIL}",
        region=f"Model region {EVIL}",
        country="PL",
        themes=[Theme.objects.get(slug="housing-homelessness")],
    )
    model.save_revision().publish()
    model.refresh_from_db()
    return {"imported": imported, "model": model}


def assert_inert(html: str, *shown: str) -> BeautifulSoup:
    """No payload in the markup: neither raw in the source nor as an element or an event
    attribute once parsed; every inline script is JSON data. Each of `shown` is in the text a
    reader sees, proving the payload was there to escape."""
    for payload in PAYLOADS:
        assert payload not in html
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("img", src="x")
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        assert not handlers, tag
    for script in soup.find_all("script"):
        if script.get("src"):
            continue
        assert script.get("type") in ("application/json", "application/ld+json"), script
        assert "<" not in script.string
        json.loads(script.string)
    text = soup.get_text()
    for value in shown:
        assert value in text, value
    return soup


def assert_payloads_as_text(text: str) -> None:
    """A search snippet shows the payloads as text. PostgreSQL's ts_headline, made for HTML
    documents, drops what it takes for a tag (`<script>`), so the text between may be all that
    is left of the first."""
    assert SCRIPT in text or "alert(1)" in text.replace(SCRIPT, "")
    assert ATTRIBUTE in text


def test_the_practice_page(client, practices):
    for page in practices.values():
        html = client.get(page.url).content.decode()
        soup = assert_inert(html, page.title, page.summary, page.organisation_name, page.region)
        assert soup.find("h1").get_text() == page.title
        assert soup.find("title").get_text().startswith(page.title)
    html = client.get(practices["imported"].url).content.decode()
    soup = assert_inert(html, f"Shelter body {EVIL}", f"Shelter approach {EVIL}", GROUP_NAME)
    assert soup.select_one("#approach + .prose li").get_text() == f"Shelter approach {EVIL}"


def test_the_json_ld_and_the_social_tags(client, practices):
    page = practices["imported"]
    soup = assert_inert(client.get(page.url).content.decode())
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["name"] == page.title and data["description"] == page.summary
    assert data["spatialCoverage"]["name"] == page.region
    assert [a["audienceType"] for a in data["audience"]] == [GROUP_NAME]
    # Attribute values stay one attribute: the quote cannot close it.
    assert soup.find("meta", property="og:title")["content"] == page.title
    assert soup.find("meta", attrs={"name": "description"})["content"] == page.summary


def test_listings_and_the_contact_form(client, practices):
    page = practices["imported"]
    for url in (page.get_parent().url, "/", f"/practices/{page.pk}/contact/"):
        assert_inert(client.get(url).content.decode(), page.title)


def test_a_query_on_the_search_page(client, practices):
    for query in (f"shelter {SCRIPT}", ATTRIBUTE, f"shelter {EVIL}"):
        response = client.get("/search/", {"q": query})
        soup = assert_inert(response.content.decode())
        assert soup.find("input", attrs={"name": "q"})["value"] == query
        assert query in soup.find("title").get_text()


def test_search_snippets_mark_only_the_matches(client, practices):
    html = client.get("/search/", {"q": "shelter"}).content.decode()
    soup = assert_inert(html, practices["imported"].title, practices["model"].title)
    snippets = soup.select(".result-card__snippet")
    assert len(snippets) == 2
    for snippet in snippets:
        assert {tag.name for tag in snippet.find_all(True)} == {"mark"}
        assert snippet.find("mark").get_text() == "Shelter"
        assert_payloads_as_text(snippet.get_text())


def test_the_search_api(client, practices):
    response = client.get("/api/search/", {"q": f"shelter {EVIL}"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 2
    titles = {result["title"] for result in data["results"]}
    assert titles == {practices["imported"].title, practices["model"].title}
    for result in data["results"]:
        snippet = BeautifulSoup(result["snippet"], "html.parser")
        assert {tag.name for tag in snippet.find_all(True)} <= {"mark"}
        assert_payloads_as_text(snippet.get_text())
    group = next(v for v in data["facets"]["target_group"] if v["value"] == "escaping-group")
    assert group["label"] == GROUP_NAME


def test_autocomplete(client, practices):
    response = client.get("/api/search/suggest/", {"q": "<script>alert"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["query"] == "<script>alert"
    labels = {(s["type"], s["label"]) for s in data["suggestions"]}
    assert ("practice", practices["imported"].title) in labels
    assert ("target_group", GROUP_NAME) in labels
    data = client.get("/api/search/suggest/", {"q": ATTRIBUTE[:20]}).json()
    assert ("practice", practices["model"].title) in {
        (s["type"], s["label"]) for s in data["suggestions"]
    }


def test_the_map(client, practices):
    page = practices["imported"]
    html = client.get("/map/", {"q": "shelter"}).content.decode()
    assert_inert(html, page.title, page.region, practices["model"].title)
    response = client.get("/map/data.json", {"q": "shelter"})
    assert response["Content-Type"] == "application/geo+json"
    features = {
        f["properties"]["title"]: f["properties"]
        for f in response.json()["features"]
        if f["properties"]["kind"] == "practice"
    }
    assert set(features) == {page.title, practices["model"].title}
    assert page.region in features[page.title]["place"]


def test_the_finders_explanations(client, practices):
    page = practices["imported"]
    params = {"country": "PL", "population": "600000", "target_group": "escaping-group"}
    html = client.get("/finder/", params).content.decode()
    soup = assert_inert(html, page.title, page.region)
    sentences = [li.get_text() for li in soup.select(".fit-list li")]
    assert f"Reaches your target groups: {GROUP_NAME}." in sentences
    assert f"Adapted in 1 other place: Town {EVIL} in Poland." in sentences
    result = next(r for r in client.get("/finder/api/", params).json()["results"])
    assert result["title"] == page.title and result["region"] == page.region
    assert f"Reaches your target groups: {GROUP_NAME}." in result["matches"]


@pytest.mark.parametrize("url", ["/feeds/practices/", "/feeds/themes/housing-homelessness/"])
def test_the_atom_feeds(client, practices, url):
    feed = ET.fromstring(client.get(url).content)  # noqa: S314 - our own output
    entries = {e.findtext(f"{ATOM}title"): e for e in feed.iter(f"{ATOM}entry")}
    for page in practices.values():
        entry = entries[page.title]  # <title> is text: a reader shows it as it is
        assert entry.find(f"{ATOM}title").get("type") in (None, "text")
        # <summary type="html"> is HTML once the XML is read: escaped text, not markup.
        summary = entry.find(f"{ATOM}summary")
        markup = BeautifulSoup(summary.text, "html.parser")
        assert summary.get("type") == "html"
        assert not markup.find_all(True)
        assert markup.get_text() == page.summary


def test_the_exports_carry_the_text_as_data(client, practices):
    page = practices["imported"]
    response = client.get("/export/practices.csv", {"q": "shelter"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["ext_id"] == "escaping-imported")
    assert row["title"] == page.title and row["summary"] == page.summary
    assert row["organisation"] == page.organisation_name and row["region"] == page.region
    response = client.get("/export/practices.jsonl", {"q": "shelter"})
    assert response["Content-Disposition"].startswith("attachment")
    lines = b"".join(response.streaming_content).decode().splitlines()
    row = next(r for r in map(json.loads, lines) if r["ext_id"] == "escaping-imported")
    assert row["title"] == page.title and row["body"] == f"Shelter body {EVIL}"


def test_the_open_data_api(client, practices):
    page = practices["imported"]
    data = client.get(f"/api/v2/practices/{page.pk}/").json()
    assert data["title"] == page.title and data["summary"] == page.summary
    body = BeautifulSoup(data["body"], "html.parser")
    assert not body.find("script") and not body.find("img")
    assert body.get_text() == f"Shelter body {EVIL}"
