import shutil
import time
from pathlib import Path

from tqdm import tqdm

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from ersi_practices import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, one consistent snapshot) and the media files to "
        "var/backups/<timestamp>/, with a manifest of what it holds. `restore` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="where the backup's directory is made (default: var/backups/)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, dir: Path, database: str, **options):
        created = timezone.now()
        name = timezone.localtime(created).strftime("%Y%m%d-%H%M%S")
        target, partial = dir / name, dir / f"{name}.partial"
        if target.exists() or partial.exists():
            raise CommandError(f"{target} exists already: wait a second and try again.")
        partial.mkdir(parents=True)
        try:
            manifest = self.write(partial, database, created)
        except (backups.BackupError, OSError) as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise CommandError(f"Backup failed: {exc}") from exc
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        partial.rename(target)
        for key, count in manifest["counts"].items():
            self.stdout.write(f"  {key}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))

    def write(self, directory: Path, alias: str, created) -> dict:
        db_name = connections[alias].settings_dict["NAME"]
        self.stdout.write(f"Dumping the database {db_name} ...")
        started = time.monotonic()
        # The counts and the dump see the same snapshot, so restore can check one by the other.
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            database = backups.dump_database(directory / backups.DUMP, alias, snapshot)
            counts = backups.site_counts(alias)
            migrations = backups.applied_migrations(alias)
        self.stdout.write(
            f"  {filesizeformat(database['bytes'])} in {time.monotonic() - started:.1f} s"
        )

        media_root = Path(settings.MEDIA_ROOT)
        files = backups.media_files(media_root)
        self.stdout.write(f"Copying {len(files)} media files from {media_root} ...")
        with tqdm(total=len(files), unit="file", desc="media", disable=None) as bar:
            count, size = backups.copy_files(media_root, directory / backups.MEDIA, bar.update)
        self.stdout.write(f"  {count} files, {filesizeformat(size)}")

        manifest = {
            "format": backups.FORMAT,
            "version": backups.VERSION,
            "created_at": created.isoformat(),
            "site": settings.WAGTAIL_SITE_NAME,
            "database": database,
            "media": {"directory": backups.MEDIA, "files": count, "bytes": size},
            "counts": counts,
            "migrations": migrations,
        }
        backups.write_manifest(directory, manifest)
        return manifest
