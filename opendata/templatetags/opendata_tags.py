"""Template tags of the open data app: practice page metadata, export links, feed links."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import to_locale

from kb.models import PartnerPage, PracticePage
from opendata.selection import selection_query
from opendata.structured_data import (
    json_ld_script,
    partner_json_ld,
    practice_json_ld,
    social_image,
)
from search.params import SearchParams

register = template.Library()


@register.simple_tag(takes_context=True)
def practice_meta(context: template.Context, page: PracticePage) -> dict[str, Any]:
    """JSON-LD, social image and locale for components/practice_meta.html."""
    image = social_image(page)
    return {
        "json_ld": json_ld_script(practice_json_ld(page, context["request"], image)),
        "image": image,
        "locale": to_locale(page.language or settings.LANGUAGE_CODE),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }


@register.simple_tag(takes_context=True)
def partner_structured_data(context: template.Context, page: PartnerPage) -> SafeString:
    """The partner page's JSON-LD (an Organization), for its <head>."""
    return json_ld_script(partner_json_ld(page, context["request"]))


@register.simple_tag
def export_links(params: SearchParams) -> dict[str, str]:
    """Links to this search's results as CSV and JSON Lines (format -> URL)."""
    query = selection_query(params)
    return {
        fmt: reverse("opendata_export", args=[fmt]) + (f"?{query}" if query else "")
        for fmt in ("csv", "jsonl")
    }
