import pytest

from wagtail.models import PageViewRestriction

from kb.models import CollectionIndexPage, CollectionItem, CollectionPage

LICENCE_LINK = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def listing(client, **params):
    response = client.get("/api/v2/practices/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_practices_listing_takes_the_search_filters(client, practices, draft):
    data = listing(client, theme="social-economy", sort="title")
    assert data["meta"]["total_count"] == 2
    assert [item["title"] for item in data["items"]] == [
        "Market garden enterprise",
        "Social cooperative canteens",
    ]
    assert listing(client, country=["PL", "BE"])["meta"]["total_count"] == 2
    assert listing(client, year_from=2016, year_to=2020)["meta"]["total_count"] == 1
    assert listing(client, q="canteens")["items"][0]["title"] == "Social cooperative canteens"
    everything = listing(client)
    assert everything["meta"]["total_count"] == 3  # the draft is not there
    assert "Unpublished draft" not in {item["title"] for item in everything["items"]}


def test_practices_listing_shape_licence_and_export_links(client, practices):
    response = client.get("/api/v2/practices/", {"theme": "social-economy", "sort": "title"})
    assert response["Link"] == LICENCE_LINK
    data = response.json()
    meta = data["meta"]
    assert meta["engine"] == "postgres" and meta["degraded"] is False
    assert meta["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert meta["export"] == {
        "csv": "http://localhost/export/practices.csv?theme=social-economy&sort=title",
        "jsonl": "http://localhost/export/practices.jsonl?theme=social-economy&sort=title",
    }
    item = data["items"][1]
    assert item["meta"]["type"] == "kb.PracticePage"
    assert (
        item["meta"]["html_url"]
        == "http://localhost/partners/brzeziny/" + item["meta"]["slug"] + "/"
    )
    assert item["meta"]["detail_url"] == f"http://localhost/api/v2/practices/{item['id']}/"
    assert item["partner"]["slug"] == "brzeziny"
    assert item["partner"]["detail_url"].startswith("http://localhost/api/v2/partners/")
    assert item["country"] == {"code": "PL", "name": "Poland"}
    assert item["themes"] == [
        {"slug": "social-economy", "name": "Social economy and social enterprise"}
    ]
    assert item["target_groups"][0]["slug"] == "long-term-unemployed"
    assert item["start_year"] == 2015 and item["end_year"] == 2019


def test_practices_listing_pages_by_offset_and_limit(client, practices):
    titles = [i["title"] for i in listing(client, sort="title", limit=2, offset=1)["items"]]
    assert titles == ["Market garden enterprise", "Social cooperative canteens"]
    data = listing(client, sort="title", limit=1, offset=2, fields="_,title")
    assert data == {**data, "items": [{"title": "Social cooperative canteens"}]}
    assert data["meta"]["total_count"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"theme": "no-such-theme"}, "theme"),
        ({"country": "XX"}, "country"),
        ({"year_from": "twenty"}, "year_from"),
        ({"year_from": "2020", "year_to": "2010"}, "year_to"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 1000}, "q"),
    ],
)
def test_invalid_search_parameters_get_a_400_per_parameter(client, practices, params, field):
    response = client.get("/api/v2/practices/", params)
    assert response.status_code == 400
    data = response.json()
    assert data["message"] == "Invalid search parameters."
    assert set(data["errors"]) == {field} and data["errors"][field]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"search": "x"}, "not an operation or a search parameter: search"),
        ({"contact_phone": "1"}, "not an operation or a search parameter: contact_phone"),
        ({"limit": "101"}, "limit cannot be higher than 100"),
        ({"offset": "-1"}, "offset must be a positive integer"),
        ({"fields": "contact_phone"}, "unknown fields: contact_phone"),
    ],
)
def test_other_bad_requests_get_wagtails_400(client, practices, params, message):
    response = client.get("/api/v2/practices/", params)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_practice_detail_shows_what_the_page_shows_and_no_phone(client, practices):
    practice = practices[0]
    response = client.get(f"/api/v2/practices/{practice.pk}/")
    assert response.status_code == 200
    assert response["Link"] == LICENCE_LINK
    data = response.json()
    assert data["title"] == "Social cooperative canteens"
    assert data["meta"]["license"]["name"] == "CC BY 4.0"
    assert data["problem"] == "<p>Too many people were left out.</p>"
    assert data["approach"].startswith("<ul>")
    assert data["contact_name"] == "Anna Nowak" and data["contact_email"] == "anna@example.org"
    assert data["region"] == "Brzeziny" and data["latitude"] == 51.8
    assert data["organisation_type"] is None and data["label"] is None
    assert data["documents"] == [] and data["images"] == [] and data["adaptations"] == []
    assert "contact_phone" not in data
    assert "+48" not in response.content.decode()
    everything = client.get(f"/api/v2/practices/{practice.pk}/", {"fields": "*"}).content.decode()
    assert "+48" not in everything


def test_drafts_and_private_practices_are_not_served(client, practices, draft):
    assert client.get(f"/api/v2/practices/{draft.pk}/").status_code == 404
    private = practices[2]
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert client.get(f"/api/v2/practices/{private.pk}/").status_code == 404
    titles = {item["title"] for item in listing(client)["items"]}
    assert titles == {"Social cooperative canteens", "Market garden enterprise"}


def test_partners_endpoint_without_the_partner_contact_email(client, practices, partners):
    brzeziny = partners["brzeziny"]
    brzeziny.contact_email = "internal@example.org"
    brzeziny.save_revision().publish()
    data = client.get("/api/v2/partners/", {"limit": 100}).json()
    assert data["meta"]["total_count"] == 23
    item = next(i for i in data["items"] if i["meta"]["slug"] == "brzeziny")
    assert item["practice_count"] == 1
    assert item["practices_url"] == "http://localhost/api/v2/practices/?partner=brzeziny"
    detail = client.get(f"/api/v2/partners/{brzeziny.pk}/", {"fields": "*"})
    assert detail.json()["city"] == brzeziny.city
    assert "internal@example.org" not in detail.content.decode()
    assert client.get("/api/v2/partners/", {"type": "kb.PracticePage"}).status_code == 400


def test_collections_endpoint_lists_published_practices_only(client, home, practices, draft):
    index = home.add_child(instance=CollectionIndexPage(title="Collections", slug="collections"))
    collection = CollectionPage(title="Work first", slug="work-first", intro="<p>Jobs.</p>")
    index.add_child(instance=collection)
    for sort_order, practice in enumerate([practices[1], draft]):
        CollectionItem.objects.create(
            collection=collection, practice=practice, note="Look", sort_order=sort_order
        )
    collection.save_revision().publish()
    listed = client.get("/api/v2/collections/").json()["items"]
    assert [c["title"] for c in listed] == ["Work first"]
    detail = client.get(f"/api/v2/collections/{collection.pk}/").json()
    assert detail["intro"] == "<p>Jobs.</p>"
    assert [item["practice"]["title"] for item in detail["items"]] == ["Market garden enterprise"]
    assert detail["items"][0]["note"] == "Look"
