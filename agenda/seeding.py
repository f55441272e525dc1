"""The /events/ page and the demo calendar of network events (`manage.py load_demo`).

The demo events are dated relative to the day they are loaded (agenda/data/demo_events.json
stores offsets in days), so that a fresh demo always has past and upcoming events. Safe to run
again: an event that exists (by slug, under its host) is left alone, with its dates and edits.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from wagtail.models import Page

from kb.models import PartnerPage, PracticePage, TargetGroup, Theme
from kb.seeding import SeedReport, _index_page
from kb.text import plain_to_html

from .models import EventIndexPage, EventPage, Registration

DEMO_EVENTS_FILE = Path(__file__).resolve().parent / "data" / "demo_events.json"


@transaction.atomic
def seed_event_index(home: Page) -> EventIndexPage:
    """The /events/ page, where the partners' events are listed."""
    return _index_page(
        home,
        EventIndexPage,
        "Events",
        "Conferences, seminars, workshops, expert panels, citizens' dialogues, study visits and "
        "the art competition of the European Regions for Social Inclusion network, hosted by "
        "its partners across Europe.",
    )


def _time(text: str | None) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


@transaction.atomic
def seed_demo_events(path: Path = DEMO_EVENTS_FILE, today: dt.date | None = None) -> SeedReport:
    """Create the missing demo events, published, under their hosting partners."""
    data = json.loads(path.read_text(encoding="utf-8"))
    today = today or timezone.localdate()
    partners = {p.slug: p for p in PartnerPage.objects.filter(locale__language_code="en")}
    practices = {p.external_id: p for p in PracticePage.objects.exclude(external_id=None)}
    themes = {t.slug: t for t in Theme.objects.all()}
    groups = {g.slug: g for g in TargetGroup.objects.all()}
    report = SeedReport()
    for item in data["events"]:
        host = partners.get(item["host"])
        if host is None:
            continue
        if EventPage.objects.child_of(host).filter(slug=item["slug"]).exists():
            report.existing += 1
            continue
        start = today + dt.timedelta(days=item["start"])
        country = item.get("country") or host.country.code
        event = EventPage(
            title=item["title"],
            slug=item["slug"],
            kind=item["kind"],
            summary=item["summary"],
            description=plain_to_html(item.get("description", "")),
            programme=plain_to_html(item.get("programme", "")),
            report=plain_to_html(item.get("report", "")),
            start_date=start,
            start_time=_time(item.get("start_time")),
            end_date=start + dt.timedelta(days=item["days"] - 1) if item["days"] > 1 else None,
            end_time=_time(item.get("end_time")),
            time_zone=item.get("time_zone") or data["time_zones"][country],
            attendance=item["attendance"],
            venue=item.get("venue", ""),
            address=item.get("address", ""),
            city=item.get("city", ""),
            country=item.get("country", ""),
            latitude=item.get("lat"),
            longitude=item.get("lon"),
            online_url=item.get("online_url", ""),
            languages=item.get("languages", []),
            registration_open=item.get("registration_open", False),
            capacity=item.get("capacity"),
            registration_deadline=(
                today + dt.timedelta(days=item["deadline"]) if "deadline" in item else None
            ),
            is_sample=True,
        )
        event.co_hosts.set([partners[s] for s in item.get("co_hosts", []) if s in partners])
        event.themes.set([themes[s] for s in item.get("themes", []) if s in themes])
        event.target_groups.set([groups[s] for s in item.get("target_groups", []) if s in groups])
        event.practices.set([practices[i] for i in item.get("practices", []) if i in practices])
        event.clean()  # the model's rules (dates, place, link); the tree fills the rest
        host.add_child(instance=event)
        event.save_revision().publish()
        _sample_registrations(event, host, item.get("sample_registrations", 0))
        report.created += 1
    return report


def _sample_registrations(event: EventPage, host: PartnerPage, count: int) -> None:
    """Invented registrations (example.org addresses, already "sent"), so that the demo shows
    an event that is nearly full. No e-mail goes out for them."""
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            event_title=event.title,
            event_ends_at=event.ends_at,
            partner=host,
            name=f"Sample registrant {number}",
            email=f"registrant-{number}@example.org",
            organisation="Sample organisation",
            status=Registration.Status.CONFIRMED,
            language="en",
            confirmation_sent_at=now,
            host_notified_at=now,
        )
        for number in range(1, count + 1)
    )
