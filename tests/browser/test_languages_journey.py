"""The site in Polish, Bulgarian and Maltese, as a reader of little English meets it.

Every label is looked up in the catalogue (gettext), so the test checks that the page shows the
translation, whatever its wording, and fails on English left behind.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from enquiries.forms import EnquiryForm
from enquiries.models import Enquiry
from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE

MADRID = {
    "ext_id": "test-madrid-acogida",
    "partner": "community-of-madrid-immigration",
    "language": "es",
    "title": "Mentoras de acogida para mujeres migrantes recién llegadas",
    "summary": "Mujeres migrantes con años en Madrid acompañan a las recién llegadas en el empleo.",
    "approach": "Cada mentora acompaña a tres recién llegadas durante seis meses.",
    "contact_email": "acogida@madrid.example.org",
    "region": "Madrid",
    "translations": {
        "pl": {
            "title": "Mentorki dla nowo przybyłych migrantek",
            "summary": "Migrantki mieszkające od lat w Madrycie wspierają nowo przybyłe w pracy.",
            "approach": "Każda mentorka towarzyszy trzem nowo przybyłym przez sześć miesięcy.",
        }
    },
}


def t(language: str, text: str) -> str:
    with translation.override(language):
        translated = gettext(text)
    assert translated != text, f"“{text}” has no {language} translation"
    return translated


@pytest.fixture
def site_with_translations(transactional_db, partners):
    lines = DEMO_PRACTICES_FILE.read_text().splitlines()[:12]
    lines.append(json.dumps(MADRID, ensure_ascii=False))
    report = PracticeImporter(publish=True).run(lines)
    assert not report.errors, report.errors


def test_a_polish_reader_finds_reads_and_asks_in_polish(
    site_with_translations, live_server, page, assert_accessible
):
    page.goto(live_server.url)
    page.locator(".language-switcher__toggle").click()
    page.get_by_role("link", name="Polski").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert_accessible(page)

    # Search in Polish: the Spanish practice is found by its Polish translation, shown in Polish.
    box = page.get_by_role("main").get_by_label(t("pl", "Search practices"))
    box.fill("mentorki migrantek")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/pl/search/\?q=mentorki"))
    result = page.get_by_role("link", name=MADRID["translations"]["pl"]["title"])
    expect(result).to_be_visible()
    assert_accessible(page)
    result.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(MADRID["translations"]["pl"]["title"])
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert_accessible(page)

    # The Spanish original, one click away; then back to Polish.
    original = page.locator(".language-versions").get_by_role("link", name="español")
    expect(original).to_have_attribute("hreflang", "es")
    original.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MADRID["title"])
    page.locator(".language-versions").get_by_role("link", name="polski").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MADRID["translations"]["pl"]["title"])

    # A question, in Polish: the form, its messages and the receipt e-mail.
    page.get_by_text(t("pl", "Write to the people behind this practice")).click()
    page.get_by_role("radio", name=t("pl", "Question")).check()
    page.get_by_label(t("pl", "Your name")).fill("Anna Kowalska")
    page.get_by_label(t("pl", "Your e-mail address")).fill("anna@gmina.example.pl")
    page.get_by_role("button", name=t("pl", "Send")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t("pl", "There is a problem"))
    assert_accessible(page)
    page.get_by_label(t("pl", "Your message")).fill("Czy możemy porozmawiać o mentorkach?")
    with translation.override("pl"):
        consent = str(EnquiryForm().fields["consent"].label)
    page.get_by_label(consent).check()
    page.get_by_role("button", name=t("pl", "Send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("pl", "Your message has been sent"))
    assert_accessible(page)

    enquiry = Enquiry.objects.get()
    assert enquiry.language == "pl"
    receipt = next(m for m in mail.outbox if m.to == ["anna@gmina.example.pl"])
    assert t("pl", "Message") + ":" in receipt.body
    assert "Czy możemy porozmawiać" in receipt.body


@pytest.mark.parametrize("language", ["bg", "mt"])
def test_pages_in_cyrillic_and_maltese_are_accessible_and_fit_a_phone(
    site_with_translations, live_server, browser, language, assert_accessible
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    for path in ("/", "/search/?q=employment", "/partners/", "/map/", "/finder/"):
        phone.goto(f"{live_server.url}/{language}{path}")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        assert_accessible(phone)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{language}{path} is {overflow}px wider than the screen"
    # A practice with no translation in the language: it says so, in that language.
    phone.goto(f"{live_server.url}/{language}/search/?q=mentoras")
    phone.get_by_role("link", name=MADRID["title"]).click()
    expect(phone.get_by_role("note").first).to_contain_text(
        t(language, "This practice has not been translated into your language yet.")
    )
    assert_accessible(phone)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()
