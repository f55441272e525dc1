"""The finder's GET form: the visitor's context, validated field by field."""

from __future__ import annotations

import re
from decimal import Decimal

from django_countries import countries

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from finder.fit import Context
from kb.models import FundingSource, PracticePage, TargetGroup, Theme

# Fields that describe the visitor's context (not "practice" or "page").
CONTEXT_FIELDS = ("country", "population", "budget", "theme", "target_group", "funding", "staff")
MAX_AMOUNT = 2_000_000_000
MAX_ID = 2**31 - 1  # PostgreSQL integer
SEPARATORS = re.compile(r"[\s,'’_]")  # "250 000", "250,000", "250'000"
THOUSANDS_DOTS = re.compile(r"\d{1,3}(\.\d{3})+")  # "250.000", "1.234.567" (es, nl, ro, ...)


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Not specified")), *countries]


class WholeNumberField(forms.IntegerField):
    """A whole number typed as people write it, with thousands separators."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = SEPARATORS.sub("", value)
            if THOUSANDS_DOTS.fullmatch(value):  # not "250" (Django drops a trailing ".000")
                value = value.replace(".", "")
        return super().to_python(value)


class FteField(forms.DecimalField):
    """Full-time equivalents, with a decimal comma or point (2,5 or 2.5)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class CountryChoiceField(forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code, in any letter case."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


def slug_choices(queryset, label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset,
        to_field_name="slug",
        required=False,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown value: %(value)s.")},
    )


class FinderForm(forms.Form):
    country = CountryChoiceField(
        label=_("Your country"),
        choices=country_choices,
        required=False,
        error_messages={
            "invalid_choice": _("Unknown country code: %(value)s. Use a code such as PL or BE.")
        },
    )
    population = WholeNumberField(
        label=_("Population of your municipality or region"),
        help_text=_("Number of inhabitants, for example 250,000."),
        required=False,
        min_value=1,
        max_value=MAX_AMOUNT,
        error_messages={
            "invalid": _("Give the number of inhabitants as a whole number, like 250,000."),
            "min_value": _("The population must be at least 1."),
            "max_value": _("The population must be at most 2,000,000,000."),
        },
    )
    budget = WholeNumberField(
        label=_("Budget you could spend each year, in euros"),
        help_text=_("A rough figure is enough, for example 300,000."),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        error_messages={
            "invalid": _("Give the budget in whole euros, like 300,000."),
            "min_value": _("The budget cannot be negative."),
            "max_value": _("The budget must be at most 2,000,000,000 euros."),
        },
    )
    staff = FteField(
        label=_("Staff you could assign (full-time equivalent)"),
        help_text=_("For example 2.5 for two full-time people and one half-time."),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(99_999),
        max_digits=6,
        decimal_places=1,
        error_messages={
            "invalid": _("Give a number of full-time equivalents, like 2.5."),
            "min_value": _("The staff cannot be negative."),
            "max_value": _("The staff must be at most 99,999 full-time equivalents."),
            "max_decimal_places": _("Give at most one decimal, like 2.5."),
            "max_digits": _("Give a number of full-time equivalents, like 2.5."),
            "max_whole_digits": _("The staff must be at most 99,999 full-time equivalents."),
        },
    )
    theme = slug_choices(Theme.objects.all(), _("Themes"))
    target_group = slug_choices(TargetGroup.objects.none(), _("Target groups"))
    funding = slug_choices(FundingSource.objects.all(), _("Funding you can use"))
    transferred = forms.BooleanField(
        label=_("Transferred successfully elsewhere"),
        help_text=_(
            "Only practices that another town runs or has scaled up, or that the partner lists "
            "as adapted elsewhere."
        ),
        required=False,
    )
    practice = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("There is no published practice with this number."),
            "min_value": _("There is no published practice with this number."),
            "max_value": _("There is no published practice with this number."),
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "max_value": _("There is no such page."),
            "invalid": _("Give a page number of 1 or more."),
            "min_value": _("Give a page number of 1 or more."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "finder-%s")
        super().__init__(*args, **kwargs)
        # Only the target groups of published practices: the list is open and can hold unused tags.
        self.fields["target_group"].queryset = TargetGroup.objects.filter(
            pk__in=PracticePage.objects.live().values("tagged_target_groups__tag")
        )

    @classmethod
    def from_query(cls, query: QueryDict) -> FinderForm:
        """Bind the form to a URL query. A query with only ?practice=<id> starts from that
        practice's themes and target groups (the "check in the finder" link on its page)."""
        if not query:
            return cls()
        data = query.copy()
        if not any(name in data for name in CONTEXT_FIELDS):
            page = live_practice(data.get("practice"))
            if page:
                data.setlist("theme", [theme.slug for theme in page.themes.all()])
                data.setlist("target_group", [group.slug for group in page.target_groups.all()])
        return cls(data)

    def clean_practice(self) -> PracticePage | None:
        pk = self.cleaned_data["practice"]
        if pk is None:
            return None
        page = live_practice(pk)
        if page is None:
            raise forms.ValidationError(self.fields["practice"].error_messages["invalid"])
        return page

    @property
    def context(self) -> Context:
        """The visitor's context (call after is_valid())."""
        data = self.cleaned_data
        return Context(
            country=data.get("country") or "",
            population=data.get("population"),
            budget_eur=data.get("budget"),
            themes=frozenset(theme.slug for theme in data.get("theme") or ()),
            target_groups=frozenset(group.slug for group in data.get("target_group") or ()),
            funding=frozenset(source.slug for source in data.get("funding") or ()),
            staff_fte=data.get("staff"),
        )

    def as_query(self) -> QueryDict:
        """The cleaned parameters as a URL query, empty ones and the page number left out."""
        data = self.cleaned_data
        values = {
            "country": data.get("country"),
            "population": data.get("population"),
            "budget": data.get("budget"),
            "staff": data.get("staff"),
            "theme": [theme.slug for theme in data.get("theme") or ()],
            "target_group": [group.slug for group in data.get("target_group") or ()],
            "funding": [source.slug for source in data.get("funding") or ()],
            "practice": data["practice"].pk if data.get("practice") else None,
            "transferred": "1" if data.get("transferred") else None,
        }
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if isinstance(value, list):
                query.setlist(key, value)
            elif value not in (None, ""):
                query[key] = str(value)
        return query


def live_practice(pk) -> PracticePage | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 1 <= pk <= MAX_ID:
        return None
    return PracticePage.objects.live().filter(pk=pk).first()
