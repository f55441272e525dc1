"""A translation of a partner's page tree keeps the partner's editors, the panel and the workflow.

Wagtail's page permissions and workflows follow the tree, and a translation is a separate tree
(one per locale). When Wagtail copies a page into another locale (a translation, or the parents it
needs), the copy gets the groups' permissions and the workflow of the page it was copied from, so
the partner's editors can translate their practices and translations go through the same review.
"""

from wagtail.models import GroupPagePermission, Page, WorkflowPage


def share_permissions_with_translation(sender, source_obj, target_obj, **kwargs) -> None:
    if not isinstance(source_obj, Page):
        return
    for grant in GroupPagePermission.objects.filter(page=source_obj):
        GroupPagePermission.objects.get_or_create(
            group_id=grant.group_id, page=target_obj, permission_id=grant.permission_id
        )
    workflow = WorkflowPage.objects.filter(page=source_obj).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(
            page=target_obj, defaults={"workflow_id": workflow.workflow_id}
        )
