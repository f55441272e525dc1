"""The search benchmark behind `make bench-search` (manage.py bench_search, docs/benchmarks.md).

1. A synthetic corpus: N published practices written straight into the page tree with COPY
   (materialised paths computed here, as treebeard would), recombining the sentences of
   kb/data/demo_practices.jsonl so that texts read like practices and still differ.
2. The indexing rate of the engine (`rebuild`).
3. A fixed, seeded mix of queries, each timed through /api/search/ (Django's test client: the
   whole view, middleware and JSON included) and through `engine.search()` alone.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import django
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

import wagtail
from wagtail.models import Page

from kb.models import (
    ActivityType,
    Assessment,
    OrganisationType,
    PartnerPage,
    PolicyFramework,
    PracticePage,
    TaggedPractice,
    TargetGroup,
    Theme,
)
from kb.seeding import DEMO_PRACTICES_FILE
from kb.text import plain_to_html
from search import embeddings, service
from search.engines.base import Progress, SearchEngine, SearchRequest
from search.models import PracticeEmbedding, SearchRecord, SearchTerm
from search.params import parse_params
from search.query import parse_query, query_text
from search.service import facet_vocabulary

EXTERNAL_PREFIX = "bench-"
BATCH = 2000
SECTIONS = ("problem", "approach", "results", "evidence", "resources", "transferability", "lessons")
# Rare words (about 1 practice in 500 each): the small result sets of the mix.
RARE_WORDS = ("hippotherapy", "bibliotherapy", "agroforestry", "timebank", "photovoice")
RARE_RATE = 0.002
ASSESSED_RATE = 0.08  # practices with an expert assessment: the "label" facet
LABELS = {"promising": 6, "good": 3, "best": 1}  # relative weights
CRITERIA = ("relevance", "evidence", "impact", "transferability", "sustainability",
            "participation", "innovation")  # fmt: skip
OTHER_COUNTRIES = ("DE", "FR", "IT", "PT", "NL", "AT", "CZ", "SK", "SI", "HR", "GR", "IE", "SE")
ORG_KINDS = ("Social Welfare Centre", "Municipal Office", "Community Foundation",
             "Social Cooperative", "Youth Association", "Family Support Centre")  # fmt: skip
# Per practice, each key is written as one of its variants: the same sentence, other words.
VARIANTS = {
    "programme": ("programme", "scheme", "project", "initiative"),
    "municipality": ("municipality", "town", "commune"),
    "residents": ("residents", "inhabitants", "locals"),
    "workshops": ("workshops", "sessions", "meetings"),
    "staff": ("staff", "workers", "team members"),
    "region": ("region", "county", "province"),
}
VARIANT_RE = re.compile(r"\b(" + "|".join(VARIANTS) + r")\b")
SMALL_NUMBER = re.compile(r"\b\d{1,3}\b")
SYLLABLES = ("bra", "zel", "nov", "ka", "lin", "ost", "mir", "dor", "vel", "pol", "sta", "gra",
             "ber", "tes", "ri", "ana", "ice", "ovo", "sk", "lo", "mar", "ven", "du", "cz")  # fmt: skip

# The query mix. Phrases and synonyms go through the synonym groups of search/data/synonyms.txt.
PHRASES = ("social cooperative", "older people", "long-term unemployed", "young people",
           "public procurement", "local action group", "digital skills", "foster care")  # fmt: skip
TYPOS = ("disabilty", "cooperativ", "homeles", "unemploymnet", "integraton", "volunteerng",
         "childern", "povetry")  # fmt: skip
SYNONYMS = ("elderly", "rough sleepers", "jobless", "youth", "ngo", "immigrants", "kids",
            "isolation")  # fmt: skip
# Long natural-language queries, paraphrases (other words than the practices use) and queries
# in the network's other languages: found by meaning as much as by words.
NATURAL = (
    "how to integrate refugees from day one with help of local volunteers",
    "how can a small town get long-term unemployed people back into work",
    "what works to keep older people living alone in touch with their neighbours",
    "ways to involve residents in deciding how the municipal budget is spent",
    "support for families so that children do not end up in institutional care",
    "training and jobs for people with disabilities in a social enterprise",
)  # fmt: skip
PARAPHRASES = (
    "befriending isolated seniors", "roofless people given an apartment without preconditions",
    "female newcomers earning a wage", "kids who dropped out of school",
    "cheap meals cooked by people who had no job", "cold homes and unpaid heating bills",
)  # fmt: skip
NON_ENGLISH = (
    "samotność osób starszych", "vivienda primero para personas sin hogar",
    "roma egészségügyi mediátorok", "спорт за социално включване",
    "preventie van radicalisering", "insertion professionnelle des jeunes",
    "economia socială și locuri de muncă", "brīvprātīgie vecākiem cilvēkiem",
)  # fmt: skip
KINDS = ("keyword", "phrase", "typo", "synonym", "rare", "natural", "paraphrase", "non-english",
         "facets", "keyword+facets", "sorted", "paged")  # fmt: skip
TEXT_KINDS = ("natural", "paraphrase", "non-english")
FACETED = ("facets", "keyword+facets")
STOP = {"about", "after", "their", "which", "where", "with", "from", "into", "that", "this",
        "regional", "local", "municipal", "national"}  # fmt: skip


def _rng(seed: object) -> random.Random:
    return random.Random(str(seed))  # noqa: S311 - reproducible test data, not secrets


# -- corpus ------------------------------------------------------------------------------------


def bench_database(force: bool, make_target: str) -> str:
    """The current database's name; refuses (CommandError) one whose name lacks 'bench',
    since the benchmarks create and delete many pages."""
    from django.core.management.base import CommandError

    name = connection.settings_dict["NAME"] or ""
    if "bench" not in name and not force:
        raise CommandError(
            f"Refusing to run on database '{name}': the benchmark creates and deletes many "
            f"pages. Use a database whose name contains 'bench' ({make_target} does) or "
            "pass --force."
        )
    return name


@dataclass
class Material:
    """The demo practices cut into pieces to recombine."""

    sentences: dict[str, list[str]]
    summaries: list[str]
    heads: list[str]  # title parts before " for "
    tails: list[str]  # ... and after it
    organisations: list[str]
    towns: list[str]
    keywords: list[str]  # content words of the titles, for keyword queries


def load_material() -> Material:
    lines = DEMO_PRACTICES_FILE.read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    sentences = {
        name: [
            s.removeprefix("- ").strip()
            for row in rows
            for s in re.split(r"(?<=[.!?])\s+|\n+", row.get(name) or "")
            if len(s.strip()) > 20
        ]
        for name in SECTIONS
    }
    heads, tails = [], []
    for row in rows:
        head, _sep, tail = row["title"].partition(" for ")
        heads.append(head)
        if tail:
            tails.append(tail)
    syllables = _rng("towns")
    towns = sorted(
        {
            "".join(syllables.choice(SYLLABLES) for _ in range(syllables.randint(2, 3))).title()
            for _ in range(1500)
        }
        | {row["region"] for row in rows if row.get("region")}
    )
    words = {
        w for row in rows for w in re.findall(r"[a-z]{5,}", row["title"].lower()) if w not in STOP
    }
    return Material(
        sentences=sentences,
        summaries=[row["summary"] for row in rows],
        heads=heads,
        tails=tails,
        organisations=sorted({row["organisation"] for row in rows if row.get("organisation")}),
        towns=towns,
        keywords=sorted(words),
    )


def _zipf(n: int) -> list[float]:
    """Skewed weights, so that facet values have realistically unequal counts."""
    return [1 / (rank + 1) ** 0.6 for rank in range(n)]


def _pick(rng: random.Random, items: list, k: int) -> list:
    chosen: list = []
    weights = _zipf(len(items))
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


@dataclass
class Taxonomy:
    partners: list[PartnerPage]
    themes: list[int]
    groups: list[int]
    activities: list[int]
    frameworks: list[int]
    org_types: list[int]

    @classmethod
    def load(cls) -> Taxonomy:
        def ids(model: type[models.Model]) -> list[int]:
            return list(model.objects.order_by("slug").values_list("pk", flat=True))

        return cls(
            partners=list(PartnerPage.objects.order_by("path")),
            themes=ids(Theme),
            groups=ids(TargetGroup),
            activities=ids(ActivityType),
            frameworks=ids(PolicyFramework),
            org_types=list(OrganisationType.objects.order_by("pk").values_list("pk", flat=True)),
        )


def bench_practices() -> models.QuerySet:
    return PracticePage.objects.filter(external_id__startswith=EXTERNAL_PREFIX)


def _practice(i: int, material: Material, taxonomy: Taxonomy, now) -> dict:
    """Page fields, practice fields and relations of synthetic practice number `i`."""
    rng = _rng(f"practice-{i}")
    partner = _pick(rng, taxonomy.partners, 1)[0]
    variants = {key: rng.choice(values) for key, values in VARIANTS.items()}

    def vary(text: str) -> str:
        text = VARIANT_RE.sub(lambda m: variants[m.group(1)], text)
        return SMALL_NUMBER.sub(lambda m: str(rng.randint(1, 2 * int(m.group()) + 1)), text)

    town = rng.choice(material.towns)
    title = rng.choice(material.heads)
    if rng.random() < 0.6:
        title += " for " + rng.choice(material.tails)
    if rng.random() < 0.5:
        title += f" in {town}"
    start = rng.randint(2000, 2025)
    organisation = (
        rng.choice(material.organisations)
        if rng.random() < 0.3
        else f"{town} {rng.choice(ORG_KINDS)}"
    )
    texts = {}
    for name in SECTIONS:
        pool = material.sentences[name]
        picked = [vary(rng.choice(pool)) for _ in range(rng.randint(2, 5))]
        if name == "approach":
            picked += [
                f"Participants could also join {word} sessions run by volunteers."
                for word in RARE_WORDS
                if rng.random() < RARE_RATE
            ]
        joined = "\n".join(f"- {s}" for s in picked) if name == "resources" else " ".join(picked)
        texts[name] = plain_to_html(joined)
    published = now - timedelta(days=rng.uniform(0, 8 * 365))
    slug = f"{slugify(title)[:70]}-{i}"
    abroad = rng.random() < 0.15
    return {
        "partner": partner,
        "page": {
            "title": title[:255],
            "draft_title": title[:255],
            "slug": slug,
            "url_path": f"{partner.url_path}{slug}/",
            "first_published_at": published,
            "last_published_at": min(now, published + timedelta(days=rng.uniform(0, 200))),
        },
        "practice": {
            "summary": vary(rng.choice(material.summaries))[:520]
            + f" Run by {organisation} since {start}."[:80],
            **texts,
            "organisation_name": organisation[:255],
            "organisation_type": _pick(rng, taxonomy.org_types, 1)[0],
            "country": rng.choice(OTHER_COUNTRIES) if abroad else str(partner.country),
            "region": town,
            "latitude": partner.latitude + rng.uniform(-0.5, 0.5) if partner.latitude else None,
            "longitude": partner.longitude + rng.uniform(-0.5, 0.5) if partner.longitude else None,
            "start_year": start,
            "end_year": min(2025, start + rng.randint(1, 8)) if rng.random() < 0.4 else None,
            "external_id": f"{EXTERNAL_PREFIX}{i:06d}",
        },
        "themes": _pick(rng, taxonomy.themes, rng.randint(1, 3)),
        "groups": _pick(rng, taxonomy.groups, rng.randint(1, 3)),
        "activities": _pick(rng, taxonomy.activities, rng.randint(0, 2)),
        "frameworks": rng.sample(taxonomy.frameworks, rng.randint(0, 2)),
        "assessment": _assessment(i, published),
    }


def _assessment(i: int, published) -> dict | None:
    rng = _rng(f"assessment-{i}")  # its own stream: the practice's other fields stay the same
    if rng.random() >= ASSESSED_RATE:
        return None
    assessed = (published + timedelta(days=rng.uniform(30, 400))).date()
    scores = {f"{key}_score": rng.randint(2, 5) for key in CRITERIA}
    notes = {f"{key}_note": "Scored by the benchmark generator." for key in CRITERIA}
    return {
        "label": rng.choices(list(LABELS), list(LABELS.values()))[0],
        "summary": "A synthetic assessment.",
        **scores,
        **notes,
        "assessor_name": "Benchmark panel",
        "assessed_on": assessed,
        "reassess_on": assessed + timedelta(days=3 * 365),
    }


def _copy(cursor, model: type[models.Model], rows: list[dict]) -> None:
    """COPY rows (field name -> value) into the model's own table."""
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])


def generate_corpus(n: int, progress: Progress | None = None) -> int:
    """Add synthetic practices number len(existing)..n-1; returns how many were added.

    Practice i is always the same (seeded by i), so a corpus can be grown from 10k to 100k.
    """
    start = bench_practices().count()
    if start >= n:
        return 0
    material, taxonomy, now = load_material(), Taxonomy.load(), timezone.now()
    content_type = ContentType.objects.get_for_model(PracticePage).pk
    steps = {}
    for partner in taxonomy.partners:
        last = partner.get_last_child()
        steps[partner.pk] = Page._str2int(last.path[-Page.steplen :]) if last else 0
    throughs = {
        "themes": (PracticePage.themes.through, "theme"),
        "activities": (PracticePage.activity_types.through, "activitytype"),
        "frameworks": (PracticePage.policy_frameworks.through, "policyframework"),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(start, n, BATCH):
            size = min(BATCH, n - first)
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Page._meta.db_table, size],
            )
            ids = [row[0] for row in cursor.fetchall()]
            docs = [_practice(first + k, material, taxonomy, now) for k in range(size)]
            pages, practices, tagged, assessments = [], [], [], []
            related: dict[str, list[dict]] = defaultdict(list)
            for page_id, doc in zip(ids, docs, strict=True):
                partner = doc["partner"]
                steps[partner.pk] += 1
                pages.append({
                    "id": page_id, "path": Page._get_path(partner.path, partner.depth + 1,
                                                          steps[partner.pk]),
                    "depth": partner.depth + 1, "numchild": 0, "translation_key": uuid.uuid4(),
                    "locale": partner.locale_id, "live": True, "has_unpublished_changes": False,
                    "expired": False, "locked": False, "content_type": content_type,
                    "show_in_menus": False, "seo_title": "", "search_description": "",
                    **doc["page"],
                })  # fmt: skip
                practices.append({
                    "page_ptr": page_id, "body": "", "contact_name": "", "contact_email": "",
                    "contact_phone": "", "source_url": "", "language": "en", "is_sample": True,
                    "precondition_legal": "", "precondition_partners": "",
                    "precondition_infrastructure": "", "machine_translated": False,
                    **doc["practice"],
                })  # fmt: skip
                tagged += [{"tag": g, "content_object": page_id} for g in doc["groups"]]
                if doc["assessment"]:
                    assessments.append({"practice": page_id, **doc["assessment"]})
                for key, (_model, column) in throughs.items():
                    related[key] += [{"practicepage": page_id, column: v} for v in doc[key]]
            _copy(cursor, Page, pages)
            _copy(cursor, PracticePage, practices)
            _copy(cursor, TaggedPractice, tagged)
            _copy(cursor, Assessment, assessments)
            for key, (model, _column) in throughs.items():
                _copy(cursor, model, related[key])
            if progress:
                progress(size)
        _fix_numchild(cursor, [p.pk for p in taxonomy.partners])
    return n - start


NUMCHILD = f"""
UPDATE {Page._meta.db_table} p SET numchild = (
    SELECT count(*) FROM {Page._meta.db_table} c
    WHERE c.path LIKE p.path || '%%' AND c.depth = p.depth + 1)
WHERE p.id = ANY(%s)
"""  # noqa: S608 - table names only


def _fix_numchild(cursor, page_ids: list[int]) -> None:
    cursor.execute(NUMCHILD, [page_ids])


def clear_corpus() -> int:
    """Delete the synthetic practices (raw SQL: no signals, no per-page work)."""
    ids = list(bench_practices().values_list("pk", flat=True))
    if not ids:
        return 0
    partners = list(PartnerPage.objects.values_list("pk", flat=True))
    doomed = [
        (SearchRecord, "page"),
        (PracticeEmbedding, "page"),
        (PracticePage.themes.through, "practicepage"),
        (PracticePage.activity_types.through, "practicepage"),
        (PracticePage.policy_frameworks.through, "practicepage"),
        (TaggedPractice, "content_object"),
        (Assessment, "practice"),
        (PracticePage, "page_ptr"),
        (Page, "id"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, name in doomed:
            column = model._meta.get_field(name).column
            sql = f"DELETE FROM {model._meta.db_table} WHERE {column} = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [ids])
        _fix_numchild(cursor, partners)
    return len(ids)


TREE_CHECK = f"""
WITH kids AS (
    SELECT substr(path, 1, length(path) - 4) AS parent, count(*) AS n
    FROM {Page._meta.db_table} WHERE depth > 1 GROUP BY 1
)
SELECT count(*) FILTER (WHERE length(c.path) <> c.depth * 4),
       count(*) FILTER (WHERE c.depth > 1 AND p.id IS NULL),
       count(*) FILTER (WHERE c.numchild <> coalesce(k.n, 0)),
       count(*) FILTER (WHERE p.id IS NOT NULL AND c.url_path <> p.url_path || c.slug || '/')
FROM {Page._meta.db_table} c
LEFT JOIN {Page._meta.db_table} p ON p.path = substr(c.path, 1, length(c.path) - 4)
LEFT JOIN kids k ON k.parent = c.path
"""  # noqa: S608 - table names only


def check_tree(client: Client, samples: int = 3) -> list[str]:
    """The whole tree in one SQL pass, treebeard's own check on one partner, and a few pages
    rendered; returns the problems found."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(TREE_CHECK)
        labels = ("wrong depth", "orphans", "wrong numchild", "wrong url_path")
        for label, count in zip(labels, cursor.fetchone(), strict=True):
            if count:
                problems.append(f"{count} pages with {label}")
    rng = _rng("check")
    partner = rng.choice(list(PartnerPage.objects.filter(numchild__gt=0)))
    found = Page.find_problems(parent=partner)
    if any(found):
        problems.append(f"treebeard find_problems under {partner.slug}: {found}")
    ids = list(bench_practices().values_list("pk", flat=True).order_by("pk"))
    for page in PracticePage.objects.filter(pk__in=rng.sample(ids, min(samples, len(ids)))):
        status = client.get(page.url).status_code
        if status != 200:
            problems.append(f"{page.url} answered {status}")
    return problems


# -- indexing ----------------------------------------------------------------------------------


def time_rebuild(engine: SearchEngine, progress: Progress | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    count = engine.rebuild(progress)
    return count, time.perf_counter() - started


def analyze() -> None:
    """What autovacuum would do soon after a bulk load: fresh statistics, a visibility map."""
    tables = [Page, PracticePage, TaggedPractice, PracticePage.themes.through, SearchRecord]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("VACUUM ANALYZE search_searchterm")


# -- embeddings --------------------------------------------------------------------------------

# Practices embedded by the real model, to measure its rate; the rest get synthetic vectors.
EMBEDDED_SAMPLE = 200
SYNTHETIC_NOISE = 0.015  # per dimension: a synthetic vector is ~0.96 similar to its source
SYNTHETIC_CHECKSUM = "synthetic"


def embed_corpus(progress: Progress | None = None) -> dict[str, float]:
    """Embeddings for every synthetic practice that has none.

    The first EMBEDDED_SAMPLE (by id) are embedded by the model, timed: that is the indexing
    rate. Embedding 100,000 practices with it would take hours on two cores, so the others get
    a synthetic vector: the model's embedding of the demo summary the practice's summary was
    made from, plus a little Gaussian noise, normalised. Nearest-neighbour search then meets a
    realistic spread of vectors (clusters by topic), which is what its timing depends on.
    """
    embedder = embeddings.get_embedder()
    if embedder is None:
        return {}
    from search import vectors

    vectors.ensure_index(embedder.dimension)
    missing = sorted(
        bench_practices().live().exclude(
            pk__in=PracticeEmbedding.objects.filter(model=embedder.name).values("page_id")
        ).values_list("pk", flat=True)
    )  # fmt: skip
    figures: dict[str, float] = {}
    sample, rest = missing[:EMBEDDED_SAMPLE], missing[EMBEDDED_SAMPLE:]
    if sample:
        started = time.perf_counter()
        embeddings.clear_cache()
        embeddings.embed_practices(sample, force=True, progress=progress)
        figures["model_rate"] = len(sample) / (time.perf_counter() - started)
        figures["model_count"] = len(sample)
    if rest:
        import numpy as np

        material = load_material()
        sources = embeddings.embed_passages(embedder, material.summaries)
        by_start = {_start(text): i for i, text in enumerate(material.summaries)}
        started = time.perf_counter()
        for chunk_start in range(0, len(rest), 2000):
            chunk = rest[chunk_start : chunk_start + 2000]
            summaries = dict(PracticePage.objects.filter(pk__in=chunk).values_list("pk", "summary"))
            rows = []
            for pk in chunk:
                rng = np.random.default_rng(pk)
                source = by_start.get(_start(summaries[pk]), pk % len(sources))
                vector = np.asarray(sources[source]) + rng.normal(
                    0, SYNTHETIC_NOISE, embedder.dimension
                )
                vector /= np.linalg.norm(vector)
                rows.append(PracticeEmbedding(page_id=pk, model=embedder.name,
                                              checksum=SYNTHETIC_CHECKSUM, vector=vector.tolist()))  # fmt: skip
            PracticeEmbedding.objects.bulk_create(rows, batch_size=500)
            if progress:
                progress(len(chunk))
        figures["synthetic_count"] = len(rest)
        figures["synthetic_s"] = time.perf_counter() - started
    return figures


def _start(summary: str) -> str:
    return " ".join(summary.lower().split()[:3])


# -- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    params: tuple[tuple[str, str], ...]

    @property
    def query_string(self) -> str:
        return urlencode(self.params)


def query_mix(per_kind: int, keywords: list[str]) -> list[BenchQuery]:
    """The fixed mix: `per_kind` queries of each kind, drawn with random.Random(42)."""
    rng = _rng(42)
    themes = sorted(Theme.objects.values_list("slug", flat=True))
    groups = sorted(TargetGroup.objects.values_list("slug", flat=True))
    activities = sorted(ActivityType.objects.values_list("slug", flat=True))
    org_types = sorted(OrganisationType.objects.values_list("slug", flat=True))
    partners = sorted(PartnerPage.objects.values_list("slug", flat=True))
    countries = sorted({str(c) for c in PartnerPage.objects.values_list("country", flat=True)})

    def keyword() -> list[tuple[str, str]]:
        return [("q", " ".join(rng.sample(keywords, rng.randint(1, 2))))]

    def facets() -> list[tuple[str, str]]:
        year = rng.randint(2000, 2018)
        return rng.choice([
            [],
            [("theme", rng.choice(themes))],
            [("country", "PL"), ("country", "ES")],
            [("theme", rng.choice(themes)), ("target_group", rng.choice(groups)),
             ("year_from", str(year)), ("year_to", str(year + 7))],
            [("activity", rng.choice(activities)), ("org_type", rng.choice(org_types))],
            [("partner", rng.choice(partners))],
            [("label", "good"), ("label", "best"), ("theme", rng.choice(themes))],
            [*(("country", c) for c in rng.sample(countries, 3)),
             *(("theme", t) for t in rng.sample(themes, 2))],
        ])  # fmt: skip

    def broad() -> list[tuple[str, str]]:
        return rng.choice([[("q", rng.choice(PHRASES))], facets(), keyword()])

    makers: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "keyword": keyword,
        "phrase": lambda: [("q", rng.choice(PHRASES))],
        "typo": lambda: [("q", rng.choice(TYPOS))],
        "synonym": lambda: [("q", rng.choice(SYNONYMS))],
        "rare": lambda: [("q", rng.choice(RARE_WORDS))],
        "natural": lambda: [("q", rng.choice(NATURAL))],
        "paraphrase": lambda: [("q", rng.choice(PARAPHRASES))],
        "non-english": lambda: [("q", rng.choice(NON_ENGLISH))],
        "facets": facets,
        "keyword+facets": lambda: [*keyword(), *facets()],
        "sorted": lambda: [*broad(), ("sort", rng.choice(["newest", "title"]))],
        "paged": lambda: [("q", rng.choice(PHRASES)), ("page", str(rng.randint(2, 5)))],
    }
    return [BenchQuery(kind, tuple(makers[kind]())) for kind in KINDS for _ in range(per_kind)]


@dataclass
class Sample:
    query: BenchQuery
    api_ms: list[float] = field(default_factory=list)
    engine_ms: list[float] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)
    embed_ms: list[float] = field(default_factory=list)
    sql_queries: int = 0
    total: int = 0
    status: int = 0


def engine_request(query_string: str, vocabulary: dict[str, set[str]]) -> SearchRequest:
    """The SearchRequest that search/service.py's run_search builds for these parameters."""
    return service.engine_request(parse_params(QueryDict(query_string), vocabulary))


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def run_mix(
    queries: list[BenchQuery],
    engine: SearchEngine,
    client: Client | None,
    *,
    repeat: int,
    progress: Progress | None = None,
) -> list[Sample]:
    """Warm up once, then `repeat` rounds: engine alone, then the API, for each query; then one
    more API pass counting SQL statements (the counting is kept out of the timings)."""
    vocabulary = {name: set(values) for name, values in facet_vocabulary().items()}
    embedder = embeddings.get_embedder()
    samples = [Sample(query) for query in queries]
    requests = {s.query: engine_request(s.query.query_string, vocabulary) for s in samples}
    for sample in samples:  # warm-up: caches, plans, the query log's first insert
        engine.search(requests[sample.query])
        if client:
            client.get("/api/search/?" + sample.query.query_string)
    for _round in range(repeat):
        for sample in samples:
            started = time.perf_counter()
            query = parse_query(parse_params(QueryDict(sample.query.query_string), vocabulary).q)
            sample.parse_ms.append(_ms(started))
            if embedder is not None and not query.is_empty:
                started = time.perf_counter()
                embedder.embed_queries([query_text(query)])  # the model itself, not the cache
                sample.embed_ms.append(_ms(started))
            started = time.perf_counter()
            result = engine.search(requests[sample.query])
            sample.engine_ms.append(_ms(started))
            sample.total = result.total
            if client:
                embeddings.clear_cache()  # every API request embeds its query
                started = time.perf_counter()
                response = client.get("/api/search/?" + sample.query.query_string)
                sample.api_ms.append(_ms(started))
                sample.status = response.status_code
            if progress:
                progress(1)
    if client:
        for sample in samples:
            sample.sql_queries = count_queries(client, sample.query.query_string)[0]
    return samples


def count_queries(client: Client, query_string: str, *, warm: bool = False) -> tuple[int, int, int]:
    """(SQL statements, results found, results returned) for one API request. `warm` sends it
    once first: the first search for some words also creates its query-log rows."""
    if warm:
        client.get("/api/search/?" + query_string)
    with CaptureQueriesContext(connection) as captured:
        data = client.get("/api/search/?" + query_string).json()
    return len(captured), data.get("count", 0), len(data.get("results", []))


def constancy_pairs() -> list[tuple[str, str, str]]:
    """Same request shape, small vs large result sets and facet selections."""
    themes = sorted(Theme.objects.values_list("slug", flat=True))
    countries = sorted({str(c) for c in PartnerPage.objects.values_list("country", flat=True)})
    terms = SearchTerm.objects.filter(frequency__gte=2).order_by("frequency", "word")
    planted = terms.filter(word__in=RARE_WORDS).values_list("word", flat=True).first()
    few = planted or terms.values_list("word", flat=True).first() or RARE_WORDS[0]
    return [
        ("text: rare word vs common word", f"q={few}", "q=social"),  # both find something
        ("text: page_size 5 vs 100", "q=social&page_size=5", "q=social&page_size=100"),
        (
            "facets: one value vs every theme and country",
            f"theme={themes[0]}&page_size=5",
            urlencode([("theme", t) for t in themes] + [("country", c) for c in countries])
            + "&page_size=100",
        ),
        ("browse: narrow vs everything", f"theme={themes[0]}&year_from=2024", "page_size=100"),
    ]


# -- report ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Row:
    kind: str
    queries: int
    results: float  # median of the result counts
    api: tuple[float, float, float]  # p50, p95, max
    engine: tuple[float, float, float]
    parse_p50: float
    sql: tuple[int, int]  # min, max statements per request
    embed: tuple[float, float] = (0.0, 0.0)  # p50, p95 of embedding the query (in the API time)

    @property
    def ratio(self) -> tuple[float, float]:
        return self.api[0] / self.engine[0], self.api[1] / self.engine[1]


def summarise(samples: list[Sample]) -> list[Row]:
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.query.kind].append(sample)
    groups["faceted (target)"] = [s for s in samples if s.query.kind in FACETED]
    groups["all"] = samples

    def stats(values: list[float]) -> tuple[float, float, float]:
        return percentile(values, 0.5), percentile(values, 0.95), max(values, default=0)

    return [
        Row(
            kind=kind,
            queries=len(group),
            results=statistics.median(s.total for s in group),
            api=stats([ms for s in group for ms in s.api_ms]),
            engine=stats([ms for s in group for ms in s.engine_ms]),
            parse_p50=percentile([ms for s in group for ms in s.parse_ms], 0.5),
            sql=(min(s.sql_queries for s in group), max(s.sql_queries for s in group)),
            embed=_embed_stats([ms for s in group for ms in s.embed_ms]),
        )
        for kind, group in groups.items()
    ]


def _embed_stats(values: list[float]) -> tuple[float, float]:
    return (percentile(values, 0.5), percentile(values, 0.95)) if values else (0.0, 0.0)


def machine() -> dict[str, str]:
    def proc(path: str, key: str) -> str:
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            return ""
        return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(key)), "")

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), "
                       "current_setting('shared_buffers'), current_setting('work_mem')")  # fmt: skip
        pg, shared_buffers, work_mem = cursor.fetchone()
    mem_kb = proc("/proc/meminfo", "MemTotal").split(" ")[0]
    return {
        "cpu": proc("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": str(os.cpu_count()),
        "ram": f"{int(mem_kb) / 1024**2:.1f} GiB" if mem_kb.isdigit() else "unknown",
        "postgresql": f"{pg} (shared_buffers {shared_buffers}, work_mem {work_mem})",
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _f(value: float) -> str:
    return f"{value:.1f}"


def table(rows: list[Row], *, with_api: bool) -> list[str]:
    """The results as Markdown table lines (readable on a terminal too)."""
    head = ["kind", "samples", "results (median)"]
    if with_api:
        head += ["API p50", "API p95", "API max"]
    head += ["engine p50", "engine p95", "parse p50", "embed p50", "embed p95"]
    if with_api:
        head += ["ratio p50", "ratio p95", "SQL/request"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.kind, str(row.queries), f"{row.results:g}"]
        if with_api:
            cells += [_f(v) for v in row.api]
        cells += [_f(row.engine[0]), _f(row.engine[1]), _f(row.parse_p50)]
        cells += [_f(row.embed[0]), _f(row.embed[1])] if row.embed[0] else ["–", "–"]
        if with_api:
            low, high = row.sql
            cells += [f"{row.ratio[0]:.2f}", f"{row.ratio[1]:.2f}",
                      str(low) if low == high else f"{low}–{high}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def section_markers(n: int, name: str = "bench-search") -> tuple[str, str]:
    return f"<!-- {name} N={n} -->", f"<!-- /{name} N={n} -->"


def write_section(path: Path, n: int, body: str, name: str = "bench-search") -> None:
    """Replace (or append) the results section of this benchmark and N in docs/benchmarks.md."""
    start, end = section_markers(n, name)
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, "utf-8")
