import pytest

from django.contrib.auth import get_user_model

from enquiries.models import Enquiry
from tests.factories import PracticePageFactory


@pytest.fixture
def practice_a(partners):
    return PracticePageFactory(
        parent=partners["brzeziny"],
        title="Neighbourhood kitchens",
        contact_email="kitchens@brzeziny.example.org",
    )


@pytest.fixture
def practice_b(partners):
    return PracticePageFactory(parent=partners["mechelen"], title="Buddy project")


def make_enquiry(practice, **fields) -> Enquiry:
    values = {
        "practice": practice,
        "practice_title": practice.title,
        "partner": practice.get_parent().specific,
        "kind": Enquiry.Kind.QUESTION,
        "name": "Ana Kowalska",
        "email": "ana@example.org",
        "message": "How do you fund the kitchens?",
    }
    return Enquiry.objects.create(**(values | fields))


def make_user(username: str, *groups, **fields):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="pw", **fields
    )
    user.groups.add(*groups)
    return user
