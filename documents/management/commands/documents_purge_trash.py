"""Purge documents left in the trash past the retention period, and delete their files."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.services import document_trash_purge_expired
from documents.tempfiles import temp_files_clean_stale


class Command(BaseCommand):
    help = (
        "Delete for good the documents trashed more than FABRIQUE_TRASH_RETENTION_DAYS ago, and "
        "temporary upload files older than FABRIQUE_UPLOAD_GRACE_SECONDS. "
        "With --every SECONDS, keep running and purge at that interval (what `make run` does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="purge now, then again every SECONDS until stopped",
        )

    def handle(self, *args, every: int | None = None, **options):
        if every is not None and every < 60:
            raise CommandError("--every must be at least 60 seconds.")
        while True:
            count = document_trash_purge_expired()
            # Temp files of uploads or extractions killed mid-way (none younger than the grace).
            stale = temp_files_clean_stale()
            self.stdout.write(
                f"{count} document(s) purged "
                f"(retention {settings.FABRIQUE_TRASH_RETENTION_DAYS} days); "
                f"{stale} stale temporary file(s) removed."
            )
            if every is None:
                return
            time.sleep(every)
