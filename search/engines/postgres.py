"""The default engine: PostgreSQL full-text search over the `SearchRecord` table.

One denormalised row per published practice carries a weighted tsvector (title A; summary and
names of themes, target groups, partner and place B; the written sections C), the facet values as
arrays and columns, and the text for snippets. A search is three statements whatever the size
of the result: the page of hits, the facet counts (all facets in one statement, each counted
with the other facets' filters), and the snippets of the hits (ts_headline).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from kb.models import PracticePage
from search.engines.base import (
    FACETS,
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
        filters = request.filters

        with connection.cursor() as cursor:
            total, hits = self._hits(
                cursor, request, q_sql, q_params, base_where, base_params, filters
            )
            facets = (
                self._facets(cursor, q_sql, q_params, base_where, base_params, filters)
                if request.with_facets
                else {}
            )
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

    def _hits(self, cursor, request, q_sql, q_params, base_where, base_params, filters):
        conditions, filter_params = self._filter_sql(filters, "r")
        where = base_where + conditions
        params = q_params + base_params + filter_params
        score = (
            f"ts_rank_cd('{RANK_WEIGHTS}', r.vector, q.tsq, 1) * r.boost"
            if not request.query.is_empty
            else "0"
        )
        order = {
            "relevance": "score DESC, r.published_at DESC NULLS LAST, r.page_id DESC",
            "newest": "r.published_at DESC NULLS LAST, r.page_id DESC",
            "title": "lower(r.title), r.page_id",
        }[
            request.sort
            if not (request.sort == "relevance" and request.query.is_empty)
            else "newest"
        ]
        cursor.execute(
            f"""
            WITH q AS (SELECT {q_sql} AS tsq)
            SELECT r.page_id, {score} AS score, count(*) OVER () AS total
            FROM {TABLE} r, q
            WHERE {" AND ".join(where)}
            ORDER BY {order}
            LIMIT %s OFFSET %s
            """,
            [*params, request.page_size, request.offset],
        )
        rows = cursor.fetchall()
        if rows:
            total = rows[0][2]
        else:
            cursor.execute(
                f"WITH q AS (SELECT {q_sql} AS tsq) SELECT count(*) FROM {TABLE} r, q "
                f"WHERE {' AND '.join(where)}",
                params,
            )
            total = cursor.fetchone()[0]
        return total, [Hit(page_id=row[0], score=float(row[1])) for row in rows]

    def _facets(self, cursor, q_sql, q_params, base_where, base_params, filters):
        selects, params = [], []
        for name in FACETS:
            conditions, filter_params = self._filter_sql(filters, "b", skip=name)
            where = " AND ".join(["TRUE", *conditions])
            params.extend(filter_params)
            if name in ARRAY_FACETS:
                column = ARRAY_FACETS[name]
                selects.append(
                    f"SELECT '{name}', v, count(*) FROM base b, unnest(b.{column}) v "
                    f"WHERE {where} GROUP BY v"
                )
            else:
                column = SCALAR_FACETS[name]
                selects.append(
                    f"SELECT '{name}', b.{column}, count(*) FROM base b "
                    f"WHERE {where} AND b.{column} <> '' GROUP BY b.{column}"
                )
        cursor.execute(
            f"""
            WITH q AS (SELECT {q_sql} AS tsq),
            base AS MATERIALIZED (
                SELECT r.themes, r.target_groups, r.activities, r.country, r.partner, r.org_type,
                       r.label
                FROM {TABLE} r, q WHERE {" AND ".join(base_where)}
            )
            {" UNION ALL ".join(selects)}
            """,
            [*q_params, *base_params, *params],
        )
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for name, value, count in cursor.fetchall():
            facets[name][value] = count
        return facets

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
