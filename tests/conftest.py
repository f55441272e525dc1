import os

import pytest

from django.conf import settings
from django.utils import translation

from home.site import ensure_home_page
from kb.models import PartnerIndexPage, PartnerPage
from kb.seeding import seed_partners, seed_taxonomy

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves its
    language active in the thread, and page URLs follow the active language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the taxonomy and the 23 partners once per run; tests roll back their own changes.
    (Transactional tests flush the database; the fixtures below seed again when needed.)"""
    with django_db_blocker.unblock():
        seed_taxonomy()
        seed_partners(ensure_home_page())


@pytest.fixture
def home(db):
    return ensure_home_page()


@pytest.fixture
def taxonomy(db):
    seed_taxonomy()


@pytest.fixture
def partners(home, taxonomy) -> dict[str, PartnerPage]:
    seed_partners(home)
    return {p.slug: p for p in PartnerPage.objects.all()}


@pytest.fixture
def partner_index(partners) -> PartnerIndexPage:
    return PartnerIndexPage.objects.get()
