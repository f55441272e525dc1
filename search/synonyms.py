from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"


def starting_groups() -> list[str]:
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def seed_synonyms(model=None) -> int:
    """Add the starting groups that are missing; returns how many were added."""
    if model is None:
        from search.models import Synonym as model
    existing = set(model.objects.values_list("terms", flat=True))
    new = [model(terms=terms) for terms in starting_groups() if terms not in existing]
    model.objects.bulk_create(new)
    return len(new)
