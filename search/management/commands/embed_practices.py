from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError

from kb.models import PracticePage
from search.embeddings import ModelUnavailable, embed_practices, get_embedder, unavailable_reason


class Command(BaseCommand):
    help = (
        "Compute the embeddings (meaning-based search) of the published practices that have "
        "none, one from another model, or one of an older text; --all embeds every one again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="embed every practice again")

    def handle(self, *args, all: bool, **options):
        embedder = get_embedder()
        if embedder is None:
            raise CommandError(f"Meaning-based search is off: {unavailable_reason()}")
        ids = sorted(PracticePage.objects.live().originals().values_list("pk", flat=True))
        with tqdm(total=len(ids), unit="practice", desc="embeddings", disable=None) as bar:
            try:
                computed = embed_practices(ids, force=all, progress=bar.update)
            except ModelUnavailable as exc:
                raise CommandError(str(exc)) from exc
            elapsed = bar.format_dict["elapsed"]
        rate = f", {computed / elapsed:.1f} practices/s" if computed and elapsed else ""
        self.stdout.write(
            f"Embeddings ({embedder.name}): {computed} computed, "
            f"{len(ids) - computed} already up to date{rate}"
        )
