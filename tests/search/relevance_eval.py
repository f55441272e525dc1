"""The relevance evaluation: graded queries over a small set of practices, scored by nDCG@10.

The practices and the graded queries are data (tests/search/relevance/, see its README); this
module loads the practices as published pages, asks an engine every query the way
search/service.py asks it, and scores the ranking. A plain BM25 over the same texts (no
stemming, no synonyms: what an untuned engine gives) is computed alongside as a reference.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.models import PartnerPage, PracticePage, TargetGroup, Theme
from kb.text import plain_to_html
from search.embeddings import embed_practices, embed_query
from search.engines.base import SearchEngine, SearchRequest
from search.query import parse_query, query_text
from tests.factories import PracticePageFactory

DATA = Path(__file__).resolve().parent / "relevance"
CUTOFF = 10


def read_jsonl(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_practices() -> dict[str, PracticePage]:
    """Every practice of the set, published under its partner; key -> page."""
    partners = {p.slug: p for p in PartnerPage.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    groups = {g.slug: g for g in TargetGroup.objects.all()}
    pages = {}
    for row in read_jsonl("practices.jsonl"):
        page = PracticePageFactory(
            parent=partners[row["partner"]],
            title=row["title"],
            slug=row["key"],
            summary=row["summary"],
            problem=plain_to_html(row.get("problem", "")),
            approach=plain_to_html(row.get("approach", "")),
            results=plain_to_html(row.get("results", "")),
            language=row["language"],
            country=row["country"],
            start_year=row.get("start_year"),
            themes=[themes[s] for s in row.get("themes", [])],
            target_groups=[groups[s] for s in row.get("target_groups", []) if s in groups],
        )
        page.save_revision().publish()
        pages[row["key"]] = page
    embed_practices([page.pk for page in pages.values()])
    return pages


def ndcg(ranked: list[str], grades: dict[str, int], cutoff: int = CUTOFF) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:cutoff]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(key, 0) for key in ranked]) / ideal if ideal else 0.0


@dataclass
class Report:
    name: str
    scores: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    zero_results: list[str] = field(default_factory=list)

    def add(self, kind: str, score: float) -> None:
        self.scores[kind].append(score)

    @property
    def overall(self) -> float:
        return statistics.mean(s for kind in self.scores.values() for s in kind)

    def by_kind(self) -> dict[str, float]:
        return {kind: statistics.mean(values) for kind, values in sorted(self.scores.items())}

    def lines(self) -> list[str]:
        kinds = self.by_kind()
        cells = " | ".join(f"{kinds[k]:.3f}" for k in kinds)
        return [f"| {self.name} | {self.overall:.3f} | {cells} | {len(self.zero_results)} |"]


def evaluate(
    name: str, engine: SearchEngine, pages: dict[str, PracticePage], *, semantic: bool = True
) -> Report:
    by_id = {page.pk: key for key, page in pages.items()}
    report = Report(name)
    for query in read_jsonl("queries.jsonl"):
        parsed = parse_query(query["query"], interface_language="en")
        embedding = embed_query(query_text(parsed)) if semantic and not parsed.is_empty else None
        filters = {facet: tuple(values) for facet, values in query.get("filters", {}).items()}
        result = engine.search(
            SearchRequest(
                query=parsed, filters=filters, embedding=embedding, page_size=CUTOFF,
                with_facets=False,
            )
        )  # fmt: skip
        ranked = [by_id[hit.page_id] for hit in result.hits if hit.page_id in by_id]
        if not ranked:
            report.zero_results.append(query["query"])
        report.add(query["kind"], ndcg(ranked, query["relevant"]))
    return report


TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def bm25_report(k1: float = 1.2, b: float = 0.75) -> Report:
    """Plain BM25 (Robertson & Zaragoza 2009) over title, summary and sections: lower-cased
    words, no stemming, no stop words, no synonyms, facet filters applied."""
    rows = read_jsonl("practices.jsonl")
    docs = {
        row["key"]: Counter(
            TOKEN.findall(
                " ".join(row.get(k, "") for k in ("title", "summary", "problem", "approach",
                                                 "results")).lower()
            )
        )
        for row in rows
    }  # fmt: skip
    facets = {row["key"]: {"theme": set(row.get("themes", [])),
                           "target_group": set(row.get("target_groups", []))} for row in rows}  # fmt: skip
    average = statistics.mean(sum(d.values()) for d in docs.values())
    frequency = Counter(word for d in docs.values() for word in d)
    total = len(docs)

    def score(words: list[str], doc: Counter) -> float:
        length = sum(doc.values())
        result = 0.0
        for word in words:
            tf = doc.get(word, 0)
            if tf:
                idf = math.log(1 + (total - frequency[word] + 0.5) / (frequency[word] + 0.5))
                result += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
        return result

    report = Report("plain BM25 (reference)")
    for query in read_jsonl("queries.jsonl"):
        words = TOKEN.findall(query["query"].lower())
        allowed: Callable[[str], bool] = lambda key, q=query: all(  # noqa: E731
            facets[key].get(f, set()) & set(v) for f, v in q.get("filters", {}).items()
        )
        scored = sorted(
            ((score(words, doc), key) for key, doc in docs.items() if allowed(key)), reverse=True
        )
        ranked = [key for s, key in scored if s > 0][:CUTOFF]
        if not ranked:
            report.zero_results.append(query["query"])
        report.add(query["kind"], ndcg(ranked, query["relevant"]))
    return report


def table(reports: list[Report]) -> str:
    kinds = list(reports[0].by_kind())
    head = f"| ranking | nDCG@10 | {' | '.join(kinds)} | queries with no result |"
    rule = "|" + "---|" * (len(kinds) + 3)
    return "\n".join([head, rule, *(line for r in reports for line in r.lines())])
