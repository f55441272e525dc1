"""Security headers beyond Django's settings: the Wagtail admin's own Content Security Policy,
and Permissions-Policy.

Django's ContentSecurityPolicyMiddleware sends `settings.SECURE_CSP` on every response unless a
Content-Security-Policy header is already set
(https://docs.djangoproject.com/en/6.1/ref/csp/). The public site's policy allows no inline
script; Wagtail's admin still needs some (InlinePanel, date pickers, choosers: see
https://github.com/wagtail/wagtail/issues/1288), so the admin gets `settings.ADMIN_CSP` instead,
set by a middleware placed after Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.urls import reverse
from django.utils.csp import CSP, build_policy

Middleware = Callable[[HttpRequest], HttpResponse]


def tile_source(url_template: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: "https://*.tile.example.org" for
    "https://{s}.tile.example.org/{z}/{x}/{y}.png" (a placeholder in the first label of the host
    becomes a wildcard), or None for tiles served by this site."""
    parts = urlsplit(url_template)
    if not parts.hostname:
        return None
    first, _, rest = parts.hostname.partition(".")
    host = f"*.{rest}" if "{" in first and rest else parts.hostname
    if "{" in host:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL {url_template!r}: only the first part of the host name can vary."
        )
    scheme = f"{parts.scheme}://" if parts.scheme else ""  # none: the page's own
    port = f":{parts.port}" if parts.port else ""
    return f"{scheme}{host}{port}"


class AdminContentSecurityPolicyMiddleware:
    """Sends `settings.ADMIN_CSP` on every response of the Wagtail admin (paths under its home)."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response
        self._prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._prefix is None:
            self._prefix = reverse("wagtailadmin_home")
        # Set even over a policy already there: a page's preview in the admin is rendered by a
        # request for its public URL (Page.make_preview_request), which got the public policy.
        if request.path_info.startswith(self._prefix) and settings.ADMIN_CSP:
            response[str(CSP.HEADER_ENFORCE)] = build_policy(settings.ADMIN_CSP, get_nonce(request))
        return response


class PermissionsPolicyMiddleware:
    """Sends `settings.PERMISSIONS_POLICY` (feature -> allowed origins, [] for none) as the
    Permissions-Policy header: https://www.w3.org/TR/permissions-policy/."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
