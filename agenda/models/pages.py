"""The network's events: conferences, seminars, workshops, expert panels, citizens' dialogues,
study visits and the art competition, each hosted by a partner (its page's parent).

Events live under their hosting partner, as practices do, so the tree gives partner editors
their own partner's events and the expert panel's review workflow covers them with no code of
ours. `/events/` (EventIndexPage) lists every live event of every partner.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import ItemBase

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet

from kb.languages import CONTENT_LANGUAGES
from kb.models.pages import TEXT_FEATURES
from kb.models.taxonomy import TargetGroup
from multilingual.languages import active_language
from multilingual.routing import ReadableInEveryLanguage, in_reader_language

# The partners' time zones first; any European zone may be chosen.
DEFAULT_TIME_ZONE = "Europe/Warsaw"
TIME_ZONES = sorted(
    zone for zone in zoneinfo.available_timezones() if zone.startswith(("Europe/", "UTC"))
)


class LanguagesField(ArrayField):
    """A list of language codes, edited as check boxes."""

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.base_field.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class TaggedEvent(ItemBase):
    tag = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="tagged_events")
    content_object = ParentalKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="tagged_target_groups"
    )


class EventIndexPage(ReadableInEveryLanguage, Page):
    """/events/: upcoming and past events of the whole network (one page, under the home page)."""

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index page")

    def get_context(self, request, *args, **kwargs):
        from agenda.listing import listing_context  # agenda.listing imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(response, "context_data", {}).get("filter_errors"):
            response.status_code = 400  # as /search/ answers parameters it cannot read
        return response


def _other_versions():
    """The pages sharing a translation key with the outer page (a subquery)."""
    return Page.objects.filter(translation_key=OuterRef("translation_key"))


class EventPageQuerySet(PageQuerySet):
    def one_per_event(self, language: str | None = None) -> EventPageQuerySet:
        """One page per event, in the reader's language where it has a live translation, else
        the original (the first written), as practices are listed."""
        language = language or active_language()
        in_language = _other_versions().filter(locale__language_code=language, live=True)
        earlier = _other_versions().filter(pk__lt=OuterRef("pk"), live=True)
        return self.filter(
            Q(locale__language_code=language) | (~Exists(in_language) & ~Exists(earlier))
        )

    def upcoming(self, now: dt.datetime | None = None) -> EventPageQuerySet:
        """Not over yet (running now or to come), soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: dt.datetime | None = None) -> EventPageQuerySet:
        """Over, the most recent first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def hosted_by(self, partner_slug: str) -> EventPageQuerySet:
        """Hosted or co-hosted by the partner (its page has the same slug in every language)."""
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        host = Page.objects.filter(path=parent_path, slug=partner_slug)
        co_host = EventPage.co_hosts.through.objects.filter(
            eventpage_id=OuterRef("pk"), partnerpage__slug=partner_slug
        )
        return self.filter(Exists(host) | Exists(co_host))

    def for_listing(self) -> EventPageQuerySet:
        """What an event card shows, in a fixed number of queries whatever the count."""
        from kb.models import PartnerPage

        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        partners = PartnerPage.objects.filter(path=parent_path)
        return (
            self.select_related("locale")
            .annotate(
                host_title=Subquery(partners.values("title")[:1]),
                host_slug=Subquery(partners.values("slug")[:1]),
            )
            .prefetch_related(
                "themes",
                "co_hosts",
                Prefetch("tagged_target_groups", TaggedEvent.objects.select_related("tag")),
            )
        )


class EventPage(ReadableInEveryLanguage, Page):
    """An event of the network, filed under its hosting partner."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        EXPERT_PANEL = "expert_panel", _("Expert panel")
        CITIZENS_DIALOGUE = "citizens_dialogue", _("Citizens' dialogue")
        STUDY_VISIT = "study_visit", _("Study visit")
        ART_COMPETITION = "art_competition", _("Art competition")
        OTHER = "other", _("Other event")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("type of event"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SCHEDULED,
        help_text=_("Keep a cancelled or postponed event published: people look for it."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("One or two sentences: what happens, for whom. Shown in listings."),
    )
    description = RichTextField(_("description"), blank=True, features=TEXT_FEATURES)
    programme = RichTextField(
        _("programme"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("The agenda: times, sessions, speakers, visits."),
    )
    report = RichTextField(
        _("report"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("After the event: what happened, who took part, what came out of it."),
    )

    # When: dates and local times in the event's own time zone. No time = all day.
    start_date = models.DateField(_("first day"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=[(zone, zone) for zone in TIME_ZONES],
        default=DEFAULT_TIME_ZONE,
        help_text=_("The times above are local times in this zone."),
    )
    # The same moments in UTC, kept by save() for ordering and for "upcoming" / "past".
    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False, db_index=True)

    # Where.
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Where to join online (shown to everyone)."),
    )

    # Who and what.
    co_hosts = ParentalManyToManyField(
        "kb.PartnerPage",
        verbose_name=_("co-hosting partners"),
        blank=True,
        related_name="co_hosted_events",
        help_text=_("Other partners hosting the event with the partner it is filed under."),
    )
    languages = LanguagesField(
        models.CharField(max_length=10, choices=CONTENT_LANGUAGES),
        verbose_name=_("languages"),
        default=list,
        blank=True,
        help_text=_("The languages spoken or interpreted at the event."),
    )
    themes = ParentalManyToManyField(
        "kb.Theme", verbose_name=_("themes"), blank=True, related_name="events"
    )
    target_groups = ClusterTaggableManager(
        through=TaggedEvent, verbose_name=_("target groups"), blank=True
    )
    practices = ParentalManyToManyField(
        "kb.PracticePage",
        verbose_name=_("practices presented or visited"),
        blank=True,
        related_name="events",
    )

    # Registration (agenda/registration.py holds the registrations themselves).
    registration_open = models.BooleanField(_("registration open"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. When full, people join a waiting list."),
    )
    registration_deadline = models.DateField(_("registration closes after"), null=True, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Where registrations are announced. Not shown publicly. Defaults to the "
                    "partner's address."),
    )  # fmt: skip

    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Invented demonstration content: the site labels it “Sample content”."),
    )

    parent_page_types = ["kb.PartnerPage"]
    subpage_types: list[str] = []

    objects = PageManager.from_queryset(EventPageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("programme"),
        FieldPanel("report"),
    ]
    when_where_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
    ]
    about_panels = [
        FieldPanel("co_hosts", widget=forms.CheckboxSelectMultiple),
        FieldPanel("languages"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("target_groups"),
        FieldPanel("practices"),
        InlinePanel("documents", label=_("Documents"), heading=_("Documents")),
        InlinePanel("images", label=_("Images"), heading=_("Images")),
    ]
    registration_panels = [
        FieldPanel("registration_open"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
        FieldPanel("contact_email"),
    ]
    settings_panels = [FieldPanel("is_sample"), *Page.settings_panels]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Event")),
            ObjectList(when_where_panels, heading=_("When and where")),
            ObjectList(about_panels, heading=_("Themes, practices and media")),
            ObjectList(registration_panels, heading=_("Registration")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        elif (
            self.start_time and self.end_time
            and (self.end_date or self.start_date) == self.start_date
            and self.end_time < self.start_time
        ):  # fmt: skip
            errors["end_time"] = _("The event cannot end before it starts.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.attendance != self.Attendance.IN_PERSON and not self.online_url:
            errors["online_url"] = _("Give the link to join an online event.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.starts_at, self.ends_at = self.moments()
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        # The UTC moments are derived, never typed: fill them before Django checks them.
        if self.start_date:
            self.starts_at, self.ends_at = self.moments()
        return super().full_clean(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone or DEFAULT_TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)

    @property
    def is_all_day(self) -> bool:
        return self.start_time is None

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """(start, end) as aware datetimes in the event's zone; an all-day event runs from the
        first day's midnight to the end of its last day."""
        last_day = self.end_date or self.start_date
        start = dt.datetime.combine(self.start_date, self.start_time or dt.time.min, self.zone)
        if self.end_time:
            end = dt.datetime.combine(last_day, self.end_time, self.zone)
        elif self.start_time and last_day == self.start_date:
            end = start  # a start time and nothing else: a moment
        else:
            end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, self.zone)
        return start, max(start, end)

    @property
    def host(self):
        """The hosting partner: the page the event is filed under."""
        parent = self.get_parent()
        return parent.specific if parent else None

    def permissions_for_user(self, user):
        from kb.roles import PracticePermissionTester  # only administrators delete

        return PracticePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from kb.models import PracticePage

        context = super().get_context(request, *args, **kwargs)
        context["tiles"] = settings.MAP_TILES
        # The practices named, each in the reader's language where it has a translation.
        linked = list(self.practices.live().public().for_listing().order_by("title"))
        context["practices"] = in_reader_language(linked, PracticePage.objects.for_listing())
        return context

    # -- for the templates, the feeds and the API ---------------------------------------------

    @property
    def last_day(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def is_multi_day(self) -> bool:
        return self.last_day != self.start_date

    @property
    def is_past(self) -> bool:
        return bool(self.ends_at) and self.ends_at < timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.attendance != self.Attendance.IN_PERSON

    @property
    def has_place(self) -> bool:
        return self.attendance != self.Attendance.ONLINE and bool(
            self.venue or self.address or self.city or self.country
        )

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def utc_offset(self) -> str:
        """ "UTC+01:00" at the start of the event (summer time changes it)."""
        offset = self.moments()[0].strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}" if offset and offset != "+0000" else "UTC"

    @property
    def zone_abbreviation(self) -> str:
        """ "CET", "EEST"; the offset where the zone has no abbreviation ("+03")."""
        name = self.moments()[0].tzname() or ""
        return name if name.isalpha() else self.utc_offset

    @property
    def zone_label(self) -> str:
        """The zone named, with its abbreviation and offset at the start: "Europe/Warsaw (CET,
        UTC+01:00)"."""
        abbreviation, offset = self.zone_abbreviation, self.utc_offset
        if abbreviation in (offset, "UTC"):
            return f"{self.time_zone} ({offset})"
        return f"{self.time_zone} ({abbreviation}, {offset})"

    @property
    def place_label(self) -> str:
        """ "Venue, address, city, country"; whichever parts are given."""
        country = str(self.country.name) if self.country else ""
        parts = (self.venue, self.address, self.city, country)
        return ", ".join(part for part in parts if part)

    @property
    def short_place(self) -> str:
        """ "City, country" for listings."""
        country = str(self.country.name) if self.country else ""
        return ", ".join(part for part in (self.city, country) if part)

    @property
    def target_group_list(self) -> list:
        """Target groups through the tagging rows, so that for_listing() can prefetch them."""
        return sorted((item.tag for item in self.tagged_target_groups.all()), key=str)

    @property
    def text_language(self) -> str:
        return self.locale.language_code if self.locale_id else ""


class EventDocument(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    title = models.CharField(
        _("link text"), max_length=255, blank=True, help_text=_("Defaults to the document title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def label(self) -> str:
        return self.title or self.document.title


class EventImage(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=255,
        help_text=_("Describe what the picture shows, for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]
