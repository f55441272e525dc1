"""/map/: the practices matching a search on a map, beside the same results as a list (the primary
content without sight or JavaScript); /map/data.json: the map's markers, as GeoJSON.

Both take the parameters of /search/ (search/params.py).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from agenda.map import event_features
from ersi_practices.ratelimit import rate_limit
from kb.models import PracticePage
from maps.geojson import MAX_PRACTICES, map_features, place_label
from maps.locations import Location, Locator
from search.params import InvalidSearch, SearchParams, parse_params
from search.service import facet_vocabulary, iter_matching_ids, search_leniently


@dataclass
class ListedPractice:
    page: PracticePage
    place: str
    location: Location | None


def _parse(data: QueryDict, vocabulary: dict[str, dict[str, str]]) -> SearchParams:
    return parse_params(data, {name: set(values) for name, values in vocabulary.items()})


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    search, errors = search_leniently(request.GET)
    params = search.params

    locator = Locator.load()
    listed = [
        ListedPractice(
            item.page,
            place_label(item.page.region, item.page.country),
            locator.practice_location(item.page),
        )
        for item in search.results
    ]
    marker_query = params.as_query(page=None, page_size=None).urlencode()
    return TemplateResponse(
        request,
        "maps/map.html",
        {
            "search": search,
            "errors": errors,
            "search_query": params.q,
            "listed": listed,
            "data_url": f"{reverse('map_data')}?{marker_query}"
            if marker_query
            else reverse("map_data"),
            "search_url": f"{reverse('search')}?{params.as_query().urlencode()}",
            "tiles": settings.MAP_TILES,
            "max_practices": MAX_PRACTICES,
            "map_text": map_text(),
        },
        status=400 if errors else 200,
    )


def kept_for_a_while(view):
    """The view's 200 answers kept SEARCH_RESULTS_CACHE_SECONDS in the default cache, per
    address, language and encoding, and as long in browsers (Cache-Control: max-age): the
    markers are the same for everyone and cost a second to build at 10,000 practices."""

    @wraps(view)
    def kept(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.SEARCH_RESULTS_CACHE_SECONDS
        if not seconds:
            return view(request, *args, **kwargs)
        return cache_page(seconds)(view)(request, *args, **kwargs)

    return kept


@require_GET
@rate_limit("map")
@kept_for_a_while
@gzip_page  # 10,000 markers: about 4.6 MB of JSON, 0.6 MB compressed
def map_data(request: HttpRequest) -> JsonResponse:
    vocabulary = facet_vocabulary()
    try:
        params = _parse(request.GET, vocabulary)
    except InvalidSearch as exc:
        return JsonResponse(
            {"error": _("Invalid search parameters."), "errors": exc.errors}, status=400
        )
    ids, engine, degraded = iter_matching_ids(params)
    with closing(ids):  # past the limit the rest is not read
        data = map_features(ids, Locator.load(), request)
    # The network's events: a layer of their own, whatever the search (agenda/map.py).
    events = event_features(request)
    data["features"] += events
    data.update(engine=engine, degraded=degraded, events={"shown": len(events)})
    return JsonResponse(
        data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )


def map_text() -> dict[str, str]:
    """The words static/js/map.js shows, translated."""
    return {
        "practice": _("Practice"),
        "partner": _("Partner"),
        "partners": _("Partners"),
        "practices": _("Practices"),
        "approximate_region": _("Approximate location: placed at its region."),
        "approximate_country": _("Approximate location: placed at the centre of its country."),
        "approximate_short": _("approximate location"),
        "partner_practices": _("Matching practices of this partner on the map: %(count)s"),
        "cluster": _("Group of %(count)s practices; press Enter to zoom in"),
        "loading": _("Loading the map…"),
        "loaded": _("On the map: practices %(practices)s, partners %(partners)s."),
        "truncated": _(
            "The map shows the first %(shown)s matching practices only; narrow the search to "
            "see all of them. The list shows every one."
        ),
        "unplaced": _("Practices with no known place, only in the list: %(count)s."),
        "failed": _("The map could not be loaded. The list shows the same practices."),
        "show_on_map": _("Show on the map"),
        "event": _("Event"),
        "upcoming_events": _("Upcoming events"),
        "past_events": _("Past events"),
        "events_loaded": _("Events on the map: %(count)s."),
    }
