"""Where practices and partners are placed on the map."""

import pytest

from maps.locations import Locator, country_centroids, same_place
from tests.factories import PracticePageFactory

EUROPE = (
    "AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MC MD ME MK "
    "MT NL NO PL PT RO RS SE SI SK SM UA VA XK"
).split()


@pytest.mark.parametrize(
    ("region", "city", "same"),
    [
        ("Łódź Voivodeship", "Łódź", True),
        ("Lodz", "Łódź", True),
        ("Brussels", "Brussels", True),
        ("La Ribera (Valencia)", "La Ribera (Valencia)", True),
        ("L'Alfàs del Pi", "L'Alfàs del Pi (Alicante)", True),
        ("Rīga", "Riga", True),
        ("Rogów commune villages", "Rogów", True),
        ("Latvia (national)", "Riga", False),
        ("Montenegro (national)", "Podgorica", False),
        ("Aleksandrów Łódzki", "Łódź", False),  # another town, whose name merely looks alike
        ("", "Riga", False),
    ],
)
def test_a_region_is_a_partners_place_when_the_names_match(region, city, same):
    assert same_place(region, city) is same


def test_every_european_country_has_a_centre():
    centres = country_centroids()
    assert set(EUROPE) <= set(centres)
    for code, (lat, lon) in centres.items():
        assert 27 < lat < 72 and -32 < lon < 60, code  # Europe, Turkey and the Caucasus


def practice(partner, **fields):
    return PracticePageFactory(parent=partner, **{"latitude": None, "longitude": None, **fields})


def test_practices_are_placed_by_coordinates_region_or_country(partners):
    p = partners
    locator = Locator.load()
    cases = {
        "exact": practice(p["kraslava"], region="Krāslava", country="LV", latitude=55.9,
                          longitude=27.2),
        "own partner's region": practice(p["lodzkie-region"], region="Łódź Voivodeship",
                                         country="PL"),
        "another partner's town": practice(p["lodzkie-region"], region="Bełchatów", country="PL"),
        "country": practice(p["lalrg"], region="Latvia (national)", country="LV"),
        "partner's country": practice(p["mechelen"], region="", country=""),
        "nowhere known": practice(p["mechelen"], region="Springfield", country="US"),
    }  # fmt: skip
    where = {name: locator.practice_location(page) for name, page in cases.items()}
    assert (where["exact"].lat, where["exact"].lon, where["exact"].approximate) == (
        55.9,
        27.2,
        False,
    )
    region = where["own partner's region"]
    assert (region.lat, region.lon, region.precision) == (51.7592, 19.456, "region")
    assert region.approximate
    other = where["another partner's town"]
    assert (other.lat, other.lon, other.precision) == (51.3688, 19.3564, "region")
    assert (where["country"].lat, where["country"].lon) == country_centroids()["LV"]
    assert where["country"].precision == "country"
    assert (where["partner's country"].lat, where["partner's country"].lon) == country_centroids()[
        "BE"
    ]
    assert where["nowhere known"] is None


def test_a_region_in_another_country_is_not_a_partners_town(partners):
    page = practice(partners["lodzkie-region"], region="Łódź", country="LV")
    location = Locator.load().practice_location(page)
    assert location.precision == "country"
    assert (location.lat, location.lon) == country_centroids()["LV"]


def test_partners_without_coordinates_go_to_their_country(partners):
    partner = partners["mechelen"]
    partner.latitude = partner.longitude = None
    partner.save()
    location = Locator.load().partner_location(partner)
    assert (location.lat, location.lon, location.precision) == (
        *country_centroids()["BE"],
        "country",
    )
