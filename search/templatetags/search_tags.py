from django import template
from django.conf import settings
from django.core.cache import cache

from kb.models import PracticePage
from multilingual.routing import in_reader_language
from search.engines import get_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine

register = template.Library()


def similar_ids(page_id: int, limit: int) -> list[int]:
    """The engine's answer, kept SIMILAR_PRACTICES_CACHE_SECONDS in the default cache (0: not
    kept): it changes only as practices are published, and at 10,000 practices it costs the
    engine more than the rest of the page (docs/benchmarks.md, load). A list may be that much
    out of date. The fallback's answer is not kept: the engine is back soon."""
    try:
        return cache.get_or_set(
            f"similar-practices:{page_id}:{limit}",
            lambda: get_engine().similar(page_id, limit),
            settings.SIMILAR_PRACTICES_CACHE_SECONDS,
        )
    except EngineUnavailable:
        return PostgresEngine().similar(page_id, limit)


@register.simple_tag
def similar_practices(page: PracticePage, limit: int = 4) -> list[PracticePage]:
    """Practices like this one, computed by the search engine (never the page itself nor one of
    its translations), each in the reader's language where it has a translation. The index
    knows the original of each practice, so a translation asks with its original's id."""
    original = (
        PracticePage.objects.live().originals().filter(translation_key=page.translation_key)
        .values_list("pk", flat=True).first()
    ) or page.pk  # fmt: skip
    ids = similar_ids(original, limit)
    pages = (
        PracticePage.objects.live().filter(pk__in=ids)
        .exclude(translation_key=page.translation_key).for_listing()
    )  # fmt: skip
    by_id = {p.pk: p for p in pages}
    found = [by_id[pk] for pk in ids if pk in by_id]
    return in_reader_language(found, PracticePage.objects.for_listing())
