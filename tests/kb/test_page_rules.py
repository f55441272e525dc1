from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from kb.models import PartnerIndexPage, PartnerPage, PracticePage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_takes_only_the_partner_index(self):
        self.assertAllowedSubpageTypes(HomePage, {PartnerIndexPage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_partners_live_under_the_partner_index(self):
        self.assertAllowedParentPageTypes(PartnerPage, {PartnerIndexPage})
        self.assertAllowedSubpageTypes(PartnerIndexPage, {PartnerPage})

    def test_practices_live_under_a_partner_and_have_no_children(self):
        self.assertAllowedParentPageTypes(PracticePage, {PartnerPage})
        self.assertAllowedSubpageTypes(PracticePage, set())
        self.assertCanNotCreateAt(HomePage, PracticePage)
        self.assertCanNotCreateAt(PartnerIndexPage, PracticePage)


def test_only_one_partner_index_per_home(partner_index, home):
    assert not PartnerIndexPage.can_create_at(home)
    assert PartnerPage.can_create_at(partner_index)
