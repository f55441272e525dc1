"""From what a person typed to a `ParsedQuery`: words, synonyms and spelling corrections.

Shared by every engine, so a query means the same on PostgreSQL and on Elasticsearch/OpenSearch.
Stop words are dropped and words are checked against the vocabulary of published practices
(search_searchterm, kept by search/indexing.py); an unknown word is replaced by the closest
known one (pg_trgm similarity), and the correction is reported so the page can say so.
"""

from __future__ import annotations

import re

from django.db import connection

from search.engines.base import Clause, ParsedQuery
from search.models import Synonym

MAX_QUERY_LENGTH = 500
MAX_WORDS = 32
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
# Below this pg_trgm similarity a word is left as typed.
CORRECTION_THRESHOLD = 0.4


def parse_query(text: str, *, correct: bool = True) -> ParsedQuery:
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    words = [w.lower().replace("’", "'") for w in WORD.findall(text)][:MAX_WORDS]
    if not words:
        return ParsedQuery(text=text, clauses=())
    groups = [syn.term_list for syn in Synonym.objects.all()]
    stems = _stems(words + [w for terms in groups for term in terms for w in term.split()])
    words = [w for w in words if stems.get(w)]  # stop words have no stem
    corrections = _corrections(words, stems) if correct else {}
    if corrections:
        stems |= _stems(list(corrections.values()))
    fixed = [corrections.get(w, w) for w in words]
    clauses = _with_synonyms(fixed, groups, stems)
    corrected = " ".join(fixed) if corrections else None
    return ParsedQuery(text=text, clauses=tuple(clauses), corrected=corrected)


def _stems(words: list[str]) -> dict[str, str]:
    """English stems by PostgreSQL's own stemmer (what the full-text index uses)."""
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize('english_stem', w))[1] FROM unnest(%s::text[]) AS w",
            [sorted(set(words))],
        )
        return {word: stem for word, stem in cursor.fetchall() if stem}


def _corrections(words: list[str], stems: dict[str, str]) -> dict[str, str]:
    candidates = [w for w in words if len(w) >= 4 and not w.isdigit()]
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stem FROM search_searchterm WHERE stem = ANY(%s)",
            [[stems[w] for w in candidates]],
        )
        known_stems = {row[0] for row in cursor.fetchall()}
        corrections = {}
        for word in candidates:
            if stems[word] in known_stems:
                continue
            cursor.execute(
                "SELECT word FROM search_searchterm WHERE word %% %s AND similarity(word, %s) >= %s "
                "ORDER BY similarity(word, %s) DESC, frequency DESC LIMIT 1",
                [word, word, CORRECTION_THRESHOLD, word],
            )
            row = cursor.fetchone()
            if row:
                corrections[word] = row[0]
    return corrections


def _with_synonyms(
    words: list[str], groups: list[list[str]], stems: dict[str, str]
) -> list[Clause]:
    """Group the words into clauses. A run of words that is a synonym term (compared by stems,
    so "senior" finds the group of "seniors") becomes one clause whose alternatives are every
    term of its group(s); the longest run wins."""

    def key(phrase: str) -> tuple[str, ...]:
        return tuple(stems[w] for w in phrase.split() if stems.get(w))

    by_key: dict[tuple[str, ...], list[str]] = {}
    for terms in groups:
        for term in terms:
            if key(term):
                by_key.setdefault(key(term), []).extend(terms)
    longest = max((len(k) for k in by_key), default=0)
    query_stems = [stems[w] for w in words]
    clauses: list[Clause] = []
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            run = tuple(query_stems[position : position + size])
            if run in by_key:
                typed = " ".join(words[position : position + size])
                clauses.append(Clause(tuple(dict.fromkeys([typed, *by_key[run]]))))
                position += size
                break
        else:
            clauses.append(Clause((words[position],)))
            position += 1
    return clauses
