"""/finder/ and /finder/api/: ranking, explanations, pre-filling from a practice, errors."""

from decimal import Decimal

import pytest

from kb.models import Assessment, FundingSource, PracticeAdaptation, TargetGroup, Theme
from kb.text import plain_to_html
from tests.factories import PracticePageFactory

EMPLOYMENT = "employment"
HOUSING = "housing-homelessness"
YOUTH = "youth"


def theme(slug):
    return Theme.objects.get(slug=slug)


def group(slug):
    return TargetGroup.objects.get(slug=slug)


def publish(page, funding=(), adaptations=()):
    page.funding_sources.set(FundingSource.objects.filter(slug__in=funding))
    page.adaptations = [
        PracticeAdaptation(place=place, country=code) for place, code in adaptations
    ]
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def practices(partners):
    """Three employment practices: one fits a Polish town of 500,000 well, one is far larger and
    dearer, one states no figures; and a housing practice that shares nothing."""
    fitting = PracticePageFactory(
        parent=partners["brzeziny"],
        title="Tailoring cooperative",
        country="PL",
        population=650_000,
        annual_budget_eur=280_000,
        staff_fte=Decimal("3.0"),
        duration_months=24,
        evidence=plain_to_html("An external evaluation in 2022."),
        themes=[theme(EMPLOYMENT)],
        target_groups=[group("long-term-unemployed")],
    )
    large = PracticePageFactory(
        parent=partners["community-of-madrid-immigration"],
        title="Regional employment tables",
        country="ES",
        population=5_000_000,
        annual_budget_eur=900_000,
        staff_fte=Decimal("12.0"),
        themes=[theme(EMPLOYMENT)],
    )
    silent = PracticePageFactory(
        parent=partners["mechelen"],
        title="Job coaching in the library",
        country="BE",
        themes=[theme(EMPLOYMENT)],
    )
    housing = PracticePageFactory(
        parent=partners["city-of-lodz"],
        title="Housing First",
        country="PL",
        population=650_000,
        themes=[theme(HOUSING)],
        target_groups=[group("homeless-people")],
    )
    return {
        "fitting": publish(
            fitting, funding=["esf-plus", "municipal"], adaptations=[("Łask", "PL")]
        ),
        "large": publish(large, funding=["regional"]),
        "silent": publish(silent),
        "housing": publish(housing),
    }


TOWN = {"country": "PL", "population": "500 000", "budget": "300,000", "theme": EMPLOYMENT}


def titles(response):
    return [item.page.title for item in response.context["ranking"]["results"]]


def test_practices_are_ranked_by_fit(client, practices):
    response = client.get("/finder/", TOWN)
    assert response.status_code == 200
    assert titles(response) == [
        "Tailoring cooperative",
        "Job coaching in the library",
        "Regional employment tables",
    ]
    scores = [item.fit.score for item in response.context["ranking"]["results"]]
    assert scores == sorted(scores, reverse=True)


def test_each_result_explains_what_matches_and_what_differs(client, practices):
    html = client.get("/finder/", TOWN).content.decode()
    for sentence in (
        "Ran in an area of similar size to yours (650,000 inhabitants; yours: 500,000).",
        "Costs about €280,000 a year, within your budget of €300,000.",
        "Runs in your country (Poland).",
        "Adapted in 1 other place: Łask in Poland.",
        "Ran in an area about 10× larger than yours (5,000,000 inhabitants; yours: 500,000).",
        "Costs about €900,000 a year, 3× your budget of €300,000.",
        "Annual budget not stated.",
    ):
        assert sentence in html, sentence
    for heading in ("What matches", "What differs", "Not stated"):
        assert heading in html
    assert 'Fit</span> <strong class="fit__number">' in html
    assert "€280,000" in html and "European Social Fund Plus (ESF+)" in html  # key figures


def test_themes_and_target_groups_narrow_the_candidates(client, practices):
    response = client.get("/finder/", {"target_group": "homeless-people"})
    assert titles(response) == ["Housing First"]
    everything = client.get("/finder/", {"country": "PL"})
    assert len(titles(everything)) == 4


def test_funding_and_staff_take_part_in_the_ranking(client, practices):
    response = client.get(
        "/finder/", {"theme": EMPLOYMENT, "funding": ["regional"], "staff": "12,5"}
    )
    fits = {item.page.title: item.fit for item in response.context["ranking"]["results"]}
    assert (
        "Relies on funding you did not tick: European Social Fund Plus (ESF+) and Municipal budget."
        in (fits["Tailoring cooperative"].differences)
    )
    assert "Relies on funding you said you can use: Regional budget." in (
        fits["Regional employment tables"].matches
    )
    assert "Staff needed not stated." in fits["Job coaching in the library"].unknown


def test_without_criteria_the_page_explains_itself(client, practices):
    for query in ({}, {"country": "", "population": "", "budget": "", "staff": ""}):
        response = client.get("/finder/", query)
        assert response.status_code == 200
        assert response.context["ranking"] is None
        assert "How the finder works" in response.content.decode()


def test_drafts_are_not_ranked(client, practices, partners):
    draft = PracticePageFactory(
        parent=partners["lodzkie-region"], title="Unpublished job club", live=False,
        themes=[theme(EMPLOYMENT)],
    )  # fmt: skip
    assert "Unpublished job club" not in titles(client.get("/finder/", TOWN))
    response = client.get("/finder/", {"practice": draft.pk})
    assert response.status_code == 400
    assert "There is no published practice with this number." in response.content.decode()


# ---------- coming from a practice page ----------


def test_the_practice_page_links_to_the_finder(client, practices):
    page = practices["fitting"]
    html = client.get(page.url).content.decode()
    assert f'href="/finder/?practice={page.pk}"' in html
    assert "Does it fit your town?" in html


def test_practice_prefills_its_themes_and_target_groups_and_comes_first(client, practices):
    page = practices["fitting"]
    response = client.get("/finder/", {"practice": page.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert [t.slug for t in form.cleaned_data["theme"]] == [EMPLOYMENT]
    assert [g.slug for g in form.cleaned_data["target_group"]] == ["long-term-unemployed"]
    html = response.content.decode()
    assert f'value="{EMPLOYMENT}" id="finder-theme_' in html
    assert f'name="practice" value="{page.pk}"' in html  # kept when the visitor refines
    assert "How “Tailoring cooperative” fits your context" in html
    assert response.context["ranking"]["selected"].page == page
    assert "The practice you are checking" in html


def test_a_refined_search_keeps_the_practice_highlighted_even_if_it_shares_nothing(
    client, practices
):
    page = practices["large"]
    response = client.get("/finder/", {**TOWN, "theme": HOUSING, "practice": page.pk})
    assert set(titles(response)) == {"Housing First", "Regional employment tables"}
    selected = response.context["ranking"]["selected"]
    assert selected.page == page
    assert "Works on other themes: Employment and job creation." in selected.fit.differences
    # the visitor's own answers win over the practice's themes
    assert [t.slug for t in response.context["form"].cleaned_data["theme"]] == [HOUSING]


# ---------- errors ----------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"population": "-5"}, "population", "The population must be at least 1."),
        ({"population": "lots"}, "population", "Give the number of inhabitants as a whole number"),
        ({"theme": "no-such-theme"}, "theme", "Unknown value: no-such-theme."),
        ({"country": "XX"}, "country", "Unknown country code: XX."),
        ({"staff": "2.25"}, "staff", "Give at most one decimal, like 2.5."),
        ({"budget": "-1"}, "budget", "The budget cannot be negative."),
    ],
)
def test_bad_input_gets_an_error_summary_linked_to_the_field(client, db, query, field, message):
    response = client.get("/finder/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    anchor = f"finder-{field}_0" if field == "theme" else f"finder-{field}"
    assert f'<a href="#{anchor}">' in html
    assert message in html
    assert f'id="{anchor}"' in html
    assert response.context["ranking"] is None


def test_the_field_with_an_error_points_to_its_message(client, db):
    html = client.get("/finder/", {"population": "-5"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="finder-population_helptext finder-population_error"' in html
    assert 'value="-5"' in html  # what the visitor typed stays in the box


def test_country_codes_are_accepted_in_lower_case(client, db):
    response = client.get("/finder/", {"country": "pl"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["country"] == "PL"


# ---------- JSON ----------


def test_json_gives_the_same_ranking_with_explanations(client, practices):
    response = client.get("/finder/api/", TOWN)
    assert response.status_code == 200
    data = response.json()
    assert data["params"] == {
        "country": "PL",
        "population": 500_000,
        "budget": 300_000,
        "staff": None,
        "theme": [EMPLOYMENT],
        "target_group": [],
        "funding": [],
        "practice": None,
        "transferred": False,
    }
    assert data["count"] == 3 and data["page"] == 1 and data["pages"] == 1
    first = data["results"][0]
    page = practices["fitting"]
    assert first["id"] == page.pk
    assert first["title"] == "Tailoring cooperative"
    assert first["url"] == f"http://testserver{page.url}"
    assert first["partner"] == {"slug": "brzeziny", "name": page.get_parent().title}
    assert first["country"] == "PL"
    assert first["score"] == max(r["score"] for r in data["results"])
    assert "Runs in your country (Poland)." in first["matches"]
    assert first["figures"] == {
        "population": 650_000,
        "annual_budget_eur": 280_000,
        "cost_per_beneficiary_eur": None,
        "staff_fte": 3.0,
        "duration_months": 24,
        "funding_sources": ["esf-plus", "municipal"],
    }
    last = data["results"][-1]
    assert "Costs about €900,000 a year, 3× your budget of €300,000." in last["differences"]
    silent = data["results"][1]
    assert "Annual budget not stated." in silent["unknown"]
    assert {c["key"] for c in first["criteria"]} >= {"themes", "scale", "budget", "country"}


def test_json_marks_the_selected_practice(client, practices):
    page = practices["silent"]
    data = client.get("/finder/api/", {"practice": page.pk}).json()
    assert data["params"]["theme"] == [EMPLOYMENT]
    assert [r["id"] for r in data["results"] if r["selected"]] == [page.pk]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"population": "-5"}, {"population": "The population must be at least 1."}),
        ({"theme": "no-such-theme"}, {"theme": "Unknown value: no-such-theme."}),
        (
            {"country": "XX", "target_group": "martians"},
            {
                "country": "Unknown country code: XX. Use a code such as PL or BE.",
                "target_group": "Unknown value: martians.",
            },
        ),
        ({"practice": "abc"}, {"practice": "There is no published practice with this number."}),
    ],
)
def test_json_bad_input_is_a_400_with_a_message_per_parameter(client, db, query, errors):
    response = client.get("/finder/api/", query)
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid parameters.", "errors": errors}


def test_json_needs_at_least_one_criterion_and_a_page_in_range(client, practices):
    response = client.get("/finder/api/")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Give at least one of: country, population")
    response = client.get("/finder/api/", {"country": "PL", "page": "2"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"page": "Page 2 is out of range: there are 1 pages."}


# ---------- paging and cost ----------


def test_results_are_paged_with_links_that_keep_the_context(client, practices, monkeypatch):
    monkeypatch.setattr("finder.views.PAGE_SIZE", 2)  # 20 in real life
    query = {"population": "500000", "theme": EMPLOYMENT}
    response = client.get("/finder/", query)
    results = response.context["ranking"]["results"]
    assert len(results) == 2 and results.paginator.count == 3
    html = response.content.decode()
    assert f'href="/finder/?population=500000&amp;theme={EMPLOYMENT}&amp;page=2"' in html
    assert "Showing 1–2 of 3" in html
    second = client.get("/finder/", {**query, "page": 2})
    assert [item.rank for item in second.context["ranking"]["results"]] == [3]
    assert 'rel="prev"' in second.content.decode()
    # a page past the end shows the last one
    assert client.get("/finder/", {**query, "page": 9}).context["ranking"]["results"].number == 2


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, practices, partners, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        client.get("/finder/", TOWN)
    for number in range(5):
        page = PracticePageFactory(
            parent=partners["rogow"], title=f"More {number}", themes=[theme(EMPLOYMENT)]
        )
        Assessment.objects.create(
            practice=page, label="good", **{f"{key}_score": 3 for key in CRITERIA_KEYS},
            **{f"{key}_note": "ok" for key in CRITERIA_KEYS},
        )  # fmt: skip
        publish(page, funding=["national"], adaptations=[("Kutno", "PL")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/finder/", TOWN)
    assert response.context["ranking"]["count"] == 8


CRITERIA_KEYS = (
    "relevance",
    "evidence",
    "impact",
    "transferability",
    "sustainability",
    "participation",
    "innovation",
)
