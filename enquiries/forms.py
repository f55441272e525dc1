"""The public form on every practice page: a question, or a study-visit request."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import MAX_MESSAGE_LENGTH, Enquiry

MAX_VISITORS = 100
# How far ahead a visit can be proposed; beyond that a date is most likely a typing mistake.
MAX_DAYS_AHEAD = 2 * 365
VISIT_FIELDS = ("visit_from", "visit_to", "visitors")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EnquiryForm(forms.ModelForm):
    """Every message says what to do, field by field; the page lists them in an error summary.

    `website` is a honeypot: hidden from people, filled in by form-filling robots.
    """

    visitors = forms.IntegerField(
        label=_("Number of visitors"),
        required=False,
        min_value=1,
        max_value=MAX_VISITORS,
        error_messages={
            "invalid": _("Enter the number of visitors as a whole number, like 6"),
            "min_value": format_lazy(
                _("Enter the number of visitors, from 1 to {limit}"), limit=MAX_VISITORS
            ),
            "max_value": _("A study visit can be for at most %(limit_value)s visitors"),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that what I write here is stored on this site and sent to the partner "
            "behind this practice, so that they can answer me."
        ),
        error_messages={"required": _("Tick the box to agree that we pass your message on")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Enquiry
        # In the order of the page, which the error summary follows.
        fields = ["kind", *VISIT_FIELDS, "name", "email", "organisation", "message"]
        widgets = {
            "kind": forms.RadioSelect,
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 6}),
            "visit_from": DateInput,
            "visit_to": DateInput,
        }
        labels = {
            "kind": _("What would you like to do?"),
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "organisation": _("Your organisation"),
            "message": _("Your message"),
            "visit_from": _("First day"),
            "visit_to": _("Last day"),
        }
        help_texts = {
            "email": _("The partner answers you at this address."),
            "organisation": _("Needed for a study visit: the authority or body you work for."),
            "message": format_lazy(
                _(
                    "For a study visit: what you would like to see and learn. At most {limit} "
                    "characters."
                ),
                limit=MAX_MESSAGE_LENGTH,
            ),
        }
        error_messages = {
            "kind": {
                "required": _("Choose whether you ask a question or request a study visit"),
            },
            "name": {"required": _("Enter your name")},
            "email": {
                "required": _("Enter your e-mail address"),
                "invalid": _(
                    "Enter an e-mail address in the correct format, like name@example.org"
                ),
            },
            "message": {
                "required": _("Enter your question or what the visit is about"),
                "max_length": _(
                    "Your message can be at most %(limit_value)d characters (it has %(show_value)d)"
                ),
            },
            "visit_from": {"invalid": _("Enter the first day as a real date")},
            "visit_to": {"invalid": _("Enter the last day as a real date")},
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "enquiry-%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Enquiry.Kind.choices  # no empty "---------" choice
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        self.fields["visit_from"].widget.attrs["min"] = tomorrow
        self.fields["visit_to"].widget.attrs["min"] = tomorrow
        self.fields["visitors"].widget.attrs.update(inputmode="numeric")

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean(self):
        data = super().clean()
        if data.get("kind") == Enquiry.Kind.STUDY_VISIT:
            self._clean_study_visit(data)
        else:  # a question: the visit fields do not apply
            for name in VISIT_FIELDS:
                data[name] = None
                self.errors.pop(name, None)
        return data

    def _clean_study_visit(self, data: dict) -> None:
        today = timezone.localdate()
        first, last = data.get("visit_from"), data.get("visit_to")
        required = {
            "organisation": _("Enter the organisation you work for"),
            "visit_from": _("Enter the first day of the visit"),
            "visit_to": _("Enter the last day of the visit"),
            "visitors": self.fields["visitors"].error_messages["min_value"],
        }
        for name, message in required.items():
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if isinstance(first, date):
            if first <= today:
                self.add_error("visit_from", _("The first day must be in the future"))
            elif first > today + timedelta(days=MAX_DAYS_AHEAD):
                self.add_error("visit_from", _("The first day must be within the next two years"))
        if isinstance(first, date) and isinstance(last, date) and last < first:
            self.add_error("visit_to", _("The last day must be the same as or after the first day"))
