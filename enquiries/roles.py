"""The inbox permissions of a partner's editors; called by kb.roles.setup_roles()."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

# Read, mark as answered or closed, delete (GDPR). Which requests: see enquiries.permissions.
PARTNER_EDITOR_CODENAMES = ["view_enquiry", "change_enquiry", "delete_enquiry"]


def grant_inbox_permissions(group: Group) -> None:
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="enquiries", codename__in=PARTNER_EDITOR_CODENAMES
        )
    )
