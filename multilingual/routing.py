"""Every page is readable under every language prefix, and links follow the reader's language.

A translation is a page in another locale's tree (Wagtail's i18n), and most pages have none: the
Polish reader of /pl/partners/lodzkie/ must still see the partner page, in the Polish interface,
and the English reader must reach a practice written in Polish (which lives in the Polish tree).
So a page whose child is missing from its own tree looks among the children of its translations
(two queries, never a cascade), and a page's URL carries the active language's prefix rather than
its own locale's. The practice page says when it shows another language than the reader's.
https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from wagtail.models import Page

from .languages import active_language


class ReadableInEveryLanguage:
    """Mixin for the site's page models (before `Page` in the bases)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        child = self.get_children().filter(slug=slug).first() or self._translated_child(slug)
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # breadcrumbs follow the tree being read
        return child.specific.route(request, remaining)

    def _translated_child(self, slug: str) -> Page | None:
        """A child with this slug under one of this page's translations (another locale's tree)."""
        paths = list(self.get_translations().values_list("path", flat=True))
        if not paths:
            return None
        under = reduce(or_, (Q(path__startswith=path) for path in paths))
        return Page.objects.filter(under, depth=self.depth + 1, slug=slug).order_by("pk").first()

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
