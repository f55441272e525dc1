"""What another town needs to know to copy a practice: scale, money, people, conditions.

Every field is optional. The finder (finder/) compares these figures with a visitor's own context.
"""

from __future__ import annotations

from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from .taxonomy import TaxonomyTerm


class FundingSource(TaxonomyTerm):
    """ESF+, ERDF, national, regional, municipal, private, other (seeded from taxonomy.json)."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")


class TransferData(models.Model):
    """The structured transfer fields of a practice (mixed into PracticePage)."""

    population = models.PositiveIntegerField(
        _("population of the area"),
        null=True,
        blank=True,
        help_text=_("Inhabitants of the municipality or region where the practice runs."),
    )
    annual_budget_eur = models.PositiveIntegerField(
        _("annual budget (EUR)"),
        null=True,
        blank=True,
        help_text=_("Yearly cost of running the practice, all funding sources together."),
    )
    cost_per_beneficiary_eur = models.DecimalField(
        _("cost per beneficiary (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    staff_fte = models.DecimalField(
        _("staff (full-time equivalent)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Paid staff needed to run it, e.g. 2.5."),
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_(
            "How long one full cycle lasts (e.g. a 12-month programme), or how long it has run."
        ),
    )
    funding_sources = ParentalManyToManyField(
        "kb.FundingSource", verbose_name=_("funding sources"), blank=True, related_name="practices"
    )
    precondition_legal = models.TextField(
        _("legal competences needed"),
        blank=True,
        help_text=_("Which powers or legal basis must the organisation have?"),
    )
    precondition_partners = models.TextField(
        _("partner organisations needed"),
        blank=True,
        help_text=_("Who has to take part: NGOs, employers, schools, health services ..."),
    )
    precondition_infrastructure = models.TextField(
        _("infrastructure needed"),
        blank=True,
        help_text=_("Premises, vehicles, IT systems or other equipment."),
    )

    transfer_panels = [
        HelpPanel(
            content=_(
                "These figures let other towns judge whether the practice fits them; the "
                "“practices for my context” finder compares them with the visitor's town. "
                "Every field is optional."
            )
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("population"), FieldPanel("duration_months")]),
                FieldRowPanel(
                    [
                        FieldPanel("annual_budget_eur"),
                        FieldPanel("cost_per_beneficiary_eur"),
                        FieldPanel("staff_fte"),
                    ]
                ),
                FieldPanel("funding_sources", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Scale and resources"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("precondition_legal"),
                FieldPanel("precondition_partners"),
                FieldPanel("precondition_infrastructure"),
            ],
            heading=_("Preconditions"),
        ),
        InlinePanel(
            "adaptations",
            label=_("Adaptation"),
            heading=_("Known adaptations elsewhere"),
            help_text=_("Places that have copied or adapted the practice."),
        ),
    ]

    class Meta:
        abstract = True

    @property
    def has_transfer_data(self) -> bool:
        """Whether any transfer field is filled (the page then shows "What it takes to transfer")."""
        figures = (
            self.population,
            self.annual_budget_eur,
            self.cost_per_beneficiary_eur,
            self.staff_fte,
            self.duration_months,
            self.precondition_legal,
            self.precondition_partners,
            self.precondition_infrastructure,
        )
        return (
            any(value not in (None, "") for value in figures)
            or self.funding_sources.exists()
            or self.adaptations.exists()
        )


class PracticeAdaptation(Orderable):
    """Somewhere else that took the practice up, and what it changed."""

    page = ParentalKey("kb.PracticePage", on_delete=models.CASCADE, related_name="adaptations")
    place = models.CharField(_("place"), max_length=255)
    country = CountryField(_("country"), blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    description = models.TextField(_("what was adapted"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("place"), FieldPanel("country"), FieldPanel("year")]),
        FieldPanel("description"),
        FieldPanel("url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("adaptation")
        verbose_name_plural = _("adaptations")

    def __str__(self) -> str:
        return self.place
