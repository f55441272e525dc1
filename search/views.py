"""/search/ (HTML), /api/search/ and /api/search/suggest/ (JSON)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ersi_practices.ratelimit import rate_limit
from kb.models import PartnerPage, PracticePage, TargetGroup, Theme
from multilingual.languages import unknown_language
from multilingual.routing import live_translations
from opendata.exports import export_urls
from search.engines import get_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine
from search.params import InvalidSearch, parse_params
from search.service import SearchResponse, facet_vocabulary, run_search, search_leniently

SUGGEST_LIMIT = 8
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 100  # characters of the query that count


def _vocabulary_sets(vocabulary: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    return {name: set(values) for name, values in vocabulary.items()}


@require_GET
@rate_limit("search")
def search_page(request: HttpRequest) -> HttpResponse:
    response, errors = search_leniently(request.GET)
    params = response.params
    return TemplateResponse(
        request,
        "search/search.html",
        {"search": response, "errors": errors, "search_query": params.q},
        status=400 if errors else 200,
    )


@require_GET
@rate_limit("search")
def search_api(request: HttpRequest) -> JsonResponse:
    """`language` (a site language) shows each practice in that language where it has a
    translation, and the messages too; the default is the language of the address."""
    language = request.GET.get("language") or get_language()
    if error := unknown_language(language):
        return _bad_request({"language": error})
    with translation.override(language):
        vocabulary = facet_vocabulary()
        try:
            params = parse_params(request.GET, _vocabulary_sets(vocabulary))
        except InvalidSearch as exc:
            return _bad_request(exc.errors)
        response = run_search(params, vocabulary)
        if response.page > response.pages:
            return _bad_request(
                {"page": _("Page %(page)s is out of range: there are %(pages)s pages.")
                 % {"page": response.page, "pages": response.pages}}
            )  # fmt: skip
        return JsonResponse(response_json(request, response))


def _bad_request(errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"error": _("Invalid search parameters."), "errors": errors}, status=400)


def response_json(request: HttpRequest, response: SearchResponse) -> dict:
    translations = live_translations([item.page for item in response.results])
    return {
        "count": response.count,
        "page": response.page,
        "pages": response.pages,
        "engine": response.engine,
        "degraded": response.degraded,
        "corrected": response.corrected,
        "semantic": response.semantic,  # whether matching by meaning took part
        "notices": response.notices,
        "results": [
            {
                "id": item.page.pk,
                "external_id": item.page.external_id,
                "title": item.page.title,
                "url": request.build_absolute_uri(item.page.url),
                "summary": item.page.summary,
                "snippet": str(item.snippet),
                "partner": {"slug": item.page.partner_slug, "name": item.page.partner_title},
                "country": str(item.page.country) or None,
                "themes": [t.slug for t in item.page.themes.all()],
                "target_groups": [g.slug for g in item.page.target_group_list],
                "start_year": item.page.start_year,
                "label": item.page.facet_label(),
                "language": item.page.language,
                # Every language the practice can be read in, with its address in it.
                "translations": [
                    {
                        "language": other.locale.language_code,
                        "url": request.build_absolute_uri(other.url),
                    }
                    for other in sorted(
                        translations[item.page.translation_key].values(), key=lambda p: p.pk
                    )
                    if other.pk != item.page.pk
                ],
                "score": round(item.score, 4),
                "promoted": item.promoted,
                # How it matched: "words" (highlighted in the snippet), "meaning", or both.
                "matched_by": sorted(item.matched),
            }
            for item in response.results
        ],
        "facets": {
            facet.name: [
                {"value": v.value, "label": v.label, "count": v.count} for v in facet.values
            ]
            for facet in response.facets
        },
        "export": export_urls(request, response.params),  # every result, as CSV / JSON Lines
    }


@require_GET
@rate_limit("suggest")
def suggest_api(request: HttpRequest) -> JsonResponse:
    """Suggestions while typing: practice titles, themes, target groups and partners."""
    q = " ".join(request.GET.get("q", "").split())[:SUGGEST_MAX_LENGTH]
    if len(q) < SUGGEST_MIN_LENGTH:
        return JsonResponse({"query": q, "suggestions": []})
    engine = get_engine()
    try:
        titles = engine.suggest_titles(q, SUGGEST_LIMIT)
    except EngineUnavailable:
        titles = PostgresEngine().suggest_titles(q, SUGGEST_LIMIT)
    urls = {p.pk: p.url for p in PracticePage.objects.filter(pk__in=[pk for pk, _t in titles])}
    suggestions = [
        {"type": "practice", "label": title, "url": urls.get(pk)} for pk, title in titles
    ]
    for kind, model, param in (
        ("theme", Theme, "theme"),
        ("target_group", TargetGroup, "target_group"),
    ):
        for slug, name in model.objects.filter(name__icontains=q).values_list("slug", "name")[:4]:
            suggestions.append({"type": kind, "label": name, "url": f"/search/?{param}={slug}"})
    for partner in PartnerPage.objects.live().filter(title__icontains=q)[:4]:
        suggestions.append({"type": "partner", "label": partner.title, "url": partner.url})
    return JsonResponse({"query": q, "suggestions": suggestions})
