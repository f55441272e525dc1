"""One behaviour suite for every engine: PostgreSQL, Elasticsearch and OpenSearch.

The `engine` fixture (tests/search/conftest.py) runs each test on each engine; Elasticsearch and
OpenSearch run on osmem-server, an in-memory stand-in, unless ELASTICSEARCH_URL/OPENSEARCH_URL
point at real servers.
"""

import pytest

from kb.models import ActivityType, TargetGroup, Theme
from kb.text import plain_to_html
from search.embeddings import embed_query
from search.engines.base import MARK_END, MARK_START, MEANING, SearchRequest
from search.query import parse_query, query_text
from search.synonyms import seed_synonyms
from tests.factories import PracticePageFactory


def practice(partner, title, *, summary="", results="", themes=(), groups=(), activities=(),
             country="PL", year=2018, **fields):  # fmt: skip
    page = PracticePageFactory(
        parent=partner,
        title=title,
        summary=summary or f"About {title.lower()}.",
        problem=plain_to_html(fields.pop("problem", "A local need was not met.")),
        approach=plain_to_html(fields.pop("approach", "A team of staff and volunteers.")),
        results=plain_to_html(results),
        country=country,
        start_year=year,
        themes=[Theme.objects.get(slug=s) for s in themes],
        target_groups=[TargetGroup.objects.get(slug=s) for s in groups],
        **fields,
    )
    page.activity_types.set([ActivityType.objects.get(slug=s) for s in activities])
    page.save_revision().publish()
    return page


@pytest.fixture
def corpus(partners, indexed):
    seed_synonyms()
    p = partners
    pages = {
        "coop": practice(p["brzeziny"], "Social cooperative running school canteens",
                         summary="A social cooperative of unemployed women cooks school meals.",
                         themes=["social-economy", "employment"], groups=["long-term-unemployed"],
                         activities=["workshop"], year=2015),
        "garden": practice(p["lyaskovets"], "Market garden enterprise",
                           summary="Vegetables grown by people with disabilities.",
                           results="Twelve cooperatives in the region copied the model.",
                           themes=["social-economy", "disability-inclusion"],
                           groups=["people-with-disabilities"], country="BG", year=2019),
        "seniors": practice(p["lalrg"], "Neighbourhood hubs for older people",
                            summary="Drop-in hubs against loneliness of older people.",
                            themes=["active-ageing"], groups=["older-people"], country="LV",
                            year=2021),
        "elderly": practice(p["kraslava"], "Home visits to the elderly",
                            summary="Volunteers visit elderly residents living alone.",
                            themes=["active-ageing", "civic-participation"],
                            groups=["older-people", "volunteers"], country="LV", year=2012),
        "housing": practice(p["wsx-enterprise"], "Housing First for rough sleepers",
                            summary="Flats first, then support, for people sleeping rough.",
                            themes=["housing-homelessness"], groups=["homeless-people"],
                            country="GB", year=2020),
        "youth": practice(p["local-councils-association-malta"], "Youth guarantee outreach",
                          summary="Street outreach to young people who left school.",
                          themes=["youth-inclusion", "employment"], groups=["neet"],
                          country="MT", year=2017),
    }  # fmt: skip
    indexed(*pages.values())
    return pages


def search(engine, q="", *, semantic=False, **kwargs):
    """The engine's answer to `q`; with `semantic`, given the query's embedding as
    search/service.py gives it."""
    query = parse_query(q)
    embedding = embed_query(query_text(query)) if semantic and not query.is_empty else None
    return engine.search(SearchRequest(query=query, embedding=embedding, **kwargs))


def ids(result):
    return [hit.page_id for hit in result.hits]


def test_words_find_practices_ranked_by_relevance(engine, corpus):
    result = search(engine, "cooperative")
    # a match in the title and summary outranks a match deep in the results text
    assert ids(result)[:2] == [corpus["coop"].pk, corpus["garden"].pk]
    assert result.total == 2
    assert result.hits[0].score > result.hits[1].score > 0


def test_inflected_forms_match(engine, corpus):
    assert corpus["coop"].pk in ids(search(engine, "cooperatives"))
    assert corpus["garden"].pk in ids(search(engine, "disability"))


@pytest.mark.parametrize(("typed", "key"), [("disabilty", "garden"), ("homeles", "housing")])
def test_misspellings_still_find_the_practice(engine, corpus, typed, key):
    result = search(engine, typed)
    assert corpus[key].pk in ids(result)


def test_spelling_correction_is_reported(corpus):
    assert parse_query("disabilty").corrected == "disability"
    assert parse_query("disability").corrected is None


def test_synonyms_work_in_both_directions(engine, corpus):
    for q in ("elderly", "older people", "seniors"):
        found = set(ids(search(engine, q)))
        assert {corpus["seniors"].pk, corpus["elderly"].pk} <= found, q
    for q in ("rough sleepers", "homeless"):
        assert corpus["housing"].pk in ids(search(engine, q)), q


def test_practices_matching_more_of_the_words_rank_first(engine, corpus):
    """Ranked, not strict: a practice matching every word comes before one matching some."""
    result = search(engine, "cooperative canteens")
    assert ids(result)[:2] == [corpus["coop"].pk, corpus["garden"].pk]
    assert result.total == 2


def test_a_sentence_finds_what_matches_most_of_it(engine, corpus):
    result = search(engine, "how can volunteers visit elderly residents who live alone")
    assert ids(result)[0] == corpus["elderly"].pk
    assert result.total >= 1


def test_a_quoted_phrase_must_match_as_written(engine, corpus):
    assert ids(search(engine, '"housing first"')) == [corpus["housing"].pk]
    assert ids(search(engine, '"first housing"')) == []
    # a phrase and a word: the phrase is required, the word ranks
    assert ids(search(engine, '"school meals" cooperative')) == [corpus["coop"].pk]


def test_a_minus_word_excludes(engine, corpus):
    found = set(ids(search(engine, "cooperative -vegetables")))
    assert found == {corpus["coop"].pk}
    found = set(ids(search(engine, 'older people -"living alone"')))
    assert corpus["elderly"].pk not in found and corpus["seniors"].pk in found


def test_nothing_found_is_an_empty_result_not_an_error(engine, corpus):
    result = search(engine, "zebra xylophone")
    assert result.total == 0 and result.hits == []


def test_facets_or_within_and_across_with_counts(engine, corpus):
    both = search(engine, filters={"country": ("LV", "GB")})
    assert set(ids(both)) == {corpus["seniors"].pk, corpus["elderly"].pk, corpus["housing"].pk}
    narrowed = search(engine, filters={"country": ("LV", "GB"), "theme": ("civic-participation",)})
    assert ids(narrowed) == [corpus["elderly"].pk]
    facets = narrowed.facets
    # each facet is counted with the other facets' filters, not its own
    assert facets["country"] == {"LV": 1}
    assert facets["theme"]["active-ageing"] == 2 and facets["theme"]["housing-homelessness"] == 1
    assert facets["target_group"] == {"older-people": 1, "volunteers": 1}
    assert facets["partner"] == {"kraslava": 1}


def test_facet_counts_cover_every_facet(engine, corpus):
    facets = search(engine, "cooperative").facets
    assert facets["theme"] == {"social-economy": 2, "employment": 1, "disability-inclusion": 1}
    assert facets["country"] == {"PL": 1, "BG": 1}
    assert facets["activity"] == {"workshop": 1}
    assert facets["org_type"] == {}
    assert facets["target_group"] == {"long-term-unemployed": 1, "people-with-disabilities": 1}


def test_year_range(engine, corpus):
    result = search(engine, year_from=2018, year_to=2020)
    assert set(ids(result)) == {corpus["garden"].pk, corpus["housing"].pk}


def test_sort_and_pagination(engine, corpus):
    by_title = search(engine, sort="title", page_size=4)
    assert by_title.total == 6 and len(by_title.hits) == 4
    page_two = search(engine, sort="title", page_size=4, page=2)
    titles = [p.title for p in sorted(corpus.values(), key=lambda p: p.title.lower())]
    by_id = {p.pk: p.title for p in corpus.values()}
    assert [by_id[i] for i in ids(by_title) + ids(page_two)] == titles
    newest = search(engine, sort="newest")
    for page in corpus.values():
        page.refresh_from_db()
    published = sorted(corpus.values(), key=lambda p: p.first_published_at, reverse=True)
    assert ids(newest) == [p.pk for p in published]


def test_snippets_mark_the_query_words(engine, corpus):
    [hit] = search(engine, "meals").hits  # a word of the summary
    assert f"{MARK_START}meals{MARK_END}" in hit.snippet


def test_suggestions_complete_titles(engine, corpus):
    suggestions = engine.suggest_titles("hous", 5)
    assert (corpus["housing"].pk, "Housing First for rough sleepers") in suggestions
    assert engine.suggest_titles("zzz", 5) == []


def test_similar_practices_never_include_the_practice_itself(engine, corpus):
    similar = engine.similar(corpus["seniors"].pk, 4)
    assert corpus["seniors"].pk not in similar
    assert similar[0] == corpus["elderly"].pk  # same theme, same target group, same country
    assert 1 <= len(similar) <= 4


def test_unpublished_and_removed_practices_leave_the_index(engine, corpus, indexed):
    corpus["youth"].unpublish()
    indexed(corpus["youth"])
    assert corpus["youth"].pk not in ids(search(engine, "outreach"))
    engine.remove_pages([corpus["coop"].pk])
    indexed()
    assert corpus["coop"].pk not in engine.indexed_ids()
    assert engine.indexed_ids() == {p.pk for k, p in corpus.items() if k not in ("youth", "coop")}


def test_the_panels_label_is_a_facet(engine, corpus, indexed):
    from kb.models import Assessment
    from kb.models.assessments import CRITERIA

    scores = {f"{key}_score": 4 for key in CRITERIA} | {f"{key}_note": "Solid." for key in CRITERIA}
    Assessment.objects.create(practice=corpus["coop"], label="good", **scores)
    indexed(corpus["coop"])
    result = search(engine, filters={"label": ("good",)})
    assert ids(result) == [corpus["coop"].pk]
    assert search(engine).facets["label"] == {"good": 1}


@pytest.fixture
def multilingual(corpus, partners, indexed):
    """The corpus, and practices written in Spanish and Polish."""
    p = partners
    pages = {
        "vivienda": practice(p["lalfas-del-pi"],
                             "Primero la vivienda para personas sin hogar",
                             summary="Pisos individuales sin condiciones previas para personas "
                                     "que duermen en la calle, con apoyo de un equipo social.",
                             language="es", country="ES", themes=["housing-homelessness"],
                             groups=["homeless-people"], year=2019),
        "samotnosc": practice(p["brzeziny"], "Wolontariusze przeciw samotności seniorów",
                              summary="Wolontariusze regularnie odwiedzają samotne starsze osoby "
                                      "w ich mieszkaniach i pomagają w codziennych sprawach.",
                              language="pl", themes=["active-ageing"], groups=["older-people"],
                              year=2016),
    }  # fmt: skip
    indexed(*pages.values())
    return {**corpus, **pages}


def test_a_practice_is_analysed_in_its_own_language(engine, multilingual):
    # Spanish stemming: "viviendas" finds "vivienda"; Polish: "samotnych" finds "samotne"
    assert multilingual["vivienda"].pk in ids(search(engine, "viviendas"))
    assert multilingual["samotnosc"].pk in ids(search(engine, "samotnych"))


def test_a_paraphrase_finds_the_practice_by_meaning(engine, multilingual):
    result = search(
        engine, "roofless people given an apartment without preconditions", semantic=True
    )
    top = ids(result)[:3]
    assert multilingual["housing"].pk in top and multilingual["vivienda"].pk in top
    hit = next(h for h in result.hits if h.page_id == multilingual["housing"].pk)
    assert MEANING in hit.matched


def test_a_query_in_another_language_finds_practices_in_any_language(engine, multilingual):
    top = ids(search(engine, "samotność osób starszych", semantic=True))[:4]
    assert {multilingual["samotnosc"].pk, multilingual["seniors"].pk} <= set(top)
    top = ids(search(engine, "vivienda primero para personas sin hogar", semantic=True))[:2]
    assert set(top) == {multilingual["vivienda"].pk, multilingual["housing"].pk}


def test_foreign_words_are_not_corrected_into_english(multilingual):
    assert parse_query("samotność osób starszych").corrected is None
    assert parse_query("vivienda primero para personas sin hogar").corrected is None
    assert parse_query("volunteers visit eldery residents").corrected == (
        "volunteers visit elderly residents"
    )


def test_similar_practices_cross_languages(engine, multilingual):
    assert multilingual["housing"].pk in engine.similar(multilingual["vivienda"].pk, 3)


def test_transferred_elsewhere_is_a_filter(engine, corpus, indexed):
    """An approved running story, or an adaptation the partner lists: `transferred` keeps the
    practice; a pending or stopped story does not."""
    from kb.models import PracticeAdaptation
    from transfers.models import TransferStory

    story = {"organisation": "Gmina", "place": "Zgierz", "country": "PL", "year_adopted": 2023,
             "kind": "adapted", "submitter_name": "M", "submitter_email": "m@example.org"}  # fmt: skip
    TransferStory.objects.create(practice=corpus["coop"], status="running",
                                 moderation="approved", **story)  # fmt: skip
    TransferStory.objects.create(practice=corpus["seniors"], status="running", **story)  # pending
    TransferStory.objects.create(practice=corpus["elderly"], status="stopped",
                                 moderation="approved", **story)  # fmt: skip
    PracticeAdaptation.objects.create(page=corpus["housing"], place="Leeds", country="GB")
    indexed(*corpus.values())
    result = search(engine, transferred=True)
    assert sorted(ids(result)) == sorted([corpus["coop"].pk, corpus["housing"].pk])
    assert result.total == 2
    assert ids(search(engine, "cooperative", transferred=True)) == [corpus["coop"].pk]
    assert search(engine, transferred=True, filters={"country": ("GB",)}).total == 1
    assert search(engine).total == len(corpus)
