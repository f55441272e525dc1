import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from kb.exporting import iter_rows, write_jsonl


class Command(BaseCommand):
    help = "Export every practice as JSON Lines (the import format; docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            count = write_jsonl(iter_rows(), sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as out:
                count = write_jsonl(iter_rows(), out)
        self.stderr.write(f"Exported {count} practices" + (f" to {output}" if output else ""))
