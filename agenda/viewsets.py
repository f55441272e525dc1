"""The attendee lists in the Wagtail admin: "Event registrations".

As the partners' inbox (enquiries.viewsets): every view narrows the registrations to those the
permission policy lets the user see (events.permissions), so another partner's attendee is a
404 and an export holds only the user's own. The listing is filtered by event and exported from
its header (Wagtail's listing export, CSV or XLSX): the attendee list of one event.
https://docs.wagtail.org/en/stable/extending/generic_views.html
"""

from __future__ import annotations

import django_filters

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from .models import EventPage, Registration
from .registration import cancel, confirm_from_waiting_list

READ = ["view", "change", "delete"]
Status = Registration.Status
# What the host may change a status to, from each status.
NEXT_STATUSES = {
    Status.CONFIRMED: [Status.CONFIRMED, Status.CANCELLED],
    Status.WAITING: [Status.WAITING, Status.CONFIRMED, Status.CANCELLED],
    Status.CANCELLED: [Status.CANCELLED],
}
# A spreadsheet opens a cell starting with these as a formula: the registrant's words are text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def registrations_for(user, actions=READ):
    policy = policy_registry.get_by_type(Registration)
    return policy.instances_user_has_any_permission_for(user, actions)


def events_for(request):
    """The events in the filter: those with registrations the user may see, newest first."""
    if request is None:
        return EventPage.objects.none()
    seen = registrations_for(request.user).values("event_id")
    return EventPage.objects.filter(pk__in=seen).order_by("-starts_at")


class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(label=_("Event"), queryset=events_for)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )

    class Meta:
        model = Registration
        fields = ["event", "status"]


class RegistrationStatusForm(WagtailAdminModelForm):
    """Only the moves the host may make: from the waiting list to a place, or to cancelled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = NEXT_STATUSES[Status(self.instance.status)]
            self.fields["status"].choices = [(s.value, s.label) for s in allowed]


class IndexView(generic.IndexView):
    def get_base_queryset(self):
        return registrations_for(self.request.user).select_related("event", "partner")

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field, value in row.items():
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                row[field] = "'" + value
        return row

    def get_filename(self):
        event = self.filters.form.cleaned_data.get("event") if self.is_filtering else None
        return f"registrations-{event.slug}" if event else "registrations"


class EditView(generic.EditView):
    def get_queryset(self):
        return registrations_for(self.request.user, ["change"])

    def save_instance(self):
        """A status change goes through the same rules as the public pages: a cancelled place
        goes to the first person waiting, and whoever gets a place is e-mailed."""
        registration = self.form.instance
        before = Registration.objects.get(pk=registration.pk).status
        after = self.form.cleaned_data["status"]
        if after != before:
            if after == Status.CANCELLED:
                cancel(registration)
            elif after == Status.CONFIRMED and before == Status.WAITING:
                confirm_from_waiting_list(registration)
            log(registration, "wagtail.edit", user=self.request.user)
        return Registration.objects.get(pk=registration.pk)


class DeleteView(generic.DeleteView):
    def get_queryset(self):
        return registrations_for(self.request.user, ["delete"])


class HistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return registrations_for(self.request.user)


class UsageView(generic.UsageView):
    def get_base_object_queryset(self):
        return registrations_for(self.request.user)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    name = "registrations"
    icon = "group"
    menu_label = _("Event registrations")
    menu_order = 265
    add_to_admin_menu = True
    copy_view_enabled = False
    add_to_reference_index = False  # keeps attendees out of the event's usage listing
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    filterset_class = RegistrationFilterSet
    list_per_page = 50

    list_display = [
        Column("name", label=pgettext_lazy("of a person", "Name")),
        Column("organisation", label=_("Organisation")),
        Column("event_title", label=_("Event")),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda registration: registration.status == Status.CONFIRMED,
        ),
        Column("waiting_position", label=_("Waiting list position")),
        DateColumn("created_at", label=_("Registered on"), sort_key="created_at"),
    ]
    list_export = [
        "event_title",
        "name",
        "email",
        "organisation",
        "country.name",
        "accessibility_needs",
        "get_status_display",
        "waiting_position",
        "created_at",
        "language",
    ]
    export_headings = {
        "event_title": _("Event"),
        "name": pgettext_lazy("of a person", "Name"),
        "email": _("E-mail"),
        "organisation": _("Organisation"),
        "country.name": _("Country"),
        "accessibility_needs": _("Accessibility needs"),
        "get_status_display": _("Status"),
        "waiting_position": _("Waiting list position"),
        "created_at": _("Registered on"),
        "language": _("Language of the site"),
    }
    search_fields = ["name", "email", "organisation", "event_title"]
    ordering = "-created_at"
    edit_handler = ObjectList(
        [
            # What the registrant gave, read-only: only the status changes here.
            HelpPanel(template="events/admin/registration_panel.html", heading=_("Registration")),
            FieldPanel("status"),
        ],
        base_form_class=RegistrationStatusForm,
    )
