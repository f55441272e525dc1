"""Backup and restore: a site with practices, a pending draft, an assessment, a collection, an
enquiry and an image, backed up from the test database and restored by `manage.py restore` (a
fresh process, as on a new clone) into a second database on the same server."""

import json
from io import StringIO

import psycopg
import pytest
import wagtail_factories

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from enquiries.models import Enquiry
from ersi_practices import backups
from kb.models import Assessment, CollectionIndexPage, CollectionItem, CollectionPage
from tests.ersi_practices.servers import database_url, manage
from tests.factories import PracticePageFactory

SCORES = {
    f"{key}_{field}": value
    for key in ("relevance", "evidence", "impact", "transferability", "sustainability",
                "participation", "innovation")
    for field, value in (("score", 4), ("note", "Shown by the evaluation."))
}  # fmt: skip

# Run in the restored site: what it holds, as JSON.
INSPECT = """
import json
from django.test import Client
from wagtail.images import get_image_model
from enquiries.models import Enquiry
from kb.models import Assessment, CollectionPage, PracticePage
draft = PracticePage.objects.get(slug="repair-cafe")
image = get_image_model().objects.get()
search = Client(HTTP_HOST="localhost").get("/api/search/", {"q": "preconditions"}).json()
print(json.dumps({
    "live": sorted(PracticePage.objects.live().values_list("title", flat=True)),
    "draft": [draft.title, draft.get_latest_revision_as_object().title,
              draft.has_unpublished_changes],
    "assessments": list(Assessment.objects.values_list("practice__title", "label")),
    "collections": [[c.title, c.live, [i.practice.title for i in c.items.order_by("sort_order")]]
                    for c in CollectionPage.objects.all()],
    "enquiries": list(Enquiry.objects.values_list("email", "message", "practice__title")),
    "image": [image.title, image.file.storage.exists(image.file.name), image.file.read().hex()],
    "search": [r["title"] for r in search["results"] if "words" in r["matched_by"]],
    "semantic": search["semantic"],
}))
"""


@pytest.fixture
def site(transactional_db, home, partners, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    housing = PracticePageFactory(parent=partners["lodzkie-region"], title="Housing First Łódź",
                                  summary="Flats for people sleeping rough, without preconditions.")  # fmt: skip
    housing.save_revision().publish()
    repair = PracticePageFactory(
        parent=partners["mechelen"], title="Repair café", slug="repair-cafe"
    )
    repair.save_revision().publish()
    repair.title = "Repair café and tool library"
    repair.save_revision()  # a pending draft: unpublished changes
    Assessment.objects.create(practice=housing, label="good", **SCORES)
    collections = home.add_child(instance=CollectionIndexPage(title="Collections", slug="c"))
    collection = collections.add_child(
        instance=CollectionPage(title="Homes first", slug="homes-first", intro="<p>Homes.</p>")
    )
    CollectionItem.objects.create(collection=collection, practice=housing, note="Start here")
    collection.save_revision().publish()
    Enquiry.objects.create(
        practice=housing, practice_title=housing.title, partner=housing.get_parent().specific,
        kind=Enquiry.Kind.STUDY_VISIT, name="Ana", email="ana@example.org", message="May we visit?",
    )  # fmt: skip
    image = wagtail_factories.ImageFactory(title="Flat keys")
    return {"image": image}


@pytest.fixture
def second_database():
    """An empty database on the same server, with a table it should not keep."""
    name = f"{connection.settings_dict['NAME']}_restored"
    server = database_url(connection.settings_dict, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(connection.settings_dict, name)
    with psycopg.connect(url, autocommit=True) as target:
        target.execute("CREATE TABLE leftover (id int)")
    yield url
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_another_database_gives_the_same_site(
    site, second_database, tmp_path
):
    out = StringIO()
    call_command("backup", dir=tmp_path / "backups", stdout=out)
    [backup] = (tmp_path / "backups").iterdir()
    assert f"Backup written to {backup}" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["published practices"] == 2 and counts["practices with unpublished changes"] == 1
    assert counts["assessments"] == counts["collections"] == counts["enquiries"] == 1
    assert manifest["media"]["files"] == 1
    assert (backup / "media" / site["image"].file.name).is_file()

    media = tmp_path / "restored-media"
    env = {"DJANGO_SETTINGS_MODULE": "ersi_practices.settings.dev",
           "DATABASE_URL": second_database, "MEDIA_ROOT": str(media)}  # fmt: skip
    restored = manage("restore", str(backup), "--noinput", env=env)
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {backup} into " in restored.stdout
    assert "postgres: indexed 2 practices" in restored.stdout  # the search index, rebuilt

    found = manage("shell", "--no-imports", "-c", INSPECT, env=env)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout.strip().splitlines()[-1])
    assert data["live"] == ["Housing First Łódź", "Repair café"]
    assert data["draft"] == ["Repair café", "Repair café and tool library", True]
    assert data["assessments"] == [["Housing First Łódź", "good"]]
    assert data["collections"] == [["Homes first", True, ["Housing First Łódź"]]]
    assert data["enquiries"] == [["ana@example.org", "May we visit?", "Housing First Łódź"]]
    site["image"].file.open()
    assert data["image"] == ["Flat keys", True, site["image"].file.read().hex()]
    assert data["search"] == ["Housing First Łódź"]
    assert data["semantic"] is True  # the embeddings came back with the practices
    with psycopg.connect(second_database) as target:
        assert not target.execute("SELECT 1 FROM pg_tables WHERE tablename = 'leftover'").fetchall()


def test_restore_says_what_is_wrong_with_what_it_is_given(tmp_path):
    # No database fixture: each of these is refused before the database is touched.
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="is not a backup: it has no manifest.json"):
        call_command("restore", str(tmp_path))
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="not the manifest of an ERSI Practices backup"):
        call_command("restore", str(tmp_path))
    (tmp_path / "manifest.json").write_text(json.dumps({
        "format": backups.FORMAT, "version": backups.VERSION,
        "database": {"file": "database.dump", "sha256": "0" * 64},
    }))  # fmt: skip
    with pytest.raises(CommandError, match="incomplete: .*database.dump is missing"):
        call_command("restore", str(tmp_path))
    (tmp_path / "database.dump").write_bytes(b"not a dump")
    with pytest.raises(CommandError, match="database.dump is damaged"):
        call_command("restore", str(tmp_path))
