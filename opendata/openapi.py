"""The OpenAPI 3.1 description of the public endpoints, served at /api/openapi.json.

Built from the code's own parameter lists (search.params, the finder's and the contact form's
Django form fields, the Wagtail API endpoints' known parameters), so that a parameter added
there is described here. The texts are for developers and stay in English, as docs/ does.
https://spec.openapis.org/oas/v3.1.0
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation

from agenda.models import EventPage
from enquiries.forms import EnquiryForm
from finder.forms import CountryChoiceField, FinderForm, FteField, WholeNumberField
from multilingual.languages import site_languages
from opendata.api import MAX_OFFSET, EventsAPIViewSet, PartnersAPIViewSet, PracticesAPIViewSet
from opendata.selection import SEARCH_KEYS
from search import params as search_params
from search.service import FACET_LABELS
from search.views import SUGGEST_MAX_LENGTH, SUGGEST_MIN_LENGTH

OPENAPI_VERSION = "3.1.0"
DOCUMENT_VERSION = "1"
JSON = "application/json"

# What Wagtail's own listing parameters mean (the API's endpoints declare which they take).
WAGTAIL_PARAMETERS: dict[str, tuple[dict[str, Any], str]] = {
    "limit": (
        {"type": "integer", "minimum": 0, "maximum": settings.WAGTAILAPI_LIMIT_MAX, "default": 20},
        "Number of items in the listing.",
    ),
    "offset": (
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "Items to skip.",
    ),
    "fields": (
        {"type": "string", "examples": ["*", "_,title", "title"]},
        "Fields to show: `*` every field, `_,title` only these, `-summary` without one.",
    ),
    "order": (
        {"type": "string", "examples": ["title", "-first_published_at", "random"]},
        "A field to sort by, `-field` for descending order, or `random`.",
    ),
    "search": (
        {"type": "string", "examples": ["housing"]},
        "Words to search for (Wagtail's search).",
    ),
    "search_operator": ({"type": "string", "enum": ["and", "or"]}, "How the words combine."),
    "rich_text_format": (
        {"type": "string", "enum": ["html", "markdown"], "default": "html"},
        "Rich text as display HTML or as Markdown.",
    ),
    "locale": (
        {"type": "string", "examples": ["en", "pl"]},
        "Only pages of this locale (a language code).",
    ),
    "translation_of": ({"type": "integer", "minimum": 1}, "Only translations of this page."),
    "child_of": ({"type": "integer", "minimum": 1}, "Only children of this page."),
    "ancestor_of": ({"type": "integer", "minimum": 1}, "Only ancestors of this page."),
    "descendant_of": ({"type": "integer", "minimum": 1}, "Only descendants of this page."),
    "format": (
        {"type": "string", "enum": ["json", "api"], "default": "json"},
        "`api` renders the browsable API in HTML.",
    ),
}
# Sent by some JavaScript libraries to defeat caches; accepted and ignored.
IGNORED_PARAMETERS = frozenset({"_"})


def openapi_document() -> dict[str, Any]:
    """The whole document, in English whatever the language of the request."""
    with translation.override("en"):
        return {
            "openapi": OPENAPI_VERSION,
            "info": info(),
            "servers": [{"url": "/"}],
            "paths": paths(),
            "components": components(),
        }


def info() -> dict[str, Any]:
    limits = settings.RATE_LIMITS or {}
    limited = ", ".join(
        f"{scope}: {limit[0]} per {limit[1]} s"
        for scope, limit in sorted(limits.items())
        if limit and limit[0]
    )
    return {
        "title": "ERSI Practices public API",
        "version": DOCUMENT_VERSION,
        "summary": "Search, rank and download the good practices of the ERSI network.",
        "description": (
            "Read-only JSON endpoints (search, suggestions, the finder, the map's markers, the "
            "Wagtail API v2), streamed downloads, and the contact form of every practice. No "
            "account or key is needed. Invalid parameters get a 400 with one message per "
            "parameter. Past a rate limit an endpoint answers 429 with a `Retry-After` header "
            "(seconds)" + (f"; limits in force: {limited}." if limited else ".")
        ),
        "license": {
            "name": settings.CONTENT_LICENCE["name"],
            "url": settings.CONTENT_LICENCE["url"],
        },
    }


# -- parameters --------------------------------------------------------------------------------


def query(name: str, schema: dict[str, Any], description: str, **extra) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "description": description, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)  # ?theme=a&theme=b
    return parameter | extra


def search_parameters(keys=None) -> list[dict[str, Any]]:
    """The parameters of search.params.parse_params, in its order (only `keys` when given)."""
    sp = search_params
    year = {"type": "integer", "minimum": sp.MIN_YEAR, "maximum": sp.MAX_YEAR}
    described = [
        query(
            "q",
            {"type": "string", "maxLength": sp.MAX_QUERY_LENGTH},
            'Words. `"housing first"` must match as a phrase; `-shelter` excludes a word. '
            "Whitespace is collapsed before the length is checked.",
        ),
        *(
            query(
                param,
                {"type": "array", "items": {"$ref": f"#/components/schemas/{facet_schema(name)}"}},
                f"{FACET_LABELS[name]}: values combine with OR, facets with AND. An unknown "
                "value is a 400; the values are those of `facets` in `/api/search/`.",
            )
            for param, name in sp.FACET_PARAMS.items()
        ),
        query("year_from", year, "Practices running in or after this year."),
        query("year_to", year, "Practices that started in or before this year."),
        query(
            "transferred",
            {"type": "string", "enum": [*sp.TRUE_VALUES, *sp.FALSE_VALUES]},
            "`1`: only practices transferred successfully elsewhere (an approved transfer story "
            "with status running or scaled up, or an adaptation the partner lists).",
        ),
        query(
            "sort",
            {"type": "string", "enum": list(sp.SORTS), "default": "relevance"},
            "`relevance` is newest first when there are no words.",
        ),
        query(
            "page",
            {"type": "integer", "minimum": 1, "maximum": sp.MAX_PAGE, "default": 1},
            "Page of results.",
        ),
        query(
            "page_size",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": sp.MAX_PAGE_SIZE,
                "default": sp.DEFAULT_PAGE_SIZE,
            },
            "Results per page.",
        ),
    ]
    return [p for p in described if keys is None or p["name"] in keys]


def facet_schema(name: str) -> str:
    return "CountryCode" if name == "country" else "Slug"


def language_parameter() -> dict[str, Any]:
    return query(
        "language",
        {"type": "string", "enum": site_languages()},
        "Language of the practices (where translated) and of the messages; default: the "
        "language of the address.",
    )


def form_parameters(form_class: type[forms.Form]) -> list[dict[str, Any]]:
    return [
        query(name, field_schema(field), field_description(field))
        for name, field in form_class.base_fields.items()
    ]


def field_description(field: forms.Field) -> str:
    text = " ".join(str(part) for part in (field.label or "", field.help_text or "") if part)
    if isinstance(field, WholeNumberField):
        text += " Thousands separators are accepted: 250000, 250,000, 250.000, 250 000."
    elif isinstance(field, FteField):
        text += " A decimal comma is accepted: 2,5."
    elif isinstance(field, CountryChoiceField):
        text += " An ISO 3166-1 alpha-2 code, in any letter case."
    return text.strip()


def field_schema(field: forms.Field) -> dict[str, Any]:
    """A Django form field as a JSON Schema, with the limits its validation applies."""
    schema: dict[str, Any]
    if isinstance(field, forms.ModelMultipleChoiceField):
        return {"type": "array", "items": {"$ref": "#/components/schemas/Slug"}}
    if isinstance(field, CountryChoiceField):
        return {"$ref": "#/components/schemas/CountryCode"}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [str(value) for value, _label in field.choices if value]}
    if isinstance(field, forms.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        schema = {"type": "number" if isinstance(field, forms.DecimalField) else "integer"}
        for key, value in (("minimum", field.min_value), ("maximum", field.max_value)):
            if value is not None:
                schema[key] = int(value) if value == int(value) else float(value)
        return schema
    schema = {"type": "string"}
    if isinstance(field, forms.EmailField):
        schema["format"] = "email"
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def wagtail_parameters(viewset, exclude=()) -> list[dict[str, Any]]:
    names = [
        name
        for name in WAGTAIL_PARAMETERS
        if name in viewset.known_query_parameters and name not in exclude
    ]
    return [query(name, *WAGTAIL_PARAMETERS[name]) for name in names]


FIELD_FILTER_TYPES = {
    "BooleanField": {"type": "boolean"},
    "IntegerField": {"type": "integer"},
    "PositiveSmallIntegerField": {"type": "integer", "minimum": 0},
    "PositiveIntegerField": {"type": "integer", "minimum": 0},
    "ForeignKey": {"type": "integer", "description": "An id."},
    "ParentalManyToManyField": {"type": "integer", "description": "An id."},
    "ManyToManyField": {"type": "integer", "description": "An id."},
    "FloatField": {"type": "number"},
    "DateTimeField": {"type": "string", "format": "date-time"},
}


def field_filters(viewset) -> list[dict[str, Any]]:
    """Wagtail's filters by field value (`?country=PL`): the endpoint's database fields."""
    model = viewset.model
    names = viewset.get_available_fields(model, db_fields_only=True)
    described = []
    for name in names:
        if name in WAGTAIL_PARAMETERS or name in {"id", "type", "locale"}:
            continue
        kind = model._meta.get_field(name).get_internal_type()
        schema = FIELD_FILTER_TYPES.get(kind, {"type": "string"})
        described.append(query(name, schema, f"Only items whose `{name}` is this value."))
    return described


def event_filters() -> list[dict[str, Any]]:
    """The events listing's own filters (opendata.api.EventsAPIViewSet.filter_queryset)."""
    return [
        query(
            "kind",
            {"type": "string", "enum": [value for value, _label in EventPage.Kind.choices]},
            "Only events of this type.",
        ),
        query("theme", ref("schemas", "Slug"), "Only events on this theme (a theme's slug)."),
        query(
            "partner",
            ref("schemas", "Slug"),
            "Only events this partner hosts or co-hosts (a partner's slug).",
        ),
        query(
            "language",
            {"type": "string", "examples": ["en", "pl"]},
            "Only events where this language is spoken or interpreted (a language code).",
        ),
        query(
            "upcoming",
            {"type": "boolean"},
            "`true`: events not over yet; `false`: past events, the most recent first.",
        ),
    ]


def id_parameter(description: str) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 1},
    }


# -- responses ---------------------------------------------------------------------------------


def ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def json_response(description: str, schema: dict[str, Any], **extra) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}, **extra}


def operation(summary: str, parameters, ok: dict[str, Any], *error_names, api=False, **extra):
    """A GET operation: its 200 answer, the errors named as (code, response), and those every
    endpoint shares (Wagtail's API words its 405 as its other errors)."""
    not_allowed = "ApiMethodNotAllowed" if api else "MethodNotAllowed"
    responses = {
        "200": ok,
        **{code: ref("responses", name) for code, name in error_names},
        "405": ref("responses", not_allowed),
        "429": ref("responses", "TooMany"),
    }
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses, **extra}}


def paths() -> dict[str, Any]:
    # The detail views take these too, to no purpose: not described there.
    listing_only = {"limit", "offset", "order", "search", "search_operator", "locale"}
    listing_only |= {"translation_of", "child_of", "ancestor_of", "descendant_of"}
    practices_listing = [
        *wagtail_parameters(PracticesAPIViewSet),
        *search_parameters(SEARCH_KEYS),
    ]
    practice_detail = wagtail_parameters(PracticesAPIViewSet, exclude=listing_only)
    partners_listing = [
        *wagtail_parameters(PartnersAPIViewSet),
        *field_filters(PartnersAPIViewSet),
    ]
    partner_detail = wagtail_parameters(PartnersAPIViewSet, exclude=listing_only)
    events_listing = [
        *wagtail_parameters(EventsAPIViewSet),
        *event_filters(),
        *(p for p in field_filters(EventsAPIViewSet) if p["name"] != "kind"),
    ]
    event_detail = wagtail_parameters(EventsAPIViewSet, exclude=listing_only)
    exports = {
        f"/export/practices.{fmt}": operation(
            f"Every practice matching a search, as {label} (streamed)",
            search_parameters(SEARCH_KEYS),
            {
                "description": f"The {label} file, as an attachment; `Link` names the licence.",
                "content": {media: {"schema": {"type": "string"}}},
            },
            ("400", "BadRequest"),
        )
        for fmt, label, media in (
            ("csv", "CSV", "text/csv"),
            ("jsonl", "JSON Lines", "application/x-ndjson"),
        )
    }
    return {
        "/api/search/": operation(
            "Search the published practices",
            [*search_parameters(), language_parameter()],
            json_response("A page of results with facet counts.", ref("schemas", "SearchResults")),
            ("400", "BadRequest"),
        ),
        "/api/search/suggest/": operation(
            "Suggestions while typing",
            [
                query(
                    "q",
                    {"type": "string"},
                    f"What has been typed; fewer than {SUGGEST_MIN_LENGTH} characters give "
                    f"no suggestion, and only the first {SUGGEST_MAX_LENGTH} count.",
                )
            ],
            json_response("Practice titles, themes, target groups and partners.", SUGGESTIONS),
        ),
        "/finder/api/": operation(
            "Practices ranked by how well they fit your context",
            form_parameters(FinderForm),
            json_response("A page of ranked practices, 20 a page.", FINDER_RESULTS),
            ("400", "BadRequest"),
            description="Give at least one of country, population, budget, theme, "
            "target_group, funding, staff; `practice` alone starts from that practice.",
        ),
        "/map/data.json": operation(
            "The map's markers for a search (GeoJSON)",
            search_parameters(SEARCH_KEYS),
            {
                "description": "A GeoJSON FeatureCollection of partners and at most 10,000 "
                "practices.",
                "content": {"application/geo+json": {"schema": GEOJSON}},
            },
            ("400", "BadRequest"),
        ),
        "/api/v2/practices/": operation(
            "Published practices (a search)",
            practices_listing,
            json_response("A page of practices.", ref("schemas", "ApiListing")),
            ("400", "ApiBadRequest"),
            api=True,
            description="Takes the search parameters instead of Wagtail's `order`, `search` "
            "and field filters, which are refused with a 400.",
        ),
        "/api/v2/practices/{id}/": operation(
            "One published practice",
            [id_parameter("The practice's id."), *practice_detail],
            json_response("Every field of the practice.", ref("schemas", "ApiItem")),
            ("400", "ApiBadRequest"),
            ("404", "ApiNotFound"),
            api=True,
        ),
        "/api/v2/partners/": operation(
            "The network's partners",
            partners_listing,
            json_response("A page of partners.", ref("schemas", "ApiListing")),
            ("400", "ApiBadRequest"),
            api=True,
        ),
        "/api/v2/partners/{id}/": operation(
            "One partner",
            [id_parameter("The partner's id."), *partner_detail],
            json_response("Every field of the partner.", ref("schemas", "ApiItem")),
            ("400", "ApiBadRequest"),
            ("404", "ApiNotFound"),
            api=True,
        ),
        "/api/v2/events/": operation(
            "The network's events, soonest first",
            events_listing,
            json_response("A page of events.", ref("schemas", "ApiListing")),
            ("400", "ApiBadRequest"),
            api=True,
            description="Conferences, seminars, workshops, expert panels, citizens' dialogues, "
            "study visits and art competitions of the partners. `starts_at`/`ends_at` are the "
            "moments; `start_date`, `start_time` ... are local to `time_zone`. Calendar feeds: "
            "`/events/calendar.ics`, `/events/themes/<theme>/calendar.ics` and each event's "
            "`ical_url`.",
        ),
        "/api/v2/events/{id}/": operation(
            "One event",
            [id_parameter("The event's id."), *event_detail],
            json_response("Every field of the event.", ref("schemas", "ApiItem")),
            ("400", "ApiBadRequest"),
            ("404", "ApiNotFound"),
            api=True,
        ),
        **exports,
        "/practices/{page_id}/contact/": {"post": contact_operation()},
    }


def contact_operation() -> dict[str, Any]:
    fields = {name: field_schema(field) for name, field in EnquiryForm.base_fields.items()}
    for name, field in EnquiryForm.base_fields.items():
        fields[name]["description"] = field_description(field)
    fields["website"]["description"] = "Leave empty: a request with it filled is dropped."
    fields["csrfmiddlewaretoken"] = {
        "type": "string",
        "description": "The CSRF token of the form page (GET the same address first).",
    }
    required = [name for name, field in EnquiryForm.base_fields.items() if field.required]
    html = {"text/html": {"schema": {"type": "string"}}}
    return {
        "summary": "Ask the people behind a practice a question, or propose a study visit",
        "description": "An HTML form (POST, then redirect). A study visit also needs "
        "`organisation`, `visit_from`, `visit_to` and `visitors`.",
        "parameters": [
            {
                "name": "page_id",
                "in": "path",
                "required": True,
                "description": "The practice's id.",
                "schema": {"type": "integer", "minimum": 1},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": fields, "required": required}
                },
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": fields, "required": required}
                },
            },
        },
        "responses": {
            "302": {
                "description": "Sent: a redirect to the confirmation page.",
                "headers": {"Location": {"schema": {"type": "string"}}},
            },
            "400": {
                "description": "The form again, with a message for each invalid field.",
                "content": html,
            },
            "403": {"description": "The CSRF token is missing or wrong.", "content": html},
            "404": {"description": "No published practice has this id.", "content": html},
            "405": ref("responses", "MethodNotAllowed"),
            "429": {
                "description": "Too many requests from this address or e-mail address in the "
                "last hour: the form again, with the text kept.",
                "content": html,
            },
        },
    }


# -- schemas -----------------------------------------------------------------------------------

STRING_OR_NULL = {"type": ["string", "null"]}
INTEGER_OR_NULL = {"type": ["integer", "null"]}
SUGGESTIONS = {
    "type": "object",
    "required": ["query", "suggestions"],
    "properties": {
        "query": {"type": "string"},
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["practice", "theme", "target_group", "partner"]},
                    "label": {"type": "string"},
                    "url": STRING_OR_NULL,
                },
            },
        },
    },
}
FINDER_RESULTS = {
    "type": "object",
    "required": ["params", "count", "page", "pages", "results"],
    "properties": {
        "params": {"type": "object", "description": "The parameters as understood."},
        "count": {"type": "integer"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "rank": {"type": "integer"},
                    "title": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "matches": {"type": "array", "items": {"type": "string"}},
                    "differences": {"type": "array", "items": {"type": "string"}},
                    "unknown": {"type": "array", "items": {"type": "string"}},
                    "criteria": {"type": "array", "items": {"type": "object"}},
                    "figures": {"type": "object"},
                },
            },
        },
    },
}
GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"type": "object"}},
        "engine": {"type": "string"},
        "degraded": {"type": "boolean"},
    },
}


def components() -> dict[str, Any]:
    message = {"type": "string", "minLength": 1}
    per_parameter = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "One message per invalid parameter.",
    }
    return {
        "schemas": {
            "Slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
            "CountryCode": {
                "type": "string",
                "pattern": "^[A-Za-z]{2}$",
                "description": "ISO 3166-1 alpha-2, in any letter case.",
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": message, "errors": per_parameter},
            },
            "ApiError": {
                "type": "object",
                "required": ["message"],
                "properties": {"message": message, "errors": per_parameter},
            },
            "SearchResults": {
                "type": "object",
                "required": ["count", "page", "pages", "results", "facets"],
                "properties": {
                    "count": {"type": "integer"},
                    "page": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "engine": {"type": "string"},
                    "degraded": {"type": "boolean"},
                    "corrected": STRING_OR_NULL,
                    "semantic": {"type": "boolean"},
                    "notices": {"type": "array", "items": {"type": "string"}},
                    "results": {"type": "array", "items": ref("schemas", "SearchResult")},
                    "facets": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "value": {"type": "string"},
                                    "label": {"type": "string"},
                                    "count": {"type": "integer"},
                                },
                            },
                        },
                    },
                    "export": {
                        "type": "object",
                        "properties": {
                            "csv": {"type": "string", "format": "uri"},
                            "jsonl": {"type": "string", "format": "uri"},
                        },
                    },
                },
            },
            "SearchResult": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "external_id": STRING_OR_NULL,
                    "title": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "summary": {"type": "string"},
                    "snippet": {"type": "string", "description": "HTML, matches in <mark>."},
                    "partner": {"type": "object"},
                    "country": STRING_OR_NULL,
                    "themes": {"type": "array", "items": {"type": "string"}},
                    "target_groups": {"type": "array", "items": {"type": "string"}},
                    "start_year": INTEGER_OR_NULL,
                    "label": STRING_OR_NULL,
                    "language": {"type": "string"},
                    "translations": {"type": "array", "items": {"type": "object"}},
                    "score": {"type": "number"},
                    "promoted": {"type": "boolean"},
                    "matched_by": {
                        "type": "array",
                        "items": {"enum": ["meaning", "words"]},
                    },
                },
            },
            "ApiListing": {
                "type": "object",
                "required": ["meta", "items"],
                "properties": {
                    "meta": {
                        "type": "object",
                        "properties": {"total_count": {"type": "integer"}},
                    },
                    "items": {"type": "array", "items": ref("schemas", "ApiItem")},
                },
            },
            "ApiItem": {
                "type": "object",
                "description": "`id`, `meta` and the fields; `fields` chooses which.",
                "properties": {"id": {"type": "integer"}, "meta": {"type": "object"}},
            },
        },
        "responses": {
            "BadRequest": json_response(
                "Invalid parameters: a message, and one per parameter.", ref("schemas", "Error")
            ),
            "ApiBadRequest": json_response(
                "Invalid parameters: a message (and one per search parameter).",
                ref("schemas", "ApiError"),
            ),
            "ApiNotFound": json_response("No such item.", ref("schemas", "ApiError")),
            "MethodNotAllowed": json_response(
                "The endpoint does not take this method; `Allow` lists those it takes.",
                ref("schemas", "Error"),
                headers={"Allow": {"schema": {"type": "string"}}},
            ),
            "ApiMethodNotAllowed": json_response(
                "The endpoint does not take this method; `Allow` lists those it takes.",
                ref("schemas", "ApiError"),
                headers={"Allow": {"schema": {"type": "string"}}},
            ),
            "TooMany": json_response(
                "Past the rate limit: wait `Retry-After` seconds.",
                {
                    "type": "object",
                    "required": ["error", "retry_after"],
                    "properties": {"error": message, "retry_after": {"type": "integer"}},
                },
                headers={
                    "Retry-After": {
                        "description": "Seconds to wait before the next request.",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                },
            ),
        },
    }
