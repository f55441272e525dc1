"""Who sees which registrations: each carries the registrant's personal data (GDPR).

- Users with the model permissions (view/change/delete) see the registrations for the events
  of the partners under which they may add pages: a partner's editors see their own partner's
  attendees (the host's) and nobody else's.
- "view_all_registrations" (the expert panel, which sees every event's attendees, and the
  network administrators, who have every permission) and superusers see all, including the
  registrations whose event page has since been deleted.
- Nobody adds a registration in the admin: they come from the event page.
As enquiries.permissions; https://docs.wagtail.org/en/stable/extending/custom_permissions.html
"""

from __future__ import annotations

from django.db.models import QuerySet

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import page_permission_policy

from .models import Registration

VIEW_ALL = "events.view_all_registrations"


class RegistrationPermissionPolicy(ModelPermissionPolicy):
    def __init__(self):
        super().__init__(Registration)

    def user_has_permission(self, user, action) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[Registration]:
        if not self.user_has_any_permission(user, actions):
            return Registration.objects.none()
        if user.is_superuser or user.has_perm(VIEW_ALL):
            return Registration.objects.all()
        partners = page_permission_policy.instances_user_has_permission_for(user, "add")
        return Registration.objects.filter(partner__in=partners.values("pk"))

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()
