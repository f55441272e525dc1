"""The home page and default site, for an empty database (flushed test databases, new installs)."""

from urllib.parse import urlsplit

from django.conf import settings

from wagtail.models import Locale, Page, Site

from home.models import HomePage

SITE_NAME = "ERSI Practices"
LEAD = "Good practices in social inclusion from the European Regions for Social Inclusion network."


def ensure_home_page() -> HomePage:
    """Return the default site's home page, creating the tree's root, home and site if missing.

    The migration home/0002 does the same on a new database; this covers databases emptied since.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page.specific
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(title="Root", locale=locale)
    home = HomePage(title=SITE_NAME, slug="home", lead=LEAD, locale=locale)
    root.add_child(instance=home)
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=SITE_NAME
    )
    return home


def point_site_at_base_url() -> Site | None:
    """Give the default site the host and port of BASE_URL, so that absolute links (feeds, API,
    sitemap, canonical links) point where the site is served. Only a site still on the default
    localhost:80 is changed: a host set in the admin is left alone."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True, hostname="localhost", port=80).first()
    if site is None or not parts.hostname:
        return None
    site.hostname = parts.hostname
    site.port = parts.port or (443 if parts.scheme == "https" else 80)
    site.save(update_fields=["hostname", "port"])
    return site
