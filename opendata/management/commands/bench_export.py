"""manage.py bench_export: the export benchmark (make bench-export; see docs/benchmarks.md)."""

from __future__ import annotations

from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

from home.site import ensure_home_page
from kb.models import PracticePage
from kb.seeding import seed_partners, seed_taxonomy
from opendata import benchmark
from opendata.exports import EXPORT_CHUNK
from search import benchmark as corpus


class Command(BaseCommand):
    help = (
        "Stream the CSV and JSON Lines exports of N synthetic practices through the export "
        "view and print rows, seconds, rows/s and peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=10_000, help="practices (default 10000)")
        parser.add_argument(
            "--reuse", action="store_true", help="keep the corpus when it has >= N practices"
        )
        parser.add_argument(
            "--query", default="", help="search parameters of the export (default: everything)"
        )
        parser.add_argument(
            "--no-trace", action="store_true", help="skip the tracemalloc runs (faster)"
        )
        parser.add_argument(
            "--force", action="store_true", help="run on a database whose name lacks 'bench'"
        )

    def handle(self, *args, **options):
        name = corpus.bench_database(options["force"], "make bench-export")
        setup_test_environment(debug=False)  # DEBUG off (no query log); 'testserver' allowed
        try:
            self.run(name, options)
        finally:
            teardown_test_environment()

    def run(self, database: str, options) -> None:
        n = options["n"]
        started_at = timezone.localtime()
        self.stdout.write(f"Database {database}")
        seed_taxonomy()
        seed_partners(ensure_home_page())
        existing = corpus.bench_practices().count()
        if existing and not options["reuse"]:
            self.stdout.write(f"Deleting the {existing} synthetic practices of the last run")
            corpus.clear_corpus()
            existing = 0
        with tqdm(total=max(0, n - existing), unit="practice", desc="generate") as bar:
            added = corpus.generate_corpus(n, bar.update)
        practices = PracticePage.objects.live().count()
        with tqdm(unit="doc", desc="index (missing only)") as bar:
            indexed = benchmark.complete_index(bar.update)
        if added or indexed:
            corpus.analyze()

        machine = corpus.machine()
        client = Client()
        query = options["query"]
        runs = []
        for fmt in benchmark.FORMATS:
            self.stdout.write(f"Streaming /export/practices.{fmt} ...")
            run = benchmark.stream_export(client, fmt, query)
            if not options["no_trace"]:
                self.stdout.write("... again with tracemalloc")
                run.traced_peak = benchmark.stream_export(
                    client, fmt, query, traced=True
                ).traced_peak
            runs.append(run)

        lines = [
            f"### Export of {runs[0].rows:,} practices — {started_at:%Y-%m-%d %H:%M}",
            "",
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
            f"load average at start {machine['load']}",
            f"- PostgreSQL {machine['postgresql']}; Python {machine['python']}, "
            f"Django {machine['django']}, Wagtail {machine['wagtail']}",
            f"- Corpus: {practices:,} live practices ({added:,} generated now, {indexed:,} "
            f"indexed now); export query: `{query or '(none: every practice)'}`; "
            f"{EXPORT_CHUNK} practices per chunk",
            "",
            *benchmark.table(runs),
            "",
            f"Load average after the runs: {corpus.machine()['load']}.",
        ]
        self.stdout.write("\n".join(lines))
        expected = PracticePage.objects.live().public().count() if not query else None
        short = [run for run in runs if expected is not None and run.rows != expected]
        if short:
            raise CommandError(f"Expected {expected} rows; got {[r.rows for r in short]}")
