"""Who sees and moderates which transfer stories (each carries the submitter's personal data).

- Users with the model permissions (view/change/delete) see the stories of the practices they
  may edit: a partner's editors see their own partner's practices' stories and nobody else's.
- "view_all_transfer_stories" (the expert panel and the network administrators) and superusers
  see all.
- Nobody adds a story in the admin: they come from the practice page.
As events.permissions; https://docs.wagtail.org/en/stable/extending/custom_permissions.html
"""

from __future__ import annotations

from django.db.models import QuerySet

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import page_permission_policy

from .models import TransferStory

VIEW_ALL = "transfers.view_all_transfer_stories"


class TransferStoryPermissionPolicy(ModelPermissionPolicy):
    def __init__(self):
        super().__init__(TransferStory)

    def user_has_permission(self, user, action) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[TransferStory]:
        if not self.user_has_any_permission(user, actions):
            return TransferStory.objects.none()
        if user.is_superuser or user.has_perm(VIEW_ALL):
            return TransferStory.objects.all()
        pages = page_permission_policy.instances_user_has_permission_for(user, "change")
        return TransferStory.objects.filter(practice__in=pages.values("pk"))

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()
