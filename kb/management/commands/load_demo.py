from django.core.management.base import BaseCommand, CommandError

from home.site import ensure_home_page
from kb.importing import PracticeImporter
from kb.seeding import DEMO_PRACTICES_FILE, seed_partners, seed_taxonomy


class Command(BaseCommand):
    help = (
        "Seed the taxonomy and the 23 ERSI partners, and import the demo practices. "
        "Safe to run again: it adds what is missing and leaves edits alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-practices", action="store_true", help="seed taxonomy and partners only"
        )

    def handle(self, *args, no_practices: bool, **options):
        self.stdout.write(f"Taxonomy: {seed_taxonomy()}")
        self.stdout.write(f"Partners: {seed_partners(ensure_home_page())}")
        if no_practices:
            return
        with DEMO_PRACTICES_FILE.open(encoding="utf-8") as lines:
            report = PracticeImporter(publish=True).run(lines)
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        self.stdout.write(f"Demo practices: {report}")
        if report.errors:
            raise CommandError("The demo data has errors (listed above).")
