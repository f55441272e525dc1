"""Where a practice or partner goes on the map.

A practice with coordinates goes there. Without them, it goes to its region when a partner is in
that place (its own partner first, then another partner in the same country), else to the centre
of its country (maps/data/country_centroids.json); both are marked approximate.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wagtail.models import Page

from kb.models import PartnerPage, PracticePage

CENTROIDS_FILE = Path(__file__).parent / "data" / "country_centroids.json"
Precision = Literal["exact", "region", "country"]
# Letters that Unicode does not split into a base letter and an accent ("Łódź" is "Lodz").
UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
)


@functools.cache
def country_centroids() -> dict[str, tuple[float, float]]:
    """Country code -> (latitude, longitude) of its centre."""
    data = json.loads(CENTROIDS_FILE.read_text(encoding="utf-8"))
    return {code: tuple(point) for code, point in data.items() if not code.startswith("_")}


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    precision: Precision

    @property
    def approximate(self) -> bool:
        return self.precision != "exact"


def place_words(text: str) -> tuple[str, ...]:
    """The words of a place name, for comparing: lower case, accents dropped, and without a
    qualifier in brackets ("La Ribera (Valencia)" -> ("la", "ribera"))."""
    text = text.split("(")[0].casefold().translate(UNDECOMPOSED)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(re.findall(r"\w+", text))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether `part` occurs in `words` as consecutive whole words."""
    size = len(part)
    return bool(part) and any(words[i : i + size] == part for i in range(len(words) - size + 1))


def same_place(region: str, city: str) -> bool:
    """ "Łódź Voivodeship" is Łódź's region; "Brussels" is Brussels; "Latvia" is not Riga."""
    region_words, city_words = place_words(region), place_words(city)
    return _contains(region_words, city_words) or _contains(city_words, region_words)


class Locator:
    """Places partners and practices, knowing every live partner (one query)."""

    def __init__(self, partners: list[PartnerPage]) -> None:
        # A partner's page in another language's tree is an alias: it holds the practices
        # written in that language, and stands for the partner it repeats.
        self.partners = [partner for partner in partners if partner.alias_of_id is None]
        originals = {partner.pk: partner for partner in self.partners}
        self.by_path = {p.path: originals.get(p.alias_of_id, p) for p in partners}

    @classmethod
    def load(cls) -> Locator:
        fields = (
            "title", "slug", "path", "url_path", "country", "city", "latitude", "longitude",
            "alias_of",
        )  # fmt: skip
        return cls(list(PartnerPage.objects.live().only(*fields).order_by("title")))

    def partner_of(self, practice: PracticePage) -> PartnerPage | None:
        return self.by_path.get(practice.path[: -Page.steplen])

    def partner_location(self, partner: PartnerPage) -> Location | None:
        if partner.latitude is not None and partner.longitude is not None:
            return Location(partner.latitude, partner.longitude, "exact")
        return self._country_centre(str(partner.country or ""))

    def practice_location(self, practice: PracticePage) -> Location | None:
        if practice.latitude is not None and practice.longitude is not None:
            return Location(practice.latitude, practice.longitude, "exact")
        own = self.partner_of(practice)
        country = str(practice.country or (own.country if own else "") or "")
        if practice.region:
            candidates = [own] if own else []
            candidates += [p for p in self.partners if p is not own and str(p.country) == country]
            for partner in candidates:
                if (
                    partner.latitude is not None
                    and partner.longitude is not None
                    and str(partner.country) == country
                    and same_place(practice.region, partner.city)
                ):
                    return Location(partner.latitude, partner.longitude, "region")
        return self._country_centre(country)

    @staticmethod
    def _country_centre(country: str) -> Location | None:
        centre = country_centroids().get(country)
        return Location(*centre, "country") if centre else None
