"""The event's rules: local moments in its time zone (summer time included), all-day events, and
what clean() refuses."""

import datetime as dt
import zoneinfo

import pytest

from django.core.exceptions import ValidationError

from agenda.models import EventPage

# A page being built asks for the default locale: the database, even without saving.
pytestmark = pytest.mark.django_db

UTC = dt.UTC
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def event(**fields) -> EventPage:
    defaults = {"title": "Seminar", "slug": "seminar", "kind": "seminar", "summary": "A seminar.",
                "start_date": dt.date(2027, 3, 12), "time_zone": "Europe/Warsaw"}  # fmt: skip
    return EventPage(**{**defaults, **fields})


def test_local_times_are_moments_in_the_events_zone():
    page = event(start_time=dt.time(9, 30), end_time=dt.time(17))
    start, end = page.moments()
    assert start.astimezone(UTC) == dt.datetime(2027, 3, 12, 8, 30, tzinfo=UTC)  # CET, UTC+1
    assert end.astimezone(UTC) == dt.datetime(2027, 3, 12, 16, 0, tzinfo=UTC)
    assert page.zone_label == "Europe/Warsaw (CET, UTC+01:00)"
    lisbon = event(start_time=dt.time(9, 30), time_zone="Europe/Lisbon")
    assert lisbon.moments()[0].astimezone(UTC) == dt.datetime(2027, 3, 12, 9, 30, tzinfo=UTC)


def test_summer_time_changes_the_offset_and_a_night_across_it_is_an_hour_shorter():
    summer = event(start_date=dt.date(2027, 7, 1), start_time=dt.time(9, 30))
    assert summer.moments()[0].astimezone(UTC).hour == 7  # CEST, UTC+2
    assert summer.zone_label == "Europe/Warsaw (CEST, UTC+02:00)"
    # Clocks go forward in the night of 27 to 28 March 2027.
    across = event(start_date=dt.date(2027, 3, 27), start_time=dt.time(10),
                   end_date=dt.date(2027, 3, 28), end_time=dt.time(10))  # fmt: skip
    start, end = across.moments()
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=23)
    assert (start.utcoffset(), end.utcoffset()) == (dt.timedelta(hours=1), dt.timedelta(hours=2))


def test_an_all_day_event_runs_from_midnight_to_the_end_of_its_last_day():
    page = event(end_date=dt.date(2027, 3, 14))
    assert page.is_all_day and page.is_multi_day
    start, end = page.moments()
    assert start == dt.datetime(2027, 3, 12, tzinfo=WARSAW)
    assert end == dt.datetime(2027, 3, 15, tzinfo=WARSAW)
    one_day = event()
    assert one_day.moments()[1] - one_day.moments()[0] == dt.timedelta(days=1)


def test_a_start_time_alone_is_a_moment_and_a_zone_without_abbreviation_shows_its_offset():
    page = event(start_time=dt.time(18), time_zone="Europe/Istanbul")
    start, end = page.moments()
    assert start == end
    assert page.zone_abbreviation == "UTC+03:00"
    assert page.zone_label == "Europe/Istanbul (UTC+03:00)"


def test_saving_stores_the_utc_moments(partners):
    page = event(start_time=dt.time(9, 30), end_time=dt.time(17))
    partners["lodzkie-region"].add_child(instance=page)
    page.refresh_from_db()
    assert page.starts_at == dt.datetime(2027, 3, 12, 8, 30, tzinfo=UTC)
    assert page.ends_at == dt.datetime(2027, 3, 12, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_date": dt.date(2027, 3, 11)}, "end_date", "The last day cannot be before the first"),
        ({"start_time": dt.time(12), "end_time": dt.time(9)}, "end_time", "cannot end before"),
        ({"latitude": 51.7}, "longitude", "Give both latitude and longitude"),
        ({"attendance": "online"}, "online_url", "Give the link to join"),
        ({"attendance": "hybrid"}, "online_url", "Give the link to join"),
    ],
)
def test_clean_refuses_what_cannot_be(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        event(**fields).clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_clean_accepts_a_multi_day_event_ending_earlier_in_the_day():
    event(start_time=dt.time(12), end_date=dt.date(2027, 3, 13), end_time=dt.time(9)).clean()
