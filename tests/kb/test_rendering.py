from decimal import Decimal

import pytest

from kb.models import FundingSource, PracticeAdaptation, TargetGroup, Theme
from kb.text import plain_to_html
from tests.factories import PracticePageFactory


@pytest.fixture
def practice(partners):
    page = PracticePageFactory(
        parent=partners["mechelen"],
        title="Smart childcare places for working parents",
        summary="An online register matches families with free childcare places.",
        results=plain_to_html("Waiting time fell from 9 to 3 months."),
        lessons=plain_to_html("Start with the parents who need it most."),
        organisation_name="Mechelen Childcare Office",
        country="BE",
        region="Mechelen",
        start_year=2018,
        end_year=None,
        contact_name="Childcare coordinator",
        contact_email="childcare@example.org",
        is_sample=True,
        themes=[Theme.objects.get(slug="child-protection")],
        target_groups=[TargetGroup.objects.get(slug="children-families")],
    )
    page.save_revision().publish()
    return page


def test_partner_index_lists_all_23_partners(client, partner_index):
    response = client.get("/partners/")
    assert response.status_code == 200
    assert len(response.context["partners"]) == 23
    html = response.content.decode()
    assert "Lodzkie Region" in html and "WSX Enterprise" in html and "Kraslava" in html


def test_partner_index_counts_practices_in_one_query(
    client, partner_index, practice, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = client.get("/partners/")
    counts = {p.slug: p.practice_count for p in response.context["partners"]}
    assert counts["mechelen"] == 1 and counts["lodzkie-region"] == 0


def test_partner_page_shows_profile_and_practices(client, practice):
    response = client.get("/partners/mechelen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "City of Mechelen" in html and "Belgium" in html
    assert "Smart childcare places for working parents" in html
    assert "childcare" in html  # a role of the partner


def test_practice_page_shows_every_structured_field(client, practice):
    response = client.get(practice.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Smart childcare places for working parents",
        "An online register matches families",
        "Too many people were left out.",  # problem
        "a drop-in hub",  # approach
        "Waiting time fell from 9 to 3 months.",  # results
        "Start with the parents who need it most.",  # lessons
        "Mechelen Childcare Office",
        "Belgium",
        "childcare@example.org",
        "Sample content",
    ):
        assert text in html, text
    assert 'href="/search/?theme=child-protection"' in html
    assert 'href="/search/?target_group=children-families"' in html
    assert 'href="/partners/mechelen/"' in html


def test_practice_page_shows_the_transfer_data(client, practice):
    assert 'id="transfer"' not in client.get(practice.url).content.decode()
    practice.population = 86000
    practice.annual_budget_eur = 240000
    practice.cost_per_beneficiary_eur = Decimal("312.50")
    practice.staff_fte = Decimal("3.5")
    practice.duration_months = 12
    practice.precondition_legal = "The city runs childcare."
    practice.adaptations = [PracticeAdaptation(place="Leuven", country="BE", year=2021)]
    practice.funding_sources.set(FundingSource.objects.filter(slug__in=["esf-plus", "municipal"]))
    practice.save_revision().publish()

    html = client.get(practice.url).content.decode()
    assert 'href="#transfer"' in html  # table of contents
    transfer = html[html.index('id="transfer"') :]
    for text in (
        "86,000",
        "€240,000",
        "€312.50",
        "3.5",
        "12 months",
        "European Social Fund Plus (ESF+)",
        "Municipal budget",
        "The city runs childcare.",
    ):
        assert text in transfer, text
    # The places that took it up are listed once, in the "Transferred elsewhere" lineage.
    lineage = html[html.index('id="transferred"') :]
    assert "Leuven, Belgium (2021)</h3>" in lineage
    assert 'href="#transferred"' in transfer


def test_adaptations_alone_make_a_transfer_section(client, practice):
    practice.adaptations = [PracticeAdaptation(place="Leuven", country="BE")]
    practice.save_revision().publish()
    html = client.get(practice.url).content.decode()
    assert 'href="#transfer"' in html and 'id="transfer"' in html


def test_real_practices_carry_no_sample_label(client, practice):
    practice.is_sample = False
    practice.source_url = "https://example.org/report"
    practice.save_revision().publish()
    html = client.get(practice.url).content.decode()
    assert "Sample content" not in html


def test_draft_practices_are_not_public(client, partners):
    page = PracticePageFactory(parent=partners["mechelen"], live=False)
    assert client.get(page.url or "/partners/mechelen/x/").status_code == 404


def test_admin_editor_renders_the_practice_tabs(admin_client, practice):
    response = admin_client.get(f"/admin/pages/{practice.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for tab in ("Practice", "Context and tags", "Transfer", "Contact and media", "Settings"):
        assert tab in html
    assert "What situation or need led to the practice?" in html  # a help text


def test_admin_can_add_a_practice_under_a_partner(admin_client, partners):
    response = admin_client.get(f"/admin/pages/add/kb/practicepage/{partners['rogow'].pk}/")
    assert response.status_code == 200


def test_page_not_found_is_friendly(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "not found" in response.content.decode().lower()
