"""The live practices ranked by their fit with a visitor's context.

The database narrows the candidates (practices sharing a chosen theme or target group) and loads
what the explanations need in a fixed number of queries; the scoring runs in Python (finder.fit).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from finder.fit import Context, Fit, PracticeFacts, assess
from kb.exporting import PRECONDITIONS
from kb.models import PracticePage
from kb.models.pages import SECTIONS
from search.engines.postgres import PostgresEngine
from transfers.models import transferred_elsewhere

# Long texts the finder never shows (a practice card needs the title and summary only).
UNUSED_TEXTS = (*SECTIONS, *PRECONDITIONS)
# Practices nearest in meaning to the selected one that join the candidates.
NEAREST = 10
# Points added to the score in the ordering (not shown) of a practice transferred successfully
# elsewhere: an approved running or scaled-up story, or an adaptation the partner lists.
TRANSFER_BOOST = 3


@dataclass(frozen=True)
class RankedPractice:
    rank: int
    page: PracticePage
    fit: Fit


def candidates(
    context: Context, include: int | None = None, transferred_only: bool = False
) -> QuerySet[PracticePage]:
    """Live practices worth scoring, with everything the card and the explanations show.

    `include` (a practice id) is always a candidate, whatever it shares, and so are the
    practices nearest to it in meaning (search/embeddings.py): the same approach written up in
    another language, or tagged differently, is worth comparing.
    """
    practices = (
        PracticePage.objects.live()
        .one_per_practice()  # in the reader's language where translated, each practice once
        .for_listing()
        .prefetch_related("funding_sources", "adaptations")
        .annotate(has_evidence=ExpressionWrapper(~Q(evidence=""), output_field=BooleanField()))
        .annotate(transferred=transferred_elsewhere())
        .defer(*UNUSED_TEXTS)
    )
    if transferred_only:
        practices = practices.filter(transferred=True)
    if context.themes or context.target_groups:
        sharing = Q(themes__slug__in=context.themes) | Q(
            tagged_target_groups__tag__slug__in=context.target_groups
        )
        if include:
            sharing |= Q(pk=include) | Q(pk__in=nearest_in_meaning(include))
        practices = practices.filter(pk__in=PracticePage.objects.filter(sharing).values("pk"))
    return practices


def nearest_in_meaning(page_id: int) -> list[int]:
    with connection.cursor() as cursor:
        return [
            pk for pk, _similarity in PostgresEngine().nearest_to_page(cursor, page_id, NEAREST)
        ]


def facts(page: PracticePage) -> PracticeFacts:
    """What finder.fit compares, read from a page loaded by candidates()."""
    assessment = page.assessment
    return PracticeFacts(
        country=page.country.code or "",
        population=page.population,
        annual_budget_eur=page.annual_budget_eur,
        cost_per_beneficiary_eur=page.cost_per_beneficiary_eur,
        staff_fte=page.staff_fte,
        themes={theme.slug: theme.name for theme in page.themes.all()},
        target_groups={group.slug: group.name for group in page.target_group_list},
        funding={source.slug: source.name for source in page.funding_sources.all()},
        adaptations=tuple((a.place, a.country.code or "") for a in page.adaptations.all()),
        label=assessment.label if assessment else "",
        label_name=assessment.get_label_display() if assessment else "",
        has_evidence=page.has_evidence,
    )


def rank(
    context: Context, include: int | None = None, transferred_only: bool = False
) -> list[RankedPractice]:
    """Every candidate with its fit, best first (ties by title); a practice transferred
    successfully elsewhere gets a small boost (TRANSFER_BOOST)."""
    pages = candidates(context, include, transferred_only)
    scored = [(page, assess(context, facts(page))) for page in pages]

    def order(item):
        page, fit = item
        boost = TRANSFER_BOOST if page.transferred else 0
        return (-(fit.score + boost), page.title.casefold(), page.pk)

    scored.sort(key=order)
    return [RankedPractice(number, page, fit) for number, (page, fit) in enumerate(scored, 1)]
