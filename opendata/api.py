"""The read-only JSON API at /api/v2/: practices, partners, collections and events (Wagtail API
v2).

The fields are declared here, on the endpoints, rather than as `api_fields` on the page models:
the API shows what the public pages show and nothing more (no contact phone, no partner contact
e-mail). The practices listing takes the search parameters of /api/search/ and is answered by
the search engine; see docs/open-data.md.
https://docs.wagtail.org/en/stable/advanced_topics/api/v2/configuration.html
"""

from __future__ import annotations

from http import HTTPStatus

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.fields import Field
from rest_framework.response import Response

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.api import APIField
from wagtail.api.utils import get_full_url
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, get_object_detail_url
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from agenda.models import EventPage
from kb.languages import LANGUAGE_CODES
from kb.models import CollectionPage, PartnerPage, PracticePage, Theme
from opendata.exports import export_urls
from opendata.selection import SEARCH_KEYS, parse_selection, search_slice
from search.params import InvalidSearch, whole_number

API_NAMESPACE = "opendata_api"
IMAGE_RENDITION = "width-1200"
# Far past any listing, and well inside the 64-bit integers the database takes for an OFFSET.
MAX_OFFSET = 2**31 - 1


# -- fields ------------------------------------------------------------------------------------


class TermSerializer(serializers.Serializer):
    """A taxonomy term or target group: its stable slug and its name."""

    slug = serializers.CharField()
    name = serializers.CharField()


class CountryField(Field):
    def to_representation(self, country):
        return {"code": country.code, "name": str(country.name)} if country else None


class PartnerField(Field):
    """The publishing partner of a practice (its parent page), from a per-request lookup."""

    def get_attribute(self, instance):
        return self.context["partners"].get(instance.path[: -Page.steplen])

    def to_representation(self, partner):
        return page_reference(partner, self.context)


class PracticeCountField(Field):
    def get_attribute(self, instance):
        return practice_counts(self.context).get(instance.path, 0)

    def to_representation(self, count):
        return count


class PracticesUrlField(Field):
    """The practices listing filtered to this partner."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, partner):
        path = reverse(f"{API_NAMESPACE}:practices:listing") + f"?partner={partner.slug}"
        return get_full_url(self.context["request"], path)


class LicenceField(Field):
    def get_attribute(self, instance):
        return settings.CONTENT_LICENCE

    def to_representation(self, licence):
        return {"name": licence["name"], "url": licence["url"]}


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField(source="label")
    url = serializers.SerializerMethodField()
    file_extension = serializers.CharField(source="document.file_extension")

    def get_url(self, item) -> str:
        return get_full_url(self.context["request"], item.document.url)


class ImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    alt = serializers.CharField(source="alt_text")
    caption = serializers.CharField()

    def get_url(self, item) -> str:
        return item.image.get_rendition(IMAGE_RENDITION).full_url


class AdaptationSerializer(serializers.Serializer):
    place = serializers.CharField()
    country = serializers.CharField()
    year = serializers.IntegerField()
    description = serializers.CharField()
    url = serializers.URLField()


class TransferStoriesField(serializers.Field):
    """The approved transfer stories of the practice (every translation's), without the
    submitters' personal data (transfers.public)."""

    def to_representation(self, page):
        from transfers.public import public_stories

        return public_stories(page)


class CollectionItemSerializer(serializers.Serializer):
    practice = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_practice(self, item) -> dict:
        return page_reference(item.practice, self.context)


def page_reference(page: Page | None, context: dict) -> dict | None:
    """A short reference to another page: id, title, slug and its two URLs."""
    if page is None:
        return None
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "html_url": page.full_url,
        "detail_url": get_object_detail_url(
            context["router"], context["request"], type(page), page.pk
        ),
    }


def practice_counts(context: dict) -> dict[str, int]:
    """Live practices per partner path, counted once per request."""
    if "practice_counts" not in context:
        parent = Substr("path", 1, Length("path") - Page.steplen)
        rows = (
            PracticePage.objects.live()
            .annotate(parent=parent)
            .order_by()
            .values("parent")
            .annotate(count=Count("pk"))
        )
        context["practice_counts"] = {row["parent"]: row["count"] for row in rows}
    return context["practice_counts"]


def terms() -> TermSerializer:
    return TermSerializer(many=True, read_only=True)


# -- endpoints ---------------------------------------------------------------------------------


def refuse_far_offset(offset: int | str) -> None:
    number = whole_number(str(offset).strip())
    if number is not None and number > MAX_OFFSET:
        raise BadRequestError(_("offset cannot be higher than %(max)s") % {"max": MAX_OFFSET})


class PublicPagination(WagtailPagination):
    """Wagtail's paginator, with a 400 for an offset the database would refuse."""

    def paginate_queryset(self, queryset, request, view=None):
        refuse_far_offset(request.GET.get("offset", "0"))
        return super().paginate_queryset(queryset, request, view)


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """One page type, live and public only; no `type` switch; a licence link on every answer."""

    pagination_class = PublicPagination

    known_query_parameters = PagesAPIViewSet.known_query_parameters - {"type"}
    meta_fields = [
        *PagesAPIViewSet.meta_fields,
        "last_published_at",
        APIField("license", LicenceField()),
    ]
    listing_default_fields = [*PagesAPIViewSet.listing_default_fields, "last_published_at"]
    detail_only_fields = [*PagesAPIViewSet.detail_only_fields, "license"]

    def get_queryset(self) -> QuerySet:
        # An alias (a partner's page in another language's tree) repeats its original.
        public = self.get_base_queryset().filter(alias_of__isnull=True).values("pk")
        return self.model.objects.filter(pk__in=public)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Wagtail's filters by field value (`?latitude=...`) convert booleans and integers and
        hand other values to the model field, which refuses a word for a number, a date or a
        related item: a 400 that says so, rather than an error of the server."""
        try:
            return super().filter_queryset(queryset)
        except (ValueError, ValidationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise BadRequestError(
                _("A filter has a value of the wrong kind: %(reason)s") % {"reason": reason}
            ) from exc

    def handle_exception(self, exc):
        """REST framework's own errors (a wrong method, an unacceptable Accept header) worded as
        Wagtail words the others, `{"message": ...}`, and never an empty message."""
        response = super().handle_exception(exc)
        data = response.data
        if isinstance(data, dict) and data and set(data) <= {"message", "detail"}:
            message = str(data.get("message") or data.get("detail") or "")
            if not message:
                message = HTTPStatus(response.status_code).phrase
            response.data = {"message": message}
        return response

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # REST framework says nothing about the unknown `format`
            formats = [renderer.format for renderer in self.get_renderers()]
            raise NotFound(
                _("Unknown format: %(format)s. Use one of: %(formats)s.")
                % {
                    "format": request.query_params.get("format", "")[:20],
                    "formats": ", ".join(formats),
                }
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = f'<{settings.CONTENT_LICENCE["url"]}>; rel="license"'
        return response


class PracticesAPIViewSet(PublicPagesAPIViewSet):
    name = "practices"
    model = PracticePage
    body_fields = [
        *PagesAPIViewSet.body_fields,
        "summary",
        APIField("partner", PartnerField(read_only=True)),
        "organisation_name",
        APIField("organisation_type", TermSerializer(read_only=True)),
        APIField("country", CountryField(read_only=True)),
        "region",
        "latitude",
        "longitude",
        "start_year",
        "end_year",
        APIField("themes", terms()),
        APIField("target_groups", TermSerializer(many=True, source="target_group_list")),
        APIField("activity_types", terms()),
        APIField("policy_frameworks", terms()),
        APIField("label", serializers.CharField(source="facet_label", read_only=True)),
        "problem",
        "approach",
        "results",
        "evidence",
        "resources",
        "transferability",
        "lessons",
        "body",
        "population",
        "annual_budget_eur",
        APIField("cost_per_beneficiary_eur", serializers.FloatField(read_only=True)),
        APIField("staff_fte", serializers.FloatField(read_only=True)),
        "duration_months",
        APIField("funding_sources", terms()),
        "precondition_legal",
        "precondition_partners",
        "precondition_infrastructure",
        APIField("adaptations", AdaptationSerializer(many=True, read_only=True)),
        APIField("transfer_stories", TransferStoriesField(source="*", read_only=True)),
        "contact_name",
        "contact_email",
        "source_url",
        "language",
        "external_id",
        APIField("sample", serializers.BooleanField(source="is_sample", read_only=True)),
        APIField("documents", DocumentSerializer(many=True, read_only=True)),
        APIField("images", ImageSerializer(many=True, read_only=True)),
    ]
    listing_default_fields = [
        *PublicPagesAPIViewSet.listing_default_fields,
        "summary",
        "partner",
        "country",
        "region",
        "themes",
        "target_groups",
        "start_year",
        "end_year",
        "label",
        "sample",
    ]
    detail_only_fields = [
        *PublicPagesAPIViewSet.detail_only_fields,
        "documents",
        "images",
        "transfer_stories",
    ]
    # The listing is a search: the parameters of /api/search/ instead of Wagtail's filters,
    # `search` and `order`.
    known_query_parameters = frozenset(
        {"limit", "offset", "fields", "format", "rich_text_format", "_", *SEARCH_KEYS}
    )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["partners"] = {p.path: p for p in PartnerPage.objects.live()}
        return context

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a search parameter: "
                + ", ".join(sorted(unknown))
            )

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        try:
            params = parse_selection(request.GET)
        except InvalidSearch as exc:
            return Response(
                {"message": _("Invalid search parameters."), "errors": exc.errors}, status=400
            )
        offset, limit = self.offset_and_limit()
        found = search_slice(params, offset, limit)
        ids = [hit.page_id for hit in found.result.hits]
        pages = {
            page.pk: page
            for page in queryset.filter(pk__in=ids)
            .for_listing()
            .select_related("locale", "organisation_type")
            .prefetch_related("policy_frameworks", "funding_sources", "adaptations")
        }
        serializer = self.get_serializer([pages[pk] for pk in ids if pk in pages], many=True)
        meta = {
            "total_count": found.result.total,
            "engine": found.engine,
            "degraded": found.degraded,
            "license": settings.CONTENT_LICENCE,
            "export": export_urls(request, params),
        }
        return Response({"meta": meta, "items": serializer.data})

    def offset_and_limit(self) -> tuple[int, int]:
        """The `offset` and `limit` parameters, with the rules and messages of Wagtail's
        paginator (which needs a queryset to slice; here the engine does the slicing)."""
        limit_max = settings.WAGTAILAPI_LIMIT_MAX
        values = {}
        for key, default in (("offset", 0), ("limit", min(20, limit_max))):
            number = whole_number(str(self.request.GET.get(key, default)))
            if number is None:
                raise BadRequestError(f"{key} must be a positive integer")
            values[key] = number
        if values["limit"] > limit_max:
            raise BadRequestError(f"limit cannot be higher than {limit_max}")
        refuse_far_offset(values["offset"])
        return values["offset"], values["limit"]


class PartnersAPIViewSet(PublicPagesAPIViewSet):
    name = "partners"
    model = PartnerPage
    body_fields = [
        *PagesAPIViewSet.body_fields,
        "partner_number",
        "is_lead",
        APIField("country", CountryField(read_only=True)),
        "city",
        APIField("organisation_type", TermSerializer(read_only=True)),
        "profile",
        APIField("roles", serializers.ListField(source="role_list", read_only=True)),
        APIField("expertise", terms()),
        "website",
        "latitude",
        "longitude",
        APIField("practice_count", PracticeCountField(read_only=True)),
        APIField("practices_url", PracticesUrlField(read_only=True)),
    ]
    listing_default_fields = [
        *PublicPagesAPIViewSet.listing_default_fields,
        "partner_number",
        "is_lead",
        "country",
        "city",
        "practice_count",
        "practices_url",
    ]


class CollectionsAPIViewSet(PublicPagesAPIViewSet):
    name = "collections"
    model = CollectionPage
    body_fields = [
        *PagesAPIViewSet.body_fields,
        "intro",
        "featured",
        APIField("items", CollectionItemSerializer(many=True, source="live_items", read_only=True)),
    ]
    listing_default_fields = [*PublicPagesAPIViewSet.listing_default_fields, "featured"]


class HostField(Field):
    """The hosting partner of an event (its parent page), from a per-request lookup."""

    def get_attribute(self, instance):
        return self.context["partners"].get(instance.path[: -Page.steplen])

    def to_representation(self, partner):
        return page_reference(partner, self.context)


class PageReferencesField(Field):
    """Several pages (co-hosts, practices) as short references."""

    def to_representation(self, pages):
        return [page_reference(page, self.context) for page in pages.all()]


class EventCalendarField(Field):
    def get_attribute(self, instance):
        return instance

    def to_representation(self, event):
        path = reverse("event_calendar", args=[event.pk])
        return get_full_url(self.context["request"], path)


class EventsAPIViewSet(PublicPagesAPIViewSet):
    """The network's events, soonest first; `?kind=`, `?theme=`, `?partner=` (host or
    co-host), `?language=` (spoken or interpreted), `?upcoming=true|false`."""

    name = "events"
    model = EventPage
    body_fields = [
        *PagesAPIViewSet.body_fields,
        "kind",
        "status",
        "summary",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "time_zone",
        "starts_at",
        "ends_at",
        APIField("all_day", serializers.BooleanField(source="is_all_day", read_only=True)),
        "attendance",
        "venue",
        "address",
        "city",
        APIField("country", CountryField(read_only=True)),
        "latitude",
        "longitude",
        "online_url",
        APIField("host", HostField(read_only=True)),
        APIField("co_hosts", PageReferencesField(read_only=True)),
        APIField("languages", serializers.ListField(read_only=True)),
        APIField("themes", terms()),
        APIField("target_groups", TermSerializer(many=True, source="target_group_list")),
        APIField("practices", PageReferencesField(read_only=True)),
        "registration_open",
        "capacity",
        "registration_deadline",
        "description",
        "programme",
        "report",
        APIField("ical_url", EventCalendarField(read_only=True)),
        APIField("sample", serializers.BooleanField(source="is_sample", read_only=True)),
        APIField("documents", DocumentSerializer(many=True, read_only=True)),
        APIField("images", ImageSerializer(many=True, read_only=True)),
    ]
    listing_default_fields = [
        *PublicPagesAPIViewSet.listing_default_fields,
        "kind",
        "status",
        "summary",
        "start_date",
        "end_date",
        "starts_at",
        "ends_at",
        "time_zone",
        "attendance",
        "city",
        "country",
        "host",
        "themes",
        "ical_url",
        "sample",
    ]
    detail_only_fields = [*PublicPagesAPIViewSet.detail_only_fields, "documents", "images"]
    CUSTOM_FILTERS = frozenset({"theme", "partner", "upcoming", "language"})
    known_query_parameters = PublicPagesAPIViewSet.known_query_parameters | CUSTOM_FILTERS

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        """A list of languages is no value to compare with: `?language=` filters by one."""
        fields = super().get_available_fields(model, db_fields_only)
        return [name for name in fields if name != "languages"] if db_fields_only else fields

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["partners"] = {p.path: p for p in PartnerPage.objects.live()}
        return context

    def get_queryset(self) -> QuerySet:
        return (
            super().get_queryset().select_related("locale")
            .prefetch_related("themes", "co_hosts", "practices", "tagged_target_groups__tag")
            .order_by("starts_at", "pk")
        )  # fmt: skip

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        params = self.request.GET
        errors = {}
        if (kind := params.get("kind")) and kind not in EventPage.Kind.values:
            errors["kind"] = _("Unknown value: %(values)s.") % {"values": kind[:50]}
        if language := params.get("language"):
            if language not in LANGUAGE_CODES:
                errors["language"] = _("Unknown value: %(values)s.") % {"values": language[:50]}
            queryset = queryset.filter(languages__contains=[language])
        if theme := params.get("theme"):
            if not Theme.objects.filter(slug=theme).exists():
                errors["theme"] = _("Unknown value: %(values)s.") % {"values": theme[:50]}
            queryset = queryset.filter(themes__slug=theme)
        if partner := params.get("partner"):
            if not PartnerPage.objects.filter(slug=partner).exists():
                errors["partner"] = _("Unknown value: %(values)s.") % {"values": partner[:50]}
            queryset = queryset.hosted_by(partner)
        if "upcoming" in params:
            upcoming = params["upcoming"].strip().lower()
            if upcoming in ("true", "1"):
                queryset = queryset.upcoming()
            elif upcoming in ("false", "0"):
                queryset = queryset.past()
            else:
                errors["upcoming"] = _("Give true or false.")
        if errors:
            raise EventFilterError(errors)
        return super().filter_queryset(queryset)

    def handle_exception(self, exc):
        if isinstance(exc, EventFilterError):
            return Response(
                {"message": _("Invalid filter values."), "errors": exc.errors}, status=400
            )
        return super().handle_exception(exc)


class EventFilterError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


api_router = WagtailAPIRouter(API_NAMESPACE)
# Registered most specific first: the router links a model to the first endpoint that serves it.
api_router.register_endpoint("practices", PracticesAPIViewSet)
api_router.register_endpoint("partners", PartnersAPIViewSet)
api_router.register_endpoint("collections", CollectionsAPIViewSet)
api_router.register_endpoint("events", EventsAPIViewSet)
