"""Rebuild the whole search index from the database."""

from django.core.management.base import BaseCommand

from search.indexer import index_rebuild, outbox_drain


class Command(BaseCommand):
    help = "Clear the search index and index every sheet, framing note and document again."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = index_rebuild(batch_size=batch_size)
        # Replays what was pending (idempotent) so the backlog is empty afterwards.
        report = outbox_drain()
        self.stdout.write(f"indexed={total} replayed={report.rows}")
