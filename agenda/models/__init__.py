from .pages import EventDocument, EventImage, EventIndexPage, EventPage, TaggedEvent
from .registration import Registration

__all__ = [
    "EventDocument",
    "EventImage",
    "EventIndexPage",
    "EventPage",
    "Registration",
    "TaggedEvent",
]
