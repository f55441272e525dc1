"""The default engine: PostgreSQL full-text search over the `SearchRecord` table.

One denormalised row per published practice carries a weighted tsvector (title A; summary and
names of themes, target groups, partner and place B; the written sections C), the facet values as
arrays and columns, and the text for snippets. A search is three statements whatever the size
of the result: the page of hits, the facet counts (all facets in one statement, each counted
with the other facets' filters), and the snippets of the hits (ts_headline).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from kb.models import PracticePage, translations_of
from search.engines.base import (
    FACETS,
    ID_CHUNK,
    MARK_END,
    MARK_START,
    MEANING,
    WORDS,
    EngineResult,
    Hit,
    Progress,
    SearchRequest,
)
from search.fusion import fused_hits, similar_enough
from search.languages import PREFIX_MIN_LENGTH, WORD, analysed_text, analysis_for, stem_words
from search.models import SearchLexeme, SearchRecord

TABLE = SearchRecord._meta.db_table
# ts_rank weights for D, C, B, A: a title or summary match outranks one deep in the text.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
# Similar practices: the practices sharing the most themes, groups and activities (or words of
# the title and summary) are ranked by their words too. Matching the whole text of every
# practice instead took 0.8 s at 10,000 practices; these, 40 ms (docs/benchmarks.md, load).
SIMILAR_CANDIDATES = 500
ARRAY_FACETS = {"theme": "themes", "target_group": "target_groups", "activity": "activities"}
SCALAR_FACETS = {
    "country": "country", "partner": "partner", "org_type": "org_type", "label": "label",
}  # fmt: skip
# Facet columns in FACETS order (the order of the GROUPING() bits in _counts).
COLUMNS = [{**ARRAY_FACETS, **SCALAR_FACETS}[name] for name in FACETS]
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)
CHUNK = 500
# Ranking by words. Each clause (a query word or synonym group) weighs its inverse document
# frequency; a practice scores the share of that weight it matches anywhere, plus HEAD_WEIGHT
# times the share it matches in its title, summary or names. The best RERANK_WINDOW of those
# are then re-ranked with ts_rank (how often and how densely the words occur).
HEAD_WEIGHT = 0.5
RERANK_WINDOW = 200
RERANK_WEIGHT = 0.15
# Meaning: the SEMANTIC_CANDIDATES nearest practices (at most) join the matches, fused by rank.
SEMANTIC_CANDIDATES = 40
LEXEME = re.compile(r"'((?:[^']|'')+)'")


@dataclass
class Plan:
    """A parsed query made into tsqueries for this table, with the weight of each clause and
    the practices nearest in meaning."""

    clauses: list[tuple[str, float]] = field(default_factory=list)  # (tsquery, idf weight)
    required: str | None = None  # the quoted phrases, all of them
    excluded: str | None = None  # any excluded word or phrase
    minimum_match: int = 1
    semantic: list[tuple[int, float]] = field(default_factory=list)  # (page id, similarity)

    @property
    def has_words(self) -> bool:
        return bool(self.clauses or self.required)

    @property
    def any_words(self) -> str:
        """Every clause and phrase in one OR query (ranking, snippets)."""
        parts = [tsq for tsq, _w in self.clauses] + ([self.required] if self.required else [])
        return " | ".join(f"( {p} )" for p in parts) or ""


def tsquery_parts(alternative: str, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """SQL (with its one parameter) making tsqueries of a word or phrase in each language."""
    parts = []
    for language in languages:
        analysis = analysis_for(language)
        if analysis.stemmer:
            parts.append(
                ("phraseto_tsquery('simple', %s)", stem_words(alternative, analysis.stemmer))
            )
        elif analysis.prefix:
            words = [w.lower() for w in WORD.findall(alternative)]
            terms = [
                _quoted(w[: max(PREFIX_MIN_LENGTH - 1, len(w) - 2)]) + ":*"
                if len(w) >= PREFIX_MIN_LENGTH
                else _quoted(w)
                for w in words
            ]
            parts.append(("to_tsquery('simple', %s)", " <-> ".join(terms)))
        else:
            parts.append((f"phraseto_tsquery('{analysis.config}', %s)", alternative))
        parts.append(("phraseto_tsquery('simple', %s)", alternative))
    return list(dict.fromkeys(parts))


PHRASE_OPERATOR = re.compile(r"<(?:\d+|-)>")


def loose(tsquery: str) -> str:
    """A tsquery with its phrase operators as AND: the GIN index answers it without reading
    any vector (a phrase needs the positions, i.e. every candidate's vector). Synonym phrases
    ("older people") then match their words anywhere, and the re-ranking (ts_rank with the
    phrases) puts the practices where they stand together first; quoted phrases stay exact."""
    return PHRASE_OPERATOR.sub("&", tsquery)


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _lexemes(tsquery: str) -> list[str]:
    return [m.replace("''", "'") for m in LEXEME.findall(tsquery)]


class PostgresEngine:
    name = "postgres"

    # -- planning --------------------------------------------------------------------------

    def plan(self, cursor, request: SearchRequest) -> Plan:
        """The query's tsqueries (one round trip), their weights (one more), and the practices
        nearest to the query's embedding (one more, when there is one)."""
        query = request.query
        plan = Plan(minimum_match=query.minimum_match)
        groups: list[list[str]] = [list(c.alternatives) for c in query.clauses]
        groups += [[p] for p in query.phrases] + [[w] for w in query.excluded]
        expressions, params, owners = [], [], []
        for index, alternatives in enumerate(groups):
            for alternative in alternatives:
                for sql, param in tsquery_parts(alternative, query.languages):
                    expressions.append(f"({sql})::text")
                    params.append(param)
                    owners.append(index)
        if not expressions:
            return plan
        cursor.execute(f"SELECT {', '.join(expressions)}", params)
        texts: list[set[str]] = [set() for _ in groups]
        for owner, text in zip(owners, cursor.fetchone(), strict=True):
            if text:
                texts[owner].add(text)
        ored = [" | ".join(f"( {t} )" for t in sorted(found)) for found in texts]
        n_clauses, n_phrases = len(query.clauses), len(query.phrases)
        phrases = [t for t in ored[n_clauses : n_clauses + n_phrases] if t]
        plan.required = " & ".join(f"( {t} )" for t in phrases) or None
        excluded = [t for t in ored[n_clauses + n_phrases :] if t]
        plan.excluded = " | ".join(f"( {t} )" for t in excluded) or None
        clause_texts = [(i, t) for i, t in enumerate(ored[:n_clauses]) if t]
        if clause_texts:
            weights = self._idf(cursor, [texts[i] for i, _t in clause_texts])
            plan.clauses = list(zip([t for _i, t in clause_texts], weights, strict=True))
        plan.minimum_match = min(plan.minimum_match, len(plan.clauses)) or 1
        if request.embedding is not None:
            plan.semantic = self.nearest(cursor, request, plan)
        return plan

    @staticmethod
    def _idf(cursor, clauses: list[set[str]]) -> list[float]:
        """BM25's inverse document frequency of each clause: of its rarest alternative's most
        common lexeme (a phrase is as rare as its rarest word, a group as common as its most
        common term)."""
        lexemes = sorted(
            {lx for alternatives in clauses for t in alternatives for lx in _lexemes(t)}
        )
        cursor.execute(
            f"SELECT lexeme, documents FROM {SearchLexeme._meta.db_table} WHERE lexeme = ANY(%s) "
            f"UNION ALL SELECT NULL, greatest(reltuples::bigint, 1) FROM pg_class "
            f"WHERE oid = '{TABLE}'::regclass",
            [lexemes],
        )
        rows = cursor.fetchall()
        documents = {lexeme: count for lexeme, count in rows if lexeme is not None}
        total = max([count for lexeme, count in rows if lexeme is None] + [*documents.values(), 1])

        def idf(frequency: int) -> float:
            return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

        weights = []
        for alternatives in clauses:
            frequency = max(
                min((documents.get(lx, 0) for lx in _lexemes(t)), default=0) for t in alternatives
            )
            weights.append(idf(frequency))
        return weights

    def nearest(self, cursor, request: SearchRequest, plan: Plan) -> list[tuple[int, float]]:
        """Up to SEMANTIC_CANDIDATES practices nearest in meaning, within the years and without
        the excluded words (and with the quoted phrases); not yet the facet filters, so that
        facet counts can count them."""
        from search import embeddings, vectors

        embedder = embeddings.get_embedder()
        if embedder is None or not vectors.available():
            return []
        dimension = len(request.embedding)
        where, params = self._word_conditions(plan, "r")
        years, year_params = self._year_conditions(request, "r")
        vectors.set_search_options(cursor)
        cursor.execute(
            f"""
            SELECT e.page_id, 1 - ({vectors.nearest_sql(dimension)}) AS similarity
            FROM {vectors.TABLE} e JOIN {TABLE} r USING (page_id)
            WHERE e.model = %s AND cardinality(e.vector) = {dimension}
              AND {" AND ".join(["TRUE", *where, *years])}
            ORDER BY {vectors.nearest_sql(dimension)} LIMIT %s
            """,
            [
                vectors.literal(request.embedding),
                embedder.name,
                *params,
                *year_params,
                vectors.literal(request.embedding),
                SEMANTIC_CANDIDATES,
            ],
        )
        found = [(page_id, float(similarity)) for page_id, similarity in cursor.fetchall()]
        return similar_enough(found, embedder.query_floor, embedder.similarity_spread)

    # -- matching --------------------------------------------------------------------------

    @staticmethod
    def _word_conditions(plan: Plan, alias: str) -> tuple[list[str], list]:
        conditions, params = [], []
        if plan.required:
            conditions.append(f"{alias}.vector @@ %s::tsquery")
            params.append(plan.required)
        if plan.excluded:
            conditions.append(f"NOT ({alias}.vector @@ %s::tsquery)")
            params.append(plan.excluded)
        return conditions, params

    @staticmethod
    def _year_conditions(request: SearchRequest, alias: str) -> tuple[list[str], list]:
        conditions, params = [], []
        if request.year_from is not None:
            conditions.append(f"{alias}.start_year >= %s")
            params.append(request.year_from)
        if request.year_to is not None:
            conditions.append(f"{alias}.start_year <= %s")
            params.append(request.year_to)
        if request.transferred:
            conditions.append(f"{alias}.transferred")
        return conditions, params

    def _source(self, request: SearchRequest, plan: Plan) -> tuple[str, list, str, list[str], list]:
        """(WITH clause, its parameters, FROM clause, conditions, their parameters) of the
        matching rows.

        With words, `m` holds every practice matching them (its `score`: the weighted share of
        clauses it matches, from the GIN indexes alone, no text read) or near them in meaning
        (`similarity`); the conditions add years, phrases and exclusions. Without words, every
        row of the table matches."""
        where, params = self._year_conditions(request, "r")
        words, word_params = self._word_conditions(plan, "r")
        where, params = ["TRUE", *where, *words], [*params, *word_params]
        if not plan.has_words and not plan.semantic:
            # No word and no meaning to match: every row, with a one-row `m` for the columns.
            cte = "m AS (SELECT NULL::float8 AS score, NULL::float8 AS similarity)"
            return cte, [], f"{TABLE} r CROSS JOIN m", where, params
        branches, branch_params = [], []
        total = sum(w for _t, w in plan.clauses) * (1 + HEAD_WEIGHT) or 1.0
        for strict, weight in plan.clauses:
            tsquery = loose(strict)
            branches.append(
                f"SELECT page_id, 1 AS hit, %s::float8 AS w FROM {TABLE} WHERE vector @@ %s::tsquery"
            )
            branches.append(f"SELECT page_id, 0, %s::float8 FROM {TABLE} WHERE head @@ %s::tsquery")
            branch_params += [weight / total, tsquery, HEAD_WEIGHT * weight / total, tsquery]
        if not plan.clauses and plan.required:
            branches.append(
                f"SELECT page_id, 1 AS hit, 1.0::float8 AS w FROM {TABLE} WHERE vector @@ %s::tsquery"
            )
            branch_params.append(plan.required)
        lexical = (
            f"lex AS (SELECT page_id, sum(w) AS score FROM ({' UNION ALL '.join(branches)}) b "
            f"GROUP BY page_id HAVING sum(hit) >= %s)"
        )
        semantic = (
            "sem AS (SELECT * FROM unnest(%s::bigint[], %s::float8[]) AS s(page_id, similarity))"
        )
        ids = [pk for pk, _s in plan.semantic]
        sims = [s for _pk, s in plan.semantic]
        cte = (
            f"{lexical}, {semantic}, m AS (SELECT page_id, lex.score, sem.similarity "
            f"FROM lex FULL JOIN sem USING (page_id))"
        )
        source = f"m JOIN {TABLE} r USING (page_id)"
        return cte, [*branch_params, plan.minimum_match, ids, sims], source, where, params

    # -- searching -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        with connection.cursor() as cursor:
            plan = self.plan(cursor, request)
            with_text = plan.has_words or bool(plan.semantic)
            head = None
            if request.with_facets and self._ranked(request, plan):
                total, facets, head = self._counts(cursor, request, plan, with_head=True)
            elif request.with_facets:
                total, facets = self._counts(cursor, request, plan)
            else:
                total, facets = self._count(cursor, request, plan), {}
            hits = self._page(cursor, request, plan, head) if total else []
            if hits and plan.has_words:
                self._add_snippets(cursor, hits, plan)
        if not plan.has_words:
            summaries = dict(
                SearchRecord.objects.filter(page_id__in=[h.page_id for h in hits]).values_list(
                    "page_id", "summary"
                )
            )
            for hit in hits:
                hit.snippet = hit.snippet or summaries.get(hit.page_id, "")
        return EngineResult(
            total=total, hits=hits, facets=facets, semantic=with_text and bool(plan.semantic)
        )

    def iter_ids(self, request: SearchRequest, *, chunk_size: int = ID_CHUNK) -> Iterator[int]:
        """Every matching id in the request's order. Sorted by relevance with words: the fused
        head (search's order), then the rest of the word matches; otherwise through a
        server-side cursor, PostgreSQL sending `chunk_size` rows per fetch."""
        with connection.cursor() as cursor:
            plan = self.plan(cursor, request)
            head = self._fused_head(cursor, request, plan) if self._ranked(request, plan) else None
        cte, cte_params, source, where, params = self._source(request, plan)
        conditions, filter_params = self._filter_sql(request.filters, "r")
        if head is not None:
            yield from (hit.page_id for hit in head)
            order = "m.score * r.boost DESC, r.published_at DESC NULLS LAST, r.page_id DESC"
            skip = [hit.page_id for hit in head]
            offset_sql = "AND m.score IS NOT NULL AND NOT r.page_id = ANY(%s)"
            extra = [skip]
        else:
            order, offset_sql, extra = self._order(request), "", []
        # https://docs.djangoproject.com/en/stable/ref/databases/#server-side-cursors
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"""
                WITH {cte}
                SELECT r.page_id FROM {source}
                WHERE {" AND ".join(where + conditions)} {offset_sql}
                ORDER BY {order}
                """,
                [*cte_params, *params, *filter_params, *extra],
            )
            while rows := cursor.fetchmany(chunk_size):
                yield from (row[0] for row in rows)

    @staticmethod
    def _ranked(request: SearchRequest, plan: Plan) -> bool:
        return request.sort == "relevance" and (plan.has_words or bool(plan.semantic))

    @staticmethod
    def _order(request: SearchRequest) -> str:
        sort = "newest" if request.sort == "relevance" else request.sort
        return {
            "newest": "r.published_at DESC NULLS LAST, r.page_id DESC",  # search_record_newest
            "title": "lower(r.title), r.page_id",
        }[sort]

    @staticmethod
    def _filter_sql(filters: dict[str, tuple[str, ...]], alias: str, skip: str = ""):
        """SQL conditions (and their parameters) for the selected facet values."""
        conditions, params = [], []
        for name, values in filters.items():
            if name == skip:
                continue
            if name in ARRAY_FACETS:
                conditions.append(f"{alias}.{ARRAY_FACETS[name]} && %s::varchar[]")
            else:
                conditions.append(f"{alias}.{SCALAR_FACETS[name]} = ANY(%s)")
            params.append(list(values))
        return conditions, params

    def _page(self, cursor, request: SearchRequest, plan: Plan, head=None) -> list[Hit]:
        if not self._ranked(request, plan):
            cte, cte_params, source, where, params = self._source(request, plan)
            conditions, filter_params = self._filter_sql(request.filters, "r")
            cursor.execute(
                f"""
                WITH {cte}
                SELECT r.page_id, m.score, m.similarity FROM {source}
                WHERE {" AND ".join(where + conditions)}
                ORDER BY {self._order(request)} LIMIT %s OFFSET %s
                """,
                [*cte_params, *params, *filter_params, request.page_size, request.offset],
            )
            return [_hit(pk, 0.0, score, similarity) for pk, score, similarity in cursor.fetchall()]
        if head is None:
            head = self._fused_head(cursor, request, plan)
        end = request.offset + request.page_size
        hits = head[request.offset : end]
        if end > len(head):
            hits += self._lexical_tail(
                cursor, request, plan, [h.page_id for h in head],
                max(0, request.offset - len(head)), end - max(request.offset, len(head)),
            )  # fmt: skip
        return hits

    def _fused_head(self, cursor, request: SearchRequest, plan: Plan) -> list[Hit]:
        """The best RERANK_WINDOW word matches (re-ranked) and the matches by meaning, in one
        list by reciprocal rank fusion (search/fusion.py)."""
        cte, cte_params, source, where, params = self._source(request, plan)
        head_sql, head_params = self._head_sql(request, plan, source, where, params)
        cursor.execute(f"WITH {cte} {head_sql}", [*cte_params, *head_params])
        return self._fuse(cursor.fetchall())

    def _head_sql(self, request, plan, source, where, params) -> tuple[str, list]:
        """The rows the fused head is made of: (page id, re-ranked word score or NULL,
        coverage, similarity, published), for a statement that defines `m`."""
        conditions, filter_params = self._filter_sql(request.filters, "r")
        sql = f"""
            SELECT t.page_id,
                   t.score + %s * coalesce(ts_rank(%s::float4[], r.vector, %s::tsquery, 1|32), 0)
                       AS score,
                   t.coverage, t.similarity, t.published_at
            FROM (
                SELECT r.page_id, m.score * r.boost AS score, m.score AS coverage, m.similarity,
                       r.published_at
                FROM {source}
                WHERE m.score IS NOT NULL AND {" AND ".join(where + conditions)}
                ORDER BY m.score * r.boost DESC, r.published_at DESC NULLS LAST, r.page_id DESC
                LIMIT %s
            ) t JOIN {TABLE} r USING (page_id)
            UNION ALL
            SELECT r.page_id, NULL, NULL, m.similarity, r.published_at FROM {source}
            WHERE m.score IS NULL AND {" AND ".join(where + conditions)}
            """
        head_params = [
            RERANK_WEIGHT, RANK_WEIGHTS, plan.any_words or None,
            *params, *filter_params, RERANK_WINDOW,
            *params, *filter_params,
        ]  # fmt: skip
        return sql, head_params

    @staticmethod
    def _fuse(rows) -> list[Hit]:
        newest = {pk: published for pk, _s, _c, _m, published in rows}

        def recency(pk: int) -> tuple:
            published = newest.get(pk)
            return (published is not None, published.timestamp() if published else 0, pk)

        lexical = sorted(
            ((pk, score, coverage) for pk, score, coverage, _sim, _p in rows if score is not None),
            key=lambda row: (row[1], *recency(row[0])),
            reverse=True,
        )
        semantic = sorted(
            ((pk, sim) for pk, _score, _c, sim, _p in rows if sim is not None),
            key=lambda row: (row[1], *recency(row[0])),
            reverse=True,
        )
        return fused_hits(lexical, semantic)

    def _lexical_tail(self, cursor, request, plan, skip: list[int], offset: int, limit: int):
        """Word matches after the fused head, in their word score's order."""
        cte, cte_params, source, where, params = self._source(request, plan)
        conditions, filter_params = self._filter_sql(request.filters, "r")
        cursor.execute(
            f"""
            WITH {cte}
            SELECT r.page_id, m.score * r.boost FROM {source}
            WHERE m.score IS NOT NULL AND NOT r.page_id = ANY(%s) AND {" AND ".join(where + conditions)}
            ORDER BY m.score * r.boost DESC, r.published_at DESC NULLS LAST, r.page_id DESC
            LIMIT %s OFFSET %s
            """,
            [*cte_params, skip, *params, *filter_params, limit, offset],
        )
        return [_hit(pk, float(score), score, None) for pk, score in cursor.fetchall()]

    def _count(self, cursor, request: SearchRequest, plan: Plan) -> int:
        cte, cte_params, source, where, params = self._source(request, plan)
        conditions, filter_params = self._filter_sql(request.filters, "r")
        cursor.execute(
            f"WITH {cte} SELECT count(*) FROM {source} WHERE {' AND '.join(where + conditions)}",
            [*cte_params, *params, *filter_params],
        )
        return cursor.fetchone()[0]

    def _counts(self, cursor, request: SearchRequest, plan: Plan, *, with_head: bool = False):
        """The total and every facet's counts in one pass over the matching rows; with
        `with_head`, in the same statement (the matches computed once), the rows of the fused
        head (see _fused_head).

        GROUP BY GROUPING SETS ((themes), (target_groups), ..., ()): each facet's set counts
        with the other facets' filters (count(*) FILTER (WHERE ...)), the empty set with all
        of them (the total); then only the distinct arrays of each set are unnested.
        """
        filters = request.filters
        cte, cte_params, source, base_where, base_params = self._source(request, plan)
        aggregates, params = [], []
        for name in [*FACETS, ""]:  # "" skips no facet: the total
            conditions, filter_params = self._filter_sql(filters, "r", skip=name)
            where = " AND ".join(conditions) or "TRUE"
            aggregates.append(f"count(*) FILTER (WHERE {where})")
            params.extend(filter_params)
        width = len(FACETS)
        everything = 2**width - 1  # GROUPING() of the empty set: every column aggregated
        # GROUPING(c1, ..., cN) has a 0 bit (c1 the highest) for the set's own column.
        own_count = " ".join(
            f"WHEN gs & {1 << (width - 1 - i)} = 0 THEN n{i}" for i in range(width)
        )
        arrays = ", ".join(ARRAY_FACETS[n] for n in FACETS if n in ARRAY_FACETS)
        scalars = ", ".join(SCALAR_FACETS[n] for n in FACETS if n in SCALAR_FACETS)
        counts_sql = f"""
            SELECT gs, v, sum(CASE {own_count} END)::int AS n
            FROM g, unnest(coalesce({arrays}, ARRAY[coalesce({scalars})])) v
            WHERE gs <> {everything} AND v <> '' GROUP BY gs, v
            UNION ALL
            SELECT gs, NULL, n{width} FROM g WHERE gs = {everything}
            """
        statement = f"""
            WITH {cte},
            g AS (
                SELECT {", ".join(COLUMNS)}, GROUPING({", ".join(COLUMNS)}) AS gs,
                       {", ".join(f"{agg} AS n{i}" for i, agg in enumerate(aggregates))}
                FROM {source} WHERE {" AND ".join(base_where)}
                GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in COLUMNS)}, ())
            )
            """
        statement_params = [*cte_params, *params, *base_params]
        head_rows = None
        if with_head:
            head_sql, head_params = self._head_sql(request, plan, source, base_where, base_params)
            statement += f"""
                , counts AS ({counts_sql}), head AS ({head_sql})
                SELECT (SELECT coalesce(json_agg(json_build_array(gs, v, n)), '[]') FROM counts),
                       (SELECT coalesce(json_agg(json_build_array(
                            page_id, score, coverage, similarity, published_at)), '[]') FROM head)
                """
            cursor.execute(statement, [*statement_params, *head_params])
            count_rows, head_json = cursor.fetchone()
            head_rows = [(pk, sc, cov, sim, _timestamp(p)) for pk, sc, cov, sim, p in head_json]
        else:
            cursor.execute(statement + counts_sql, statement_params)
            count_rows = cursor.fetchall()
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        total = 0
        for gs, value, count in count_rows:
            if gs == everything:
                total = count
            elif count:
                own = next(i for i in range(width) if not gs & (1 << (width - 1 - i)))
                facets[FACETS[own]][value] = count
        if with_head:
            return total, facets, self._fuse(head_rows)
        return total, facets

    def _add_snippets(self, cursor, hits: list[Hit], plan: Plan) -> None:
        """Fragments with the matching words marked, each in the practice's own analysis; a
        practice found by meaning alone shows its summary."""
        cursor.execute(
            f"""
            SELECT r.page_id,
                   CASE WHEN r.vector @@ q.tsq
                        THEN ts_headline(r.config::regconfig, r.summary || ' … ' || r.text, q.tsq, %s)
                        ELSE r.summary END
            FROM {TABLE} r, (SELECT %s::tsquery AS tsq) q WHERE r.page_id = ANY(%s)
            """,
            [HEADLINE_OPTIONS, plan.any_words, [hit.page_id for hit in hits]],
        )
        snippets = dict(cursor.fetchall())
        for hit in hits:
            hit.snippet = snippets.get(hit.page_id, "")

    def suggest_titles(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT page_id, title FROM {TABLE}
                WHERE title ILIKE %s OR title ILIKE %s
                ORDER BY (title ILIKE %s) DESC, similarity(title, %s) DESC, title
                LIMIT %s
                """,
                [f"{pattern}%", f"% {pattern}%", f"{pattern}%", prefix, limit],
            )
            return cursor.fetchall()

    def similar(self, page_id: int, limit: int) -> list[int]:
        """Practices like this one, by two lists fused: shared themes, target groups and
        activities, the same country and words of the title and summary in common; and the
        nearest in meaning (its embedding), so that practices about the same approach written
        in different languages are similar too."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH s AS (
                    SELECT r.*, replace(
                        plainto_tsquery(r.config::regconfig, r.title || ' ' || r.summary)::text,
                        ' & ', ' | '
                    ) AS words
                    FROM {TABLE} r WHERE r.page_id = %s
                ), t AS (SELECT s.*, CASE WHEN s.words = '' THEN NULL ELSE s.words::tsquery END AS tsq FROM s),
                c AS (
                    SELECT o.page_id, o.vector, o.published_at,
                        3 * cardinality(ARRAY(SELECT unnest(o.themes) INTERSECT SELECT unnest(t.themes)))
                        + 2 * cardinality(ARRAY(SELECT unnest(o.target_groups)
                                                INTERSECT SELECT unnest(t.target_groups)))
                        + cardinality(ARRAY(SELECT unnest(o.activities) INTERSECT SELECT unnest(t.activities)))
                        + 0.5 * (o.country = t.country AND o.country <> '')::int AS shared
                    FROM {TABLE} o, t
                    WHERE o.page_id <> t.page_id
                      AND (o.themes && t.themes OR o.target_groups && t.target_groups
                           OR o.head @@ t.tsq)
                    ORDER BY shared DESC
                    LIMIT {SIMILAR_CANDIDATES}
                )
                SELECT c.page_id, c.shared + 10 * coalesce(ts_rank('{RANK_WEIGHTS}', c.vector, t.tsq), 0)
                FROM c, t
                ORDER BY 2 DESC, c.published_at DESC NULLS LAST
                LIMIT %s
                """,
                [page_id, limit * 2],
            )
            related = [(pk, float(score), 1.0) for pk, score in cursor.fetchall()]
            nearest = self.nearest_to_page(cursor, page_id, limit * 2)
        return [hit.page_id for hit in fused_hits(related, nearest)][:limit]

    def nearest_to_page(self, cursor, page_id: int, limit: int) -> list[tuple[int, float]]:
        from search import embeddings, vectors

        embedder = embeddings.get_embedder()
        if embedder is None or not vectors.available():
            return []
        cursor.execute(
            f"SELECT vector FROM {vectors.TABLE} WHERE page_id = %s AND model = %s",
            [page_id, embedder.name],
        )
        row = cursor.fetchone()
        if row is None:
            return []
        dimension = len(row[0])
        vectors.set_search_options(cursor)
        cursor.execute(
            f"""
            SELECT e.page_id, 1 - ({vectors.nearest_sql(dimension)})
            FROM {vectors.TABLE} e JOIN {TABLE} r USING (page_id)
            WHERE e.model = %s AND cardinality(e.vector) = {dimension} AND e.page_id <> %s
            ORDER BY {vectors.nearest_sql(dimension)} LIMIT %s
            """,
            [vectors.literal(row[0]), embedder.name, page_id, vectors.literal(row[0]), limit],
        )
        found = [(pk, float(similarity)) for pk, similarity in cursor.fetchall()]
        return similar_enough(found, embedder.passage_floor, embedder.similarity_spread)

    # -- indexing --------------------------------------------------------------------------

    def index_pages(self, page_ids: Iterable[int], *, count_lexemes: bool = True) -> None:
        page_ids = list(page_ids)
        if not page_ids:
            return
        pages = list(
            PracticePage.objects.live().originals().filter(pk__in=page_ids).for_listing()
            .select_related("organisation_type").with_transferred()
        )  # fmt: skip
        translations = translations_of(pages)
        records = [record_for(page, translations.get(page.translation_key, ())) for page in pages]
        gone = set(page_ids) - {page.pk for page in pages}
        with transaction.atomic(), connection.cursor() as cursor:
            if count_lexemes:
                count_lexemes_of(cursor, page_ids, sign=-1)  # the old texts leave the counts
            if gone:
                SearchRecord.objects.filter(page_id__in=gone).delete()
            SearchRecord.objects.bulk_create(
                records,
                update_conflicts=True,
                unique_fields=["page"],
                update_fields=[f.name for f in SearchRecord._meta.concrete_fields
                               if f.name not in ("page", "vector", "head")],
            )  # fmt: skip
            ids = [page.pk for page in pages]
            analysed = [analysed_record(record) for record in records]
            cursor.execute(
                f"""
                UPDATE {TABLE} r SET
                    vector = setweight(to_tsvector(a.config::regconfig, a.title), 'A')
                        || setweight(to_tsvector(a.config::regconfig, a.summary)
                                     || to_tsvector('english', r.keywords), 'B')
                        || setweight(to_tsvector(a.config::regconfig, a.text), 'C'),
                    head = to_tsvector(a.config::regconfig, a.title || ' ' || a.summary)
                        || to_tsvector('english', r.keywords)
                FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
                    AS a(page_id, config, title, summary, text)
                WHERE r.page_id = a.page_id
                """,
                [list(column) for column in zip(*analysed, strict=True)] or [[]] * 5,
            )
            if count_lexemes:
                count_lexemes_of(cursor, ids, sign=1)
            add_to_vocabulary(
                cursor,
                f"SELECT * FROM {TABLE} WHERE page_id IN ({','.join(map(str, ids)) or 'NULL'})",
            )

    def remove_pages(self, page_ids: Iterable[int]) -> None:
        page_ids = list(page_ids)
        with transaction.atomic(), connection.cursor() as cursor:
            count_lexemes_of(cursor, page_ids, sign=-1)
            SearchRecord.objects.filter(page_id__in=page_ids).delete()

    def rebuild(self, progress: Progress | None = None) -> int:
        ids = list(
            PracticePage.objects.live().originals().order_by("pk").values_list("pk", flat=True)
        )
        with transaction.atomic():
            SearchRecord.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE search_searchterm, {SearchLexeme._meta.db_table}")
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                self.index_pages(chunk, count_lexemes=False)
                if progress:
                    progress(len(chunk))
            with connection.cursor() as cursor:
                count_lexemes_of(cursor, None, sign=1)
        return len(ids)

    def indexed_ids(self) -> set[int]:
        return set(SearchRecord.objects.values_list("page_id", flat=True))


def _timestamp(value: str | None) -> datetime | None:
    """A timestamp from json_build_array (ISO 8601 text)."""
    return datetime.fromisoformat(value) if value else None


def _hit(page_id: int, score: float, lexical: float | None, similarity: float | None) -> Hit:
    matched = {WORDS} if lexical is not None else set()
    if similarity is not None:
        matched.add(MEANING)
    return Hit(page_id=page_id, score=score, matched=frozenset(matched))


def analysed_record(record: SearchRecord) -> tuple[int, str, str, str, str]:
    """(page id, configuration, title, summary, text) as given to to_tsvector: stemmed in
    Python first for the languages PostgreSQL has no stemmer for."""
    analysis = analysis_for(record.language)
    return (
        record.page_id,
        analysis.config,
        analysed_text(record.title, analysis),
        analysed_text(record.summary, analysis),
        analysed_text(record.text, analysis),
    )


def count_lexemes_of(cursor, page_ids: list[int] | None, *, sign: int) -> None:
    """Add (sign 1) or take away (-1) the lexemes of these records' vectors (every record's
    when None) to the document frequencies in search_searchlexeme."""
    table = SearchLexeme._meta.db_table
    where = (
        ""
        if page_ids is None
        else f"WHERE page_id IN ({','.join(map(str, map(int, page_ids))) or 'NULL'})"
    )
    stat = f"ts_stat($$SELECT vector FROM {TABLE} {where}$$)"
    if sign > 0:
        cursor.execute(
            f"INSERT INTO {table} (lexeme, documents) SELECT word, ndoc FROM {stat} "
            f"ON CONFLICT (lexeme) DO UPDATE SET documents = {table}.documents + EXCLUDED.documents"
        )
    else:
        cursor.execute(
            f"UPDATE {table} l SET documents = greatest(l.documents - s.ndoc, 0) "
            f"FROM {stat} s WHERE l.lexeme = s.word"
        )


def record_for(page: PracticePage, translations=()) -> SearchRecord:
    """The practice's search record; the titles and summaries of its translations go with its
    names, so words of the reader's language find the practice too."""
    themes = list(page.themes.all())
    groups = page.target_group_list
    recent = page.first_published_at and page.first_published_at > timezone.now() - timedelta(
        days=730
    )
    keywords = [t.name for t in themes] + [g.name for g in groups]
    keywords += [page.partner_title or "", page.organisation_name, page.region]
    keywords += [text for other in translations for text in (other.title, other.summary)]
    return SearchRecord(
        page_id=page.pk,
        title=page.title,
        summary=page.summary,
        text=page.plain_text(),
        keywords=" · ".join(k for k in keywords if k),
        partner=page.facet_partner() or "",
        country=str(page.country or ""),
        org_type=page.facet_org_type() or "",
        themes=sorted(t.slug for t in themes),
        target_groups=[g.slug for g in groups],
        activities=page.facet_activities(),
        start_year=page.start_year,
        transferred=page.facet_transferred(),
        published_at=page.first_published_at,
        label=page.facet_label() or "",
        language=page.language or "en",
        config=analysis_for(page.language).config,
        # Small nudges that never outweigh relevance: recent, and assessed by the panel.
        boost=1.0 + (0.05 if recent else 0) + (0.05 if page.assessment else 0),
    )


def add_to_vocabulary(cursor, records_sql: str) -> None:
    """Add the words of some records to the spelling vocabulary (search_searchterm)."""
    cursor.execute(
        f"""
        INSERT INTO search_searchterm (word, stem, frequency)
        SELECT word, (ts_lexize('english_stem', word))[1], ndoc
        FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || summary || ' ' || keywords
                                          || ' ' || text) FROM ({records_sql}) AS x$$)
        WHERE length(word) BETWEEN 3 AND 60 AND word ~ '^[[:alpha:]]+$'
          AND (ts_lexize('english_stem', word))[1] IS NOT NULL
        ON CONFLICT (word) DO UPDATE
            SET frequency = search_searchterm.frequency + EXCLUDED.frequency
        """
    )
