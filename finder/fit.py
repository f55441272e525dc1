"""How well a practice fits a visitor's context, explained criterion by criterion.

Each rule compares one aspect (themes, scale, budget ...) and returns a `Criterion`: points from 0
to 1, the aspect's weight, one plain sentence and its kind (matches, differs, not stated). The fit
score is the weighted mean of the points of the rules that apply, from 0 to 100. A rule applies
when the visitor said something about its aspect; the last three (adaptations, expert assessment,
evidence) always apply. A figure the practice does not state scores UNKNOWN_POINTS: less than a
match, more than a clear mismatch.

Pure Python: `finder.ranking` builds the `PracticeFacts` from the database.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django_countries import countries

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# How much each aspect counts in the score.
WEIGHTS = {
    "themes": 3,
    "target_groups": 3,
    "scale": 2,
    "budget": 2,
    "funding": 1.5,
    "staff": 1,
    "country": 1,
    "adaptations": 0.5,
    "assessment": 0.5,
    "evidence": 0.5,
}
UNKNOWN_POINTS = 0.5
SIMILAR_SIZE = 2  # populations within a factor 2 count as "similar size"
SCALE_ZERO_AT = 30  # an area 30 times larger or smaller gets no points for scale
BUDGET_ZERO_AT = 4  # a practice costing 4 times the visitor's budget gets no points for budget
OTHER_COUNTRY_POINTS = 0.4
LABEL_POINTS = {"best": 1.0, "good": 0.9, "promising": 0.7}
PLACES_LISTED = 3


class Kind(StrEnum):
    MATCH = "match"
    DIFFERENCE = "difference"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Context:
    """What the visitor told us about their municipality or region. Everything is optional."""

    country: str = ""  # ISO 3166-1 alpha-2
    population: int | None = None
    budget_eur: int | None = None
    themes: frozenset[str] = frozenset()  # slugs
    target_groups: frozenset[str] = frozenset()
    funding: frozenset[str] = frozenset()  # funding sources the visitor can use
    staff_fte: Decimal | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.country
            or self.population
            or self.budget_eur is not None
            or self.themes
            or self.target_groups
            or self.funding
            or self.staff_fte is not None
        )


@dataclass(frozen=True)
class PracticeFacts:
    """The figures of one practice that the rules compare."""

    country: str = ""
    population: int | None = None
    annual_budget_eur: int | None = None
    cost_per_beneficiary_eur: Decimal | None = None
    staff_fte: Decimal | None = None
    themes: Mapping[str, str] = field(default_factory=dict)  # slug -> name
    target_groups: Mapping[str, str] = field(default_factory=dict)
    funding: Mapping[str, str] = field(default_factory=dict)
    adaptations: tuple[tuple[str, str], ...] = ()  # (place, country code or "")
    label: str = ""  # the expert panel's label: promising, good, best
    label_name: str = ""
    has_evidence: bool = False


@dataclass(frozen=True)
class Criterion:
    key: str
    points: float
    weight: float
    sentence: str
    kind: Kind


@dataclass(frozen=True)
class Fit:
    criteria: tuple[Criterion, ...]

    @property
    def score(self) -> int:
        total = sum(c.weight for c in self.criteria)
        if not total:
            return 0
        return round(100 * sum(c.points * c.weight for c in self.criteria) / total)

    def sentences(self, kind: Kind) -> list[str]:
        return [c.sentence for c in self.criteria if c.kind == kind]

    @property
    def matches(self) -> list[str]:
        return self.sentences(Kind.MATCH)

    @property
    def differences(self) -> list[str]:
        return self.sentences(Kind.DIFFERENCE)

    @property
    def unknown(self) -> list[str]:
        return self.sentences(Kind.UNKNOWN)


def match(key: str, sentence: str, points: float = 1.0) -> Criterion:
    return Criterion(key, points, WEIGHTS[key], sentence, Kind.MATCH)


def difference(key: str, sentence: str, points: float) -> Criterion:
    return Criterion(key, points, WEIGHTS[key], sentence, Kind.DIFFERENCE)


def unknown(key: str, sentence: str) -> Criterion:
    return Criterion(key, UNKNOWN_POINTS, WEIGHTS[key], sentence, Kind.UNKNOWN)


# ---------- formatting ----------


def euros(amount: int | Decimal) -> str:
    return _("€%(amount)s") % {"amount": intcomma(round(amount))}


def decimal(value: Decimal | float) -> str:
    """2.5 -> "2.5", 4.0 -> "4", in the active language's number format."""
    value = round(Decimal(str(value)), 1)
    return number_format(value, decimal_pos=0 if value == value.to_integral() else 1)


def times(ratio: float) -> str:
    """One decimal below 10 (2.5), whole numbers from 10 (12, 1,500)."""
    return decimal(ratio) if ratio < 10 else intcomma(round(ratio))


def names(values: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c" (translatable)."""
    return get_text_list(list(values), _("and"))


def closeness(ratio: float, zero_at: float) -> float:
    """1 when the ratio is 1, falling with its logarithm to 0 at zero_at (or 1 / zero_at)."""
    return max(0.0, 1 - abs(math.log(ratio)) / math.log(zero_at))


# ---------- the rules ----------

Rule = Callable[["Context", "PracticeFacts"], Criterion | None]


def themes(context: Context, practice: PracticeFacts) -> Criterion | None:
    if not context.themes:
        return None
    if not practice.themes:
        return unknown("themes", _("Themes not stated."))
    shared = [name for slug, name in practice.themes.items() if slug in context.themes]
    total = len(context.themes)
    values = {"names": names(shared), "count": len(shared), "total": total}
    if not shared:
        sentence = _("Works on other themes: %(names)s.")
        return difference("themes", sentence % {"names": names(practice.themes.values())}, 0.0)
    if len(shared) == total:
        sentence = _("Works on your themes: %(names)s.")
    else:
        sentence = ngettext(
            "Works on %(count)s of your %(total)s theme: %(names)s.",
            "Works on %(count)s of your %(total)s themes: %(names)s.",
            total,
        )
    return match("themes", sentence % values, overlap_points(len(shared), total))


def target_groups(context: Context, practice: PracticeFacts) -> Criterion | None:
    if not context.target_groups:
        return None
    if not practice.target_groups:
        return unknown("target_groups", _("Target groups not stated."))
    shared = [
        name for slug, name in practice.target_groups.items() if slug in context.target_groups
    ]
    total = len(context.target_groups)
    values = {"names": names(shared), "count": len(shared), "total": total}
    if not shared:
        sentence = _("Is for other target groups: %(names)s.")
        others = names(practice.target_groups.values())
        return difference("target_groups", sentence % {"names": others}, 0.0)
    if len(shared) == total:
        sentence = _("Reaches your target groups: %(names)s.")
    else:
        sentence = ngettext(
            "Reaches %(count)s of your %(total)s target group: %(names)s.",
            "Reaches %(count)s of your %(total)s target groups: %(names)s.",
            total,
        )
    return match("target_groups", sentence % values, overlap_points(len(shared), total))


def overlap_points(shared: int, wanted: int) -> float:
    """Sharing one of the visitor's themes already makes a practice relevant; all of them, more."""
    return 0.6 + 0.4 * shared / wanted


def scale(context: Context, practice: PracticeFacts) -> Criterion | None:
    if not context.population:
        return None
    if not practice.population:
        return unknown("scale", _("Population of the area not stated."))
    ratio = practice.population / context.population
    points = closeness(ratio, SCALE_ZERO_AT)
    values = {"theirs": intcomma(practice.population), "yours": intcomma(context.population)}
    if 1 / SIMILAR_SIZE <= ratio <= SIMILAR_SIZE:
        sentence = _(
            "Ran in an area of similar size to yours (%(theirs)s inhabitants; yours: %(yours)s)."
        )
        return match("scale", sentence % values, points)
    if ratio > 1:
        sentence = _(
            "Ran in an area about %(times)s× larger than yours "
            "(%(theirs)s inhabitants; yours: %(yours)s)."
        )
        values["times"] = times(ratio)
    else:
        sentence = _(
            "Ran in an area about %(times)s× smaller than yours "
            "(%(theirs)s inhabitants; yours: %(yours)s)."
        )
        values["times"] = times(1 / ratio)
    return difference("scale", sentence % values, points)


def budget(context: Context, practice: PracticeFacts) -> Criterion | None:
    if context.budget_eur is None:
        return None
    cost = practice.annual_budget_eur
    if cost is None:
        if practice.cost_per_beneficiary_eur is None:
            return unknown("budget", _("Annual budget not stated."))
        sentence = _("Annual budget not stated; it costs about %(cost)s per beneficiary.")
        return unknown("budget", sentence % {"cost": euros(practice.cost_per_beneficiary_eur)})
    values = {"cost": euros(cost), "budget": euros(context.budget_eur)}
    if cost <= context.budget_eur:
        sentence = _("Costs about %(cost)s a year, within your budget of %(budget)s.")
        return match("budget", sentence % values)
    if not context.budget_eur:
        sentence = _("Costs about %(cost)s a year; you have no budget set aside.")
        return difference("budget", sentence % values, 0.0)
    ratio = cost / context.budget_eur
    if ratio < 1.5:
        sentence = _(
            "Costs about %(cost)s a year, %(percent)s%% more than your budget of %(budget)s."
        )
        values["percent"] = max(1, round(100 * (ratio - 1)))
    else:
        sentence = _("Costs about %(cost)s a year, %(times)s× your budget of %(budget)s.")
        values["times"] = times(ratio)
    return difference("budget", sentence % values, closeness(ratio, BUDGET_ZERO_AT))


def funding(context: Context, practice: PracticeFacts) -> Criterion | None:
    if not context.funding:
        return None
    if not practice.funding:
        return unknown("funding", _("Funding sources not stated."))
    usable = [name for slug, name in practice.funding.items() if slug in context.funding]
    lacking = [name for slug, name in practice.funding.items() if slug not in context.funding]
    if not lacking:
        sentence = _("Relies on funding you said you can use: %(usable)s.")
        return match("funding", sentence % {"usable": names(usable)})
    if usable:
        sentence = _("Relies on funding you did not tick: %(lacking)s; you can use %(usable)s.")
    else:
        sentence = _("Relies on funding you did not tick: %(lacking)s.")
    values = {"lacking": names(lacking), "usable": names(usable)}
    return difference("funding", sentence % values, len(usable) / len(practice.funding))


def staff(context: Context, practice: PracticeFacts) -> Criterion | None:
    if context.staff_fte is None:
        return None
    needed = practice.staff_fte
    if needed is None:
        return unknown("staff", _("Staff needed not stated."))
    if not needed:
        return match("staff", _("Runs without paid staff."))
    values = {"needed": decimal(needed), "yours": decimal(context.staff_fte)}
    if needed <= context.staff_fte:
        sentence = _(
            "Needs a team of %(needed)s full-time equivalent, within the %(yours)s you can assign."
        )
        return match("staff", sentence % values)
    sentence = _(
        "Needs a team of %(needed)s full-time equivalent, more than the %(yours)s you can assign."
    )
    return difference("staff", sentence % values, float(context.staff_fte / needed))


def country(context: Context, practice: PracticeFacts) -> Criterion | None:
    if not context.country:
        return None
    if not practice.country:
        return unknown("country", _("Country not stated."))
    values = {"country": countries.name(practice.country)}
    if practice.country == context.country:
        return match("country", _("Runs in your country (%(country)s).") % values)
    sentence = _("Runs in %(country)s: check how its national rules and funding differ from yours.")
    return difference("country", sentence % values, OTHER_COUNTRY_POINTS)


def adaptations(context: Context, practice: PracticeFacts) -> Criterion:
    count = len(practice.adaptations)
    if not count:
        return unknown("adaptations", _("No adaptations elsewhere recorded."))
    places = [
        _("%(place)s in %(country)s") % {"place": place, "country": countries.name(code)}
        if code
        else place
        for place, code in practice.adaptations[:PLACES_LISTED]
    ]
    if count > PLACES_LISTED:
        more = count - PLACES_LISTED
        places.append(ngettext("%(count)s more", "%(count)s more", more) % {"count": more})
    sentence = ngettext(
        "Adapted in %(count)s other place: %(places)s.",
        "Adapted in %(count)s other places: %(places)s.",
        count,
    )
    return match("adaptations", sentence % {"count": count, "places": names(places)})


def assessment(context: Context, practice: PracticeFacts) -> Criterion:
    if not practice.label:
        return unknown("assessment", _("Not assessed by the expert panel yet."))
    sentence = _("Rated “%(label)s” by the expert panel.") % {"label": practice.label_name}
    return match("assessment", sentence, LABEL_POINTS.get(practice.label, UNKNOWN_POINTS))


def evidence(context: Context, practice: PracticeFacts) -> Criterion:
    if not practice.has_evidence:
        return unknown("evidence", _("No evaluation of its results described."))
    return match("evidence", _("Describes how its results were evaluated."))


# In the order their sentences are shown: what matters most first.
RULES: tuple[Rule, ...] = (
    themes,
    target_groups,
    scale,
    budget,
    funding,
    staff,
    country,
    adaptations,
    assessment,
    evidence,
)


def assess(context: Context, practice: PracticeFacts) -> Fit:
    return Fit(tuple(c for rule in RULES if (c := rule(context, practice)) is not None))
