"""Every page is readable under every language prefix, and links follow the reader's language.

A translation is a page in another locale's tree (Wagtail's i18n), and most pages have none: the
Polish reader of /pl/partners/lodzkie/ must still see the partner page, in the Polish interface,
and the English reader must reach a practice written in Polish (which lives in the Polish tree).
So a page looks for a child among its own children and its translations' children (two queries,
never a cascade), preferring the reader's language, then the original; and a page's URL carries
the active language's prefix rather than its own locale's. The practice page says when it shows
another language than the reader's and links to the other versions.
https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Case, Q, When
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from wagtail.models import Locale, Page

from .languages import active_language


class ReadableInEveryLanguage:
    """Mixin for the site's page models (before `Page` in the bases)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        child = self._child_for_reader(slug)
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # breadcrumbs follow the tree being read
        return child.specific.route(request, remaining)

    def _child_for_reader(self, slug: str) -> Page | None:
        """The child with this slug under this page or one of its translations (other locales'
        trees): the reader's language first, then the original (the first written) - two
        queries a level."""
        under = children_in_every_locale(self)
        in_reader_language = Q(locale__language_code=active_language())
        return (
            Page.objects.filter(under, slug=slug)
            .alias(preferred=Case(When(in_reader_language, then=0), default=1))
            .order_by("-live", "preferred", "pk")
            .first()
        )

    @property
    def content_source(self) -> Page:
        """The page whose children a listing shows: under another language's prefix, a page is
        often an alias of the English one, which holds the children that have no translation."""
        return self.alias_of.specific if self.alias_of_id else self

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if not parts or parts[2] is None:
            return parts
        site_id, root_url, _path = parts
        language = active_language()
        root_path = next(
            root[1] for root in self._get_relevant_site_root_paths(request) if root[0] == site_id
        )
        relative = self.url_path[len(root_path) :]
        try:
            with translation.override(language):
                return site_id, root_url, reverse("wagtail_serve", args=(relative,))
        except NoReverseMatch:  # pragma: no cover - wagtail_serve is always routed here
            return parts


def url_in_language(page: Page, language: str, request=None) -> str | None:
    """The page's address under another language's prefix (for alternates and the switcher)."""
    with translation.override(language):
        return page.get_url(request)


def live_translations(pages: list[Page]) -> dict[uuid.UUID, dict[str, Page]]:
    """The live pages sharing a translation key with these pages, by key and language code
    (one query, whatever the number of pages)."""
    found = defaultdict(dict)
    keys = {page.translation_key for page in pages}
    for page in Page.objects.filter(translation_key__in=keys).live().select_related("locale"):
        found[page.translation_key][page.locale.language_code] = page
    return found


def children_in_every_locale(page: Page) -> Q:
    """A filter for the children of this page and of its translations (one query for the paths):
    a partner's practices written in Polish live under the partner's copy in the Polish tree."""
    paths = [page.path, *page.get_translations().values_list("path", flat=True)]
    return reduce(or_, (Q(path__startswith=path, depth=page.depth + 1) for path in paths))


def in_reader_language(pages: list, queryset, language: str | None = None) -> list:
    """The pages, each replaced by its live translation in the reader's language where there is
    one (one query; `queryset` says what to load with the translations)."""
    language = language or active_language()
    locale_id = Locale.objects.filter(language_code=language).values_list("pk", flat=True).first()
    keys = {page.translation_key for page in pages if page.locale_id != locale_id}
    if not keys or locale_id is None:
        return list(pages)
    found = {
        page.translation_key: page
        for page in queryset.live().filter(translation_key__in=keys, locale_id=locale_id)
    }
    return [found.get(page.translation_key, page) for page in pages]
