"""Transfer stories: a town that took a practice up tells how it went, and follows up later.

A story comes from the public form on the practice page (transfers.views) and is shown there
only once a partner's editor, the expert panel or an administrator approved it
(transfers.viewsets). The submitter's name and e-mail address are never public; the secret token
of their private link lets them add follow-ups (TransferUpdate) without an account.

Follow-ups are moderated as the stories are: one sent through the private link waits for a
moderator (anyone holding the link, which travels by e-mail, could write it), one a moderator
enters in the admin is approved as it is saved (they are the ones who would approve it).
"""

from __future__ import annotations

import secrets

from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_TEXT_LENGTH = 4000


def new_token() -> str:
    """The secret of the private update link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class Kind(models.TextChoices):
    ADOPTED = "adopted", _("Adopted as is")
    ADAPTED = "adapted", _("Adapted")
    INSPIRED = "inspired", _("Inspired by it")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")
    SCALED_UP = "scaled_up", _("Scaled up")


SUCCESSFUL = (Status.RUNNING, Status.SCALED_UP)


def transferred_elsewhere() -> models.Expression:
    """For a PracticePage queryset: whether the practice (any of its translations) was
    transferred successfully elsewhere: an approved running or scaled-up story, or an adaptation
    the partner lists. The finder's filter and boost, and the search index's `transferred`."""
    from kb.models import PracticePage  # kb's models load before this app's

    stories = TransferStory.objects.approved().filter(
        status__in=SUCCESSFUL, practice__translation_key=models.OuterRef("translation_key")
    )
    adaptations = PracticePage.objects.filter(
        translation_key=models.OuterRef("translation_key"), adaptations__isnull=False
    )
    return models.ExpressionWrapper(
        models.Exists(stories) | models.Exists(adaptations), output_field=models.BooleanField()
    )


def is_transferred(practice) -> bool:
    from kb.models import PracticePage

    return (
        PracticePage.objects.filter(pk=practice.pk)
        .annotate(flag=transferred_elsewhere())
        .values_list("flag", flat=True)
        .first()
        or False
    )


class Moderation(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TransferStoryQuerySet(models.QuerySet):
    def approved(self) -> TransferStoryQuerySet:
        return self.filter(moderation=TransferStory.Moderation.APPROVED)

    def successful(self) -> TransferStoryQuerySet:
        return self.filter(status__in=SUCCESSFUL)

    def of_practice(self, practice) -> TransferStoryQuerySet:
        """The stories of a practice in every language (one practice, several pages)."""
        return self.filter(practice__translation_key=practice.translation_key)


class TransferStory(ClusterableModel):
    Moderation = Moderation
    Kind = Kind
    Status = Status

    # The story outlives the practice's page (as a request does): the title is kept.
    practice = models.ForeignKey(
        "kb.PracticePage",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_stories",
    )
    practice_title = models.CharField(_("practice"), max_length=255, blank=True)
    enquiry = models.ForeignKey(
        "enquiries.Enquiry",
        verbose_name=_("study-visit request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_stories",
    )
    organisation = models.CharField(_("organisation"), max_length=255)
    place = models.CharField(_("place"), max_length=255)
    country = CountryField(_("country"))
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
    year_adopted = models.PositiveSmallIntegerField(
        _("year adopted"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    month_adopted = models.PositiveSmallIntegerField(
        _("month adopted"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    kind = models.CharField(_("how it was taken up"), max_length=20, choices=Kind.choices)
    changes = models.TextField(_("what was changed"), max_length=MAX_TEXT_LENGTH, blank=True)
    financing = models.TextField(_("how it was financed"), max_length=MAX_TEXT_LENGTH, blank=True)
    funding_sources = models.ManyToManyField(
        "kb.FundingSource",
        verbose_name=_("funding sources"),
        blank=True,
        related_name="transfer_stories",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    results = models.TextField(_("results"), max_length=MAX_TEXT_LENGTH, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=MAX_TEXT_LENGTH, blank=True)

    submitter_name = models.CharField(pgettext_lazy("of a person", "name"), max_length=200)
    submitter_email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language of the site"), max_length=12, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    moderation = models.CharField(
        _("moderation"),
        max_length=20,
        choices=Moderation.choices,
        default=Moderation.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    reminder_6_sent_at = models.DateTimeField(_("6-month reminder sent"), null=True, blank=True)
    reminder_12_sent_at = models.DateTimeField(_("12-month reminder sent"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Invented demonstration content: the site labels it “Sample content”."),
    )
    # The expert panel's assessments that cite the story as evidence (the assessment's form
    # edits this: kb.wagtail_hooks, transfers.forms.AssessmentForm). Declared here so that the
    # migration depends on kb, never kb on transfers.
    cited_by_assessments = models.ManyToManyField(
        "kb.Assessment",
        verbose_name=_("cited by assessments"),
        blank=True,
        related_name="cited_transfer_stories",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # A keyed hash of the submitter's IP address, only to limit submissions (no raw IP).
    sender_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = TransferStoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer story")
        verbose_name_plural = _("transfer stories")
        ordering = ["-year_adopted", "-created_at", "-pk"]
        # Stories come from the public form only: nobody "adds" one in the admin.
        default_permissions = ("view", "change", "delete")
        permissions = [
            (
                "view_all_transfer_stories",
                _("Can see and moderate every partner's transfer stories"),
            )
        ]
        indexes = [models.Index(fields=["sender_hash", "created_at"])]

    def __str__(self) -> str:
        # No personal data: Wagtail's audit log keeps this label after a deletion.
        return f"{self.place} ({self.year_adopted})"

    def save(self, *args, **kwargs) -> None:
        if self.practice is not None and not self.practice_title:
            self.practice_title = self.practice.title[:255]
        super().save(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.moderation == self.Moderation.APPROVED

    @property
    def is_pending(self) -> bool:
        return self.moderation == self.Moderation.PENDING

    @property
    def is_successful(self) -> bool:
        return self.status in SUCCESSFUL

    def public_updates(self) -> list[TransferUpdate]:
        """The approved follow-ups, oldest first (from the prefetched updates when there are)."""
        updates = getattr(self, "_prefetched_objects_cache", {}).get("updates")
        if updates is None:
            updates = self.updates.all()
        approved = [u for u in updates if u.moderation == Moderation.APPROVED]
        return sorted(approved, key=lambda u: (u.created_at, u.pk))

    def latest_update(self) -> TransferUpdate | None:
        updates = self.public_updates()
        return updates[-1] if updates else None

    def refresh_status(self) -> None:
        """The story's status follows its latest approved follow-up."""
        # From the database: inside the admin form, `self.updates` is modelcluster's in-memory set.
        updates = TransferUpdate.objects.filter(story_id=self.pk).approved()
        latest = updates.order_by("-created_at", "-pk").first()
        if latest is not None and latest.status != self.status:
            TransferStory.objects.filter(pk=self.pk).update(
                status=latest.status, updated_at=timezone.now()
            )
            self.status = latest.status

    @property
    def latest_results(self) -> str:
        update = self.latest_update()
        return (update.results if update and update.results else "") or self.results

    @property
    def latest_lessons(self) -> str:
        update = self.latest_update()
        return (update.lessons if update and update.lessons else "") or self.lessons

    def location(self, locator=None) -> tuple[float, float, bool] | None:
        """(latitude, longitude, approximate): the coordinates given, else the town of a partner
        of that name in that country (maps.locations), else the country's centre."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude, False)
        from maps.locations import Locator, country_centroids, same_place

        locator = locator or Locator.load()
        country = str(self.country or "")
        for partner in locator.partners:
            if (
                partner.latitude is not None
                and partner.longitude is not None
                and str(partner.country) == country
                and same_place(self.place, partner.city)
            ):
                return (partner.latitude, partner.longitude, True)
        centre = country_centroids().get(country)
        return (centre[0], centre[1], True) if centre else None

    def recipients(self) -> list[str]:
        """The practice's contact address, else its partner's; empty when neither."""
        practice = self.practice
        if practice is None:
            return []
        if practice.contact_email:
            return [practice.contact_email]
        partner = practice.partner
        if partner is not None and getattr(partner, "contact_email", ""):
            return [partner.contact_email]
        return []


class TransferUpdateQuerySet(models.QuerySet):
    def approved(self) -> TransferUpdateQuerySet:
        return self.filter(moderation=Moderation.APPROVED)

    def pending(self) -> TransferUpdateQuerySet:
        return self.filter(moderation=Moderation.PENDING)


class TransferUpdate(models.Model):
    """A follow-up: how the transfer goes months later. Shown under the story once both are
    approved; the story's status follows its latest approved update."""

    story = ParentalKey(
        TransferStory,
        verbose_name=_("transfer story"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    results = models.TextField(_("results"), max_length=MAX_TEXT_LENGTH, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=MAX_TEXT_LENGTH, blank=True)
    # Approved by default: what a moderator enters in the admin. The private link's form sets
    # PENDING (transfers.views).
    moderation = models.CharField(
        _("moderation"),
        max_length=20,
        choices=Moderation.choices,
        default=Moderation.APPROVED,
        db_index=True,
    )

    objects = TransferUpdateQuerySet.as_manager()
    Moderation = Moderation

    class Meta:
        verbose_name = _("transfer update")
        verbose_name_plural = _("transfer updates")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view", "change", "delete")

    def __str__(self) -> str:
        return f"{self.story} – {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.moderation == Moderation.APPROVED:
            self.story.refresh_status()
