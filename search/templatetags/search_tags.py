from django import template

from kb.models import PracticePage
from search.engines import get_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine

register = template.Library()


@register.simple_tag
def similar_practices(page: PracticePage, limit: int = 4) -> list[PracticePage]:
    """Practices like this one, computed by the search engine (never the page itself)."""
    try:
        ids = get_engine().similar(page.pk, limit)
    except EngineUnavailable:
        ids = PostgresEngine().similar(page.pk, limit)
    pages = PracticePage.objects.live().filter(pk__in=ids).exclude(pk=page.pk).for_listing()
    by_id = {p.pk: p for p in pages}
    return [by_id[pk] for pk in ids if pk in by_id]
