"""The transfer-story permissions of the roles; called by kb.roles.setup_roles()."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

# A partner's editors: read and moderate the stories of their own practices, delete on request
# (GDPR). Which stories: see transfers.permissions.
PARTNER_EDITOR_CODENAMES = [
    "view_transferstory",
    "change_transferstory",
    "delete_transferstory",
]
# The expert panel reviews and moderates every partner's stories.
EXPERT_PANEL_CODENAMES = [
    "view_transferstory",
    "change_transferstory",
    "view_all_transfer_stories",
]


def _grant(group: Group, codenames: list[str]) -> None:
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="transfers", codename__in=codenames)
    )


def grant_transfer_permissions(group: Group) -> None:
    _grant(group, PARTNER_EDITOR_CODENAMES)


def grant_panel_transfer_permissions(group: Group) -> None:
    _grant(group, EXPERT_PANEL_CODENAMES)
