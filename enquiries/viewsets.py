"""The partners' inbox in the Wagtail admin: "Requests".

Wagtail's generic views check permissions on the model only; every view here also narrows the
requests to those the permission policy lets the user see (enquiries.permissions), so another
partner's request is a 404.
https://docs.wagtail.org/en/stable/extending/generic_views.html
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from .models import Enquiry

READ = ["view", "change", "delete"]


def requests_for(user, actions=READ):
    return policy_registry.get_by_type(Enquiry).instances_user_has_any_permission_for(user, actions)


class IndexView(generic.IndexView):
    def get_base_queryset(self):
        return requests_for(self.request.user).select_related("partner")


class EditView(generic.EditView):
    def get_queryset(self):
        return requests_for(self.request.user, ["change"])


class DeleteView(generic.DeleteView):
    def get_queryset(self):
        return requests_for(self.request.user, ["delete"])


class HistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return requests_for(self.request.user)


class UsageView(generic.UsageView):
    def get_base_object_queryset(self):
        return requests_for(self.request.user)


class EnquiryViewSet(ModelViewSet):
    model = Enquiry
    name = "requests"
    icon = "mail"
    menu_label = _("Requests")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    # A request is not "used" by pages; keeping it out of the reference index also keeps the
    # sender's details out of the practice's usage listing.
    add_to_reference_index = False
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView

    list_display = [
        "__str__",
        Column("name", label=pgettext_lazy("who sent a request", "From")),
        Column("organisation", label=_("Organisation")),
        Column("partner", label=_("Partner"), accessor="partner.title"),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda enquiry: enquiry.status == Enquiry.Status.NEW,
        ),
        DateColumn("created_at", label=_("Received"), sort_key="created_at"),
    ]
    list_filter = ["status", "kind"]
    search_fields = ["name", "email", "organisation", "message", "practice_title"]
    ordering = "-created_at"
    panels = [
        # What the sender wrote, read-only: the sender's words are never edited.
        HelpPanel(template="enquiries/admin/request_panel.html", heading=_("Request")),
        MultiFieldPanel([FieldPanel("status"), FieldPanel("note")], heading=_("Follow-up")),
    ]
