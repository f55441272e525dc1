"""The error page for an exception nobody handled: 503 when the database is unreachable, else 500.

Django calls `handler500` while the exception is being handled, wherever it was raised (a view,
a middleware, a template), so `sys.exception()` tells a database outage from a bug. Both pages
are rendered without a request, hence without context processors, and query nothing. The site
recovers by itself once the database is back: each request checks its connection first
(CONN_HEALTH_CHECKS) and connecting gives up after DATABASE_CONNECT_TIMEOUT seconds.
https://docs.djangoproject.com/en/stable/ref/views/#the-500-server-error-view
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


def wants_json(request: HttpRequest) -> bool:
    """The JSON addresses (the APIs, the map's and the finder's data) answer errors in JSON."""
    path = request.path_info
    return path.startswith("/api/") or path.endswith((".json", "/finder/api/"))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = isinstance(sys.exception(), OperationalError | InterfaceError)
    if wants_json(request):
        if unavailable:
            response = JsonResponse(
                {"error": _("Temporarily unavailable"), "retry_after": RETRY_AFTER_SECONDS},
                status=503,
            )
        else:
            response = JsonResponse({"error": _("Something went wrong")}, status=500)
    elif unavailable:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    else:
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
    return response
