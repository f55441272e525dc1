from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from multilingual import urls as multilingual_urls
from search import views as search_views

# 503 when the database is unreachable, else the 500 page (ersi_practices/errors.py).
handler500 = "ersi_practices.errors.server_error"

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(multilingual_urls)),
    path("api/search/", search_views.search_api, name="search_api"),
    path("api/search/suggest/", search_views.suggest_api, name="search_suggest"),
    # Open data: the read-only API, exports, feeds, sitemap.xml and robots.txt (not translated).
    path("", include("opendata.urls")),
    # Calendar (.ics) and Atom feeds of the events (not translated; before Wagtail's /events/).
    path("", include("agenda.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# English lives at the root; other languages get a prefix (/pl/, /es/ ...) once translated.
urlpatterns += i18n_patterns(
    *multilingual_urls.localised_urlpatterns,
    path("search/", search_views.search_page, name="search"),
    path("finder/", include("finder.urls")),
    path("map/", include("maps.urls")),
    path("", include("enquiries.urls")),
    path("", include("agenda.registration_urls")),  # registering for an event
    path("", include("transfers.urls")),  # transfer stories of the practices
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
