"""Moderating the transfer stories in the Wagtail admin: "Transfer stories".

As the event registrations (events.viewsets): every view narrows the stories to those the
permission policy lets the user see (transfers.permissions), so another partner's story is a
404. A story is approved or rejected from its edit view (the two buttons post to the approve
and reject views) or by changing its moderation there. Its follow-ups are listed in the same
view: one a moderator adds there is approved as it is saved; one sent through the private link
waits for its moderation to be set to approved (the approve button approves those too).
https://docs.wagtail.org/en/stable/extending/generic_views.html
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from .models import TransferStory, TransferUpdate
from .signal_handlers import story_changed

READ = ["view", "change", "delete"]
Moderation = TransferStory.Moderation


def stories_for(user, actions=READ):
    policy = policy_registry.get_by_type(TransferStory)
    return policy.instances_user_has_any_permission_for(user, actions)


def moderate(story: TransferStory, decision: str, user, *, with_updates: bool = False) -> None:
    story.moderation = decision
    story.moderated_by = user
    story.moderated_at = timezone.now()
    story.save(update_fields=["moderation", "moderated_by", "moderated_at", "updated_at"])
    if with_updates:  # the follow-ups waiting, seen in the same view, get the same decision
        TransferUpdate.objects.filter(story=story).pending().update(moderation=decision)
        story.refresh_status()
        story_changed(story)


class StoryForm(WagtailAdminModelForm):
    """The moderator may correct a typo in the public text, and decide."""

    class Meta:
        widgets = {"moderation": forms.RadioSelect}


class IndexView(generic.IndexView):
    def get_base_queryset(self):
        return stories_for(self.request.user).select_related("practice")


class EditView(generic.EditView):
    def get_queryset(self):
        return stories_for(self.request.user, ["change"])

    def save_instance(self):
        before = TransferStory.objects.get(pk=self.object.pk).moderation
        instance = super().save_instance()
        if instance.moderation != before:
            moderate(instance, instance.moderation, self.request.user)
        instance.refresh_status()  # an update approved or added in the form
        story_changed(instance)
        return instance


class DeleteView(generic.DeleteView):
    def get_queryset(self):
        return stories_for(self.request.user, ["delete"])


class HistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return stories_for(self.request.user)


class UsageView(generic.UsageView):
    def get_base_object_queryset(self):
        return stories_for(self.request.user)


class ModerateView(View):
    """POST only: approve or reject the story, then back to the listing."""

    decision = Moderation.APPROVED
    http_method_names = ["post"]

    def post(self, request, pk):
        story = stories_for(request.user, ["change"]).filter(pk=pk).first()
        if story is None:
            raise Http404
        moderate(story, self.decision, request.user, with_updates=True)
        log(story, "wagtail.edit", user=request.user)
        if self.decision == Moderation.APPROVED:
            messages.success(request, _gettext("The story is approved and published."))
        else:
            messages.success(request, _gettext("The story is rejected and not published."))
        return HttpResponseRedirect(reverse("transfer_stories:index"))


class TransferStoryViewSet(ModelViewSet):
    model = TransferStory
    name = "transfer_stories"
    icon = "repeat"
    menu_label = _("Transfer stories")
    menu_order = 270
    add_to_admin_menu = True
    copy_view_enabled = False
    add_to_reference_index = False  # keeps submitters out of the practice's usage listing
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    list_per_page = 50
    list_filter = ["moderation", "status", "kind"]
    search_fields = ["organisation", "place", "submitter_name", "submitter_email"]
    ordering = "-created_at"

    list_display = [
        "__str__",
        Column("organisation", label=_("Organisation")),
        Column("practice", label=_("Practice"), accessor="practice.title"),
        Column("get_status_display", label=_("Status")),
        StatusTagColumn(
            "get_moderation_display",
            label=_("Moderation"),
            sort_key="moderation",
            primary=lambda story: story.moderation == Moderation.APPROVED,
        ),
        DateColumn("created_at", label=_("Recorded"), sort_key="created_at"),
    ]
    edit_handler = ObjectList(
        [
            HelpPanel(template="transfers/admin/story_panel.html", heading=_("Transfer story")),
            FieldPanel("moderation"),
            FieldPanel("organisation"),
            FieldRowPanel([FieldPanel("place"), FieldPanel("country")]),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldRowPanel([FieldPanel("year_adopted"), FieldPanel("month_adopted")]),
            FieldPanel("kind"),
            FieldPanel("status"),
            FieldPanel("changes"),
            FieldPanel("financing"),
            FieldPanel("funding_sources", widget=forms.CheckboxSelectMultiple),
            FieldPanel("results"),
            FieldPanel("lessons"),
            InlinePanel(
                "updates",
                heading=_("Updates"),
                label=_("Update"),
                panels=[
                    FieldRowPanel([FieldPanel("created_at"), FieldPanel("status")]),
                    FieldPanel("results"),
                    FieldPanel("lessons"),
                    FieldPanel("moderation", widget=forms.RadioSelect),
                ],
            ),
        ],
        base_form_class=StoryForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "approve/<int:pk>/",
                ModerateView.as_view(decision=Moderation.APPROVED),
                name="approve",
            ),
            path(
                "reject/<int:pk>/",
                ModerateView.as_view(decision=Moderation.REJECTED),
                name="reject",
            ),
        ]
