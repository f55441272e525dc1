"""The page tree of the knowledge base: partners and the practices they publish."""

from __future__ import annotations

import uuid

from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from kb.languages import CONTENT_LANGUAGES
from kb.text import html_to_plain
from multilingual.languages import active_language
from multilingual.routing import ReadableInEveryLanguage, children_in_every_locale

from .taxonomy import TaggedPractice
from .transfer import TransferData

# Structured texts allow a little formatting and links, nothing that breaks the page layout.
TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]
YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]
# The written sections of a practice, in reading order.
SECTIONS = (
    "problem", "approach", "results", "evidence", "resources", "transferability", "lessons", "body",
)  # fmt: skip


class PartnerIndexPage(ReadableInEveryLanguage, Page):
    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["kb.PartnerPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("partner index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["partners"] = (
            PartnerPage.objects.child_of(self.content_source)
            .live()
            .select_related("organisation_type")
            .annotate(practice_count=live_practice_count())
            .order_by("partner_number", "title")
        )
        return context


def live_practice_count() -> Coalesce:
    """Number of live practices of each partner, counting a practice once whatever the number
    of its translations and wherever its locale's tree holds it (one subquery, no query per
    partner)."""
    parent_key = Page.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    ).values("translation_key")[:1]
    practices = (
        PracticePage.objects.live()
        .annotate(parent_key=Subquery(parent_key))
        .filter(parent_key=OuterRef("translation_key"))
        .order_by()
        .values("parent_key")
        .annotate(count=Count("translation_key", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(practices), 0)


class PartnerPage(ReadableInEveryLanguage, Page):
    partner_number = models.PositiveSmallIntegerField(
        _("partner number"), null=True, blank=True, help_text=_("Number in the ERSI partnership.")
    )
    is_lead = models.BooleanField(_("network lead"), default=False)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120)
    organisation_type = models.ForeignKey(
        "kb.OrganisationType",
        verbose_name=_("type of organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    profile = RichTextField(
        _("profile"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("Who the partner is and what it brings to the network."),
    )
    roles = models.TextField(
        _("roles in the network"), blank=True, help_text=_("One role per line.")
    )
    expertise = ParentalManyToManyField(
        "kb.Theme", verbose_name=_("fields of expertise"), blank=True, related_name="partners"
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Where questions about this partner's practices go. Not shown publicly."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("country"), FieldPanel("city")]),
        FieldRowPanel([FieldPanel("organisation_type"), FieldPanel("partner_number")]),
        FieldPanel("is_lead"),
        FieldPanel("profile"),
        FieldPanel("roles"),
        FieldPanel("expertise", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldPanel("contact_email"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Contact and location"),
        ),
    ]
    parent_page_types = ["kb.PartnerIndexPage"]
    subpage_types = ["kb.PracticePage", "events.EventPage"]

    search_fields = [
        *Page.search_fields,
        index.SearchField("city"),
        index.FilterField("facet_country"),
    ]

    class Meta:
        verbose_name = _("partner page")

    def facet_country(self) -> str:
        """The country code as plain text (a Country object does not serialise to JSON)."""
        return self.country.code if self.country else ""

    def permissions_for_user(self, user):
        from kb.roles import PartnerPermissionTester  # kb.roles imports the models

        return PartnerPermissionTester(user, self)

    @property
    def role_list(self) -> list[str]:
        return [line.strip() for line in self.roles.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["practices"] = (
            PracticePage.objects.live()
            .filter(children_in_every_locale(self))
            .one_per_practice()
            .for_listing()
            .order_by("-start_year", "title")
        )
        return context


def _other_versions() -> PageQuerySet:
    """The pages sharing a translation key with the outer page (a subquery)."""
    return Page.objects.filter(translation_key=OuterRef("translation_key"))


class PracticePageQuerySet(PageQuerySet):
    def originals(self, *, among_live: bool = True) -> PracticePageQuerySet:
        """One page per practice: the first written (lowest id) of its live translations (of all
        of them, drafts included, with among_live=False). Search, the map, feeds and exports
        list these; readers see their own translation."""
        earlier = _other_versions().filter(pk__lt=OuterRef("pk"))
        return self.filter(~Exists(earlier.filter(live=True) if among_live else earlier))

    def one_per_practice(self, language: str | None = None) -> PracticePageQuerySet:
        """One page per practice, in the reader's language where it has a live translation,
        else the original."""
        language = language or active_language()
        in_language = _other_versions().filter(locale__language_code=language, live=True)
        earlier = _other_versions().filter(pk__lt=OuterRef("pk"), live=True)
        return self.filter(
            Q(locale__language_code=language) | (~Exists(in_language) & ~Exists(earlier))
        )

    def with_transferred(self) -> PracticePageQuerySet:
        """`is_transferred`: transferred successfully elsewhere (transfers app), in the query."""
        from transfers.models import transferred_elsewhere

        return self.annotate(is_transferred=transferred_elsewhere())

    def for_listing(self) -> PracticePageQuerySet:
        """What a practice card shows, in a fixed number of queries whatever the count."""
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        partners = PartnerPage.objects.filter(path=parent_path)
        return self.annotate(
            partner_title=Subquery(partners.values("title")[:1]),
            partner_slug=Subquery(partners.values("slug")[:1]),
        ).prefetch_related(
            "themes",
            "activity_types",
            "assessments",
            Prefetch("tagged_target_groups", TaggedPractice.objects.select_related("tag")),
        )


class PracticePage(TransferData, ReadableInEveryLanguage, Page):
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_(
            "One or two sentences that tell a busy reader what the practice does and for whom. "
            "Shown in listings and search results."
        ),
    )
    body = RichTextField(
        _("full description"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_(
            "Optional free-text description. Use it when the practice does not fit the "
            "structured sections below, or for anything they leave out."
        ),
    )
    problem = RichTextField(
        _("problem addressed"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("What situation or need led to the practice? Who was affected, and how?"),
    )
    approach = RichTextField(
        _("approach and activities"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("What was done, by whom, in which steps? Who took part?"),
    )
    results = RichTextField(
        _("results and impact"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("What changed? Give figures where you have them (people reached, outcomes)."),
    )
    evidence = RichTextField(
        _("evidence and evaluation"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("How do you know it works? Evaluations, monitoring data, feedback."),
    )
    resources = RichTextField(
        _("resources and costs"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("Budget, staff, funding sources (e.g. ESF+, ERDF, municipal budget)."),
    )
    transferability = RichTextField(
        _("transferability"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_(
            "What would another town need to do the same: conditions, partners, adaptations."
        ),
    )
    lessons = RichTextField(
        _("lessons learned"),
        blank=True,
        features=TEXT_FEATURES,
        help_text=_("What would you do differently? What should others watch out for?"),
    )

    organisation_name = models.CharField(
        _("implementing organisation"),
        max_length=255,
        blank=True,
        help_text=_("The organisation that runs the practice, if not the partner itself."),
    )
    organisation_type = models.ForeignKey(
        "kb.OrganisationType",
        verbose_name=_("type of organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("region or city"), max_length=255, blank=True, help_text=_("Where the practice runs.")
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while the practice is still running."),
    )

    themes = ParentalManyToManyField(
        "kb.Theme", verbose_name=_("themes"), blank=True, related_name="practices"
    )
    target_groups = ClusterTaggableManager(
        through=TaggedPractice,
        verbose_name=_("target groups"),
        blank=True,
        help_text=_("Who the practice is for. Pick from the list or type a new group."),
    )
    activity_types = ParentalManyToManyField(
        "kb.ActivityType", verbose_name=_("activity types"), blank=True, related_name="practices"
    )
    policy_frameworks = ParentalManyToManyField(
        "kb.PolicyFramework",
        verbose_name=_("policy frameworks"),
        blank=True,
        related_name="practices",
    )

    contact_name = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        help_text=_("Where the practice is documented elsewhere (project site, report)."),
    )
    language = models.CharField(
        _("language of the text"),
        max_length=10,
        choices=CONTENT_LANGUAGES,
        default="en",
        help_text=_("The language this description is written in."),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key used by the import; leave empty for practices written here."),
    )
    machine_translated = models.BooleanField(
        _("machine translation, not yet checked"),
        default=False,
        help_text=_(
            "Pre-filled by machine translation. Untick once a person has checked and "
            "corrected the text; until then the page says it is a machine translation."
        ),
    )
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Invented demonstration content: the site labels it “Sample content”."),
    )

    objects = PageManager.from_queryset(PracticePageQuerySet)()

    parent_page_types = ["kb.PartnerPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["external_id"]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("problem"),
        index.SearchField("approach"),
        index.SearchField("results"),
        index.SearchField("evidence"),
        index.SearchField("resources"),
        index.SearchField("transferability"),
        index.SearchField("lessons"),
        index.SearchField("organisation_name"),
        index.SearchField("region"),
        index.SearchField("partner_name"),
        index.AutocompleteField("title"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("target_groups", [index.SearchField("name")]),
        index.FilterField("facet_country"),
        index.FilterField("start_year"),
        index.FilterField("sort_title"),
        # Facets, as keyword fields in Elasticsearch/OpenSearch (see search/engines/).
        index.FilterField("facet_themes"),
        index.FilterField("facet_target_groups"),
        index.FilterField("facet_activities"),
        index.FilterField("facet_partner"),
        index.FilterField("facet_org_type"),
        index.FilterField("facet_label"),
        index.FilterField("facet_transferred", type="BooleanField"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        HelpPanel(
            content=_(
                "Describe the practice in the sections below. Fill in what you know; "
                "every section is optional except the summary."
            )
        ),
        FieldPanel("problem"),
        FieldPanel("approach"),
        FieldPanel("results"),
        FieldPanel("evidence"),
        FieldPanel("resources"),
        FieldPanel("transferability"),
        FieldPanel("lessons"),
        FieldPanel("body"),
    ]
    context_panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("organisation_type"),
            ],
            heading=_("Who runs it"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("country"), FieldPanel("region")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
            ],
            heading=_("Where and when"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("target_groups"),
                FieldPanel("activity_types", widget=forms.CheckboxSelectMultiple),
                FieldPanel("policy_frameworks", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Themes and target groups"),
        ),
    ]
    contact_panels = [
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
            help_text=_("The person other towns can ask about the practice."),
        ),
        InlinePanel("documents", label=_("Documents"), heading=_("Documents")),
        InlinePanel("images", label=_("Images"), heading=_("Images")),
        FieldPanel("source_url"),
    ]
    settings_panels = [
        FieldPanel("language"),
        FieldPanel("machine_translated"),
        FieldPanel("external_id"),
        FieldPanel("is_sample"),
        *Page.settings_panels,
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Practice")),
            ObjectList(context_panels, heading=_("Context and tags")),
            ObjectList(TransferData.transfer_panels, heading=_("Transfer")),
            ObjectList(contact_panels, heading=_("Contact and media")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year cannot be before the start year.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.external_id == "":
            self.external_id = None
        if errors:
            raise ValidationError(errors)

    def permissions_for_user(self, user):
        from kb.roles import PracticePermissionTester  # kb.roles imports the models

        return PracticePermissionTester(user, self)

    @classmethod
    def get_indexed_objects(cls):
        """What the search backends index in bulk (update_index), with relations prefetched."""
        return (
            super().get_indexed_objects().originals()  # one document per practice
            .for_listing().select_related("organisation_type").with_transferred()
        )  # fmt: skip

    # Facet values as slugs; the search engines index and count them.
    def facet_themes(self) -> list[str]:
        return sorted(theme.slug for theme in self.themes.all())

    def facet_target_groups(self) -> list[str]:
        return [group.slug for group in self.target_group_list]

    def facet_activities(self) -> list[str]:
        return sorted(activity.slug for activity in self.activity_types.all())

    def facet_partner(self) -> str | None:
        if hasattr(self, "partner_slug"):
            return self.partner_slug
        partner = self.partner
        return partner.slug if partner else None

    def facet_country(self) -> str:
        """The country code as plain text (a Country object does not serialise to JSON)."""
        return self.country.code if self.country else ""

    def facet_transferred(self) -> bool:
        """Transferred successfully elsewhere (transfers app): annotated by with_transferred()."""
        if hasattr(self, "is_transferred"):
            return bool(self.is_transferred)
        from transfers.models import is_transferred

        return is_transferred(self)

    def facet_label(self) -> str | None:
        """The expert panel's label (promising/good/best), from the latest assessment."""
        return self.assessment.label if self.assessment else None

    def sort_title(self) -> str:
        return self.title.casefold()

    def partner_name(self) -> str:
        if hasattr(self, "partner_title"):
            return self.partner_title or ""
        partner = self.partner
        return partner.title if partner else ""

    def facet_org_type(self) -> str | None:
        return self.organisation_type.slug if self.organisation_type else None

    def plain_text(self) -> str:
        """Every written section as plain text, for search snippets."""
        return "\n\n".join(
            html_to_plain(html) for _anchor, _heading, html in self.structured_sections
        )

    @cached_property
    def assessment(self):
        """The expert panel's latest assessment, if any (prefetched by for_listing())."""
        return next(iter(self.assessments.all()), None)

    def live_collections(self):
        """The published collections that include this practice."""
        from kb.models import CollectionPage

        return (
            CollectionPage.objects.live().filter(items__practice=self).distinct().order_by("title")
        )

    @property
    def target_group_list(self) -> list:
        """Target groups through the tagging rows, so that for_listing() can prefetch them."""
        return sorted((item.tag for item in self.tagged_target_groups.all()), key=str)

    @property
    def partner(self) -> PartnerPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def structured_sections(self) -> list[tuple[str, str, str]]:
        """(anchor, heading, html) of every filled section, in reading order."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in SECTIONS
            if getattr(self, name)
        ]


def translations_of(pages: list[PracticePage]) -> dict[uuid.UUID, list[PracticePage]]:
    """The live translations of these practices, by translation key (one query)."""
    found: dict[uuid.UUID, list[PracticePage]] = {}
    keys = {page.translation_key for page in pages}
    others = PracticePage.objects.live().filter(translation_key__in=keys)
    for page in others.exclude(pk__in=[page.pk for page in pages]).order_by("pk"):
        found.setdefault(page.translation_key, []).append(page)
    return found


class PracticeDocument(Orderable):
    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"), max_length=255, blank=True, help_text=_("Defaults to the document title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def label(self) -> str:
        return self.title or self.document.title


class PracticeImage(Orderable):
    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="images")
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
