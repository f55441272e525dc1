from .pages import EventDocument, EventImage, EventIndexPage, EventPage, TaggedEvent

__all__ = ["EventDocument", "EventImage", "EventIndexPage", "EventPage", "TaggedEvent"]
