from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from agenda.models import EventIndexPage
from home.models import HomePage
from kb.models import (
    CollectionIndexPage,
    CollectionPage,
    PartnerIndexPage,
    PartnerPage,
    PracticePage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_takes_the_partner_and_collection_indexes(self):
        self.assertAllowedSubpageTypes(
            HomePage, {PartnerIndexPage, CollectionIndexPage, EventIndexPage}
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_partners_live_under_the_partner_index(self):
        self.assertAllowedParentPageTypes(PartnerPage, {PartnerIndexPage})
        self.assertAllowedSubpageTypes(PartnerIndexPage, {PartnerPage})

    def test_collections_live_under_the_collection_index(self):
        self.assertAllowedParentPageTypes(CollectionPage, {CollectionIndexPage})
        self.assertAllowedSubpageTypes(CollectionPage, set())
        self.assertCanNotCreateAt(PartnerPage, CollectionPage)

    def test_practices_live_under_a_partner_and_have_no_children(self):
        self.assertAllowedParentPageTypes(PracticePage, {PartnerPage})
        self.assertAllowedSubpageTypes(PracticePage, set())
        self.assertCanNotCreateAt(HomePage, PracticePage)
        self.assertCanNotCreateAt(PartnerIndexPage, PracticePage)


def test_only_one_partner_index_per_home(partner_index, home):
    assert not PartnerIndexPage.can_create_at(home)
    assert PartnerPage.can_create_at(partner_index)


class PracticeAuthoringTests(WagtailPageTestCase):
    """A partner's staff member fills in the admin form and the practice is saved whole."""

    def setUp(self):
        from home.site import ensure_home_page
        from kb.seeding import seed_partners, seed_taxonomy

        seed_taxonomy()
        seed_partners(ensure_home_page())
        self.login()

    def test_create_a_practice_through_the_admin_form(self):
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

        from kb.models import Theme

        partner = PartnerPage.objects.get(slug="brzeziny")
        theme = Theme.objects.get(slug="social-economy")
        data = nested_form_data(
            {
                "title": "Tailoring cooperative for long-term unemployed women",
                "slug": "tailoring-cooperative",
                "summary": "A social cooperative sews school uniforms for the town.",
                "problem": rich_text("Women over 50 found no work after the factory closed."),
                "country": "PL",
                "region": "Brzeziny",
                "start_year": 2016,
                "language": "pl",
                "target_groups": "Women, Long-term unemployed people",
                "documents": inline_formset([]),
                "images": inline_formset([]),
                "adaptations": inline_formset([]),
            }
        )
        data["themes"] = [theme.pk]  # a multi-value field: not flattened by nested_form_data
        self.assertCanCreate(partner, PracticePage, data)
        page = PracticePage.objects.get(slug="tailoring-cooperative")
        assert page.get_parent().specific == partner
        assert list(page.themes.all()) == [theme]
        assert sorted(t.slug for t in page.target_groups.all()) == ["long-term-unemployed", "women"]
        assert page.language == "pl"

    def test_end_year_before_start_year_is_refused(self):
        page = PracticePage(title="x", slug="x", summary="x", start_year=2020, end_year=2010)
        with self.assertRaisesMessage(Exception, "The end year cannot be before the start year."):
            page.full_clean()
