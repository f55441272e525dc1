"""manage.py bench_load: the load benchmark (make bench-load; see docs/benchmarks.md)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tqdm import tqdm

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ersi_practices import database, loadtest
from kb.models import PracticePage
from search import benchmark as bench
from search.engines.postgres import PostgresEngine
from search.models import SearchRecord

DOCS = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
TARGET_RATE, TARGET_P95_MS = 150, 500


class Command(BaseCommand):
    help = (
        "Load the demo content and N synthetic practices into a benchmark database, serve it "
        "with gunicorn and the production settings, and measure it under concurrent load (wrk)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=10_000, help="synthetic practices (10000)")
        parser.add_argument("--seconds", type=int, default=60, help="measured seconds (60)")
        parser.add_argument("--warmup", type=int, default=10, help="seconds before (10)")
        parser.add_argument("--connections", type=int, default=32, help="concurrency (32)")
        parser.add_argument("--workers", type=int, default=loadtest.WORKERS)
        parser.add_argument("--threads", type=int, default=loadtest.THREADS)
        parser.add_argument("--label", default="", help="a note on this run, for the docs")
        parser.add_argument(
            "--write-docs", action="store_true", help=f"record the results in {DOCS.name}"
        )
        parser.add_argument(
            "--force", action="store_true", help="run on a database whose name lacks 'bench'"
        )

    def handle(self, *args, **options):
        name = bench.bench_database(options["force"], "make bench-load")
        loadtest.wrk_binary()
        lines: list[str] = []
        self.prepare(options["n"])
        practices = PracticePage.objects.live().count()
        machine = bench.machine()
        targets = loadtest.request_mix()
        work = Path(settings.BASE_DIR) / "var" / "bench-load"
        work.mkdir(parents=True, exist_ok=True)
        script = work / "mix.lua"
        script.write_text(loadtest.lua_script(targets), "utf-8")
        access_log = work / "access.log"
        access_log.write_text("")
        env = loadtest.server_environment(database.database_url())  # make bench-load sets it
        self.stdout.write("Collecting the static files (the production settings serve them)")
        loadtest.collect_static(env)
        self.stdout.write(f"Database {name}: {practices:,} live practices; {len(targets):,} "
                          f"addresses in the mix ({len({t.path for t in targets}):,} distinct)")  # fmt: skip
        with loadtest.gunicorn(env, loadtest.free_port(), access_log, workers=options["workers"],
                               threads=options["threads"]) as url:  # fmt: skip
            self.stdout.write(f"gunicorn on {url}: {options['workers']} workers x "
                              f"{options['threads']} threads, production settings")  # fmt: skip
            if options["warmup"]:
                self.timed(f"warm-up, {options['warmup']} s", options["warmup"], lambda s: (
                    loadtest.run_wrk(url, script, seconds=s, connections=options["connections"])
                ))  # fmt: skip
            access_log.write_text("")  # the table counts the measured run only
            result = self.timed(f"measured, {options['seconds']} s", options["seconds"],
                                         lambda s: loadtest.run_wrk(url, script, seconds=s,
                                         connections=options["connections"]))  # fmt: skip
            time.sleep(1)  # the last lines of the access log
        rows = loadtest.access_log_rows(access_log)
        self.report(lines, options, practices, machine, targets, result, rows)
        if options["write_docs"]:
            bench.write_section(DOCS, options["n"], "\n".join(lines), name="bench-load")
            self.stdout.write(f"Results written to {DOCS}")
        if result.errors:
            raise CommandError(f"{result.errors} requests failed: {result.error_kinds}")

    def timed(self, label: str, seconds: int, run):
        """Runs wrk for `seconds` with a progress bar of the time."""
        outcome: dict = {}
        thread = threading.Thread(target=lambda: outcome.update(value=run(seconds)))
        thread.start()
        with tqdm(
            total=seconds, unit="s", desc=label, bar_format="{desc}: {bar} {n:.0f}/{total} s"
        ) as bar:
            started = time.monotonic()
            while thread.is_alive():
                thread.join(0.5)
                bar.n = min(seconds, time.monotonic() - started)
                bar.refresh()
        if "value" not in outcome:
            raise CommandError("wrk did not finish (see above)")
        return outcome["value"]

    def prepare(self, n: int) -> None:
        """The demo content (load_demo, idempotent) and n synthetic practices, indexed and
        embedded; kept between runs."""
        if not PracticePage.objects.filter(is_sample=True).exclude(
            pk__in=bench.bench_practices().values("pk")
        ).exists():  # fmt: skip
            self.stdout.write("Loading the demo content")
            call_command("load_demo", stdout=self.stdout, stderr=self.stderr)
        with tqdm(total=max(0, n - bench.bench_practices().count()), unit="practice",
                  desc="generate") as bar:  # fmt: skip
            bench.generate_corpus(n, bar.update)
        indexed = PracticePage.objects.live().originals().count()  # search lists these
        if SearchRecord.objects.count() != indexed:
            with tqdm(total=indexed, unit="doc", desc="index") as bar:
                PostgresEngine().rebuild(bar.update)
        with tqdm(total=bench.bench_practices().count(), unit="practice", desc="embeddings") as bar:
            bench.embed_corpus(bar.update)
        bench.analyze()

    def report(self, lines, options, practices, machine, targets, result, rows) -> None:
        def say(text: str = "") -> None:
            lines.append(text)
            self.stdout.write(text)

        started = timezone.localtime()
        label = f" — {options['label']}" if options["label"] else ""
        say(f"### {practices:,} practices, concurrency {options['connections']}, "
            f"{options['seconds']} s — {started:%Y-%m-%d %H:%M}{label}")  # fmt: skip
        say()
        say(f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
            f"load average at start {machine['load']}")  # fmt: skip
        say(f"- PostgreSQL {machine['postgresql']}; Python {machine['python']}, Django "
            f"{machine['django']}, Wagtail {machine['wagtail']}")  # fmt: skip
        say(f"- Server: gunicorn, {options['workers']} workers x {options['threads']} threads, "
            f"production settings; load from wrk (2 threads) on the same machine; "
            f"{options['warmup']} s warm-up first")  # fmt: skip
        say(f"- Mix: {', '.join(f'{k} {v} %' for k, v in loadtest.MIX.items())}, over "
            f"{len({t.path for t in targets}):,} distinct addresses, from "
            f"{loadtest.ADDRESSES:,} simulated visitors")  # fmt: skip
        say()
        rate_ok = result.rate >= TARGET_RATE
        p95_ok = result.p95_ms <= TARGET_P95_MS
        say("| requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
        say("|---:|---:|---:|---:|---:|---:|---:|")
        say(f"| {result.requests:,} | **{result.rate:,.1f}** | {result.p50_ms:.0f} | "
            f"**{result.p95_ms:.0f}** | {result.p99_ms:.0f} | {result.max_ms:.0f} | "
            f"**{result.errors}** |")  # fmt: skip
        say()
        say("Server-side time per kind (gunicorn's access log):")
        say()
        say("| kind | requests | share | p50 ms | p95 ms | statuses |")
        say("|---|---:|---:|---:|---:|---|")
        total = sum(row.count for row in rows) or 1
        for row in rows:
            statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(row.statuses.items()))
            say(f"| {row.kind} | {row.count:,} | {100 * row.count / total:.0f} % | "
                f"{row.p50_ms:.0f} | {row.p95_ms:.0f} | {statuses} |")  # fmt: skip
        say()
        say(f"Targets: ≥ {TARGET_RATE} requests/s ({'met' if rate_ok else 'missed'}), p95 ≤ "
            f"{TARGET_P95_MS} ms ({'met' if p95_ok else 'missed'}), 0 errors "
            f"({'met' if not result.errors else 'missed'}). Load average after: "
            f"{bench.machine()['load']}.")  # fmt: skip
