import json
import re

import wagtail_factories

from django.template import Context, Template
from django.test import override_settings

from kb.models import PracticeImage
from tests.factories import PracticePageFactory

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def meta(html: str, prop: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)


def json_ld(html: str) -> dict:
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_practice_page_has_schema_org_json_ld(client, practices):
    practice = practices[0]
    data = json_ld(client.get(practice.url).content.decode())
    url = f"http://localhost{practice.url}"
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["url"] == data["@id"] == data["mainEntityOfPage"] == url
    assert data["name"] == data["headline"] == "Social cooperative canteens"
    assert data["description"] == practice.summary
    assert data["inLanguage"] == "en"
    assert data["dateModified"] == practice.last_published_at.isoformat()
    assert data["about"] == [
        {"@type": "DefinedTerm", "name": "Social economy and social enterprise",
         "termCode": "social-economy"},
    ]  # fmt: skip
    assert data["audience"] == [
        {"@type": "Audience", "audienceType": "Long-term unemployed people"}
    ]
    assert data["spatialCoverage"] == {
        "@type": "Place",
        "name": "Brzeziny",
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "PL",
            "addressLocality": "Brzeziny",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 51.8, "longitude": 19.75},
    }
    assert data["temporalCoverage"] == "2015/2019"
    assert data["author"] == {
        "@type": "Organization",
        "name": practice.get_parent().title,
        "url": "http://localhost/partners/brzeziny/",
    }
    assert data["publisher"]["@type"] == "Organization"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["isAccessibleForFree"] is True
    assert "image" not in data and "+48" not in json.dumps(data)


def test_json_ld_cannot_close_its_script_element(client, partners):
    title = "Breaking </script><script>alert(1)</script> & <!-- out"
    practice = PracticePageFactory(parent=partners["mechelen"], title=title, summary="</script>")
    practice.save_revision().publish()
    html = client.get(practice.url).content.decode()
    assert "<script>alert(1)" not in html
    data = json_ld(html)
    assert data["name"] == title and data["description"] == "</script>"


def test_open_graph_and_twitter_tags(client, practices):
    practice = practices[1]
    html = client.get(practice.url).content.decode()
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["Market garden enterprise"]
    assert meta(html, "og:description") == [practice.summary]
    assert meta(html, "og:url") == [f"http://localhost{practice.url}"]
    assert meta(html, "og:site_name") == ["ERSI Practices"]
    assert meta(html, "og:locale") == ["en"]
    assert sorted(meta(html, "article:tag")) == [
        "Employment and job creation",
        "Social economy and social enterprise",
    ]
    assert meta(html, "og:image") == []
    assert meta(html, "twitter:card") == ["summary"]


def test_the_first_image_becomes_the_social_image(client, practices):
    practice = practices[2]
    image = wagtail_factories.ImageFactory(file__width=1600, file__height=1000)
    PracticeImage.objects.create(page=practice, image=image, alt_text="Children playing")
    practice.save_revision().publish()
    html = client.get(practice.url).content.decode()
    [og_image] = meta(html, "og:image")
    assert re.fullmatch(r"http://testserver/media/images/.*\.fill-1200x630\.\w+", og_image)
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "og:image:alt") == ["Children playing"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert json_ld(html)["image"] == og_image


@override_settings(CONTENT_LICENCE={"name": "CC0 1.0", "url": "https://example.org/cc0"})
def test_the_licence_is_configurable(client, practices):
    html = client.get(practices[0].url).content.decode()
    assert '<a href="https://example.org/cc0" rel="license">CC0 1.0</a>' in html
    assert "creativecommons.org/licenses/by" not in html
    assert json_ld(html)["license"] == "https://example.org/cc0"
    response = client.get(f"/api/v2/practices/{practices[0].pk}/")
    assert response["Link"] == '<https://example.org/cc0>; rel="license"'
    assert response.json()["meta"]["license"] == {
        "name": "CC0 1.0",
        "url": "https://example.org/cc0",
    }
    export = client.get("/export/practices.csv")
    assert export["Link"] == '<https://example.org/cc0>; rel="license"'
    export.close()  # ends the stream (and the engine's cursor) inside this test


def test_every_page_links_open_data_and_prints_with_its_own_stylesheet(client, home):
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert '<a href="/open-data/">Open data</a>' in html
    assert '<a href="/open-data/#feeds">Feeds</a>' in html
    assert (
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    )


def test_search_results_offer_the_whole_set_for_download(client, practices):
    html = client.get("/search/", {"theme": "social-economy", "page_size": 1, "page": 2}).content
    html = html.decode()
    assert 'href="/export/practices.csv?theme=social-economy" download' in html
    assert 'href="/export/practices.jsonl?theme=social-economy" download' in html
    empty = client.get("/search/", {"q": "nothingmatchesthis"}).content.decode()
    assert "/export/practices.csv" not in empty


def test_open_data_page(client, practices):
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/feeds/themes/employment/" type="application/atom+xml">' in html
    assert 'href="/api/v2/practices/"' in html and 'href="/export/practices.csv"' in html
    assert 'rel="license">CC BY 4.0</a>' in html


def test_partner_structured_data_tag(rf, partners):
    """For the partner page's <head>: {% partner_structured_data page %}."""
    partner = partners["mechelen"]
    html = Template("{% load opendata_tags %}{% partner_structured_data page %}").render(
        Context({"page": partner, "request": rf.get("/")})
    )
    data = json_ld(html)
    assert data["@type"] == "Organization" and data["name"] == partner.title
    assert data["url"] == "http://localhost/partners/mechelen/"
    assert data["address"]["addressCountry"] == "BE"
    assert data["memberOf"]["name"] == "European Regions for Social Inclusion (ERSI)"
    assert "email" not in data and "internal" not in html
