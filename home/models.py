from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from kb.models import (
    CollectionIndexPage,
    CollectionPage,
    PartnerIndexPage,
    PartnerPage,
    PracticePage,
    Theme,
)
from multilingual.routing import ReadableInEveryLanguage


class HomePage(ReadableInEveryLanguage, Page):
    lead = models.CharField(
        _("lead"),
        max_length=300,
        blank=True,
        help_text=_("One sentence under the site title: what visitors find here."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["kb.PartnerIndexPage", "kb.CollectionIndexPage", "events.EventIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Practices written in other languages live in other locales' trees: count each once.
        practices = PracticePage.objects.live().originals()
        context["latest_practices"] = (
            PracticePage.objects.live().one_per_practice()
            .order_by("-first_published_at").for_listing()[:6]
        )  # fmt: skip
        context["themes"] = Theme.objects.annotate(
            practice_count=Count("practices", filter=Q(practices__in=practices))
        ).order_by("name")
        context["stats"] = {
            "practices": practices.count(),
            "partners": PartnerPage.objects.live().values("translation_key").distinct().count(),
            "countries": practices.exclude(country="").values("country").distinct().count(),
        }
        home = self.content_source  # the English home page holds the indexes and collections
        context["partner_index"] = PartnerIndexPage.objects.live().child_of(home).first()
        context["collection_index"] = CollectionIndexPage.objects.live().child_of(home).first()
        context["featured_collections"] = (
            CollectionPage.objects.live().descendant_of(home).filter(featured=True)
            .order_by("title").prefetch_related("items")[:3]
        )  # fmt: skip
        return context
