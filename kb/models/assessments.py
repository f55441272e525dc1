"""The expert panel's assessment of a practice: named criteria scored 1–5, a label, dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

REASSESS_AFTER = datetime.timedelta(days=3 * 365)


class Label(models.TextChoices):
    PROMISING = "promising", _("Promising practice")
    GOOD = "good", _("Good practice")
    BEST = "best", _("Best practice")


# The criteria, in the order they are shown: key -> (name, the question the assessor answers).
CRITERIA = {
    "relevance": (
        _("Relevance"),
        _("Does it address a real and important need of the people concerned?"),
    ),
    "evidence": (_("Evidence of results"), _("Are the results measured and documented?")),
    "impact": (_("Impact"), _("How much did it change for the people concerned?")),
    "transferability": (
        _("Transferability"),
        _("Could another town do the same, and is it clear how?"),
    ),
    "sustainability": (_("Sustainability"), _("Does it last beyond its first funding?")),
    "participation": (
        _("Participation of the people concerned"),
        _("Were the people concerned involved in designing and running it?"),
    ),
    "innovation": (
        _("Innovation"),
        _("Is it new in its context, or a new combination of known methods?"),
    ),
}


def score(key: str):
    name, question = CRITERIA[key]
    return models.PositiveSmallIntegerField(
        name, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=question
    )


def justification():
    return models.TextField(
        _("justification"), help_text=_("One or two sentences: why this score?")
    )


@dataclass(frozen=True)
class CriterionScore:
    key: str
    name: str
    question: str
    score: int
    note: str


class Assessment(models.Model):
    practice = models.ForeignKey(
        "kb.PracticePage",
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    label = models.CharField(_("overall label"), max_length=20, choices=Label.choices)
    summary = models.TextField(
        _("overall assessment"), blank=True, help_text=_("What the panel concluded, for readers.")
    )
    relevance_score = score("relevance")
    relevance_note = justification()
    evidence_score = score("evidence")
    evidence_note = justification()
    impact_score = score("impact")
    impact_note = justification()
    transferability_score = score("transferability")
    transferability_note = justification()
    sustainability_score = score("sustainability")
    sustainability_note = justification()
    participation_score = score("participation")
    participation_note = justification()
    innovation_score = score("innovation")
    innovation_note = justification()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessor_name = models.CharField(
        _("assessor's name as shown"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to show the assessor's account name."),
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    reassess_on = models.DateField(
        _("re-assess by"),
        blank=True,
        null=True,
        help_text=_("Leave empty for three years after the assessment."),
    )

    panels = [
        FieldPanel("practice"),
        FieldRowPanel([FieldPanel("label"), FieldPanel("assessed_on"), FieldPanel("reassess_on")]),
        FieldPanel("summary"),
        *[
            MultiFieldPanel([FieldPanel(f"{key}_score"), FieldPanel(f"{key}_note")], heading=name)
            for key, (name, _question) in CRITERIA.items()
        ],
        FieldPanel("assessor_name"),
    ]

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_label_display()}: {self.practice}"

    def save(self, *args, **kwargs):
        if self.reassess_on is None:
            self.reassess_on = self.assessed_on + REASSESS_AFTER
        super().save(*args, **kwargs)

    @property
    def criteria(self) -> list[CriterionScore]:
        return [
            CriterionScore(
                key, str(name), str(question), getattr(self, f"{key}_score"),
                getattr(self, f"{key}_note"),
            )
            for key, (name, question) in CRITERIA.items()
        ]  # fmt: skip

    @property
    def is_out_of_date(self) -> bool:
        return self.reassess_on is not None and self.reassess_on < timezone.localdate()

    @property
    def shown_assessor(self) -> str:
        if self.assessor_name:
            return self.assessor_name
        if self.assessor:
            return self.assessor.get_full_name() or self.assessor.get_username()
        return ""
