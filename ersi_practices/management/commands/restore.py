import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ersi_practices import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: replace the database with its dump (in one "
        "transaction), copy its media files into MEDIA_ROOT, migrate, check that everything is "
        "back, and rebuild the search index and the missing embeddings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", type=Path, help="the backup's directory, var/backups/<timestamp>"
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask before replacing a database that has tables",
        )
        parser.add_argument(
            "--no-index", action="store_true", help="do not rebuild the search index afterwards"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(
        self, *args, source: Path, interactive: bool, no_index: bool, database: str, **options
    ):
        try:
            manifest = backups.read_manifest(source)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        db_name = connections[database].settings_dict["NAME"]
        media_root = Path(settings.MEDIA_ROOT)
        self.stdout.write(f"Backup of {manifest['created_at']} ({source})")

        tables = backups.table_count(database)
        if tables and interactive:
            try:
                answer = input(
                    f'The database "{db_name}" has {tables} tables: they are replaced by the '
                    f"backup's, and its media files are copied into {media_root}.\n"
                    "Type 'yes' to continue, or anything else to cancel: "
                )
            except EOFError:  # no terminal to ask
                raise CommandError(
                    f'The database "{db_name}" has {tables} tables: give --noinput to replace them.'
                ) from None
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")

        self.stdout.write(f"Restoring the database into {db_name} ...")
        started = time.monotonic()
        try:
            with tempfile.TemporaryDirectory() as workdir:
                backups.restore_database(
                    source / manifest["database"]["file"], Path(workdir), database
                )
        except backups.BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"  done in {time.monotonic() - started:.1f} s")

        media = source / manifest["media"]["directory"]
        self.stdout.write(f"Copying {manifest['media']['files']} media files into {media_root} ...")
        with tqdm(total=manifest["media"]["files"], unit="file", desc="media", disable=None) as bar:
            count, _size = backups.copy_files(media, media_root, bar.update)
        if count != manifest["media"]["files"]:
            raise CommandError(
                f"The backup lists {manifest['media']['files']} media files, but {count} were found."
            )

        if newer := backups.unknown_migrations(manifest["migrations"]):
            self.stderr.write(
                "The backup was made by newer code (migrations this code lacks: "
                f"{', '.join(newer)}): update the code before using the site."
            )
        call_command("migrate", interactive=False, database=database, stdout=self.stdout)

        restored = backups.site_counts(database)
        differences = [
            f"{key}: {count} in the backup, {restored.get(key)} restored"
            for key, count in manifest["counts"].items()
            if restored.get(key, count) != count
        ]
        if differences:
            raise CommandError(
                "The restored database differs from the backup: " + "; ".join(differences)
            )
        for key, count in restored.items():
            self.stdout.write(f"  {key}: {count}")

        if no_index:
            self.stdout.write("Skipped the search index: run `manage.py update_index`.")
        else:
            self.stdout.write("Rebuilding the search index and the missing embeddings ...")
            call_command("update_index", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into {db_name}."))
