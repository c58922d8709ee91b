"""Create the demo accounts, workspaces and content described in API.md (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

DEMO_STEPS = [
    "accounts.demo.seed",
    "workspace.demo.seed",
    "projects.demo.seed",
    "documents.demo.seed",
]


class Command(BaseCommand):
    help = "Create (or complete) the demo data; running it twice changes nothing."

    def handle(self, *args, **options):
        for dotted in DEMO_STEPS:
            try:
                step = import_string(dotted)
            except ImportError:
                continue
            with transaction.atomic():
                created = step()
            self.stdout.write(f"{dotted}: {created}")
