"""Controlled vocabularies (snippets) and the open list of target groups (tags)."""

from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class TaxonomyTerm(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Stable identifier used in URLs, filters and the import format."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class OrganisationType(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")


class ActivityType(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class PolicyFramework(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("policy framework")
        verbose_name_plural = _("policy frameworks")


class TargetGroup(TagBase):
    """An open list: editors may add target groups while tagging a practice."""

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name"]


class TaggedPractice(ItemBase):
    tag = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="tagged_practices")
    content_object = ParentalKey(
        "kb.PracticePage", on_delete=models.CASCADE, related_name="tagged_target_groups"
    )
