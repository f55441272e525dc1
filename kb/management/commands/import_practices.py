from pathlib import Path

from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError

from kb.importing import PracticeImporter


class Command(BaseCommand):
    help = "Import practices from a JSON Lines file (format: docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSON Lines file, one practice per line")
        parser.add_argument("--partner", help="partner slug for rows without a 'partner' key")
        parser.add_argument("--publish", action="store_true", help="publish what is imported")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )

    def handle(self, *args, file: Path, partner, publish, dry_run, verbosity, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        importer = PracticeImporter(default_partner=partner, publish=publish, dry_run=dry_run)
        if partner and partner not in importer.vocab.partners:
            raise CommandError(f"--partner: unknown partner '{partner}'")
        with file.open(encoding="utf-8-sig", errors="replace") as handle:
            total = sum(1 for _ in handle)
            handle.seek(0)
            # A bar on long files; tqdm hides itself when stderr is not a terminal.
            lines = tqdm(handle, total=total, unit="line", disable=None if total > 200 else True)
            report = importer.run(lines)
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        summary = f"{file}: {report}" + (" (dry run: nothing written)" if dry_run else "")
        if report.errors:
            raise CommandError(summary)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary))
