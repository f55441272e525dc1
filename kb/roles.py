"""The three roles of the network, as Wagtail groups, permissions and the review workflow.

- Partner editors (one group per partner): write and edit practices under their own partner's
  page, upload to their own partner's media collection, submit for review. No publishing.
- Expert panel: reviews (the "Expert panel review" workflow), publishes and unpublishes any
  practice, writes assessments, curates collections, extends themes and synonyms.
- Network administrators: everything, including users and groups.

`setup_roles()` is idempotent: `manage.py load_demo` (and `setup_roles`) run it on every site.
Page permissions follow the tree, so "only their own partner" needs no code of ours:
https://docs.wagtail.org/en/stable/topics/permissions.html
Two rules do (the testers at the end): only administrators delete practices, and partner editors
do not edit their partner page. The matrix in tests/kb/test_permissions.py is the specification.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from agenda.roles import grant_panel_registration_permissions, grant_registration_permissions
from enquiries.roles import grant_inbox_permissions
from kb.models import CollectionIndexPage, PartnerIndexPage, PartnerPage
from transfers.roles import grant_panel_transfer_permissions, grant_transfer_permissions

EXPERT_PANEL = "Expert panel"
ADMINISTRATORS = "Network administrators"
WORKFLOW_NAME = "Expert panel review"
MEDIA_PERMISSIONS = [
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"), ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
]  # fmt: skip
# Administrators manage all media and the collections themselves, including deleting.
ADMIN_COLLECTION_PERMISSIONS = [
    *MEDIA_PERMISSIONS, ("wagtaildocs", "delete_document"), ("wagtailimages", "delete_image"),
    ("wagtailcore", "add_collection"), ("wagtailcore", "change_collection"),
    ("wagtailcore", "delete_collection"),
]  # fmt: skip
# Wagtail's "Translate" action (simple_translation): partner editors and the panel translate.
TRANSLATE = ("simple_translation", "submit_translation")
EXPERT_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"), TRANSLATE,
    ("kb", "add_assessment"), ("kb", "change_assessment"), ("kb", "delete_assessment"),
    ("kb", "view_assessment"),
    ("kb", "add_theme"), ("kb", "change_theme"), ("kb", "view_theme"),
    ("kb", "add_targetgroup"), ("kb", "change_targetgroup"), ("kb", "view_targetgroup"),
    ("search", "add_synonym"), ("search", "change_synonym"), ("search", "delete_synonym"),
    ("search", "view_synonym"),
    ("wagtailsearchpromotions", "add_searchpromotion"),
    ("wagtailsearchpromotions", "change_searchpromotion"),
    ("wagtailsearchpromotions", "delete_searchpromotion"),
    ("wagtailsearchpromotions", "view_searchpromotion"),
]  # fmt: skip


def partner_group_name(partner: PartnerPage) -> str:
    return f"Partner editors: {partner.title}"[:150]


def partner_collection_name(partner: PartnerPage) -> str:
    return partner.title[:255]


def _permissions(pairs) -> list[Permission]:
    by_key = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    return [by_key[pair] for pair in pairs]


def _grant_pages(group: Group, page: Page, types: list[str]) -> None:
    for permission_type in types:
        if not GroupPagePermission.objects.filter(
            group=group, page=page, permission__codename=f"{permission_type}_page"
        ).exists():
            GroupPagePermission.objects.create(
                group=group, page=page, permission_type=permission_type
            )


def _grant_collection(group: Group, collection: Collection, permissions) -> None:
    for permission in permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


@transaction.atomic
def setup_roles() -> dict[str, int]:
    default = Locale.get_default()
    partner_index = PartnerIndexPage.objects.filter(locale=default).first()
    collection_index = CollectionIndexPage.objects.filter(locale=default).first()
    # A flushed database (tests) has lost the root collection of Wagtail's migration.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    media = _permissions(MEDIA_PERMISSIONS)

    admins, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    admins.permissions.set(Permission.objects.all())
    _grant_pages(admins, Page.get_first_root_node(), ["add", "change", "publish", "bulk_delete",
                                                      "lock", "unlock"])  # fmt: skip
    _grant_collection(admins, root_collection, _permissions(ADMIN_COLLECTION_PERMISSIONS))

    panel, _ = Group.objects.get_or_create(name=EXPERT_PANEL)
    panel.permissions.set(_permissions(EXPERT_MODEL_PERMISSIONS))
    grant_panel_registration_permissions(panel)  # every event's attendees (events app)
    grant_panel_transfer_permissions(panel)  # every transfer story (transfers app)
    if partner_index:
        for index in partner_index.get_translations(inclusive=True):
            _grant_pages(panel, index, ["change", "publish", "lock", "unlock"])
    if collection_index:
        _grant_pages(panel, collection_index, ["add", "change", "publish"])
    _grant_collection(panel, root_collection, [p for p in media if p.codename.startswith("choose")])

    partners = list(PartnerPage.objects.filter(locale=default).order_by("path"))
    access_admin = _permissions([("wagtailadmin", "access_admin"), TRANSLATE])
    for partner in partners:
        group, _ = Group.objects.get_or_create(name=partner_group_name(partner))
        group.permissions.set(access_admin)
        grant_inbox_permissions(group)  # questions and study-visit requests (enquiries app)
        grant_registration_permissions(group)  # their events' attendees (events app)
        grant_transfer_permissions(group)  # their practices' transfer stories (transfers app)
        # The partner's pages in every language's tree (its practices written in them).
        for version in partner.get_translations(inclusive=True):
            _grant_pages(group, version, ["add", "change"])
        collection = _partner_collection(root_collection, partner)
        _grant_collection(group, collection, media)

    retire_wagtail_starter_roles()
    workflow = setup_workflow([panel, admins], partner_index)
    return {"partner_groups": len(partners), "workflow": workflow.pk}


def _partner_collection(root: Collection, partner: PartnerPage) -> Collection:
    name = partner_collection_name(partner)
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def retire_wagtail_starter_roles() -> None:
    """Wagtail's new-site "Editors"/"Moderators" groups (while nobody is in them) and its
    "Moderators approval" workflow on the whole tree would cut across the roles above."""
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    WorkflowPage.objects.filter(workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)


def setup_workflow(reviewers: list[Group], partner_index: PartnerIndexPage | None) -> Workflow:
    """One review step by the expert panel (and the administrators, who may do everything);
    approval publishes. Covers every partner's pages."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="Expert panel approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Expert panel approval")
    task.groups.set(reviewers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if partner_index:  # and its versions in the other languages' trees
        for index in partner_index.get_translations(inclusive=True):
            WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


# Two rules that Wagtail's page permissions (which follow the tree, whatever the page type) cannot
# express. The page models use these testers: `permissions_for_user()` on PracticePage and
# PartnerPage. Administrators are told apart by "bulk_delete", which only their group has.


def _is_administrator(tester: PagePermissionTester) -> bool:
    return tester.user.is_superuser or "bulk_delete" in tester.permissions


class PracticePermissionTester(PagePermissionTester):
    """Only network administrators delete (and so move) practices: deleting cannot be undone,
    the expert panel unpublishes instead, partner editors ask the panel."""

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk) and _is_administrator(self)


class PartnerPermissionTester(PracticePermissionTester):
    """A partner page is the network's presentation of the partner: edited by those who may
    publish it (the panel, the administrators), not by the partner's editors, who write
    practices beneath it."""

    def can_edit(self):
        return super().can_edit() and (self.user.is_superuser or "publish" in self.permissions)
