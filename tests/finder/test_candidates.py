"""The finder's candidates include the practices nearest in meaning to the selected one."""

from finder.fit import Context
from finder.ranking import candidates
from kb.models import Theme
from search.embeddings import embed_practices
from search.engines.postgres import PostgresEngine
from tests.factories import PracticePageFactory


def publish(parent, **fields):
    page = PracticePageFactory(parent=parent, problem="", approach="", results="", **fields)
    page.save_revision().publish()
    return page


def test_the_same_approach_in_another_language_is_a_candidate(partners):
    housing = Theme.objects.get(slug="housing-homelessness")
    spanish = publish(
        partners["lalfas-del-pi"], language="es", country="ES", themes=[housing],
        title="Primero la vivienda para personas sin hogar",
        summary="Pisos sin condiciones previas para personas que duermen en la calle.",
    )  # fmt: skip
    polish = publish(
        partners["brzeziny"], language="pl", themes=[],
        title="Najpierw mieszkanie dla osób w kryzysie bezdomności",
        summary="Mieszkania bez warunków wstępnych dla osób bezdomnych, ze wsparciem.",
    )  # fmt: skip
    unrelated = publish(
        partners["kraslava"], themes=[], title="Choir for older people",
        summary="A weekly singing group for older residents.",
    )  # fmt: skip
    pages = [spanish, polish, unrelated]
    PostgresEngine().index_pages([p.pk for p in pages])
    embed_practices([p.pk for p in pages])

    context = Context(themes=frozenset({"housing-homelessness"}))
    found = set(candidates(context, include=spanish.pk).values_list("pk", flat=True))
    assert polish.pk in found  # no shared theme, the same approach
    assert spanish.pk in found and unrelated.pk not in found
    assert set(candidates(context).values_list("pk", flat=True)) == {spanish.pk}
