"""Hybrid ranking: one list from the matches by words and the matches by meaning.

Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): a practice scores
sum(weight / (K + rank)) over the lists it is in. It needs no calibration between the two kinds
of score, and a practice found both ways comes first. Used by every engine.

A match by words weighs by how much of the query it matches (its `coverage`, from 0 to 1): a
practice that shares one common word with a long query ("persons") must not outrank, by being
in both lists, the practice that means what was asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from search.engines.base import MEANING, WORDS, Hit

K = 60
WORDS_WEIGHT = 1.0
MEANING_WEIGHT = 1.0


def fused_hits(
    lexical: Sequence[tuple[int, float, float]], semantic: Sequence[tuple[int, float]]
) -> list[Hit]:
    """The matches by words, best first as (page id, score, coverage), and by meaning, best
    first as (page id, similarity), fused into one list; ties keep the words' order."""
    scores: dict[int, float] = {}
    matched: dict[int, set[str]] = {}
    for rank, (page_id, _score, coverage) in enumerate(lexical, start=1):
        scores[page_id] = scores.get(page_id, 0.0) + WORDS_WEIGHT * coverage / (K + rank)
        matched.setdefault(page_id, set()).add(WORDS)
    for rank, (page_id, _similarity) in enumerate(semantic, start=1):
        scores[page_id] = scores.get(page_id, 0.0) + MEANING_WEIGHT / (K + rank)
        matched.setdefault(page_id, set()).add(MEANING)
    order: dict[int, int] = {}
    for page_id in [row[0] for row in lexical] + [row[0] for row in semantic]:
        order.setdefault(page_id, len(order))
    ranked_ids = sorted(scores, key=lambda pk: (-scores[pk], order[pk]))
    return [Hit(pk, round(scores[pk], 6), matched=frozenset(matched[pk])) for pk in ranked_ids]


def similar_enough(found: Sequence[tuple[int, float]], floor: float, spread: float):
    """Nearest neighbours (best first) close enough to count as matches: at least `floor`
    similar, and within `spread` of the nearest one."""
    if not found:
        return []
    best = found[0][1]
    return [(pk, s) for pk, s in found if s >= floor and s >= best - spread]
