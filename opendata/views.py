"""robots.txt, the /open-data/ page and the OpenAPI description of the API."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from wagtail.api.utils import get_full_url

from kb.models import Theme
from opendata.openapi import openapi_document


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = get_full_url(request, reverse("opendata_sitemap"))
    return render(
        request, "opendata/robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """What can be reused, under which licence, and where to get it."""
    return render(
        request,
        "opendata/open_data.html",
        {
            "themes": Theme.objects.order_by("name"),
            "api_url": get_full_url(request, "/api/v2/"),
        },
    )


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description of the public endpoints (opendata/openapi.py)."""
    response = JsonResponse(openapi_document(), json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"  # for API explorers on other sites
    return response
