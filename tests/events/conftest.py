import datetime as dt

import pytest

from kb.models import Theme
from tests.factories import EventPageFactory, PracticePageFactory

TODAY = dt.date.today()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def publish_event(partner, title, *, themes=(), **fields):
    """A published event under `partner` (themes by slug)."""
    event = EventPageFactory(
        parent=partner, title=title, themes=[Theme.objects.get(slug=s) for s in themes], **fields
    )
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def publish_practice(partner, title, **fields):
    practice = PracticePageFactory(parent=partner, title=title, **fields)
    practice.save_revision().publish()
    return practice


@pytest.fixture
def calendar(partners):
    """Past and upcoming events of several partners, types, countries and themes."""
    p = partners
    return {
        "madrid": publish_event(
            p["community-of-madrid-immigration"], "Seminar on migrant associations",
            kind="seminar", start_date=days(-40), start_time=dt.time(10), end_time=dt.time(14),
            time_zone="Europe/Madrid", city="Madrid", country="ES", themes=["migrant-integration"],
        ),
        "riga": publish_event(
            p["lalrg"], "Expert panel on active ageing", kind="expert_panel",
            start_date=days(-10), city="Riga", country="LV", time_zone="Europe/Riga",
            themes=["active-ageing"],
        ),
        "brzeziny": publish_event(
            p["brzeziny"], "Study visit to social cooperatives", kind="study_visit",
            start_date=days(12), end_date=days(14), city="Brzeziny", country="PL",
            co_hosts=[p["nowosolna"]], themes=["social-economy"],
        ),
        "malta": publish_event(
            p["local-councils-association-malta"], "Youth inclusion seminar", kind="seminar",
            start_date=days(30), start_time=dt.time(9), end_time=dt.time(13),
            time_zone="Europe/Malta", city="Balzan", country="MT", themes=["youth-inclusion"],
        ),
        "online": publish_event(
            p["european-projects-association"], "Online workshop on transfer", kind="workshop",
            start_date=days(5), start_time=dt.time(10), end_time=dt.time(12),
            time_zone="Europe/Brussels", attendance="online",
            online_url="https://meet.example.org/ersi", city="", country="",
            themes=["public-cso-cooperation"],
        ),
    }  # fmt: skip
