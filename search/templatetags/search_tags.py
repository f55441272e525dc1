from django import template

from kb.models import PracticePage
from multilingual.routing import in_reader_language
from search.engines import get_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine

register = template.Library()


@register.simple_tag
def similar_practices(page: PracticePage, limit: int = 4) -> list[PracticePage]:
    """Practices like this one, computed by the search engine (never the page itself nor one of
    its translations), each in the reader's language where it has a translation. The index
    knows the original of each practice, so a translation asks with its original's id."""
    original = (
        PracticePage.objects.live().originals().filter(translation_key=page.translation_key)
        .values_list("pk", flat=True).first()
    ) or page.pk  # fmt: skip
    try:
        ids = get_engine().similar(original, limit)
    except EngineUnavailable:
        ids = PostgresEngine().similar(original, limit)
    pages = (
        PracticePage.objects.live().filter(pk__in=ids)
        .exclude(translation_key=page.translation_key).for_listing()
    )  # fmt: skip
    by_id = {p.pk: p for p in pages}
    found = [by_id[pk] for pk in ids if pk in by_id]
    return in_reader_language(found, PracticePage.objects.for_listing())
