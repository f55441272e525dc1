"""The language switcher and the hreflang alternates of a page (templates/base.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language_info, gettext

from wagtail.models import Page

from multilingual.languages import active_language, local_name, site_languages
from multilingual.routing import live_translations, url_in_language

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself
    url: str  # the same page in that language
    absolute_url: str  # the same, with scheme and host (hreflang alternates)
    switch_url: str  # through the switcher, which remembers the choice
    current: bool


def _page_urls(request, page: Page) -> dict[str, str]:
    translations = live_translations([page])[page.translation_key]
    query = request.GET.urlencode()
    urls = {}
    for code in site_languages():
        url = url_in_language(translations.get(code, page), code, request)
        if url:
            urls[code] = f"{url}?{query}" if query else url
    return urls


def _view_urls(request) -> dict[str, str]:
    current = request.get_full_path()
    return {code: translate_url(current, code) for code in site_languages()}


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    urls = _page_urls(request, page) if isinstance(page, Page) else _view_urls(request)
    active = active_language()
    return [
        LanguageLink(
            code=code,
            name=local_name(code),
            url=url,
            absolute_url=request.build_absolute_uri(url),
            switch_url=reverse("switch_language", args=(code,)) + "?" + urlencode({"next": url}),
            current=code == active,
        )
        for code, url in urls.items()
    ]


@dataclass(frozen=True)
class Version:
    """One language version of a page."""

    code: str
    name: str  # in the language itself
    url: str  # under that language's prefix
    original: bool
    current: bool


@dataclass(frozen=True)
class Versions:
    """A page's live language versions, the original (the first written) first, and the one in
    the reader's language if there is one: the practice page's "Also in" list and its notice."""

    all: list[Version]
    reader: Version | None

    @property
    def others(self) -> list[Version]:
        return [version for version in self.all if not version.current]


@register.simple_tag(takes_context=True)
def language_versions(context, page: Page) -> Versions:
    request = context.get("request")
    live = page.specific_class.objects.live().filter(translation_key=page.translation_key)
    pages = {p.pk: p for p in live.select_related("locale")}  # one query, with `language`
    pages.setdefault(page.pk, page)  # a preview of a draft
    languages, active = set(site_languages()), active_language()
    versions = []
    for number, version in enumerate(sorted(pages.values(), key=lambda p: p.pk)):
        code = getattr(version, "language", "") or version.locale.language_code
        url = url_in_language(version, code if code in languages else active, request)
        versions.append(
            Version(code, local_name(code), url or "", number == 0, version.pk == page.pk)
        )
    reader = next((version for version in versions if version.code == active), None)
    return Versions(versions, reader)


@register.filter
def language_name(code: str) -> str:
    """A language's name in the reader's language ("hiszpański" for "es" read in Polish)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def interface_title(title: str) -> str:
    """The title of a structural page ("Partners", "Collections", set by the seeding) in the
    reader's language: those titles are interface words with a catalogue entry; any other
    title is returned as it is."""
    return gettext(title) if title else title
