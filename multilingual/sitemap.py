"""sitemap.xml with every locale's pages and, for each, its address in every site language.

Wagtail's sitemap lists the default locale's tree; a page written in Polish lives in the Polish
tree. Each page is listed at its own locale's address, with `<xhtml:link rel="alternate"
hreflang>` to its translations, or to itself under the other prefixes where it has none.
https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import translation

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page

from .languages import site_languages
from .routing import live_translations


class MultilingualSitemap(Sitemap):
    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        under = reduce(or_, (Q(path__startswith=root.path) for root in roots))
        return (
            Page.objects.filter(under, alias_of__isnull=True)  # an alias repeats its original
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        urls, last_mods = [], set()
        items = list(self.paginator.page(page).object_list)
        translations = live_translations(items)
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        for item in items:
            with translation.override(languages[item.locale_id]):
                infos = item.get_sitemap_urls(self.request)
            alternates = self.alternates_of(item, translations[item.translation_key])
            for info in infos:
                urls.append({**info, "alternates": alternates})
                last_mods.add(info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def alternates_of(self, page: Page, translations: dict[str, Page]) -> list[dict[str, str]]:
        alternates = []
        for code in site_languages():
            with translation.override(code):
                location = translations.get(code, page).get_full_url(self.request)
            if location:
                alternates.append({"lang_code": code, "location": location})
        return alternates
