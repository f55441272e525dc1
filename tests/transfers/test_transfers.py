"""Transfer stories: the form, storing before e-mailing, moderation, the private update link,
the reminders and the "Transferred elsewhere" section of the practice page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enquiries.models import Enquiry
from kb.models import PracticeAdaptation
from kb.roles import EXPERT_PANEL, partner_group_name, setup_roles
from tests.factories import PracticePageFactory
from transfers.models import TransferStory, TransferUpdate
from transfers.views import MAX_STORIES

CONTACT = "practice@brzeziny.example.org"
SUBMITTER = "marta@gmina.example.pl"


def publish_practice(partner, **fields):
    values = {"title": "Social cooperative for young adults", "contact_email": CONTACT}
    practice = PracticePageFactory(parent=partner, **(values | fields))
    practice.save_revision().publish()
    practice.refresh_from_db()
    return practice


@pytest.fixture
def practice(partners):
    return publish_practice(partners["brzeziny"])


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the on-commit callbacks run (the queued e-mails are sent at once in tests)."""

    def send(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return send


def story_data(**overrides) -> dict:
    data = {
        "organisation": "Gmina Nowosolna",
        "place": "Nowosolna",
        "country": "PL",
        "year_adopted": "2023",
        "month_adopted": "",
        "kind": "adapted",
        "status": "running",
        "changes": "Smaller team, run with the parish.",
        "financing": "ESF+ and the municipal budget",
        "results": "12 young adults in work after one year",
        "lessons": "Start with the employers.",
        "submitter_name": "Marta Nowak",
        "submitter_email": SUBMITTER,
        "consent": "on",
        "website": "",
    }
    return data | overrides


def new_url(practice) -> str:
    return reverse("transfers:new", args=[practice.pk])


def make_story(practice, **fields) -> TransferStory:
    values = {
        "practice": practice,
        "organisation": "Gemeente Utrecht",
        "place": "Utrecht",
        "country": "NL",
        "year_adopted": 2022,
        "kind": "adapted",
        "status": "running",
        "results": "30 households housed",
        "submitter_name": "Jan de Vries",
        "submitter_email": "jan@utrecht.example.nl",
    }
    return TransferStory.objects.create(**(values | fields))


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# --- the form ---------------------------------------------------------------------------------


def test_the_practice_page_invites_to_tell_a_transfer(client, practice):
    html = client.get(practice.url).content.decode()
    assert 'id="transferred-heading">Transferred elsewhere</h2>' in html
    assert f'href="{new_url(practice)}"' in html
    form = client.get(new_url(practice)).content.decode()
    for name in ("organisation", "place", "country", "year_adopted", "kind", "status", "results",
                 "lessons", "submitter_name", "submitter_email", "consent"):  # fmt: skip
        assert f'name="{name}"' in form
    assert '<label class="enquiry-field__label" for="transfer-place">' in form


def test_a_story_is_stored_then_both_e_mails_go_out(post, practice):
    response = post(new_url(practice), story_data())
    story = TransferStory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:story", args=[story.token])
    assert story.practice == practice and story.is_pending and len(story.token) >= 43
    assert story.language == "en"
    (receipt,) = mail_to(SUBMITTER)
    assert "Your transfer story: Social cooperative for young adults" == receipt.subject
    assert f"http://testserver/transfers/story/{story.token}/" in receipt.body
    (notice,) = mail_to(CONTACT)
    assert "awaits moderation" in notice.subject
    assert f"/admin/transfer_stories/edit/{story.pk}/" in notice.body
    assert notice.reply_to == [SUBMITTER]


def test_the_notice_goes_to_the_partner_without_a_practice_contact(post, partners):
    partner = partners["brzeziny"]
    partner.contact_email = "partner@brzeziny.example.org"
    partner.save_revision().publish()
    practice = publish_practice(partners["brzeziny"], contact_email="", slug="no-contact")
    post(new_url(practice), story_data())
    assert len(mail_to("partner@brzeziny.example.org")) == 1


def test_the_story_is_kept_when_the_mail_server_is_down(post, practice, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.transfers.test_transfers.RaisingMailer"}}
    try:
        post(new_url(practice), story_data())
    except ConnectionRefusedError:
        pass  # the immediate backend of the tests runs the task in the request
    assert TransferStory.objects.count() == 1


class RaisingMailer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_errors_keep_everything_typed(post, practice):
    data = story_data(place="", year_adopted="last year", consent="")
    data["results"] = "Figures <b>typed</b> & kept"
    response = post(new_url(practice), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert TransferStory.objects.count() == 0 and not mail.outbox
    assert 'class="error-summary"' in html and "There is a problem" in html
    assert 'href="#transfer-place">Enter the town, city or region</a>' in html
    assert "Enter the year as a number, like 2023" in html
    assert "Tick the box to agree" in html
    assert 'value="Gmina Nowosolna"' in html
    assert "Figures &lt;b&gt;typed&lt;/b&gt; &amp; kept</textarea>" in html
    assert re.search(r'value="adapted"[^>]*checked', html)
    assert f'value="{SUBMITTER}"' in html


def test_the_honeypot_stores_and_sends_nothing(post, practice):
    response = post(new_url(practice), story_data(website="http://spam.example"))
    assert response.status_code == 200
    assert TransferStory.objects.count() == 0 and not mail.outbox


def test_too_many_stories_from_one_client_are_refused_and_kept_in_the_form(post, practice):
    for n in range(MAX_STORIES):
        make_story(practice, submitter_email=f"s{n}@example.org",
                   sender_hash=_hash_of_test_client())  # fmt: skip
    response = post(new_url(practice), story_data(place="Kept place"))
    assert response.status_code == 429
    assert TransferStory.objects.count() == MAX_STORIES
    assert 'value="Kept place"' in response.content.decode()


def _hash_of_test_client() -> str:
    from django.test import RequestFactory

    from transfers.views import sender_hash

    return sender_hash(RequestFactory().post("/"))


def test_the_enquiry_prefill_is_only_for_admin_users(client, practice, django_user_model):
    enquiry = Enquiry.objects.create(
        practice=practice, practice_title=practice.title, partner=practice.partner,
        kind="study_visit", name="Ana", email="ana@example.org", organisation="Gmina Łask",
        message="Visit", status="answered",
    )  # fmt: skip
    url = new_url(practice) + f"?enquiry={enquiry.pk}"
    assert "Gmina Łask" not in client.get(url).content.decode()
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    html = client.get(url).content.decode()
    assert 'value="Gmina Łask"' in html
    assert f'name="enquiry" value="{enquiry.pk}"' in html
    panel = client.get(reverse("requests:edit", args=[enquiry.pk])).content.decode()
    assert f'href="{url}"' in panel and "Record a transfer" in panel
    response = client.post(new_url(practice), story_data(enquiry=str(enquiry.pk)))
    assert response.status_code == 302
    assert TransferStory.objects.get().enquiry == enquiry


# --- public or not ----------------------------------------------------------------------------


def test_pending_and_rejected_stories_are_not_public_approved_ones_are(client, practice):
    make_story(practice, place="Pendingtown")
    make_story(practice, place="Rejectedtown", moderation="rejected")
    make_story(practice, place="Approvedtown", moderation="approved", status="scaled_up")
    html = client.get(practice.url).content.decode()
    assert "Approvedtown" in html
    assert "Pendingtown" not in html and "Rejectedtown" not in html
    assert "jan@utrecht.example.nl" not in html and "Jan de Vries" not in html
    assert "Successful transfers (running or scaled up): 1" in html
    assert 'id="transfer-map"' in html and "transfer_map.js" in html


def test_adaptations_and_stories_are_listed_once_in_the_lineage(client, practice):
    PracticeAdaptation.objects.create(page=practice, place="Lodz", country="PL", year=2021,
                                      description="Run by the city.")  # fmt: skip
    make_story(practice, moderation="approved", status="stopped", place="Gent", country="BE")
    html = client.get(practice.url).content.decode()
    assert html.count("Lodz, Poland (2021)") == 1 and "Gent, Belgium" in html
    assert "See where the practice was transferred" in html
    assert "Successful transfers (running or scaled up): 1" in html  # the adaptation


def test_user_text_is_escaped_on_the_practice_page(client, practice):
    make_story(practice, moderation="approved", place='<script>alert("x")</script>',
               results="<img src=x onerror=alert(1)>", lessons="a & b")  # fmt: skip
    html = client.get(practice.url).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "a &amp; b" in html
    # The map's data attribute is escaped too.
    assert "\\u003Cscript" in html or "&lt;script&gt;alert(\\&quot;x\\&quot;)" in html


def test_the_latest_approved_update_gives_the_status_and_results(client, practice):
    story = make_story(practice, moderation="approved", status="planned", place="Tartu")
    TransferUpdate.objects.create(story=story, status="scaled_up", results="Now in 3 districts")
    TransferUpdate.objects.create(story=story, status="stopped", results="Unchecked claim",
                                  moderation="pending")  # fmt: skip
    story.refresh_from_db()
    assert story.status == "scaled_up"
    html = client.get(practice.url).content.decode()
    assert "Now in 3 districts" in html and "Scaled up" in html
    assert "Unchecked claim" not in html
    assert "Successful transfers</dt><dd>1" in html  # the key facts, near the top


# --- the private link --------------------------------------------------------------------------


def test_the_update_link_shows_the_story_and_adds_an_update(client, practice):
    story = make_story(practice, status="running")
    url = reverse("transfers:story", args=[story.token])
    page = client.get(url)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "awaits moderation" in page.content.decode()
    response = client.post(url, {"status": "stopped", "results": "Funding ended", "lessons": ""})
    assert response.status_code == 302
    update = story.updates.get()
    assert update.results == "Funding ended" and update.moderation == "pending"
    story.refresh_from_db()
    assert story.status == "running"  # until a moderator approves the update
    page = client.get(response["Location"]).content.decode()
    assert "your update is stored" in page and "awaiting moderation" in page


def test_an_update_to_an_approved_story_is_moderated(client, post, practice, roles):
    story = make_story(practice, moderation="approved", status="running", place="Tartu")
    url = reverse("transfers:story", args=[story.token])
    post(url, {"status": "scaled_up", "results": "Now in 3 districts", "lessons": ""})
    (notice,) = mail_to(CONTACT)
    assert "update awaits moderation" in notice.subject and "Now in 3 districts" in notice.body
    assert "Now in 3 districts" not in client.get(practice.url).content.decode()

    client.force_login(roles["own"])
    client.post(reverse("transfer_stories:approve", args=[story.pk]))
    story.refresh_from_db()
    assert story.updates.get().moderation == "approved" and story.status == "scaled_up"
    client.logout()
    html = client.get(practice.url).content.decode()
    assert "Now in 3 districts" in html and "Scaled up" in html


def test_an_update_an_editor_enters_is_approved_at_once(client, practice, roles):
    story = make_story(practice, moderation="approved", status="running", place="Tartu")
    client.force_login(roles["own"])
    edit_url = reverse("transfer_stories:edit", args=[story.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="updates-TOTAL_FORMS"' in html
    data = {
        "moderation": "approved", "organisation": story.organisation, "place": story.place,
        "country": "NL", "year_adopted": "2022", "kind": "adapted", "status": "running",
        "updates-TOTAL_FORMS": "1", "updates-INITIAL_FORMS": "0", "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000", "updates-0-created_at": "2026-01-15 10:00",
        "updates-0-status": "stopped", "updates-0-results": "Funding ended",
        "updates-0-lessons": "", "updates-0-moderation": "approved", "updates-0-id": "",
        "updates-0-ORDER": "1", "updates-0-DELETE": "",
    }  # fmt: skip
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert story.updates.get().moderation == "approved" and story.status == "stopped"


def test_an_update_with_errors_keeps_the_text(client, practice):
    story = make_story(practice)
    url = reverse("transfers:story", args=[story.token])
    response = client.post(url, {"status": "", "results": "Kept results"})
    assert response.status_code == 400
    assert "Kept results</textarea>" in response.content.decode()
    assert not story.updates.exists()


def test_a_wrong_token_is_not_found(client, practice):
    make_story(practice)
    assert client.get(reverse("transfers:story", args=["guess"])).status_code == 404


# --- moderation --------------------------------------------------------------------------------


@pytest.fixture
def roles(practice):
    setup_roles()
    user_model = get_user_model()

    def user(name, group_name):
        person = user_model.objects.create_user(name, f"{name}@example.org", "x")
        person.groups.add(Group.objects.get(name=group_name))
        return person

    brzeziny = practice.partner
    from kb.models import PartnerPage

    mechelen = PartnerPage.objects.get(slug="mechelen")
    return {
        "own": user("own_editor", partner_group_name(brzeziny)),
        "other": user("other_editor", partner_group_name(mechelen)),
        "panel": user("panel", EXPERT_PANEL),
        "mechelen": mechelen,
    }


def test_moderation_is_scoped_to_the_partner(client, practice, roles):
    own = make_story(practice, place="OwnStory")
    other_practice = publish_practice(roles["mechelen"], slug="mechelen-practice")
    other = make_story(other_practice, place="OtherStory")
    index = reverse("transfer_stories:index")

    client.force_login(roles["own"])
    html = client.get(index).content.decode()
    assert "OwnStory" in html and "OtherStory" not in html
    assert client.get(reverse("transfer_stories:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("transfer_stories:approve", args=[other.pk])).status_code == 404
    client.post(reverse("transfer_stories:approve", args=[own.pk]))
    own.refresh_from_db()
    assert own.is_approved and own.moderated_by == roles["own"] and own.moderated_at

    client.force_login(roles["panel"])
    html = client.get(index).content.decode()
    assert "OwnStory" in html and "OtherStory" in html
    client.post(reverse("transfer_stories:reject", args=[other.pk]))
    other.refresh_from_db()
    assert other.moderation == "rejected" and other.moderated_by == roles["panel"]


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_go_once_each_at_6_and_12_months(practice, capsys):
    story = make_story(practice, moderation="approved", submitter_email=SUBMITTER)
    make_story(practice, submitter_email="pending@example.org",
               created_at=timezone.now() - relativedelta(months=7))  # fmt: skip

    def run():
        mail.outbox.clear()
        call_command("send_transfer_reminders")
        return mail_to(SUBMITTER)

    assert run() == []
    TransferStory.objects.filter(pk=story.pk).update(
        created_at=timezone.now() - relativedelta(months=6) - dt.timedelta(hours=1)
    )
    (first,) = run()
    assert "How is your transfer" in first.subject
    assert f"/transfers/story/{story.token}/" in first.body
    assert "6-month reminder queued for story" in capsys.readouterr().out
    assert run() == []  # once
    TransferStory.objects.filter(pk=story.pk).update(
        created_at=timezone.now() - relativedelta(months=12) - dt.timedelta(hours=1)
    )
    assert len(run()) == 1
    assert run() == []
    story.refresh_from_db()
    assert story.reminder_6_sent_at and story.reminder_12_sent_at
    assert not mail_to("pending@example.org")


# --- demo ---------------------------------------------------------------------------------------


def test_the_demo_stories_are_seeded_once(practice, tmp_path):
    import json

    from transfers.seeding import DEMO_TRANSFERS_FILE, seed_demo_transfers

    data = json.loads(DEMO_TRANSFERS_FILE.read_text(encoding="utf-8"))
    for item in data["stories"]:
        item["practice"] = practice.external_id
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    first = seed_demo_transfers(path)
    assert first.created == 5 and first.existing == 0
    assert seed_demo_transfers(path).existing == 5
    assert TransferStory.objects.approved().count() == 4
    assert TransferStory.objects.filter(moderation="pending").count() == 1
    zgierz = TransferStory.objects.get(place="Zgierz")
    assert zgierz.is_sample and zgierz.status == "scaled_up" and zgierz.updates.count() == 1
    call_command("send_transfer_reminders")
    assert not mail.outbox  # the demo's old stories do not e-mail their made-up submitters


# --- finder and open data -----------------------------------------------------------------------


def test_the_finder_keeps_and_boosts_practices_transferred_elsewhere(client, partners):
    from kb.models import Theme

    employment = Theme.objects.get(slug="employment")
    plain = publish_practice(partners["brzeziny"], title="Aaa plain", slug="plain")
    transferred = publish_practice(partners["brzeziny"], title="Zzz transferred", slug="zzz")
    stopped = publish_practice(partners["brzeziny"], title="Mmm stopped", slug="mmm")
    for page in (plain, transferred, stopped):
        page.themes.set([employment])
        page.save_revision().publish()
    make_story(transferred, moderation="approved", status="scaled_up")
    make_story(stopped, moderation="approved", status="stopped")
    make_story(plain, status="running")  # pending: does not count

    def titles(**extra):
        response = client.get("/finder/", {"theme": "employment", **extra})
        return [item.page.title for item in response.context["ranking"]["results"]]

    ranked = titles()
    assert ranked.index("Zzz transferred") < ranked.index("Aaa plain")  # the boost
    assert titles(transferred="on") == ["Zzz transferred"]
    form = client.get("/finder/").content.decode()
    assert 'name="transferred"' in form and "Transferred successfully elsewhere" in form


def test_the_api_and_json_ld_list_approved_stories_without_personal_data(client, practice):
    import json

    story = make_story(practice, moderation="approved", place="Utrecht")
    TransferUpdate.objects.create(story=story, status="scaled_up", results="Citywide now")
    make_story(practice, place="Hiddentown")
    data = client.get(f"/api/v2/practices/{practice.pk}/").json()
    (public,) = data["transfer_stories"]
    assert public["place"] == "Utrecht" and public["status"] == "scaled_up"
    assert public["results"] == "Citywide now" and public["latitude"]  # the country's centre
    text = json.dumps(data)
    assert "jan@utrecht.example.nl" not in text and "Jan de Vries" not in text
    assert story.token not in text and "Hiddentown" not in text
    html = client.get(practice.url).content.decode()
    ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    work = json.loads(ld.group(1))["workExample"]
    assert work[0]["spatialCoverage"]["name"] == "Utrecht"
    assert "jan@utrecht" not in ld.group(1)


def test_the_csv_and_jsonl_exports_summarise_approved_stories(client, practice):
    import csv
    import io
    import json

    make_story(practice, moderation="approved", status="running", place="=HYPERLINK(1)")
    make_story(practice, moderation="approved", status="stopped", place="Gent", country="BE")
    make_story(practice, place="Hiddentown")  # pending
    response = client.get("/export/practices.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    (row,) = [r for r in rows if r["title"] == practice.title]
    assert row["transfers_successful"] == "1"
    summary = json.loads(row["transfers"])
    assert [s["place"] for s in summary] == ["=HYPERLINK(1)", "Gent"]
    assert not row["transfers"].startswith(("=", "+", "-", "@"))  # no formula in a cell
    assert "Hiddentown" not in row["transfers"] and "jan@utrecht" not in row["transfers"]
    lines = b"".join(client.get("/export/practices.jsonl").streaming_content).decode().split("\n")
    record = next(json.loads(line) for line in lines if practice.title in line)
    assert record["transfers_successful"] == 1 and len(record["transfers"]) == 2


def test_the_search_page_filters_practices_transferred_elsewhere(client, partners):
    from search.indexing import practice_changed

    plain = publish_practice(partners["brzeziny"], title="Plain canteen", slug="plain")
    moved = publish_practice(partners["brzeziny"], title="Copied canteen", slug="copied")
    story = make_story(moved, status="running")  # pending: not yet transferred
    practice_changed(moved.pk)

    def titles(**params):
        response = client.get("/search/", params)
        return {item.page.title for item in response.context["search"].results}

    assert titles(transferred="1") == set()
    story.moderation = "approved"
    story.save()  # reindexes the practice (transfers.signal_handlers)
    assert titles(transferred="1") == {"Copied canteen"}
    assert titles() >= {"Plain canteen", "Copied canteen"}
    page = client.get("/search/", {"transferred": "1"}).content.decode()
    assert 'name="transferred" value="1" form="search-form" checked' in page
    assert client.get("/api/search/", {"transferred": "maybe"}).status_code == 400
    api = client.get("/api/search/", {"transferred": "true"}).json()
    assert [r["title"] for r in api["results"]] == ["Copied canteen"]
    assert plain.pk


def test_an_assessment_cites_transfer_stories_as_evidence(client, practice, django_user_model):
    from kb.models import Assessment
    from kb.models.assessments import CRITERIA

    cited = make_story(practice, moderation="approved", place="Zgierz", country="PL",
                       results="140 older people connected")  # fmt: skip
    make_story(practice, place="Pendingtown")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    scores = {f"{key}_score": "4" for key in CRITERIA} | {
        f"{key}_note": "Solid." for key in CRITERIA
    }
    assessment = Assessment.objects.create(practice=practice, label="good", **scores)
    edit_url = reverse("wagtailsnippets_kb_assessment:edit", args=[assessment.pk])
    form = client.get(edit_url).content.decode()
    assert "Transfer stories cited as evidence" in form
    assert "Zgierz, Poland (2022)" in form and "Pendingtown" not in form
    data = {"practice": practice.pk, "label": "good", "summary": "", "assessed_on": "2026-01-10",
            "reassess_on": "", "assessor_name": "", "transfer_evidence": [cited.pk], **scores}  # fmt: skip
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(assessment.cited_transfer_stories.all()) == [cited]
    client.logout()
    html = client.get(practice.url).content.decode()
    assert "Transfers cited as evidence" in html
    assert (
        f'href="#transfer-story-{cited.pk}"' in html and f'id="transfer-story-{cited.pk}"' in html
    )


def test_a_place_is_located_at_a_partner_of_that_name(practice, partners):
    partner = partners["brzeziny"]
    partner.latitude, partner.longitude = 51.8, 19.75
    partner.save_revision().publish()
    story = make_story(practice, place=partner.city, country=str(partner.country))
    assert story.location() == (51.8, 19.75, True)
    elsewhere = make_story(practice, place="Nowhere", country="PL")
    lat, lon, approximate = elsewhere.location()
    assert approximate and (lat, lon) != (51.8, 19.75)
