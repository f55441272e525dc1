"""The export benchmark behind `make bench-export` (manage.py bench_export, docs/benchmarks.md).

Each run sends GET /export/practices.<fmt> through Django's test client (the real view, its
middleware and the streaming response) and reads the stream chunk by chunk as a client would,
counting rows and bytes. Memory is measured twice: the resident set size of the process,
sampled after every chunk, in the timed run; the peak of Python allocations (tracemalloc) in a
second, untimed run, because tracing slows Python down.
"""

from __future__ import annotations

import csv
import io
import os
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from django.test import Client

from kb.models import PracticePage
from search.engines.postgres import PostgresEngine

FORMATS = ("csv", "jsonl")
MIB = 1024 * 1024
INDEX_BATCH = 2000


@dataclass
class ExportRun:
    fmt: str
    rows: int
    size: int  # bytes
    seconds: float
    first_chunk_s: float  # until the first rows arrived
    rss_start: float  # MiB
    rss_peak: float
    traced_peak: float | None = None  # MiB, from the tracemalloc run

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def rss_growth(self) -> float:
        return self.rss_peak - self.rss_start


def rss_mib() -> float:
    """The resident set size of this process now (Linux /proc; 0 elsewhere)."""
    try:
        resident = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return resident * os.sysconf("SC_PAGE_SIZE") / MIB


def count_rows(fmt: str, chunk: str) -> int:
    """Rows in one chunk; chunks end on row boundaries (CSV cells may hold line breaks)."""
    if fmt == "jsonl":
        return chunk.count("\n")
    return sum(1 for _row in csv.reader(io.StringIO(chunk)))


def stream_export(client: Client, fmt: str, query: str = "", *, traced: bool = False) -> ExportRun:
    """Download one export through the view; time it (or trace its allocations)."""
    if traced:
        tracemalloc.start()
    rss_start = rss_peak = rss_mib()
    rows = size = 0
    first_chunk_s = counting_s = 0.0
    started = time.perf_counter()
    response = client.get(f"/export/practices.{fmt}" + (f"?{query}" if query else ""))
    if response.status_code != 200:
        raise RuntimeError(f"/export/practices.{fmt} answered {response.status_code}")
    for number, chunk in enumerate(response.streaming_content):
        size += len(chunk)
        counted = time.perf_counter()
        found = count_rows(fmt, chunk.decode("utf-8"))
        if fmt == "csv" and number == 0:
            found -= 1  # the header
        if found and not first_chunk_s:
            first_chunk_s = counted - started
        rows += found
        rss_peak = max(rss_peak, rss_mib())
        counting_s += time.perf_counter() - counted
    seconds = time.perf_counter() - started - counting_s  # the client's own counting excluded
    response.close()
    traced_peak = None
    if traced:
        traced_peak = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
    return ExportRun(fmt, rows, size, seconds, first_chunk_s, rss_start, rss_peak, traced_peak)


def complete_index(progress=None) -> int:
    """Index the live practices the PostgreSQL engine lacks (the corpus is written with COPY,
    bypassing the signals); returns how many were added."""
    engine = PostgresEngine()
    live = set(PracticePage.objects.live().values_list("pk", flat=True))
    missing = sorted(live - engine.indexed_ids())
    for first in range(0, len(missing), INDEX_BATCH):
        batch = missing[first : first + INDEX_BATCH]
        engine.index_pages(batch)
        if progress:
            progress(len(batch))
    return len(missing)


def table(runs: list[ExportRun]) -> list[str]:
    head = ["format", "rows", "MiB", "seconds", "rows/s", "first rows after",
            "RSS before → peak (MiB)", "RSS growth", "tracemalloc peak"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in runs:
        traced = f"{run.traced_peak:.1f} MiB" if run.traced_peak is not None else "–"
        lines.append(
            f"| {run.fmt} | {run.rows:,} | {run.size / MIB:,.1f} | {run.seconds:.1f} "
            f"| {run.rows_per_s:,.0f} | {run.first_chunk_s * 1000:.0f} ms "
            f"| {run.rss_start:.0f} → {run.rss_peak:.0f} | {run.rss_growth:+.1f} MiB | {traced} |"
        )
    return lines
