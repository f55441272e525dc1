"""The demo calendar: dated from today, every type, past ones with a report, idempotent."""

import datetime as dt

from django.utils import timezone

from agenda.models import EventPage, Registration
from agenda.seeding import DEMO_EVENTS_FILE, seed_demo_events, seed_event_index
from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE


def test_the_demo_events_are_seeded_once_around_today(home, partners):
    with DEMO_PRACTICES_FILE.open() as lines:
        PracticeImporter(publish=True).run(lines)
    index = seed_event_index(home)
    assert seed_event_index(home).pk == index.pk and index.url == "/events/"
    report = seed_demo_events()
    assert report.created >= 14 and report.existing == 0
    events = EventPage.objects.live()
    assert {e.kind for e in events} >= {
        "conference", "seminar", "workshop", "expert_panel", "citizens_dialogue", "study_visit",
        "art_competition",
    }  # fmt: skip
    assert all(e.is_sample for e in events)
    now = timezone.now()
    past, upcoming = events.past(now), events.upcoming(now)
    assert past.count() >= 4 and upcoming.count() >= 6
    assert all(e.report for e in past)
    assert len({e.get_parent().slug for e in events}) >= 10  # hosted by different partners
    assert all(e.practices.exists() for e in events)  # linked to demo practices
    assert events.filter(registration_open=True, capacity__isnull=False).count() >= 3
    nearly_full = [
        e for e in events.filter(capacity__isnull=False)
        if 0 < e.capacity - Registration.objects.filter(event=e, status="confirmed").count() <= 3
    ]  # fmt: skip
    assert len(nearly_full) == 1

    before = (EventPage.objects.count(), Registration.objects.count())
    again = seed_demo_events(today=dt.date.today() + dt.timedelta(days=3))
    assert (again.created, again.existing) == (0, report.created)
    assert (EventPage.objects.count(), Registration.objects.count()) == before


def test_the_dates_follow_the_day_of_loading(home, partners):
    seed_event_index(home)
    seed_demo_events(today=dt.date(2031, 1, 15))
    opening = EventPage.objects.get(slug="ersi-opening-conference")
    assert opening.start_date == dt.date(2031, 1, 15) + dt.timedelta(days=-200)
    assert DEMO_EVENTS_FILE.name == "demo_events.json"
