"""The demo transfer stories (`manage.py load_demo`), from transfers/data/demo_transfers.json.

Safe to run again: a story is recognised by its practice, place and submitter's address, and left
alone when it exists (with its moderation and updates).
"""

from __future__ import annotations

import json
from pathlib import Path

from dateutil.relativedelta import relativedelta

from django.db import transaction
from django.utils import timezone

from kb.models import PracticePage
from kb.seeding import SeedReport

from .models import TransferStory, TransferUpdate

DEMO_TRANSFERS_FILE = Path(__file__).resolve().parent / "data" / "demo_transfers.json"


@transaction.atomic
def seed_demo_transfers(path: Path = DEMO_TRANSFERS_FILE) -> SeedReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    now = timezone.now()
    practices = {p.external_id: p for p in PracticePage.objects.exclude(external_id=None)}
    report = SeedReport()
    for item in data["stories"]:
        practice = practices.get(item["practice"])
        if practice is None:
            continue
        existing = TransferStory.objects.filter(
            practice=practice, place=item["place"], submitter_email=item["email"]
        )
        if existing.exists():
            report.existing += 1
            continue
        recorded = now - relativedelta(months=item["months_ago"])
        approved = item["moderation"] == TransferStory.Moderation.APPROVED
        story = TransferStory.objects.create(
            practice=practice,
            organisation=item["organisation"],
            place=item["place"],
            country=item["country"],
            latitude=item.get("lat"),
            longitude=item.get("lon"),
            year_adopted=item["year"],
            month_adopted=item.get("month"),
            kind=item["kind"],
            status=item["status"],
            changes=item.get("changes", ""),
            financing=item.get("financing", ""),
            results=item.get("results", ""),
            lessons=item.get("lessons", ""),
            submitter_name=item["submitter"],
            submitter_email=item["email"],
            language="en",
            moderation=item["moderation"],
            moderated_at=recorded if approved else None,
            # The demo sends no reminders for stories older than the reminder.
            reminder_6_sent_at=recorded if item["months_ago"] >= 6 else None,
            reminder_12_sent_at=recorded if item["months_ago"] >= 12 else None,
            is_sample=True,
            created_at=recorded,
        )
        for update in item.get("updates", []):
            TransferUpdate.objects.create(
                story=story,
                created_at=now - relativedelta(months=update["months_ago"]),
                status=update["status"],
                results=update.get("results", ""),
                lessons=update.get("lessons", ""),
            )
        report.created += 1
    return report
