"""schema.org JSON-LD for a practice page: what search engines and reuse tools read from it.

https://schema.org/Article, https://developers.google.com/search/docs/appearance/structured-data
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from wagtail.api.utils import get_full_url
from wagtail.images.models import AbstractRendition

from kb.models import PartnerPage, PracticePage

SOCIAL_IMAGE = "fill-1200x630"
NETWORK_NAME = "European Regions for Social Inclusion (ERSI)"
# As Django's json_script: nothing in the data can close the <script> element or open a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def social_image(page: PracticePage) -> AbstractRendition | None:
    """The first image of the practice, cropped for link previews, or None."""
    item = page.images.select_related("image").first()
    return item.image.get_rendition(SOCIAL_IMAGE) if item else None


def json_ld_script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


def practice_json_ld(
    page: PracticePage, request: HttpRequest, image: AbstractRendition | None = None
) -> dict[str, Any]:
    url = page.full_url
    partner = page.partner
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": page.title[:110],
        "name": page.title,
        "description": page.summary,
        "inLanguage": page.language,
        "datePublished": _date(page.first_published_at),
        "dateModified": _date(page.last_published_at),
        "about": [
            {"@type": "DefinedTerm", "name": theme.name, "termCode": theme.slug}
            for theme in page.themes.all()
        ],
        "audience": [
            {"@type": "Audience", "audienceType": group.name} for group in page.target_group_list
        ],
        "keywords": [theme.name for theme in page.themes.all()]
        + [group.name for group in page.target_group_list],
        "license": settings.CONTENT_LICENCE["url"],
        "isAccessibleForFree": True,
        "publisher": {
            "@type": "Organization",
            "name": NETWORK_NAME,
            "url": get_full_url(request, "/"),
        },
    }
    if partner:
        data["author"] = {"@type": "Organization", "name": partner.title, "url": partner.full_url}
    if place := _place(page):
        data["spatialCoverage"] = place
    if page.start_year:
        data["temporalCoverage"] = f"{page.start_year}/{page.end_year or '..'}"
    if image:
        data["image"] = image.full_url
    from transfers.public import stories_json_ld

    if transfers := stories_json_ld(page):
        # Where other towns took the practice up (approved stories, no personal data).
        data["workExample"] = transfers
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _place(page: PracticePage) -> dict[str, Any] | None:
    if not (page.region or page.country or page.latitude is not None):
        return None
    place: dict[str, Any] = {"@type": "Place"}
    if page.region:
        place["name"] = page.region
    if page.country:
        address = {"@type": "PostalAddress", "addressCountry": page.country.code}
        if page.region:
            address["addressLocality"] = page.region
        place["address"] = address
    if page.latitude is not None and page.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": page.latitude,
            "longitude": page.longitude,
        }
    return place


def partner_json_ld(partner: PartnerPage, request: HttpRequest) -> dict[str, Any]:
    """A partner as a schema.org Organization, member of the network."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": partner.full_url,
        "url": partner.full_url,
        "name": partner.title,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": partner.city,
            "addressCountry": partner.country.code,
        },
        "knowsAbout": [theme.name for theme in partner.expertise.all()],
        "sameAs": partner.website,
        "memberOf": {
            "@type": "Organization",
            "name": NETWORK_NAME,
            "url": get_full_url(request, "/"),
        },
    }
    if partner.latitude is not None and partner.longitude is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": partner.latitude,
                "longitude": partner.longitude,
            },
        }
    return {key: value for key, value in data.items() if value not in (None, "", [])}
