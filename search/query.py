"""From what a person typed to a `ParsedQuery`: words, quoted phrases, exclusions, synonyms and
spelling suggestions, and the languages to analyse them in.

Shared by every engine, so a query means the same on PostgreSQL and on Elasticsearch/OpenSearch.
Words are optional and ranked by how many of them a practice matches (`minimum_match` of them
at least); a "quoted phrase" must match as written; a -word excludes the practices that
contain it. Stop words of the query's language are dropped. In an English query, a word that no
practice contains gets the closest known word (pg_trgm similarity) as an alternative, and the
correction is reported; a query in another language is never "corrected" into English.
"""

from __future__ import annotations

import math
import re

from django.db import connection
from django.utils import translation

from search.engines.base import Clause, ParsedQuery
from search.languages import POSTGRES_CONFIGS, WORD, query_languages
from search.models import Synonym

MAX_QUERY_LENGTH = 500
MAX_WORDS = 32
# A quoted phrase, a -word or -"phrase", or a word.
TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Known words at least this similar (pg_trgm) are candidates for a correction; the one fewest
# edits away wins (at most MAX_EDITS, one for words of up to 7 letters), then the most frequent.
# A typo seldom changes the first letter: "apartment" is not corrected into "department".
CANDIDATE_SIMILARITY = 0.2
CANDIDATES = 20
MAX_EDITS = 2
# Of a query of n optional clauses, at least minimum_match(n) must match (the rest rank).
SHORT_QUERY = 4
MATCH_SHARE = 0.3


def minimum_match(clauses: int) -> int:
    return 1 if clauses <= SHORT_QUERY else math.ceil(clauses * MATCH_SHARE)


def parse_query(
    text: str, *, correct: bool = True, interface_language: str | None = None
) -> ParsedQuery:
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for minus, quoted, minus_word, word in TOKEN.findall(text):
        if quoted or minus and not word:
            found = _words(quoted)
            if found:
                (excluded if minus else phrases).append(" ".join(found))
        elif minus_word and len(word) > 1:
            excluded.extend(_words(word))
        else:
            words.extend(_words(minus_word + word))
    words = words[:MAX_WORDS]
    languages = query_languages(
        text, interface_language or translation.get_language(), content_languages()
    )
    if not (words or phrases or excluded):
        return ParsedQuery(text=text, clauses=(), languages=languages)

    groups = [syn.term_list for syn in Synonym.objects.all()]
    stems = _stems(words + [w for terms in groups for term in terms for w in term.split()])
    stop_words = _stop_words(words, languages[0], stems)
    words = [w for w in words if w not in stop_words]
    corrections = _corrections(words, stems) if correct and languages[0] == "en" else {}
    if corrections:
        stems |= _stems(list(corrections.values()))
    clauses = _with_synonyms(words, groups, stems)
    clauses = [
        Clause((*c.alternatives, corrections[c.alternatives[0]]))
        if c.alternatives[0] in corrections
        else c
        for c in clauses
    ]
    corrected = " ".join(corrections.get(w, w) for w in words) if corrections else None
    return ParsedQuery(
        text=text,
        clauses=tuple(clauses),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        corrected=corrected,
        languages=languages,
        minimum_match=minimum_match(len(clauses)),
    )


def content_languages() -> tuple[str, ...]:
    """The languages the indexed practices are written in, by a loose scan of their index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE l(language) AS (
                (SELECT language FROM search_searchrecord ORDER BY language LIMIT 1)
                UNION ALL
                SELECT (SELECT r.language FROM search_searchrecord r WHERE r.language > l.language
                        ORDER BY r.language LIMIT 1)
                FROM l WHERE l.language IS NOT NULL
            )
            SELECT language FROM l WHERE language IS NOT NULL
            """
        )
        return tuple(row[0] for row in cursor.fetchall())


def query_text(query: ParsedQuery) -> str:
    """What is embedded for meaning-based matching: the query as typed, without exclusions
    and quotes (a sentence embeds better than a bag of words)."""
    kept = [
        quoted or word
        for minus, quoted, minus_word, word in TOKEN.findall(query.text)
        if not (minus or minus_word)
    ]
    return " ".join(kept)


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _stop_words(words: list[str], language: str, stems: dict[str, str]) -> set[str]:
    """Stop words of the query's language (PostgreSQL's list, where it has one), and letters."""
    stop = {w for w in words if len(w) < 2 and not w.isdigit()}
    if language == "en":
        return stop | {w for w in words if w not in stems}
    config = POSTGRES_CONFIGS.get(language)
    if config:
        lexemes = _lexize(f"{config}_stem", words)
        stop |= {w for w in words if w not in lexemes}
    return stop


def _lexize(dictionary: str, words: list[str]) -> dict[str, str]:
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize(%s::regdictionary, w))[1] FROM unnest(%s::text[]) AS w",
            [dictionary, sorted(set(words))],
        )
        return {word: stem for word, stem in cursor.fetchall() if stem}


def _stems(words: list[str]) -> dict[str, str]:
    """English stems by PostgreSQL's own stemmer; stop words have none."""
    return _lexize("english_stem", words)


def _corrections(words: list[str], stems: dict[str, str]) -> dict[str, str]:
    """Closest known word for each word of 4+ letters that no practice contains."""
    candidates = [w for w in words if len(w) >= 4 and not w.isdigit() and w in stems]
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_searchterm WHERE word = ANY(%s) OR stem = ANY(%s)",
            [candidates, [stems[w] for w in candidates]],
        )
        known = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT stem FROM search_searchterm WHERE stem = ANY(%s)",
            [[stems[w] for w in candidates]],
        )
        known_stems = {row[0] for row in cursor.fetchall()}
        # The `%` operator (served by the trigram index) uses this threshold; pg_trgm's default,
        # 0.3, misses a swapped pair of letters in a short word ("budegt" / "budget": 0.27).
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
            [str(CANDIDATE_SIMILARITY)],
        )
        corrections = {}
        for word in candidates:
            if word in known or stems[word] in known_stems:
                continue
            cursor.execute(
                "SELECT word, frequency FROM search_searchterm "
                "WHERE word %% %s AND similarity(word, %s) >= %s "
                "ORDER BY similarity(word, %s) DESC LIMIT %s",
                [word, word, CANDIDATE_SIMILARITY, word, CANDIDATES],
            )
            allowed = 1 if len(word) <= 7 else MAX_EDITS
            scored = [
                (edits, -frequency, known_word)
                for known_word, frequency in cursor.fetchall()
                if known_word[0] == word[0]
                and (edits := edit_distance(word, known_word)) <= allowed
            ]
            if scored:
                corrections[word] = min(scored)[2]
    return corrections


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters ("childern" is one edit from "children")."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _with_synonyms(
    words: list[str], groups: list[list[str]], stems: dict[str, str]
) -> list[Clause]:
    """Group the words into clauses. A run of words that is a synonym term (compared by stems,
    so "senior" finds the group of "seniors") becomes one clause whose alternatives are every
    term of its group(s); the longest run wins."""

    def key(phrase: str) -> tuple[str, ...]:
        return tuple(stems.get(w, w) for w in phrase.split() if stems.get(w))

    by_key: dict[tuple[str, ...], list[str]] = {}
    for terms in groups:
        for term in terms:
            if key(term):
                by_key.setdefault(key(term), []).extend(terms)
    longest = max((len(k) for k in by_key), default=0)
    query_stems = [stems.get(w, w) for w in words]
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
    return list(dict.fromkeys(clauses))
