"""Any search result set as CSV or JSON Lines, streamed: /export/practices.csv?<search params>.

Ids come from the engine lazily; pages are loaded `EXPORT_CHUNK` at a time (one query each, plus
the prefetches) and written as they come, so memory stays flat whatever the size of the result
and the first bytes leave before the last rows are read. The rows are those of the import
format (kb/exporting.py, docs/import-format.md) without the contact phone, with the page URL and
the date of the last publication in front. See docs/open-data.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wagtail.api.utils import get_full_url
from wagtail.models import Page

from ersi_practices.ratelimit import rate_limit
from kb.exporting import ROW_KEYS, ROW_RELATIONS, practice_to_row, translations_of
from kb.models import PartnerPage, PracticePage
from opendata.selection import parse_selection, selection_query
from search.params import InvalidSearch, SearchParams
from search.service import MatchingIds, iter_matching_ids
from transfers.public import EMPTY_TRANSFERS, TRANSFER_KEYS, transfer_summaries

EXPORT_CHUNK = 500
# Shown on the practice page, but not handed out in bulk.
PRIVATE_KEYS = frozenset({"contact_phone"})
EXPORT_KEYS = (
    "url", "last_published_at", *(k for k in ROW_KEYS if k not in PRIVATE_KEYS),
    *TRANSFER_KEYS,  # the approved transfer stories (transfers.public), after the import format
)  # fmt: skip
# A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
# Excel reads UTF-8 only after a byte order mark; other CSV readers skip it ("utf-8-sig").
BOM = "\ufeff"


def export_queryset() -> QuerySet[PracticePage]:
    """Live public practices with everything a row needs, in a fixed number of queries."""
    return (
        PracticePage.objects.live()
        .public()
        .select_related("organisation_type")
        .prefetch_related(*ROW_RELATIONS)
    )


def iter_row_chunks(ids: Iterable[int], request: HttpRequest) -> Iterator[list[dict[str, Any]]]:
    """Export rows, EXPORT_CHUNK practices at a time, in the order of `ids`."""
    partner_slugs = dict(PartnerPage.objects.values_list("path", "slug"))
    for chunk in batched(ids, EXPORT_CHUNK):
        pages = {page.pk: page for page in export_queryset().filter(pk__in=chunk)}
        translations = translations_of(list(pages.values()))
        transfers = transfer_summaries(list(pages.values()))
        yield [
            export_row(
                pages[pk],
                partner_slugs.get(pages[pk].path[: -Page.steplen], ""),
                request,
                translations.get(pages[pk].translation_key, []),
            )
            | transfers.get(pages[pk].translation_key, EMPTY_TRANSFERS)
            for pk in chunk
            if pk in pages
        ]


def export_row(
    page: PracticePage, partner_slug: str, request: HttpRequest, translations=()
) -> dict[str, Any]:
    row = practice_to_row(page, partner_slug, translations)
    published = page.last_published_at
    return {
        "url": page.get_full_url(request),
        "last_published_at": published.isoformat() if published else None,
        **{key: row[key] for key in EXPORT_KEYS[2:] if key not in TRANSFER_KEYS},
    }


def csv_cell(value: Any) -> str:
    """Lists of names joined with "; " (lists of objects as JSON), booleans as true/false, and
    text that a spreadsheet would take for a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return json.dumps(value, ensure_ascii=False)
        value = LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_START) else value
    return str(value)


def csv_stream(chunks: Iterable[list[dict[str, Any]]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_KEYS)
    yield BOM + buffer.getvalue()
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cell(row[key]) for key in EXPORT_KEYS] for row in rows)
        yield buffer.getvalue()


def jsonl_stream(chunks: Iterable[list[dict[str, Any]]]) -> Iterator[str]:
    for rows in chunks:
        yield "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


class ClosingStream(Iterator[str]):
    """The parts of a streamed export; closing it (the server does, also when the client goes
    away before the first part) closes the ids' stream and its cursor too."""

    def __init__(self, parts: Iterator[str], ids: MatchingIds):
        self._parts, self._ids = parts, ids

    def __next__(self) -> str:
        return next(self._parts)

    def close(self) -> None:
        try:
            self._parts.close()
        finally:
            self._ids.close()


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_stream),
    "jsonl": ("application/x-ndjson; charset=utf-8", jsonl_stream),
}


def export_urls(request: HttpRequest, params: SearchParams) -> dict[str, str]:
    """Absolute links to the exports of this search, by format."""
    query = selection_query(params)
    links = {}
    for fmt in FORMATS:
        path = reverse("opendata_export", args=[fmt])
        links[fmt] = get_full_url(request, f"{path}?{query}" if query else path)
    return links


@require_GET
@rate_limit("export")
def export_practices(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        params = parse_selection(request.GET)
    except InvalidSearch as exc:
        return JsonResponse(
            {"error": _("Invalid search parameters."), "errors": exc.errors}, status=400
        )
    content_type, stream = FORMATS[fmt]
    ids, _engine, _degraded = iter_matching_ids(params)
    response = StreamingHttpResponse(
        ClosingStream(stream(iter_row_chunks(ids, request)), ids), content_type=content_type
    )
    filename = f"ersi-practices-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Link"] = f'<{settings.CONTENT_LICENCE["url"]}>; rel="license"'
    return response
