"""A question or a study-visit request sent from a practice page to the partner behind it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_MESSAGE_LENGTH = 5000


class Enquiry(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        STUDY_VISIT = "study_visit", _("Study visit")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # The request outlives its page: the title is kept, and the partner scopes who may see it.
    practice = models.ForeignKey(
        "kb.PracticePage",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    practice_title = models.CharField(_("practice"), max_length=255)
    partner = models.ForeignKey(
        "kb.PartnerPage",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    kind = models.CharField(_("type of request"), max_length=20, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    message = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    visit_from = models.DateField(_("first day of the visit"), null=True, blank=True)
    visit_to = models.DateField(_("last day of the visit"), null=True, blank=True)
    visitors = models.PositiveSmallIntegerField(_("number of visitors"), null=True, blank=True)
    language = models.CharField(_("language of the site"), max_length=12, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    note = models.TextField(
        _("internal note"), blank=True, help_text=_("Seen only by your team, never by the sender.")
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    notified_at = models.DateTimeField(_("e-mailed to the partner"), null=True, blank=True)
    # A keyed hash of the sender's IP address, only to limit the number of requests (no raw IP).
    sender_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-pk"]
        # Requests come from the public form only: nobody "adds" one in the admin.
        default_permissions = ("view", "change", "delete")
        permissions = [("view_all_enquiries", _("Can see the requests for every partner"))]
        indexes = [models.Index(fields=["sender_hash", "created_at"])]

    def __str__(self) -> str:
        # No personal data here: Wagtail writes this label into its audit log, which outlives
        # a deleted request.
        return f"{self.get_kind_display()}: {self.practice_title}"

    @property
    def is_study_visit(self) -> bool:
        return self.kind == self.Kind.STUDY_VISIT

    def recipients(self) -> list[str]:
        """The practice's contact address, else the partner's; empty when neither is known."""
        for source in (self.practice, self.partner):
            if source is not None and source.contact_email:
                return [source.contact_email]
        return []
