from django.core.management.base import BaseCommand

from kb.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create or update the groups of the three roles (one editors group per partner, the "
        "expert panel, the network administrators), their permissions, the partners' media "
        "collections and the expert panel review workflow. Idempotent."
    )

    def handle(self, *args, **options):
        result = setup_roles()
        self.stdout.write(self.style.SUCCESS(
            f"{result['partner_groups']} partner editor groups, expert panel, network "
            "administrators and the review workflow are in place."
        ))  # fmt: skip
