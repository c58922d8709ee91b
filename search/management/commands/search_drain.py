"""Drain the search outbox once, or forever (the worker's loop)."""

import time

from django.core.management.base import BaseCommand

from search.indexer import DEFAULT_BATCH_SIZE, outbox_drain
from search.selectors import index_document_count


class Command(BaseCommand):
    help = "Apply pending index changes from the search outbox (single writer)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--forever", action="store_true", help="keep draining, polling the outbox"
        )
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args, batch_size, forever, interval, **options):
        while True:
            report = outbox_drain(batch_size=batch_size)
            if report.rows or not forever:
                self.stdout.write(
                    f"rows={report.rows} updated={report.updated} removed={report.removed} "
                    f"batches={report.batches} busy={report.skipped_locked} "
                    f"errors={','.join(report.errors) or '-'}"
                )
            if not forever:
                # The entry count is for operators at the console; /healthz does not show it.
                self.stdout.write(f"indexed={index_document_count()}")
                return
            time.sleep(interval)
