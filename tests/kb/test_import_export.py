import json
from decimal import Decimal

import pytest

from django.core.management import CommandError, call_command

from kb.exporting import iter_rows
from kb.importing import PracticeImporter
from kb.models import PracticePage


def row(**overrides):
    data = {
        "ext_id": "lodz-senior-hubs",
        "title": "Neighbourhood senior hubs",
        "summary": "Drop-in hubs for older people, run with local NGOs.",
        "problem": "Many older people live alone.\n\n- few meeting places\n- little transport",
        "approach": "Six hubs open five days a week.",
        "partner": "lodzkie-region",
        "organisation": "Senior Hub Association",
        "organisation_type": "cso",
        "country": "PL",
        "region": "Łódź",
        "themes": ["active-ageing"],
        "target_groups": ["older-people"],
        "activity_types": ["workshop"],
        "policy_frameworks": ["european-pillar-social-rights"],
        "start_year": 2019,
        "end_year": None,
        "language": "en",
        "source_url": "https://example.org/hubs",
        "lat": 51.76,
        "lon": 19.45,
        "contact_email": "hubs@example.org",
        "population": 650000,
        "annual_budget_eur": 180000,
        "cost_per_beneficiary_eur": 412.5,
        "staff_fte": 4.5,
        "duration_months": 12,
        "funding_sources": ["municipal", "esf-plus"],
        "precondition_legal": "The city runs social services.",
        "precondition_partners": "Two senior NGOs.\n\nA housing cooperative.",
        "precondition_infrastructure": "",
        "adaptations": [
            {
                "place": "Piotrków Trybunalski",
                "country": "pl",
                "year": 2023,
                "description": "Two hubs in libraries.",
                "url": "https://example.org/piotrkow",
            },
            {"place": "Kutno"},
        ],
        "sample": True,
    }
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False)


def write(tmp_path, *lines, name="practices.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_creates_a_published_practice_with_every_field(partners, tmp_path):
    call_command("import_practices", write(tmp_path, row()), publish=True, verbosity=0)
    page = PracticePage.objects.get(external_id="lodz-senior-hubs")
    assert page.live and page.get_parent().slug == "lodzkie-region"
    assert page.organisation_type.slug == "cso" and page.country == "PL"
    assert list(page.themes.values_list("slug", flat=True)) == ["active-ageing"]
    assert list(page.target_groups.values_list("slug", flat=True)) == ["older-people"]
    assert "<li>few meeting places</li>" in page.problem
    assert page.latitude == 51.76 and page.is_sample


def test_import_stores_the_transfer_data(partners, tmp_path):
    call_command("import_practices", write(tmp_path, row()), publish=True, verbosity=0)
    page = PracticePage.objects.get(external_id="lodz-senior-hubs")
    assert (page.population, page.annual_budget_eur, page.duration_months) == (650000, 180000, 12)
    assert page.cost_per_beneficiary_eur == Decimal("412.50")
    assert page.staff_fte == Decimal("4.5")
    assert sorted(page.funding_sources.values_list("slug", flat=True)) == ["esf-plus", "municipal"]
    assert page.precondition_partners == "Two senior NGOs.\n\nA housing cooperative."
    first, second = page.adaptations.all()
    assert (first.place, first.country, first.year) == ("Piotrków Trybunalski", "PL", 2023)
    assert (second.place, second.country, second.year, second.url) == ("Kutno", "", None, "")
    assert page.has_transfer_data


def test_bad_transfer_data_is_reported_by_field(partners, tmp_path):
    path = write(
        tmp_path,
        row(ext_id="a", staff_fte="two", population=-5),
        row(ext_id="b", population=12.5, duration_months=0, funding_sources=["lottery"]),
        row(ext_id="c", adaptations=[{"country": "XX", "year": "2020", "town": "Lodz"}]),
        row(ext_id="d", adaptations="Gdańsk"),
    )
    report = PracticeImporter().run(path.read_text().splitlines())
    messages = [str(e) for e in report.errors]
    assert "line 1: staff_fte: must be a number or null, not 'two'" in messages
    assert "line 1: population: -5 is outside 0..2000000000" in messages
    assert "line 2: population: must be a whole number or null, not 12.5" in messages
    assert "line 2: duration_months: 0 is outside 1..1200" in messages
    assert any(
        m.startswith("line 2: funding_sources: unknown funding source 'lottery'") for m in messages
    )
    assert "line 3: adaptations[1]: unknown key town" in messages
    assert "line 3: adaptations[1].place: is required" in messages
    assert "line 3: adaptations[1].country: 'XX' is not an ISO 3166-1 alpha-2 code" in messages
    assert "line 3: adaptations[1].year: '2020' is not a year" in messages
    assert any(m.startswith("line 4: adaptations: must be a list of objects") for m in messages)
    assert report.failed == 4 and not PracticePage.objects.exists()


def test_import_without_publish_leaves_a_draft(partners, tmp_path):
    call_command("import_practices", write(tmp_path, row()), verbosity=0)
    page = PracticePage.objects.get(external_id="lodz-senior-hubs")
    assert not page.live and page.latest_revision is not None


def test_reimporting_the_same_id_updates_and_never_duplicates(partners, tmp_path):
    path = write(tmp_path, row())
    call_command("import_practices", path, publish=True, verbosity=0)
    importer = PracticeImporter(publish=True)
    assert importer.run(path.read_text().splitlines()).unchanged == 1

    changed = write(tmp_path, row(title="Senior hubs, renamed", partner="city-of-lodz"))
    report = PracticeImporter(publish=True).run(changed.read_text().splitlines())
    assert report.updated == 1 and not report.errors
    page = PracticePage.objects.get(external_id="lodz-senior-hubs")
    assert page.title == "Senior hubs, renamed"
    assert page.get_parent().slug == "city-of-lodz"
    assert PracticePage.objects.count() == 1


def test_bad_rows_are_reported_by_line_and_field_and_write_nothing(partners, tmp_path):
    path = write(
        tmp_path,
        row(ext_id="good"),
        row(ext_id="bad-country", country="XX"),
        row(ext_id="bad-theme", themes=["housing"]),
        '{"ext_id": "broken", ',
        row(ext_id="no-title", title=""),
        row(ext_id="bad-years", start_year=2020, end_year=2010),
        row(ext_id="typo", titel="x"),
        "[1, 2]",
        row(ext_id="good"),
    )
    with pytest.raises(CommandError, match="1 created, 0 updated, 0 unchanged, 8 failed"):
        call_command("import_practices", path, verbosity=0)
    report = PracticeImporter().run(path.read_text().splitlines())
    messages = [str(e) for e in report.errors]
    assert "line 2: country: 'XX' is not an ISO 3166-1 alpha-2 country code" in messages
    assert any(m.startswith("line 3: themes: unknown theme 'housing'") for m in messages)
    assert any(m.startswith("line 4: invalid JSON") for m in messages)
    assert "line 5: title: is required" in messages
    assert "line 6: end_year: 2010 is before start_year 2020" in messages
    assert "line 7: titel: unknown key (see docs/import-format.md)" in messages
    assert "line 8: each line must be a JSON object {...}" in messages
    assert "line 9: ext_id: 'good' already appeared on line 1" in messages
    assert list(PracticePage.objects.values_list("external_id", flat=True)) == ["good"]


def test_partner_option_fills_rows_without_a_partner(partners, tmp_path, capsys):
    line = json.loads(row())
    del line["partner"]
    path = write(tmp_path, json.dumps(line))
    with pytest.raises(CommandError, match="1 failed"):
        call_command("import_practices", path, verbosity=0)
    assert "line 1: partner: is required (or give --partner)" in capsys.readouterr().err
    call_command("import_practices", path, partner="mechelen", verbosity=0)
    assert PracticePage.objects.get().get_parent().slug == "mechelen"
    with pytest.raises(CommandError, match="unknown partner"):
        call_command("import_practices", path, partner="atlantis", verbosity=0)


def test_dry_run_writes_nothing(partners, tmp_path, capsys):
    call_command("import_practices", write(tmp_path, row()), dry_run=True)
    assert "1 would be created" in capsys.readouterr().out
    assert not PracticePage.objects.exists()


def test_export_then_import_into_an_empty_site_round_trips(partners, tmp_path, django_db_blocker):
    lines = [
        row(),
        row(ext_id="body-only", title="Body only", problem="", approach="", body="Para one.\n\nPara two."),
        row(ext_id="minimal", title="Minimal", partner="mechelen", country=None, lat=None, lon=None,
            themes=[], target_groups=[], activity_types=[], policy_frameworks=[], start_year=None,
            population=None, annual_budget_eur=None, cost_per_beneficiary_eur=None, staff_fte=None,
            duration_months=None, funding_sources=[], adaptations=[]),
    ]  # fmt: skip
    call_command("import_practices", write(tmp_path, *lines), publish=True, verbosity=0)
    exported = tmp_path / "export.jsonl"
    call_command("export_practices", output=exported)
    first = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(first) == 3

    PracticePage.objects.all().delete()
    call_command("import_practices", exported, publish=True, verbosity=0)
    assert sorted(iter_rows(), key=lambda r: r["ext_id"]) == sorted(
        first, key=lambda r: r["ext_id"]
    )


def test_practices_written_in_the_admin_export_with_a_stable_id(partners):
    from tests.factories import PracticePageFactory

    page = PracticePageFactory(parent=partners["kraslava"], external_id=None)
    [exported] = list(iter_rows())
    assert exported["ext_id"] == f"ersi-{page.translation_key}"
    assert exported["partner"] == "kraslava"
