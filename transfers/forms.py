"""The transfer-story form and the follow-up form: as the contact form (enquiries.forms), a
message per field, listed in an error summary. `website` is a honeypot."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .models import Status, TransferStory, TransferUpdate

TOO_LONG = _("This text can be at most %(limit_value)d characters (it has %(show_value)d)")


class TransferStoryForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that my story is published on this site once it is approved, and that my "
            "name and e-mail address are kept to contact me about it (they are never published)."
        ),
        error_messages={"required": _("Tick the box to agree that we keep and publish your story")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    enquiry = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = TransferStory
        # In the order of the page, which the error summary follows.
        fields = [
            "organisation",
            "place",
            "country",
            "year_adopted",
            "month_adopted",
            "kind",
            "status",
            "changes",
            "financing",
            "funding_sources",
            "results",
            "lessons",
            "submitter_name",
            "submitter_email",
        ]
        widgets = {
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "changes": forms.Textarea(attrs={"rows": 4}),
            "financing": forms.Textarea(attrs={"rows": 3}),
            "funding_sources": forms.CheckboxSelectMultiple,
            "results": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
            "submitter_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "submitter_email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false"}
            ),
        }
        labels = {
            "organisation": _("Your organisation"),
            "place": _("Town, city or region where it runs"),
            "country": _("Country"),
            "year_adopted": _("Year it started"),
            "month_adopted": _("Month it started (optional)"),
            "kind": _("How did you take the practice up?"),
            "status": _("Where is it now?"),
            "changes": _("What did you change? (optional)"),
            "financing": _("How did you finance it? (optional)"),
            "funding_sources": _("Funding sources used (optional)"),
            "results": _("Results so far (optional)"),
            "lessons": _("Lessons learned (optional)"),
            "submitter_name": _("Your name"),
            "submitter_email": _("Your e-mail address"),
        }
        help_texts = {
            "place": _("Shown with your story, with the country and the year."),
            "year_adopted": _("For example 2023."),
            "month_adopted": _("A number from 1 to 12."),
            "results": _(
                "With figures where you have them, e.g. 40 people in work after one year."
            ),
            "submitter_email": _(
                "We send your private link to this address, to add results later. Never shown."
            ),
        }
        error_messages = {
            "organisation": {"required": _("Enter your organisation")},
            "place": {"required": _("Enter the town, city or region")},
            "country": {
                "required": _("Choose the country"),
                "invalid_choice": _("Choose the country from the list"),
            },
            "year_adopted": {
                "required": _("Enter the year it started"),
                "invalid": _("Enter the year as a number, like 2023"),
                "min_value": _("Enter a year from 1950 on"),
                "max_value": _("Enter a year before 2100"),
            },
            "month_adopted": {
                "invalid": _("Enter the month as a number from 1 to 12"),
                "min_value": _("Enter the month as a number from 1 to 12"),
                "max_value": _("Enter the month as a number from 1 to 12"),
            },
            "kind": {"required": _("Choose how you took the practice up")},
            "status": {"required": _("Choose where it is now")},
            "changes": {"max_length": TOO_LONG},
            "financing": {"max_length": TOO_LONG},
            "results": {"max_length": TOO_LONG},
            "lessons": {"max_length": TOO_LONG},
            "submitter_name": {"required": _("Enter your name")},
            "submitter_email": {
                "required": _("Enter your e-mail address"),
                "invalid": _(
                    "Enter an e-mail address in the correct format, like name@example.org"
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "transfer-%s")
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        country.choices = [("", _("Choose a country")), *list(country.choices)[1:]]
        # Radio buttons have no empty choice.
        for name in ("kind", "status"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["year_adopted"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["month_adopted"].widget.attrs.update({"inputmode": "numeric"})

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean_submitter_email(self) -> str:
        return self.cleaned_data["submitter_email"].strip()


class TransferUpdateForm(forms.ModelForm):
    class Meta:
        model = TransferUpdate
        fields = ["status", "results", "lessons"]
        widgets = {
            "status": forms.RadioSelect,
            "results": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "status": _("Where is it now?"),
            "results": _("Results so far (optional)"),
            "lessons": _("Lessons learned (optional)"),
        }
        help_texts = {
            "results": _(
                "With figures where you have them, e.g. 40 people in work after one year."
            ),
        }
        error_messages = {
            "status": {"required": _("Choose where it is now")},
            "results": {"max_length": TOO_LONG},
            "lessons": {"max_length": TOO_LONG},
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "update-%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(Status.choices)


class AssessmentForm(WagtailAdminModelForm):
    """The expert panel's assessment form (kb.wagtail_hooks), with the transfer stories it cites
    as evidence: the approved stories of the assessed practice (of any of its translations).
    The relation is TransferStory.cited_by_assessments, so kb needs no migration of ours."""

    transfer_evidence = forms.ModelMultipleChoiceField(
        label=_("Transfer stories cited as evidence"),
        help_text=_(
            "Approved stories of towns that took the practice up. Save the practice first to "
            "see its stories."
        ),
        queryset=TransferStory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["transfer_evidence"]
        stories = TransferStory.objects.approved().select_related("practice")
        practice = getattr(self.instance, "practice", None) if self.instance.practice_id else None
        if practice is not None:
            cited = self.instance.cited_transfer_stories.all() if self.instance.pk else []
            field.queryset = (
                stories.of_practice(practice) | TransferStory.objects.filter(pk__in=cited)
            ).distinct()
            if self.instance.pk:
                field.initial = list(cited)
        else:
            field.queryset = stories
        field.label_from_instance = lambda story: (
            f"{story.place}, {story.country.name} ({story.year_adopted}): "
            f"{story.get_kind_display()}, {story.get_status_display()}"
        )

    def clean(self):
        data = super().clean()
        practice = data.get("practice")
        for story in data.get("transfer_evidence") or ():
            if practice is not None and (
                story.practice is None or story.practice.translation_key != practice.translation_key
            ):
                self.add_error(
                    "transfer_evidence",
                    _("Cite only transfer stories of the assessed practice."),
                )
                break
        return data

    def save(self, commit=True):
        instance = super().save(commit=commit)
        stories = self.cleaned_data.get("transfer_evidence") or []
        if commit:
            instance.cited_transfer_stories.set(stories)
        else:
            save_m2m = self.save_m2m

            def save_all():
                save_m2m()
                instance.cited_transfer_stories.set(stories)

            self.save_m2m = save_all
        return instance
