"""Purge documents left in the trash past the retention period, and delete their files."""

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.services import document_trash_purge_expired


class Command(BaseCommand):
    help = "Delete for good the documents trashed more than FABRIQUE_TRASH_RETENTION_DAYS ago."

    def handle(self, *args, **options):
        count = document_trash_purge_expired()
        self.stdout.write(
            f"{count} document(s) purged (retention {settings.FABRIQUE_TRASH_RETENTION_DAYS} days)."
        )
