"""The registration form on the event page: no account, the fewest questions that are needed."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .models.registration import MAX_NEEDS_LENGTH


class RegistrationForm(forms.ModelForm):
    """As the contact form (enquiries.forms): a message per field, listed in an error summary.

    `website` is a honeypot: hidden from people, filled in by form-filling robots.
    """

    consent = forms.BooleanField(
        label=_(
            "I agree that my details are stored on this site and passed to the partner hosting "
            "this event, to organise my attendance."
        ),
        error_messages={"required": _("Tick the box to agree that we keep your details")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Registration
        # In the order of the page, which the error summary follows.
        fields = ["name", "email", "organisation", "country", "accessibility_needs"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "organisation": _("Your organisation"),
            "country": _("Your country"),
            "accessibility_needs": _("Accessibility needs (optional)"),
        }
        help_texts = {
            "email": _("We send the confirmation and a link to cancel to this address."),
            "organisation": _("The authority, body or group you come from."),
            "accessibility_needs": format_lazy(
                _(
                    "For example step-free access, sign language interpretation, a hearing loop "
                    "or dietary needs. At most {limit} characters."
                ),
                limit=MAX_NEEDS_LENGTH,
            ),
        }
        error_messages = {
            "name": {"required": _("Enter your name")},
            "email": {
                "required": _("Enter your e-mail address"),
                "invalid": _(
                    "Enter an e-mail address in the correct format, like name@example.org"
                ),
            },
            "organisation": {"required": _("Enter your organisation")},
            "country": {
                "required": _("Choose your country"),
                "invalid_choice": _("Choose your country from the list"),
            },
            "accessibility_needs": {
                "max_length": _(
                    "Your accessibility needs can be at most %(limit_value)d characters "
                    "(they have %(show_value)d)"
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "registration-%s")
        super().__init__(*args, **kwargs)
        # The model allows blanks (they are erased after the retention period); people may not.
        for name in ("name", "email", "organisation", "country"):
            self.fields[name].required = True
        country = self.fields["country"]
        country.choices = [("", _("Choose a country")), *list(country.choices)[1:]]
        country.widget.attrs["autocomplete"] = "country"

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()
