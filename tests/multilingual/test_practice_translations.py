"""Practices in their own language and in translation: where they live, how readers see them."""

import json

import pytest

from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext

from wagtail.models import Locale

from kb.exporting import iter_rows
from kb.importing import PracticeImporter
from kb.models import PartnerIndexPage, PartnerPage, PracticePage

pytestmark = pytest.mark.django_db

SPANISH = {
    "ext_id": "tep-huertos",
    "partner": "tep-la-libera",
    "language": "es",
    "title": "Huertos comunitarios para personas mayores que viven solas",
    "summary": "Personas mayores que viven solas cultivan huertos municipales con voluntarios.",
    "approach": "El ayuntamiento cede parcelas y los voluntarios acompañan a los mayores.",
    "translations": {
        "pl": {
            "title": "Ogrody społeczne dla samotnych seniorów",
            "summary": "Samotni seniorzy uprawiają miejskie ogrody razem z wolontariuszami.",
            "approach": "Gmina udostępnia działki, a wolontariusze towarzyszą seniorom.",
        },
        "en": {
            "title": "Community gardens for older people living alone",
            "summary": "Older people living alone grow municipal gardens with volunteers.",
        },
    },
}
ENGLISH = {
    "ext_id": "tep-english",
    "partner": "tep-la-libera",
    "title": "Youth mentoring in La Ribera",
    "summary": "Volunteers mentor young people leaving care.",
}


def import_rows(*rows, publish=True):
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    return PracticeImporter(publish=publish).run(lines)


@pytest.fixture
def spanish(partners):
    report = import_rows(SPANISH, ENGLISH)
    assert not report.errors, report.errors
    return PracticePage.objects.get(external_id="tep-huertos")


def test_a_practice_lives_in_its_languages_tree_and_its_translations_in_theirs(spanish):
    assert spanish.locale.language_code == "es"
    versions = {p.locale.language_code: p for p in spanish.get_translations(inclusive=True)}
    assert set(versions) == {"es", "pl", "en"}
    assert {code: p.specific.language for code, p in versions.items()} == {
        "es": "es",
        "pl": "pl",
        "en": "en",
    }
    polish = versions["pl"].specific
    assert polish.live and polish.title == SPANISH["translations"]["pl"]["title"]
    assert "wolontariusze" in polish.approach
    # Everything that is not text is the original's.
    assert polish.get_parent().translation_key == spanish.get_parent().translation_key
    assert polish.external_id is None


def test_the_partner_lists_each_practice_once_in_the_readers_language(client, spanish):
    url = PartnerPage.objects.get(slug="tep-la-libera", locale=Locale.get_default()).url
    english = client.get(url).content.decode()
    assert SPANISH["translations"]["en"]["title"] in english
    assert SPANISH["title"] not in english
    polish = client.get("/pl" + url).content.decode()
    assert SPANISH["translations"]["pl"]["title"] in polish
    bulgarian = client.get("/bg" + url).content.decode()
    assert SPANISH["title"] in bulgarian  # no Bulgarian translation: the original
    assert SPANISH["translations"]["en"]["title"] not in bulgarian


def test_partner_counts_and_home_figures_count_a_practice_once(client, spanish):
    index = PartnerIndexPage.objects.get(locale=Locale.get_default())
    counts = {p.slug: p.practice_count for p in index.get_context(None)["partners"]}
    assert counts["tep-la-libera"] == 2
    home = client.get("/")
    assert home.context["stats"]["practices"] == 2
    assert home.context["stats"]["partners"] == 23


def test_the_same_address_shows_the_readers_translation(client, spanish):
    polish = client.get("/pl" + spanish.url)  # the original's address, read in Polish
    assert polish.status_code == 200
    assert polish.context["page"].language == "pl"


def test_a_missing_translation_says_so_and_shows_the_original(client, spanish):
    url = spanish.url
    response = client.get("/bg" + url)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["page"].pk == spanish.pk
    with translation.override("bg"):
        assert gettext("This practice has not been translated into your language yet.") in html
    assert 'lang="es"' in html  # the Spanish text is marked as Spanish
    assert "español" in html
    # The other versions are offered, each in its language.
    assert 'hreflang="pl"' in html and 'hreflang="en"' in html


def test_a_reader_with_a_translation_elsewhere_is_told_where(client, spanish):
    polish = spanish.get_translation(Locale.objects.get(language_code="pl")).specific
    polish.slug = "ogrody-spoleczne"
    polish.save_revision().publish()
    url = spanish.url
    response = client.get("/pl" + url)  # the Spanish address, read in Polish
    assert response.context["page"].pk == spanish.pk
    html = response.content.decode()
    with translation.override("pl"):
        assert gettext("This practice is also available in your language.") in html
    assert "/pl/" in html and "ogrody-spoleczne/" in html


def test_search_returns_one_result_per_practice_in_the_readers_language(client, spanish):
    data = client.get("/api/search/?q=huertos&language=pl").json()
    ids = [r["id"] for r in data["results"]]
    assert len(ids) == 1
    result = data["results"][0]
    assert result["title"] == SPANISH["translations"]["pl"]["title"]
    assert result["language"] == "pl"
    assert {t["language"] for t in result["translations"]} == {"es", "en"}
    english = client.get("/api/search/?q=huertos").json()["results"][0]
    assert english["title"] == SPANISH["translations"]["en"]["title"]


def test_search_api_rejects_an_unknown_language(client, spanish):
    response = client.get("/api/search/?q=huertos&language=xx")
    assert response.status_code == 400
    assert "language" in response.json()["errors"]


def test_exports_carry_the_translations_and_import_them_back_unchanged(spanish):
    rows = {row["ext_id"]: row for row in iter_rows()}
    assert set(rows) == {"tep-huertos", "tep-english"}  # one row per practice
    row = rows["tep-huertos"]
    assert row["language"] == "es"
    assert set(row["translations"]) == {"pl", "en"}
    assert row["translations"]["pl"]["title"] == SPANISH["translations"]["pl"]["title"]
    assert rows["tep-english"]["translations"] == {}
    report = import_rows(*rows.values())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2), report


def test_reimporting_a_changed_translation_updates_only_it(spanish):
    changed = json.loads(json.dumps(SPANISH))
    changed["translations"]["pl"]["title"] = "Ogrody społeczne dla seniorów"
    report = import_rows(changed)
    assert report.updated == 1, report
    polish = spanish.get_translation(Locale.objects.get(language_code="pl")).specific
    assert polish.title == "Ogrody społeczne dla seniorów"
    assert PracticePage.objects.filter(translation_key=spanish.translation_key).count() == 3


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ("en", "must be an object"),
        ({"xx": {"title": "x"}}, "not one of the site's languages"),
        ({"es": {"title": "x"}}, "the practice's own language"),
        ({"pl": {"summary": "bez tytułu"}}, "is required"),
        ({"pl": {"title": "x", "country": "PL"}}, "unknown key country"),
    ],
)
def test_bad_translations_are_refused_with_a_clear_message(partners, translations, message):
    report = import_rows({**SPANISH, "translations": translations})
    assert report.failed == 1
    assert any(message in str(error) for error in report.errors), report.errors
    assert not PracticePage.objects.exists()


def test_translating_in_the_editor_marks_the_copy_with_its_language(partners):
    import_rows(ENGLISH)
    english = PracticePage.objects.get(external_id="tep-english")
    polish = Locale.objects.get_or_create(language_code="pl")[0]
    copy = english.copy_for_translation(polish, copy_parents=True).specific
    copy.refresh_from_db()
    assert copy.language == "pl"
    assert copy.latest_revision.as_object().language == "pl"
    assert not copy.live  # a translation is published through review, like any draft


def test_feeds_list_each_practice_once_in_the_chosen_language(client, spanish):
    english = client.get("/feeds/practices/").content.decode()
    assert english.count("<entry>") == 2
    assert SPANISH["translations"]["en"]["title"] in english
    polish = client.get("/feeds/practices/?language=pl").content.decode()
    assert polish.count("<entry>") == 2
    assert SPANISH["translations"]["pl"]["title"] in polish
    assert "/pl/partners/" in polish  # links in the chosen language
    assert client.get("/feeds/practices/?language=xx").status_code == 400


def test_a_translation_has_the_same_similar_practices_as_its_original(spanish):
    from search.templatetags.search_tags import similar_practices

    polish = spanish.get_translation(Locale.objects.get(language_code="pl")).specific
    of_original = similar_practices(spanish)
    of_translation = similar_practices(polish)
    assert [p.translation_key for p in of_translation] == [p.translation_key for p in of_original]
    assert spanish.translation_key not in {p.translation_key for p in of_translation}


def test_an_editor_translates_a_practice_into_any_language_from_the_admin(client, home, partners):
    from django.contrib.auth import get_user_model

    from wagtail.models import WorkflowPage

    from kb.roles import partner_group_name, setup_roles
    from kb.seeding import seed_language_trees

    seed_language_trees(home, ["ro"])
    setup_roles()
    import_rows(ENGLISH)
    english = PracticePage.objects.get(external_id="tep-english")
    editor = get_user_model().objects.create_user("editor", password="x")
    editor.groups.add(Group.objects.get(name=partner_group_name(english.get_parent().specific)))
    client.force_login(editor)
    romanian = Locale.objects.get(language_code="ro")
    form = client.get(f"/admin/translation/submit/page/{english.pk}/")
    assert form.status_code == 200
    response = client.post(
        f"/admin/translation/submit/page/{english.pk}/", {"locales": [romanian.pk]}
    )
    assert response.status_code == 302
    copy = english.get_translation(romanian).specific
    assert copy.language == "ro" and not copy.live
    # The copy is the partner's to edit, and goes through the panel's review.
    assert copy.permissions_for_user(editor).can_edit()
    index = copy.get_ancestors().type(PartnerIndexPage).get()
    assert WorkflowPage.objects.filter(page=index).exists()
