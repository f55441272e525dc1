from .assessments import Assessment, Label
from .collections import CollectionIndexPage, CollectionItem, CollectionPage
from .pages import PartnerIndexPage, PartnerPage, PracticeDocument, PracticeImage, PracticePage
from .taxonomy import (
    ActivityType,
    OrganisationType,
    PolicyFramework,
    TaggedPractice,
    TargetGroup,
    Theme,
)

__all__ = [
    "Assessment",
    "CollectionIndexPage",
    "CollectionItem",
    "CollectionPage",
    "Label",
    "ActivityType",
    "OrganisationType",
    "PartnerIndexPage",
    "PartnerPage",
    "PolicyFramework",
    "PracticeDocument",
    "PracticeImage",
    "PracticePage",
    "TaggedPractice",
    "TargetGroup",
    "Theme",
]
