from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from agenda.seeding import seed_demo_events, seed_event_index
from home.site import ensure_home_page, point_site_at_base_url
from kb.importing import PracticeImporter
from kb.roles import setup_roles
from kb.seeding import (
    DEMO_CURATION_FILE,
    DEMO_PRACTICES_FILES,
    seed_collection_index,
    seed_demo_curation,
    seed_language_trees,
    seed_partners,
    seed_taxonomy,
)
from transfers.seeding import seed_demo_transfers


class Command(BaseCommand):
    help = (
        "Seed the taxonomy, the 23 ERSI partners, the roles and the review workflow, and load "
        "the demo practices, assessments, collections and events. Safe to run again: it adds what is "
        "missing and leaves edits alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-practices", action="store_true", help="site structure and roles only"
        )

    def handle(self, *args, no_practices: bool, **options):
        home = ensure_home_page()
        if site := point_site_at_base_url():
            self.stdout.write(f"Site address: {site.root_url} (from BASE_URL)")
        self.stdout.write(f"Taxonomy: {seed_taxonomy()}")
        self.stdout.write(f"Partners: {seed_partners(home)}")
        collections = seed_collection_index(home)
        seed_event_index(home)
        # Before the roles, which give each partner group its pages in every language.
        languages = seed_language_trees(home)
        self.stdout.write(f"Partner pages in the other languages: {languages}")
        roles = setup_roles()
        self.stdout.write(f"Roles: {roles['partner_groups']} partner editor groups, expert panel, "
                          "network administrators, review workflow")  # fmt: skip
        if no_practices:
            return
        for label, path in DEMO_PRACTICES_FILES.items():
            with path.open(encoding="utf-8") as lines:
                report = PracticeImporter(publish=True).run(lines)
            for error in report.errors:
                self.stderr.write(self.style.ERROR(f"{path.name}: {error}"))
            self.stdout.write(f"{label}: {report}")
            if report.errors:
                raise CommandError("The demo data has errors (listed above).")
        if DEMO_CURATION_FILE.exists():
            self.stdout.write(
                f"Demo assessments and collections: {seed_demo_curation(collections)}"
            )
        self.stdout.write(f"Demo events: {seed_demo_events()}")
        self.stdout.write(f"Demo transfer stories: {seed_demo_transfers()}")
        call_command("embed_practices", stdout=self.stdout, stderr=self.stderr)
