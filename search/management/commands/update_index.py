from modelsearch.management.commands.rebuild_modelsearch_index import Command as WagtailCommand
from tqdm import tqdm

from kb.models import PracticePage
from search.engines.postgres import PostgresEngine


class Command(WagtailCommand):
    help = (
        "Rebuild Wagtail's search backends (Elasticsearch/OpenSearch: into a new index, then an "
        "alias swap, so search keeps working meanwhile) and the PostgreSQL search table."
    )

    def handle(self, **options):
        super().handle(**options)
        total = PracticePage.objects.live().count()
        with tqdm(total=total, unit="practice", desc="postgres search table", disable=None) as bar:
            count = PostgresEngine().rebuild(progress=bar.update)
        self.write(f"postgres: indexed {count} practices")
