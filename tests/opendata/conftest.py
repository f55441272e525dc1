import pytest

from kb.models import TargetGroup, Theme
from tests.factories import PracticePageFactory


@pytest.fixture
def practices(partners):
    """Three published practices (found by the search engine) and one draft."""
    social = Theme.objects.get(slug="social-economy")
    employment = Theme.objects.get(slug="employment")
    unemployed = TargetGroup.objects.get(slug="long-term-unemployed")
    made = [
        PracticePageFactory(
            parent=partners["brzeziny"], title="Social cooperative canteens", country="PL",
            region="Brzeziny", start_year=2015, end_year=2019, latitude=51.8, longitude=19.75,
            themes=[social], target_groups=[unemployed], contact_name="Anna Nowak",
            contact_email="anna@example.org", contact_phone="+48 42 000 00 00",
        ),
        PracticePageFactory(
            parent=partners["lyaskovets"], title="Market garden enterprise", country="BG",
            start_year=2019, themes=[social, employment], contact_phone="+359 619 00 000",
        ),
        PracticePageFactory(
            parent=partners["mechelen"], title="Childcare places", country="BE", start_year=2021,
        ),
    ]  # fmt: skip
    for page in made:
        page.save_revision().publish()
        page.refresh_from_db()
    return made


@pytest.fixture
def draft(partners):
    page = PracticePageFactory(parent=partners["brzeziny"], title="Unpublished draft", live=False)
    page.save_revision()
    return page
