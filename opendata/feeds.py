"""Atom feeds of newly published practices: all of them, and one per theme.

https://docs.djangoproject.com/en/stable/ref/contrib/syndication/
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from wagtail.api.utils import get_full_url

from kb.models import PracticePage, Theme
from multilingual.languages import unknown_language

FEED_LENGTH = 50


@dataclass
class FeedSource:
    """What one feed request is about: the request, and the theme of a theme feed."""

    request: HttpRequest
    theme: Theme | None = None


class PracticesFeed(Feed):
    """The newest published practices (by first publication), newest first."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs):
        """`?language=pl`: titles, links and each practice in that language where it has a
        translation (the feeds live outside the language prefixes); English by default."""
        language = request.GET.get("language") or settings.LANGUAGE_CODE
        if error := unknown_language(language):
            return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
        with translation.override(language):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSource:
        return FeedSource(request)

    def practices(self, source: FeedSource) -> QuerySet[PracticePage]:
        return PracticePage.objects.live().public().one_per_practice()

    def items(self, source: FeedSource) -> list[PracticePage]:
        items = self.practices(source).for_listing().order_by("-first_published_at", "-pk")
        return list(items[:FEED_LENGTH])

    def title(self, source: FeedSource) -> str:
        return _("ERSI Practices: new practices")

    def subtitle(self, source: FeedSource) -> str:
        return _(
            "Good practices in social inclusion newly published by the European Regions for "
            "Social Inclusion network."
        )

    def link(self, source: FeedSource) -> str:
        return get_full_url(source.request, "/")

    def feed_url(self, source: FeedSource) -> str:
        return get_full_url(source.request, source.request.get_full_path())

    def feed_guid(self, source: FeedSource) -> str:
        """The Atom id of the feed: its own URL, different for each feed."""
        return self.feed_url(source)

    def feed_copyright(self) -> str:
        licence = settings.CONTENT_LICENCE
        return _("Content licence: %(name)s (%(url)s)") % licence

    def item_title(self, item: PracticePage) -> str:
        return item.title

    def item_description(self, item: PracticePage) -> str:
        """Atom's <summary type="html"> is read as HTML: the plain-text summary is escaped, so
        that a reader shows what it says rather than running it."""
        return escape(item.summary)

    def item_link(self, item: PracticePage) -> str:
        return item.full_url

    def item_pubdate(self, item: PracticePage):
        return item.first_published_at

    def item_updateddate(self, item: PracticePage):
        return item.last_published_at

    def item_author_name(self, item: PracticePage) -> str:
        return item.partner_title or ""

    def item_author_link(self, item: PracticePage) -> str | None:
        """The partner's page: a practice's URL is its partner's URL and its slug."""
        url = item.full_url
        return url.removesuffix(f"{item.slug}/") if url else None

    def item_categories(self, item: PracticePage) -> list[str]:
        return [theme.name for theme in item.themes.all()]

    def item_copyright(self, item: PracticePage) -> str:
        return settings.CONTENT_LICENCE["name"]


class ThemeFeed(PracticesFeed):
    """The newest practices on one theme."""

    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        return FeedSource(request, get_object_or_404(Theme, slug=slug))

    def practices(self, source: FeedSource) -> QuerySet[PracticePage]:
        return super().practices(source).filter(themes=source.theme)

    def title(self, source: FeedSource) -> str:
        return _("ERSI Practices: new practices on %(theme)s") % {"theme": source.theme.name}

    def subtitle(self, source: FeedSource) -> str:
        return source.theme.description or self.title(source)

    def link(self, source: FeedSource) -> str:
        path = reverse("search") + f"?theme={source.theme.slug}"
        return get_full_url(source.request, path)
