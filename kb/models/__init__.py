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
