from modelsearch.management.commands.rebuild_modelsearch_index import Command as WagtailCommand
from tqdm import tqdm

from django.core.management import call_command
from django.utils import timezone

from kb.models import PracticePage
from search.embeddings import get_embedder, unavailable_reason
from search.engines import external_engine
from search.engines.postgres import PostgresEngine


class Command(WagtailCommand):
    help = (
        "Rebuild the search indexes: Wagtail's backends, the practices on Elasticsearch/"
        "OpenSearch (into a new index, then an alias swap, so search keeps working meanwhile) "
        "and the PostgreSQL search table."
    )

    def handle(self, **options):
        started = timezone.now()
        super().handle(**options)
        # Embeddings first (only the missing or outdated ones: they are kept across rebuilds),
        # so that the Elasticsearch/OpenSearch documents carry them.
        if get_embedder() is not None:
            call_command("embed_practices", stdout=self.stdout, stderr=self.stderr)
        else:
            self.write(f"Embeddings: meaning-based search is off ({unavailable_reason()})")
        engine = external_engine()
        if engine is not None:
            self._rebuild(engine, started)
        self._rebuild(PostgresEngine(), started)

    def _rebuild(self, engine, started) -> None:
        total = PracticePage.objects.live().originals().count()
        with tqdm(total=total, unit="practice", desc=engine.name, disable=None) as bar:
            count = engine.rebuild(progress=bar.update)
        # What changed while the new index was being filled went to the old one: send it again.
        changed = PracticePage.objects.filter(latest_revision_created_at__gte=started)
        engine.index_pages(changed.values_list("pk", flat=True))
        self.write(f"{engine.name}: indexed {count} practices")
