"""Pre-filling a translation by machine, through the configured service's HTTP API.

No translation model runs on this machine (docs/machine-translation.md), so the service here is
a small HTTP server that answers LibreTranslate's /translate the way it does, tagging each text
with the target language; the request, its parsing and the failure path are the real ones.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from django.utils import translation
from django.utils.translation import gettext

from wagtail.models import Locale

from tests.factories import PracticePageFactory

pytestmark = pytest.mark.django_db


class TranslateHandler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        TranslateHandler.requests.append(body)
        texts = [f"[{body['target']}] {text}" for text in body["q"]]
        answer = json.dumps({"translatedText": texts}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TranslateHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    TranslateHandler.requests.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def configure(settings, url):
    settings.MACHINE_TRANSLATION = {
        "BACKEND": "multilingual.machine.LibreTranslate",
        "OPTIONS": {"url": url, "api_key": "secret", "timeout": 5},
    }


@pytest.fixture
def english(partners):
    return PracticePageFactory(
        parent=partners["mechelen"],
        title="Befriending older people",
        summary="Volunteers call older people who live alone.",
        approach="<p>Weekly <b>calls</b>.</p>",
        language="en",
    )


def test_a_new_translation_is_prefilled_and_labelled_as_machine_translation(
    settings, service, english, client
):
    configure(settings, service)
    polish = Locale.objects.get_or_create(language_code="pl")[0]
    copy = english.copy_for_translation(polish, copy_parents=True).specific
    copy.refresh_from_db()
    assert copy.title == "[pl] Befriending older people"
    assert copy.approach == "[pl] <p>Weekly <b>calls</b>.</p>"
    assert copy.language == "pl" and copy.machine_translated
    assert copy.latest_revision.as_object().title == copy.title  # what the editor opens
    sent = TranslateHandler.requests[0]
    assert (sent["source"], sent["target"], sent["format"], sent["api_key"]) == (
        "en", "pl", "html", "secret",
    )  # fmt: skip
    copy.save_revision().publish()
    html = client.get("/pl" + copy.get_url()).content.decode()
    with translation.override("pl"):
        notice = gettext(
            "Machine translation: this text was translated automatically and has not yet "
            "been checked by a person."
        )
    assert notice in html


def test_a_service_that_is_down_leaves_the_copy_as_wagtail_makes_it(settings, english, caplog):
    configure(settings, "http://127.0.0.1:9")  # nothing listens there
    polish = Locale.objects.get_or_create(language_code="pl")[0]
    copy = english.copy_for_translation(polish, copy_parents=True).specific
    copy.refresh_from_db()
    assert copy.title == "Befriending older people"  # the original, nothing lost
    assert not copy.machine_translated and copy.language == "pl"
    assert "Machine translation of practice" in caplog.text


def test_an_imported_translation_is_not_sent_to_the_service(settings, service, partners):
    from kb.importing import PracticeImporter
    from kb.models import PracticePage

    configure(settings, service)
    row = {
        "ext_id": "imported",
        "partner": "mechelen",
        "title": "Buddies",
        "summary": "Volunteers meet newcomers.",
        "translations": {"nl": {"title": "Buddy's", "summary": "Vrijwilligers en nieuwkomers."}},
    }
    report = PracticeImporter(publish=True).run([json.dumps(row)])
    assert not report.errors, report.errors
    dutch = PracticePage.objects.get(title="Buddy's")
    assert not dutch.machine_translated
    assert TranslateHandler.requests == []  # the row brought the texts: nothing to translate
