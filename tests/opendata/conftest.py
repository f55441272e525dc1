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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium for the browser tests here too (see tests/browser/conftest.py)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def assert_accessible():
    from tests.browser.conftest import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        serious = [
            v for v in results.response["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, results.generate_report()

    return check
