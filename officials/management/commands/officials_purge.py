"""Erase the closed private requests older than FABRIQUE_PRIVATE_REQUEST_RETENTION_DAYS."""

from django.core.management.base import BaseCommand

from officials.services import requests_purge


class Command(BaseCommand):
    help = (
        "Erase closed private requests to officials older than the retention "
        "(FABRIQUE_PRIVATE_REQUEST_RETENTION_DAYS, default 730 days)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override the retention")

    def handle(self, *args, **options):
        erased = requests_purge(retention_days=options["days"])
        self.stdout.write(f"{erased} closed private request(s) erased")
