"""manage.py bench_search: the search benchmark (make bench-search; see docs/benchmarks.md)."""

from __future__ import annotations

import time
from pathlib import Path

from tqdm import tqdm

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import (
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone

from home.site import ensure_home_page
from kb.models import PracticePage
from kb.seeding import seed_partners, seed_taxonomy
from search import benchmark as bench
from search.engines import external_engine, get_engine
from search.engines.postgres import PostgresEngine
from search.models import SearchRecord

DOCS = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
TARGET_P95_MS, TARGET_RATIO = 150, 2


class Command(BaseCommand):
    help = (
        "Generate N synthetic practices in a benchmark database, index them, and time a fixed "
        "mix of searches through /api/search/ and through the engine alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=10_000, help="practices (default 10000)")
        parser.add_argument("--queries-per-kind", type=int, default=10, metavar="K")
        parser.add_argument("--repeat", type=int, default=3, help="timed rounds of the mix")
        parser.add_argument(
            "--reuse", action="store_true", help="keep the corpus when it has >= N practices"
        )
        parser.add_argument(
            "--skip-index", action="store_true", help="keep the search index when it is complete"
        )
        parser.add_argument(
            "--engine-only", action="store_true", help="time the engine, not the API"
        )
        parser.add_argument(
            "--write-docs", action="store_true", help=f"record the results in {DOCS.name}"
        )
        parser.add_argument(
            "--force", action="store_true", help="run on a database whose name lacks 'bench'"
        )

    def handle(self, *args, **options):
        name = bench.bench_database(options["force"], "make bench-search")
        n = options["n"]
        setup_test_environment(debug=False)  # DEBUG off (no query log); 'testserver' allowed
        try:
            # The mix sends hundreds of API requests a minute from one client: no rate limit.
            with override_settings(RATE_LIMITS={}):
                practices, lines = self.run(name, n, options)
        finally:
            teardown_test_environment()
        if options["write_docs"]:
            bench.write_section(DOCS, practices, "\n".join(lines))
            self.stdout.write(f"Results written to {DOCS}")

    def say(self, lines: list[str], text: str = "") -> None:
        lines.append(text)
        self.stdout.write(text)

    def run(self, database: str, n: int, options) -> tuple[int, list[str]]:
        machine = bench.machine()
        started_at = timezone.localtime()
        client = Client()
        lines: list[str] = []
        self.stdout.write(f"Database {database}")
        seed_taxonomy()
        seed_partners(ensure_home_page())

        existing = bench.bench_practices().count()
        if existing and not options["reuse"]:
            self.stdout.write(f"Deleting the {existing} synthetic practices of the last run")
            bench.clear_corpus()
            existing = 0
        with tqdm(total=max(0, n - existing), unit="practice", desc="generate") as bar:
            started = time.perf_counter()
            added = bench.generate_corpus(n, bar.update)
            generation_s = time.perf_counter() - started
        practices = PracticePage.objects.live().count()
        self.say(lines, f"### {practices:,} practices — {started_at:%Y-%m-%d %H:%M}")
        self.say(lines)
        self.say(lines, f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} "
                        f"RAM; load average at start {machine['load']}")  # fmt: skip
        self.say(lines, f"- PostgreSQL {machine['postgresql']}; Python {machine['python']}, "
                        f"Django {machine['django']}, Wagtail {machine['wagtail']}")  # fmt: skip
        if added:
            self.say(lines, f"- Corpus: {added:,} practices generated in {generation_s:.1f} s "
                            f"({added / generation_s:,.0f} practices/s)")  # fmt: skip
        else:
            self.say(lines, f"- Corpus: reused ({existing:,} synthetic practices)")
        problems = bench.check_tree(client)
        self.say(lines, "- Page tree: " + ("; ".join(problems) if problems else
                 "consistent (SQL check of every page, treebeard find_problems on one partner, "
                 "3 practice pages render 200)"))  # fmt: skip

        self.index(lines, practices, skip=options["skip_index"])
        self.embed(lines)
        bench.analyze()

        engine = get_engine()
        keywords = bench.load_material().keywords
        queries = bench.query_mix(options["queries_per_kind"], keywords)
        api = None if options["engine_only"] else client
        with tqdm(total=len(queries) * options["repeat"], unit="query", desc="queries") as bar:
            samples = bench.run_mix(queries, engine, api, repeat=options["repeat"],
                                    progress=bar.update)  # fmt: skip
        failed = [s for s in samples if api and s.status != 200]
        for sample in failed:
            self.stderr.write(f"{sample.query.query_string} answered {sample.status}")
        rows = bench.summarise(samples)
        self.say(lines, f"- Queries: {len(queries)} ({options['queries_per_kind']} per kind, "
                        f"random.Random(42)), {options['repeat']} timed rounds after a warm-up; "
                        f"engine `{engine.name}`; times in ms")  # fmt: skip
        self.say(lines)
        for line in bench.table(rows, with_api=api is not None):
            self.say(lines, line)
        self.say(lines)
        self.say(lines, f"Load average after the queries: {bench.machine()['load']} (other work on "
                        "the machine slows every figure; compare runs at a similar load).")  # fmt: skip
        if api:
            self.say(lines)
            self.constancy(lines, client)
            self.targets(lines, practices, rows)
        if failed:
            raise CommandError(f"{len(failed)} queries did not answer 200 (listed above)")
        return practices, lines

    def index(self, lines: list[str], practices: int, *, skip: bool) -> None:
        if skip and SearchRecord.objects.count() == practices:
            self.say(lines, "- Indexing: skipped (--skip-index; the index is complete)")
            return
        engines = [PostgresEngine()]
        if (external := external_engine()) is not None:
            engines.append(external)
        for engine in engines:
            with tqdm(total=practices, unit="doc", desc=f"index ({engine.name})") as bar:
                count, seconds = bench.time_rebuild(engine, bar.update)
            self.say(lines, f"- Indexing ({engine.name} rebuild): {count:,} documents in "
                            f"{seconds:.1f} s = **{count / seconds:,.0f} documents/s**")  # fmt: skip

    def embed(self, lines: list[str]) -> None:
        missing = bench.bench_practices().live().count()
        with tqdm(total=missing, unit="practice", desc="embeddings") as bar:
            figures = bench.embed_corpus(bar.update)
        if not figures:
            self.say(lines, "- Embeddings: none needed (all present, or no model)")
            return
        if "model_rate" in figures:
            self.say(lines, f"- Embeddings by the model: {figures['model_count']:,.0f} practices "
                            f"at **{figures['model_rate']:.1f} practices/s**")  # fmt: skip
        if "synthetic_count" in figures:
            self.say(lines, f"- Synthetic embeddings (the model's vector of the source summary "
                            f"plus noise, see docs/benchmarks.md): {figures['synthetic_count']:,.0f} "
                            f"in {figures['synthetic_s']:.1f} s")  # fmt: skip

    def constancy(self, lines: list[str], client: Client) -> None:
        self.say(lines, "SQL statements per API request, same shape, small vs large:")
        self.say(lines)
        self.say(lines, "| request shape | small: SQL (found/returned) | large: SQL (found/returned) | constant |")  # fmt: skip
        self.say(lines, "|---|---|---|---|")
        for label, small, large in bench.constancy_pairs():
            a = bench.count_queries(client, small, warm=True)
            b = bench.count_queries(client, large, warm=True)
            ok = "yes" if a[0] == b[0] else "**NO**"
            self.say(lines, f"| {label} | {a[0]} ({a[1]:,}/{a[2]}) | {b[0]} ({b[1]:,}/{b[2]}) | {ok} |")  # fmt: skip

    def targets(self, lines: list[str], practices: int, rows: list[bench.Row]) -> None:
        faceted = next(row for row in rows if row.kind == "faceted (target)")
        overall = next(row for row in rows if row.kind == "all")
        p95_ok = faceted.api[1] <= TARGET_P95_MS
        ratio_ok = max(overall.ratio) < TARGET_RATIO
        self.say(lines)
        self.say(lines, f"Targets (they apply at 100,000 practices; this run has {practices:,}): "
                        f"faceted API p95 {faceted.api[1]:.1f} ms (≤ {TARGET_P95_MS}: "
                        f"{'met' if p95_ok else 'missed'}); overhead ratio p50 "
                        f"{overall.ratio[0]:.2f} / p95 {overall.ratio[1]:.2f} (< {TARGET_RATIO}: "
                        f"{'met' if ratio_ok else 'missed'}).")  # fmt: skip
