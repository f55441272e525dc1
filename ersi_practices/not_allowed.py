"""A 405 that says what to do.

Django's `require_http_methods` (and `require_GET`) answer a wrong method with an empty body and
an `Allow` header; this middleware gives such an answer a JSON message naming the methods the
address takes, in the shape of the API's other errors (`{"error": ...}`). Answers that already
have a body (Wagtail's API words its own) are left alone.
https://docs.djangoproject.com/en/stable/topics/http/decorators/#allowed-http-methods
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class MethodNotAllowedMessageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        allowed = response.get("Allow", "")
        message = _("This address does not take %(method)s requests. Use: %(allowed)s.") % {
            "method": request.method[:20],
            "allowed": allowed,
        }
        body = {"error": message, "allowed": [m.strip() for m in allowed.split(",") if m.strip()]}
        response.content = json.dumps(body)
        response["Content-Type"] = "application/json"
        return response
