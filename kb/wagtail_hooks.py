from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from kb.models import ActivityType, OrganisationType, PolicyFramework, TargetGroup, Theme


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
    )


register_snippet(TaxonomyViewSetGroup)
