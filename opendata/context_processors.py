"""Template context for every page: the licence the content is published under."""

from django.conf import settings
from django.http import HttpRequest


def content_licence(request: HttpRequest) -> dict[str, dict[str, str]]:
    """`content_licence.name` and `content_licence.url` (settings.CONTENT_LICENCE)."""
    return {"content_licence": settings.CONTENT_LICENCE}
