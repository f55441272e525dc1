"""The dashboard tells a partner's editors how many new requests wait in their inbox."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from .models import Enquiry
from .viewsets import requests_for

SHOWN = 5


class NewRequestsPanel(Component):
    name = "new_requests"
    template_name = "enquiries/admin/new_requests_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        new = requests_for(parent_context["request"].user).filter(status=Enquiry.Status.NEW)
        context["new_count"] = new.count()
        context["new_requests"] = (
            new.order_by("-created_at")[:SHOWN] if context["new_count"] else []
        )
        return context
