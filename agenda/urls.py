"""The events' calendar and Atom feeds, outside the language prefixes (ersi_practices/urls.py):
matched before Wagtail's pages, whose /events/ they sit beside."""

from django.urls import path

from . import feeds

urlpatterns = [
    path("events/calendar.ics", feeds.events_calendar, name="events_calendar"),
    path(
        "events/themes/<slug:slug>/calendar.ics", feeds.theme_calendar, name="events_theme_calendar"
    ),
    path("events/<int:page_id>/event.ics", feeds.event_calendar, name="event_calendar"),
    path("feeds/events/", feeds.EventsFeed(), name="events_feed"),
]
