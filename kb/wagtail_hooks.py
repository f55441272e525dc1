from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from kb.models import (
    ActivityType,
    Assessment,
    FundingSource,
    OrganisationType,
    PolicyFramework,
    TargetGroup,
    Theme,
)
from transfers.forms import AssessmentForm


class TermViewSet(SnippetViewSet):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]


class ThemeViewSet(TermViewSet):
    model = Theme
    icon = "tag"


class TargetGroupViewSet(TermViewSet):
    model = TargetGroup
    icon = "group"


class OrganisationTypeViewSet(TermViewSet):
    model = OrganisationType
    icon = "site"


class ActivityTypeViewSet(TermViewSet):
    model = ActivityType
    icon = "calendar"


class PolicyFrameworkViewSet(TermViewSet):
    model = PolicyFramework
    icon = "doc-full"


class FundingSourceViewSet(TermViewSet):
    model = FundingSource
    icon = "pick"


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "list-ul"
    menu_order = 300
    items = (
        ThemeViewSet,
        TargetGroupViewSet,
        OrganisationTypeViewSet,
        ActivityTypeViewSet,
        PolicyFrameworkViewSet,
        FundingSourceViewSet,
    )


register_snippet(TaxonomyViewSetGroup)


class AssessmentViewSet(SnippetViewSet):
    model = Assessment
    icon = "tick-inverse"
    menu_label = _("Assessments")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["practice", "label", "assessed_on", "reassess_on", "shown_assessor"]
    list_filter = ["label"]
    search_fields = ["summary"]
    # The panel's fields, and the transfer stories cited as evidence (transfers app).
    edit_handler = ObjectList(
        [*Assessment.panels, FieldPanel("transfer_evidence", widget=forms.CheckboxSelectMultiple)],
        base_form_class=AssessmentForm,
    )


register_snippet(AssessmentViewSet)


@hooks.register("after_create_snippet")
def record_the_assessor(request, instance):
    """The assessor is whoever writes the assessment, unless a name is given."""
    if isinstance(instance, Assessment) and instance.assessor_id is None:
        instance.assessor = request.user
        instance.save(update_fields=["assessor"])
