"""The registration permissions of the roles; called by kb.roles.setup_roles()."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

# A partner's editors: read their events' attendees, export them, confirm from the waiting list
# or cancel, delete on request (GDPR). Which registrations: see events.permissions.
PARTNER_EDITOR_CODENAMES = ["view_registration", "change_registration", "delete_registration"]
# The expert panel sees the attendees of every partner's event, and changes nothing.
EXPERT_PANEL_CODENAMES = ["view_registration", "view_all_registrations"]


def _grant(group: Group, codenames: list[str]) -> None:
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
    )


def grant_registration_permissions(group: Group) -> None:
    _grant(group, PARTNER_EDITOR_CODENAMES)


def grant_panel_registration_permissions(group: Group) -> None:
    _grant(group, EXPERT_PANEL_CODENAMES)
