"""Curated collections: the expert panel's ordered selections of practices, with notes."""

from __future__ import annotations

from modelcluster.fields import ParentalKey

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from multilingual.routing import ReadableInEveryLanguage

from .pages import TEXT_FEATURES, PracticePage


class CollectionIndexPage(ReadableInEveryLanguage, Page):
    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["kb.CollectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("collection index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["collections"] = (
            CollectionPage.objects.child_of(self).live().order_by("-featured", "title")
            .prefetch_related("items")
        )  # fmt: skip
        return context


class CollectionPage(ReadableInEveryLanguage, Page):
    intro = RichTextField(
        _("introduction"),
        features=TEXT_FEATURES,
        help_text=_("What the collection is about and who it is for."),
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("featured"),
        InlinePanel(
            "items",
            heading=_("Practices"),
            label=_("Practice"),
            help_text=_("In the order readers should see them."),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["kb.CollectionIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def live_items(self) -> list[CollectionItem]:
        """The items whose practice is published, with the practices ready for cards."""
        practices = PracticePage.objects.live().for_listing()
        return list(
            self.items.filter(practice__live=True)
            .prefetch_related(Prefetch("practice", queryset=practices))
            .order_by("sort_order", "pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.live_items()
        return context


class CollectionItem(Orderable):
    collection = ParentalKey(CollectionPage, on_delete=models.CASCADE, related_name="items")
    practice = models.ForeignKey(
        "kb.PracticePage", verbose_name=_("practice"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(
        _("curator's note"),
        help_text=_("Why this practice is in the collection, and what to look at."),
    )

    panels = [FieldPanel("practice"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("collection item")
