"""Open data, outside the language prefixes: /api/v2/ (described by /api/openapi.json),
/export/, /feeds/, /sitemap.xml, /robots.txt and the /open-data/ page that explains them
(docs/open-data.md)."""

from django.urls import path, re_path

from wagtail.contrib.sitemaps import views as sitemap_views

from multilingual.sitemap import MultilingualSitemap
from opendata import exports, views
from opendata.api import api_router
from opendata.feeds import PracticesFeed, ThemeFeed

# One section: the live, public pages of every locale, with their alternates in every language;
# Django splits it into files of 50,000 URLs.
SITEMAPS = {"pages": MultilingualSitemap}

urlpatterns = [
    path("api/v2/", api_router.urls),
    path("api/openapi.json", views.openapi_json, name="opendata_openapi"),
    re_path(
        r"^export/practices\.(?P<fmt>csv|jsonl)$", exports.export_practices, name="opendata_export"
    ),
    path("feeds/practices/", PracticesFeed(), name="opendata_feed_practices"),
    path("feeds/themes/<slug:slug>/", ThemeFeed(), name="opendata_feed_theme"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "opendata_sitemap_section"},
        name="opendata_sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="opendata_sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="opendata_robots"),
    path("open-data/", views.open_data, name="opendata"),
]
