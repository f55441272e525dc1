"""The scoring rules of the finder (finder.fit): points, kinds and the sentences people read."""

from decimal import Decimal

import pytest

from finder.fit import UNKNOWN_POINTS, Context, Kind, PracticeFacts, assess

ESF = {"esf-plus": "European Social Fund Plus (ESF+)"}
MUNICIPAL = {"municipal": "Municipal budget"}


def criterion(context: Context, practice: PracticeFacts, key: str):
    found = [c for c in assess(context, practice).criteria if c.key == key]
    return found[0] if found else None


# ---------- scale ----------


def test_a_ten_times_larger_area_is_a_difference_and_scores_below_a_similar_one():
    town = Context(population=500_000)
    larger = criterion(town, PracticeFacts(population=5_000_000), "scale")
    similar = criterion(town, PracticeFacts(population=650_000), "scale")

    assert larger.kind == Kind.DIFFERENCE
    assert larger.sentence == (
        "Ran in an area about 10× larger than yours (5,000,000 inhabitants; yours: 500,000)."
    )
    assert similar.kind == Kind.MATCH
    assert similar.sentence == (
        "Ran in an area of similar size to yours (650,000 inhabitants; yours: 500,000)."
    )
    assert larger.points < UNKNOWN_POINTS < similar.points <= 1


def test_a_smaller_area_says_how_many_times_smaller():
    scale = criterion(Context(population=100_000), PracticeFacts(population=40_000), "scale")
    assert scale.kind == Kind.DIFFERENCE
    assert "about 2.5× smaller than yours (40,000 inhabitants; yours: 100,000)" in scale.sentence


def test_scale_falls_with_the_size_ratio_in_both_directions():
    town = Context(population=100_000)
    points = [
        criterion(town, PracticeFacts(population=p), "scale").points
        for p in (100_000, 300_000, 3_000_000, 30_000_000)
    ]
    assert points == sorted(points, reverse=True)
    assert points[0] == 1 and points[-1] == 0
    larger = criterion(town, PracticeFacts(population=400_000), "scale").points
    smaller = criterion(town, PracticeFacts(population=25_000), "scale").points
    assert larger == pytest.approx(smaller)


def test_an_unstated_population_is_unknown_not_a_mismatch():
    scale = criterion(Context(population=500_000), PracticeFacts(), "scale")
    assert scale.kind == Kind.UNKNOWN
    assert scale.sentence == "Population of the area not stated."
    assert scale.points == UNKNOWN_POINTS


# ---------- budget ----------


def test_a_practice_within_the_budget_matches():
    budget = criterion(
        Context(budget_eur=300_000), PracticeFacts(annual_budget_eur=280_000), "budget"
    )
    assert budget.kind == Kind.MATCH
    assert budget.points == 1
    assert budget.sentence == "Costs about €280,000 a year, within your budget of €300,000."


def test_a_practice_over_the_budget_says_by_how_much():
    town = Context(budget_eur=300_000)
    three_times = criterion(town, PracticeFacts(annual_budget_eur=900_000), "budget")
    a_little = criterion(town, PracticeFacts(annual_budget_eur=360_000), "budget")

    assert three_times.kind == a_little.kind == Kind.DIFFERENCE
    assert three_times.sentence == "Costs about €900,000 a year, 3× your budget of €300,000."
    assert (
        a_little.sentence == "Costs about €360,000 a year, 20% more than your budget of €300,000."
    )
    assert three_times.points < UNKNOWN_POINTS < a_little.points < 1


def test_an_unstated_budget_is_unknown_and_mentions_the_cost_per_beneficiary():
    town = Context(budget_eur=300_000)
    bare = criterion(town, PracticeFacts(), "budget")
    with_unit_cost = criterion(
        town, PracticeFacts(cost_per_beneficiary_eur=Decimal("1200.00")), "budget"
    )
    assert bare.kind == with_unit_cost.kind == Kind.UNKNOWN
    assert bare.sentence == "Annual budget not stated."
    assert with_unit_cost.sentence == (
        "Annual budget not stated; it costs about €1,200 per beneficiary."
    )


def test_no_budget_at_all_against_a_costly_practice():
    budget = criterion(Context(budget_eur=0), PracticeFacts(annual_budget_eur=50_000), "budget")
    assert budget.kind == Kind.DIFFERENCE and budget.points == 0
    assert "you have no budget set aside" in budget.sentence


# ---------- funding, staff, country ----------


def test_funding_the_visitor_did_not_tick_is_a_difference():
    practice = PracticeFacts(funding={**ESF, **MUNICIPAL})
    partly = criterion(Context(funding=frozenset({"municipal"})), practice, "funding")
    fully = criterion(Context(funding=frozenset({"municipal", "esf-plus"})), practice, "funding")
    not_at_all = criterion(Context(funding=frozenset({"private"})), practice, "funding")

    assert partly.kind == Kind.DIFFERENCE
    assert partly.sentence == (
        "Relies on funding you did not tick: European Social Fund Plus (ESF+); "
        "you can use Municipal budget."
    )
    assert fully.kind == Kind.MATCH
    assert fully.sentence == (
        "Relies on funding you said you can use: European Social Fund Plus (ESF+) and "
        "Municipal budget."
    )
    assert not_at_all.points == 0 < partly.points < fully.points == 1


def test_funding_is_only_compared_when_the_visitor_ticked_some():
    assert criterion(Context(population=1000), PracticeFacts(funding=ESF), "funding") is None
    unknown = criterion(Context(funding=frozenset({"esf-plus"})), PracticeFacts(), "funding")
    assert unknown.kind == Kind.UNKNOWN and unknown.sentence == "Funding sources not stated."


def test_staff_needed_against_staff_available():
    practice = PracticeFacts(staff_fte=Decimal("4.0"))
    enough = criterion(Context(staff_fte=Decimal("5")), practice, "staff")
    short = criterion(Context(staff_fte=Decimal("2")), practice, "staff")
    assert enough.kind == Kind.MATCH
    assert enough.sentence == "Needs a team of 4 full-time equivalent, within the 5 you can assign."
    assert short.kind == Kind.DIFFERENCE
    assert short.sentence == (
        "Needs a team of 4 full-time equivalent, more than the 2 you can assign."
    )
    assert short.points == 0.5
    half = criterion(
        Context(staff_fte=Decimal("1")), PracticeFacts(staff_fte=Decimal("2.5")), "staff"
    )
    assert "a team of 2.5 full-time equivalent" in half.sentence


def test_country_same_other_and_unstated():
    poland = Context(country="PL")
    same = criterion(poland, PracticeFacts(country="PL"), "country")
    other = criterion(poland, PracticeFacts(country="ES"), "country")
    unstated = criterion(poland, PracticeFacts(), "country")
    assert (same.kind, same.sentence) == (Kind.MATCH, "Runs in your country (Poland).")
    assert other.kind == Kind.DIFFERENCE
    assert other.sentence.startswith("Runs in Spain: check how its national rules")
    assert unstated.kind == Kind.UNKNOWN
    assert same.points > unstated.points > other.points


# ---------- themes and target groups ----------


def test_theme_overlap_all_some_and_none():
    practice = PracticeFacts(themes={"employment": "Employment", "housing": "Housing"})
    both = criterion(Context(themes=frozenset({"employment", "housing"})), practice, "themes")
    one_of_two = criterion(Context(themes=frozenset({"employment", "health"})), practice, "themes")
    none = criterion(Context(themes=frozenset({"health"})), practice, "themes")

    assert both.sentence == "Works on your themes: Employment and Housing."
    assert one_of_two.sentence == "Works on 1 of your 2 themes: Employment."
    assert both.kind == one_of_two.kind == Kind.MATCH
    assert none.kind == Kind.DIFFERENCE
    assert none.sentence == "Works on other themes: Employment and Housing."
    assert both.points > one_of_two.points > none.points == 0


def test_target_group_overlap():
    practice = PracticeFacts(target_groups={"roma": "Roma", "youth": "Young people"})
    some = criterion(
        Context(target_groups=frozenset({"roma", "older-people"})), practice, "target_groups"
    )
    assert some.kind == Kind.MATCH
    assert some.sentence == "Reaches 1 of your 2 target groups: Roma."


# ---------- what always counts ----------


def test_adaptations_assessment_and_evidence_always_count():
    proven = PracticeFacts(
        adaptations=(("Gdańsk", "PL"), ("Kortrijk", "BE"), ("Valencia", ""), ("Split", "HR")),
        label="good",
        label_name="Good practice",
        has_evidence=True,
    )
    fit = assess(Context(country="PL"), proven)
    assert fit.matches == [
        "Adapted in 4 other places: Gdańsk in Poland, Kortrijk in Belgium, Valencia and 1 more.",
        "Rated “Good practice” by the expert panel.",
        "Describes how its results were evaluated.",
    ]
    bare = assess(Context(country="PL"), PracticeFacts(country="PL"))
    assert bare.unknown == [
        "No adaptations elsewhere recorded.",
        "Not assessed by the expert panel yet.",
        "No evaluation of its results described.",
    ]
    assert fit.score > bare.score


# ---------- the score ----------


def test_only_what_the_visitor_said_is_compared():
    practice = PracticeFacts(country="PL", population=5_000_000, annual_budget_eur=9_000_000)
    keys = [c.key for c in assess(Context(country="PL"), practice).criteria]
    assert keys == ["country", "adaptations", "assessment", "evidence"]


def test_the_score_is_the_weighted_mean_from_0_to_100():
    town = Context(country="PL", population=500_000, budget_eur=300_000)
    perfect = PracticeFacts(
        country="PL",
        population=500_000,
        annual_budget_eur=200_000,
        adaptations=(("Gdańsk", "PL"),),
        label="best",
        label_name="Best practice",
        has_evidence=True,
    )
    assert assess(town, perfect).score == 100
    # budget (weight 2) unknown: 0.5 of its points lost -> 1 / (2 + 2 + 1 + 1.5) of the total
    unstated_budget = PracticeFacts(**{**perfect.__dict__, "annual_budget_eur": None})
    assert assess(town, unstated_budget).score == round(100 * (1 - 1 / 6.5))


def test_missing_figures_rank_between_a_good_and_a_poor_fit():
    town = Context(country="PL", population=500_000, budget_eur=300_000, staff_fte=Decimal(2))
    good = PracticeFacts(
        country="PL", population=450_000, annual_budget_eur=250_000, staff_fte=Decimal(2)
    )
    silent = PracticeFacts(country="PL")
    poor = PracticeFacts(
        country="PL", population=9_000_000, annual_budget_eur=2_000_000, staff_fte=Decimal(12)
    )
    scores = [assess(town, p).score for p in (good, silent, poor)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3


def test_an_empty_context_is_empty():
    assert Context().is_empty
    assert not Context(budget_eur=0).is_empty
    assert not Context(themes=frozenset({"housing"})).is_empty
