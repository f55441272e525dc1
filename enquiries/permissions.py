"""Who sees which requests: a request carries the sender's personal data (GDPR).

- Users with the model permissions (view/change/delete) see the requests about the partners
  under which they may write practices: the "add" page permission of their group in the page
  tree. So a partner's editors see their own partner's requests and nobody else's.
- "view_all_enquiries" (the network administrators have every permission) and superusers see all,
  including requests whose partner page has since been deleted.
- Everybody else (the expert panel, for one) sees none.
- Nobody adds a request in the admin: they come from the public form.
https://docs.wagtail.org/en/stable/extending/custom_permissions.html
"""

from __future__ import annotations

from django.db.models import QuerySet

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import page_permission_policy

from .models import Enquiry

VIEW_ALL = "enquiries.view_all_enquiries"


class EnquiryPermissionPolicy(ModelPermissionPolicy):
    def __init__(self):
        super().__init__(Enquiry)

    def user_has_permission(self, user, action) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[Enquiry]:
        if not self.user_has_any_permission(user, actions):
            return Enquiry.objects.none()
        if user.is_superuser or user.has_perm(VIEW_ALL):
            return Enquiry.objects.all()
        partners = page_permission_policy.instances_user_has_permission_for(user, "add")
        return Enquiry.objects.filter(partner__in=partners.values("pk"))

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()
