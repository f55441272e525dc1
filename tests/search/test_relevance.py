"""Relevance on every engine: nDCG@10 of graded queries (tests/search/relevance/).

A regression guard, not a target to tune to: the floors sit below the figures recorded in
docs/benchmarks.md, and `make eval-search` prints the full table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.search.relevance_eval import bm25_report, evaluate, load_practices, table

# Below these, something broke (the figures measured are in docs/benchmarks.md).
HYBRID_FLOOR = 0.70
WORDS_FLOOR = 0.45
REPORT_DIR = Path(os.environ.get("RELEVANCE_REPORT_DIR", "var"))


@pytest.fixture
def relevance_set(partners, engine, indexed):
    pages = load_practices()
    indexed(pages.values())
    return pages


def test_graded_queries_rank_the_relevant_practices_first(engine, relevance_set):
    hybrid = evaluate(f"{engine.name}: words and meaning", engine, relevance_set)
    words = evaluate(f"{engine.name}: words only", engine, relevance_set, semantic=False)
    bm25 = bm25_report()
    report = table([hybrid, words, bm25])
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / f"relevance-{engine.name}.md").write_text(report + "\n", encoding="utf-8")
    print(f"\n{report}")
    assert hybrid.zero_results == [], "every query finds something"
    assert hybrid.overall >= HYBRID_FLOOR, report
    assert words.overall >= WORDS_FLOOR, report
    assert hybrid.overall > bm25.overall and hybrid.overall > words.overall, report
