from .assessments import Assessment, Label
from .collections import CollectionIndexPage, CollectionItem, CollectionPage
from .pages import (
    PartnerIndexPage,
    PartnerPage,
    PracticeDocument,
    PracticeImage,
    PracticePage,
    translations_of,
)
from .taxonomy import (
    ActivityType,
    OrganisationType,
    PolicyFramework,
    TaggedPractice,
    TargetGroup,
    Theme,
)
from .transfer import FundingSource, PracticeAdaptation

__all__ = [
    "Assessment",
    "CollectionIndexPage",
    "CollectionItem",
    "CollectionPage",
    "FundingSource",
    "Label",
    "ActivityType",
    "OrganisationType",
    "PartnerIndexPage",
    "PartnerPage",
    "PolicyFramework",
    "PracticeAdaptation",
    "PracticeDocument",
    "PracticeImage",
    "PracticePage",
    "TaggedPractice",
    "TargetGroup",
    "Theme",
    "translations_of",
]
