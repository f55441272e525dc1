"""Requests per client and minute, counted in the cache, for views anyone may call often.

A fixed window per client: the first request of a window creates its counter (which expires with
the window), each request adds one, and past the limit the view answers 429 with Retry-After (the
seconds until the window ends) and a JSON message. As in the contact form (enquiries/limits.py),
the client is its IP address, kept only as a keyed hash.

RATE_LIMITS maps a scope to (requests, seconds); a scope that is missing, None or allows 0
requests is not limited. RATE_LIMIT_CACHE names the cache. With a local-memory cache each process counts on its own; point it at a cache the
processes share (e.g. Redis) for one count per client across them.
https://docs.djangoproject.com/en/stable/topics/cache/
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from ersi_practices.errors import wants_json


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the header named by CLIENT_IP_HEADER (e.g. "HTTP_X_REAL_IP") when a
    reverse proxy that sets it stands in front of the site."""
    header = getattr(settings, "CLIENT_IP_HEADER", None)
    value = request.META.get(header, "") if header else ""
    return value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def client_hash(request: HttpRequest, purpose: str) -> str:
    """The client's address as an HMAC keyed with SECRET_KEY: enough to count, useless to
    identify."""
    return salted_hmac(purpose, client_ip(request), algorithm="sha256").hexdigest()


def sent_too_often(
    records, address_hash: str, email: str, *, limit: int, window, email_field: str = "email"
) -> bool:
    """For the public forms whose messages are stored (requests, registrations, transfer
    stories): True when this address hash or this e-mail address stored `limit` of `records`
    within `window` (a timedelta), counted in the database, so across every process."""
    same_sender = Q(sender_hash=address_hash)
    if email:
        same_sender |= Q(**{f"{email_field}__iexact": email})
    return records.filter(same_sender, created_at__gte=timezone.now() - window).count() >= limit


def limit_for(scope: str) -> tuple[int, int] | None:
    return (getattr(settings, "RATE_LIMITS", None) or {}).get(scope)


def retry_after(request: HttpRequest, scope: str) -> int | None:
    """Counts this request; the seconds to wait when it is over the scope's limit, else None."""
    limit = limit_for(scope)
    if not limit or not limit[0]:
        return None
    requests, seconds = limit
    now = time.time()
    window = int(now // seconds)
    key = f"ratelimit:{scope}:{client_hash(request, 'ersi_practices.ratelimit')}:{window}"
    cache = caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window begins
        cache.add(key, 1, timeout=seconds + 1)
        count = 1
    if count <= requests:
        return None
    return max(1, math.ceil((window + 1) * seconds - now))


def too_many_requests(request: HttpRequest, seconds: int) -> HttpResponse:
    """The 429 answer, in the language of the address or of the `language` parameter that the
    JSON APIs take: JSON for the JSON addresses, the site's styled page for the others."""
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        message = ngettext(
            "Too many requests. Please try again in %(seconds)d second.",
            "Too many requests. Please try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        if wants_json(request):
            response = JsonResponse({"error": message, "retry_after": seconds}, status=429)
        else:
            page = loader.get_template("429.html").render({"message": message}, request)
            response = HttpResponse(page, status=429)
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def rate_limit(scope: str) -> Callable:
    """Limits a view to RATE_LIMITS[scope] requests per client."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = retry_after(request, scope)
            if seconds is not None:
                return too_many_requests(request, seconds)
            return view(request, *args, **kwargs)

        return limited

    return decorator
