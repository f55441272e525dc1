from tqdm import tqdm

from django.core.management.base import BaseCommand

from kb.models import PracticePage
from search import vectors
from search.embeddings import embed_practices, get_embedder, missing_embeddings, unavailable_reason
from search.engines import external_engine
from search.engines.base import EngineUnavailable
from search.engines.postgres import PostgresEngine
from search.indexing import drain_index_journal, pending_changes


class Command(BaseCommand):
    help = (
        "Compare the published practices with what each search engine has indexed, print the "
        "drift, and with --fix repair it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="index what is missing, remove "
                            "what is no longer published, and drain the journal")  # fmt: skip

    def handle(self, *args, fix: bool, **options):
        published = set(PracticePage.objects.live().originals().values_list("pk", flat=True))
        engines = [PostgresEngine(), *filter(None, [external_engine()])]
        total_drift = 0
        for engine in engines:
            try:
                indexed = engine.indexed_ids()
            except EngineUnavailable as exc:
                self.stderr.write(self.style.ERROR(f"{engine.name}: unreachable ({exc})"))
                total_drift += len(published)
                continue
            missing, extra = published - indexed, indexed - published
            drift = len(missing) + len(extra)
            self.stdout.write(
                f"{engine.name}: {len(published)} published, {len(indexed)} indexed, "
                f"{len(missing)} missing, {len(extra)} no longer published: drift {drift}"
            )
            if fix and drift:
                engine.index_pages(sorted(missing))
                engine.remove_pages(sorted(extra))
                self.stdout.write(self.style.SUCCESS(f"{engine.name}: repaired {drift}"))
                drift = 0
            total_drift += drift
        total_drift += self._check_embeddings(fix)
        if len(engines) > 1:
            self.stdout.write(f"journal: {pending_changes()} pending changes")
            if fix and pending_changes():
                drain_index_journal.call()
                self.stdout.write(f"journal: {pending_changes()} pending after draining")
        self.stdout.write(f"total drift: {total_drift}")
        if total_drift and not fix:
            raise SystemExit(1)

    def _check_embeddings(self, fix: bool) -> int:
        """Published practices without an embedding of the configured model (meaning-based
        search); --fix computes them."""
        if get_embedder() is None:
            self.stdout.write(f"embeddings: meaning-based search is off ({unavailable_reason()})")
            return 0
        if not vectors.available():
            self.stdout.write(
                "embeddings: pgvector is not installed in this database, so meaning-based "
                "search is off; install the `vector` extension and run `manage.py migrate`"
            )
        missing = missing_embeddings()
        self.stdout.write(f"embeddings: {len(missing)} published practices have none")
        if fix and missing:
            with tqdm(total=len(missing), unit="practice", desc="embeddings", disable=None) as bar:
                computed = embed_practices(sorted(missing), progress=bar.update)
            self.stdout.write(self.style.SUCCESS(f"embeddings: computed {computed}"))
            return 0
        return len(missing)
