"""The curators' report: what people search for, and what they search for and do not find."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.search_promotions.models import Query

from search.models import QueryOutcome

DAYS = 30
LIMIT = 50


def search_terms_report(request):
    since = timezone.localdate() - timedelta(days=DAYS)
    top_queries = (
        Query.objects.filter(daily_hits__date__gte=since)
        .annotate(searches=Sum("daily_hits__hits"))
        .order_by("-searches", "query_string")[:LIMIT]
    )
    zero_results = (
        QueryOutcome.objects.filter(date__gte=since)
        .values("query_string")
        .annotate(searches=Sum("zero_result_hits"))
        .order_by("-searches", "query_string")[:LIMIT]
    )
    return TemplateResponse(
        request,
        "search/search_terms_report.html",
        {
            "title": _("Search terms"),
            "days": DAYS,
            "top_queries": top_queries,
            "zero_results": zero_results,
        },
    )
