import re

from wagtail.models import PageViewRestriction


def locations(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_sitemap_lists_live_public_pages_only(client, practices, draft):
    PageViewRestriction.objects.create(page=practices[2], restriction_type="login")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert locations(index.content.decode()) == ["http://testserver/sitemap-pages.xml"]
    section = client.get("/sitemap-pages.xml")
    assert section.status_code == 200
    urls = locations(section.content.decode())
    assert "http://localhost/" in urls and "http://localhost/partners/brzeziny/" in urls
    assert f"http://localhost{practices[0].url}" in urls
    assert f"http://localhost{practices[1].url}" in urls
    assert f"http://localhost{practices[2].url}" not in urls  # private
    assert not any(draft.slug in url for url in urls)


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/django-admin/", "/export/", "/search/?", "/api/search/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # everything else may be crawled
    assert "Sitemap: http://localhost/sitemap.xml" in lines
