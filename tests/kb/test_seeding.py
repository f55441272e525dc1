import json

from django.core.management import call_command

from kb.models import (
    ActivityType,
    OrganisationType,
    PartnerPage,
    PolicyFramework,
    TargetGroup,
    Theme,
)
from kb.seeding import PARTNERS_FILE, TAXONOMY_FILE, seed_partners, seed_taxonomy


def test_taxonomy_seeding_creates_every_term_once(db):
    data = json.loads(TAXONOMY_FILE.read_text())
    seed_taxonomy()
    second = seed_taxonomy()
    assert Theme.objects.count() == len(data["themes"])
    assert TargetGroup.objects.count() == len(data["target_groups"])
    assert OrganisationType.objects.count() == len(data["organisation_types"])
    assert ActivityType.objects.count() == len(data["activity_types"])
    assert PolicyFramework.objects.count() == len(data["policy_frameworks"])
    assert second.created == 0 and second.existing == sum(
        len(v) for k, v in data.items() if k != "_about"
    )


def test_taxonomy_seeding_keeps_names_edited_in_the_cms(db):
    seed_taxonomy()
    Theme.objects.filter(slug="employment").update(name="Work and jobs")
    seed_taxonomy()
    assert Theme.objects.get(slug="employment").name == "Work and jobs"


def test_all_23_partners_are_seeded_once_and_published(home, taxonomy):
    seed_partners(home)
    report = seed_partners(home)
    assert report.created == 0 and report.existing == 23
    assert PartnerPage.objects.live().count() == 23
    lead = PartnerPage.objects.get(slug="lodzkie-region")
    assert lead.is_lead and lead.country == "PL" and lead.partner_number == 1
    assert lead.organisation_type.slug == "public-authority"
    assert lead.profile and lead.role_list == ["network lead", "project coordination"]
    assert set(lead.expertise.values_list("slug", flat=True)) == {
        "civic-participation",
        "public-cso-cooperation",
    }


def test_partner_data_matches_the_network(db):
    partners = json.loads(PARTNERS_FILE.read_text())["partners"]
    assert len(partners) == 23
    assert {p["country"] for p in partners} == {
        "PL",
        "BE",
        "ES",
        "ME",
        "HU",
        "RO",
        "BG",
        "LV",
        "MT",
        "GB",
    }
    assert all(p.get("profile") for p in partners)


def test_load_demo_is_idempotent(home, capsys, settings):
    # Three languages keep it quick: each language gets an alias of every partner's page.
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = [
        (code, name) for code, name in settings.LANGUAGES if code in ("en", "pl", "es")
    ]
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "0 updated" in first and "0 failed" in first
    assert "0 created, 0 updated" in second and "unchanged" in second
    from agenda.models import EventIndexPage, EventPage
    from kb.models import PracticePage

    assert "Demo events: " in first
    assert f"Demo events: 0 created, {EventPage.objects.count()} already there" in second
    assert EventIndexPage.objects.count() == 1

    practices = PracticePage.objects.live()
    assert practices.count() >= 40
    assert practices.values("country").distinct().count() >= 8
    assert PartnerPage.objects.filter(numchild__gt=0).count() >= 20
    # Invented demo content is always labelled as such.
    assert not practices.filter(is_sample=False, source_url="").exists()
