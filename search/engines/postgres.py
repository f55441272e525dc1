"""The default engine: PostgreSQL full-text search over the `SearchRecord` table.

One denormalised row per published practice carries a weighted tsvector (title A; summary and
names of themes, target groups, partner and place B; the written sections C), the facet values as
arrays and columns, and the text for snippets. A search is three statements whatever the size
of the result: the page of hits, the facet counts (all facets in one statement, each counted
with the other facets' filters), and the snippets of the hits (ts_headline).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from kb.models import PracticePage
from search.engines.base import (
    FACETS,
    ID_CHUNK,
    MARK_END,
    MARK_START,
    EngineResult,
    Hit,
    ParsedQuery,
    Progress,
    SearchRequest,
)
from search.models import SearchRecord

CONFIG = "english"
TABLE = SearchRecord._meta.db_table
# ts_rank weights for D, C, B, A: a title or summary match outranks one deep in the text.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
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


def tsquery_sql(query: ParsedQuery) -> tuple[str, list]:
    """AND of clauses, OR of each clause's alternatives (phrases keep their word order)."""
    parts, params = [], []
    for clause in query.clauses:
        alternatives = " || ".join(f"phraseto_tsquery('{CONFIG}', %s)" for _ in clause.alternatives)
        parts.append(f"({alternatives})")
        params.extend(clause.alternatives)
    return " && ".join(parts), params


class PostgresEngine:
    name = "postgres"

    # -- searching -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        has_text = not request.query.is_empty
        q_sql, q_params, base_where, base_params = self._base_conditions(request)
        filters = request.filters

        with connection.cursor() as cursor:
            if request.with_facets:
                total, facets = self._counts(
                    cursor, q_sql, q_params, base_where, base_params, filters
                )
                hits = (
                    self._page(cursor, request, q_sql, q_params, base_where, base_params, filters)
                    if total
                    else []
                )
            else:
                total, hits = self._hits(
                    cursor, request, q_sql, q_params, base_where, base_params, filters
                )
                facets = {}
            if hits and has_text:
                self._add_snippets(cursor, hits, q_sql, q_params)
        if not has_text:
            summaries = dict(
                SearchRecord.objects.filter(page_id__in=[h.page_id for h in hits]).values_list(
                    "page_id", "summary"
                )
            )
            for hit in hits:
                hit.snippet = summaries.get(hit.page_id, "")
        return EngineResult(total=total, hits=hits, facets=facets)

    def iter_ids(self, request: SearchRequest, *, chunk_size: int = ID_CHUNK) -> Iterator[int]:
        """Every matching id in the request's order, through a server-side cursor: PostgreSQL
        keeps the result and sends `chunk_size` rows per fetch."""
        q_sql, q_params, base_where, base_params = self._base_conditions(request)
        conditions, filter_params = self._filter_sql(request.filters, "r")
        score, order = self._score_and_order(request)
        # https://docs.djangoproject.com/en/stable/ref/databases/#server-side-cursors
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"""
                WITH q AS (SELECT {q_sql} AS tsq)
                SELECT r.page_id, {score} AS score FROM {TABLE} r, q
                WHERE {" AND ".join(base_where + conditions)}
                ORDER BY {order}
                """,
                [*q_params, *base_params, *filter_params],
            )
            while rows := cursor.fetchmany(chunk_size):
                yield from (row[0] for row in rows)

    @staticmethod
    def _base_conditions(request: SearchRequest) -> tuple[str, list, list[str], list]:
        """The tsquery (and its parameters), and the conditions of words and years."""
        has_text = not request.query.is_empty
        q_sql, q_params = tsquery_sql(request.query) if has_text else ("NULL::tsquery", [])
        base_where, base_params = ["TRUE"], []
        if has_text:
            base_where.append("r.vector @@ q.tsq")
        if request.year_from is not None:
            base_where.append("r.start_year >= %s")
            base_params.append(request.year_from)
        if request.year_to is not None:
            base_where.append("r.start_year <= %s")
            base_params.append(request.year_to)
        return q_sql, q_params, base_where, base_params

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

    @staticmethod
    def _score_and_order(request: SearchRequest) -> tuple[str, str]:
        if request.query.is_empty:
            score, sort = "0", "newest" if request.sort == "relevance" else request.sort
        else:
            score, sort = (
                f"ts_rank_cd('{RANK_WEIGHTS}', r.vector, q.tsq, 1) * r.boost",
                request.sort,
            )
        order = {
            "relevance": "score DESC, r.published_at DESC NULLS LAST, r.page_id DESC",
            "newest": "r.published_at DESC NULLS LAST, r.page_id DESC",  # search_record_newest
            "title": "lower(r.title), r.page_id",
        }[sort]
        return score, order

    def _page(self, cursor, request, q_sql, q_params, base_where, base_params, filters):
        """One page of hits; an index on the sort key can stop after the page."""
        conditions, filter_params = self._filter_sql(filters, "r")
        score, order = self._score_and_order(request)
        cursor.execute(
            f"""
            WITH q AS (SELECT {q_sql} AS tsq)
            SELECT r.page_id, {score} AS score FROM {TABLE} r, q
            WHERE {" AND ".join(base_where + conditions)}
            ORDER BY {order} LIMIT %s OFFSET %s
            """,
            [*q_params, *base_params, *filter_params, request.page_size, request.offset],
        )
        return [Hit(page_id=row[0], score=float(row[1])) for row in cursor.fetchall()]

    def _hits(self, cursor, request, q_sql, q_params, base_where, base_params, filters):
        """A page of hits and the total, when no facet counts are wanted."""
        hits = self._page(cursor, request, q_sql, q_params, base_where, base_params, filters)
        conditions, filter_params = self._filter_sql(filters, "r")
        cursor.execute(
            f"WITH q AS (SELECT {q_sql} AS tsq) SELECT count(*) FROM {TABLE} r, q "
            f"WHERE {' AND '.join(base_where + conditions)}",
            [*q_params, *base_params, *filter_params],
        )
        return cursor.fetchone()[0], hits

    def _counts(self, cursor, q_sql, q_params, base_where, base_params, filters):
        """The total and every facet's counts in one pass over the matching rows.

        GROUP BY GROUPING SETS ((themes), (target_groups), ..., ()): each facet's set counts
        with the other facets' filters (count(*) FILTER (WHERE ...)), the empty set with all
        of them (the total); then only the distinct arrays of each set are unnested.
        """
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
        cursor.execute(
            f"""
            WITH q AS (SELECT {q_sql} AS tsq),
            g AS (
                SELECT {", ".join(COLUMNS)}, GROUPING({", ".join(COLUMNS)}) AS gs,
                       {", ".join(f"{agg} AS n{i}" for i, agg in enumerate(aggregates))}
                FROM {TABLE} r, q WHERE {" AND ".join(base_where)}
                GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in COLUMNS)}, ())
            )
            SELECT gs, v, sum(CASE {own_count} END)::int
            FROM g, unnest(coalesce({arrays}, ARRAY[coalesce({scalars})])) v
            WHERE gs <> {everything} AND v <> '' GROUP BY gs, v
            UNION ALL
            SELECT gs, NULL, n{width} FROM g WHERE gs = {everything}
            """,
            [*q_params, *params, *base_params],
        )
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        total = 0
        for gs, value, count in cursor.fetchall():
            if gs == everything:
                total = count
            elif count:
                own = next(i for i in range(width) if not gs & (1 << (width - 1 - i)))
                facets[FACETS[own]][value] = count
        return total, facets

    def _add_snippets(self, cursor, hits: list[Hit], q_sql, q_params) -> None:
        cursor.execute(
            f"""
            WITH q AS (SELECT {q_sql} AS tsq)
            SELECT r.page_id, ts_headline('{CONFIG}', r.summary || ' … ' || r.text, q.tsq, %s)
            FROM {TABLE} r, q WHERE r.page_id = ANY(%s)
            """,
            [*q_params, HEADLINE_OPTIONS, [hit.page_id for hit in hits]],
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
        """Shared themes, target groups and activities, the same country, and the words of the
        title and summary in common (an OR query over their lexemes), in one score."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH s AS (
                    SELECT r.*, replace(
                        plainto_tsquery('{CONFIG}', r.title || ' ' || r.summary)::text, ' & ', ' | '
                    ) AS words
                    FROM {TABLE} r WHERE r.page_id = %s
                ), t AS (SELECT s.*, CASE WHEN s.words = '' THEN NULL ELSE s.words::tsquery END AS tsq FROM s)
                SELECT o.page_id,
                    3 * cardinality(ARRAY(SELECT unnest(o.themes) INTERSECT SELECT unnest(t.themes)))
                    + 2 * cardinality(ARRAY(SELECT unnest(o.target_groups)
                                            INTERSECT SELECT unnest(t.target_groups)))
                    + cardinality(ARRAY(SELECT unnest(o.activities) INTERSECT SELECT unnest(t.activities)))
                    + 0.5 * (o.country = t.country AND o.country <> '')::int
                    + 10 * coalesce(ts_rank('{RANK_WEIGHTS}', o.vector, t.tsq), 0) AS score
                FROM {TABLE} o, t
                WHERE o.page_id <> t.page_id
                  AND (o.themes && t.themes OR o.target_groups && t.target_groups
                       OR o.vector @@ t.tsq)
                ORDER BY score DESC, o.published_at DESC NULLS LAST
                LIMIT %s
                """,
                [page_id, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    # -- indexing --------------------------------------------------------------------------

    def index_pages(self, page_ids: Iterable[int]) -> None:
        page_ids = list(page_ids)
        if not page_ids:
            return
        pages = list(
            PracticePage.objects.live().filter(pk__in=page_ids).for_listing()
            .select_related("organisation_type")
        )  # fmt: skip
        records = [record_for(page) for page in pages]
        gone = set(page_ids) - {page.pk for page in pages}
        with transaction.atomic():
            if gone:
                SearchRecord.objects.filter(page_id__in=gone).delete()
            SearchRecord.objects.bulk_create(
                records,
                update_conflicts=True,
                unique_fields=["page"],
                update_fields=[f.name for f in SearchRecord._meta.concrete_fields
                               if f.name not in ("page", "vector")],
            )  # fmt: skip
            ids = [page.pk for page in pages]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    UPDATE {TABLE} SET vector =
                        setweight(to_tsvector('{CONFIG}', title), 'A')
                        || setweight(to_tsvector('{CONFIG}', summary || ' ' || keywords), 'B')
                        || setweight(to_tsvector('{CONFIG}', text), 'C')
                    WHERE page_id = ANY(%s)
                    """,
                    [ids],
                )
                add_to_vocabulary(
                    cursor,
                    f"SELECT * FROM {TABLE} WHERE page_id IN ({','.join(map(str, ids)) or 'NULL'})",
                )

    def remove_pages(self, page_ids: Iterable[int]) -> None:
        SearchRecord.objects.filter(page_id__in=list(page_ids)).delete()

    def rebuild(self, progress: Progress | None = None) -> int:
        ids = list(PracticePage.objects.live().order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            SearchRecord.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE search_searchterm")
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                self.index_pages(chunk)
                if progress:
                    progress(len(chunk))
        return len(ids)

    def indexed_ids(self) -> set[int]:
        return set(SearchRecord.objects.values_list("page_id", flat=True))


def record_for(page: PracticePage) -> SearchRecord:
    themes = list(page.themes.all())
    groups = page.target_group_list
    recent = page.first_published_at and page.first_published_at > timezone.now() - timedelta(
        days=730
    )
    keywords = [t.name for t in themes] + [g.name for g in groups]
    keywords += [page.partner_title or "", page.organisation_name, page.region]
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
        published_at=page.first_published_at,
        label=page.facet_label() or "",
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
