"""A first visit in the browser's language; afterwards, the language the reader chose.

English lives at the root without a prefix, so Django's LocaleMiddleware always reads an
unprefixed address in English. This middleware (after it) sends a reader who has not chosen a
language yet, and whose browser asks for one of the site's languages (Accept-Language), to the same
page under that language's prefix; the language switcher's choice (a cookie) then wins. Only pages
(the addresses under the language prefixes) are redirected: the API, feeds, admin and files never.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Any language but the default: an address that translates into it is a localised page.
        self.probe = next(
            code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        )

    def __call__(self, request):
        path = request.path_info
        if get_language_from_path(path) or translate_url(path, self.probe) == path:
            return self.get_response(request)  # prefixed already, or not a page (API, feeds, admin)
        response = self.redirect_for(request) or self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def redirect_for(self, request) -> HttpResponseRedirect | None:
        if request.method not in ("GET", "HEAD"):
            return None
        preferred = get_language_from_request(request, check_path=False)
        if preferred == settings.LANGUAGE_CODE:
            return None
        current = request.get_full_path()
        target = translate_url(current, preferred)
        return HttpResponseRedirect(target) if target != current else None
