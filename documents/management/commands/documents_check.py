"""Compare stored files with revision rows: files without rows, rows without files."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents.models import DocumentRevision
from documents.services import storage_orphan_delete
from documents.storage import storage_exists, storage_list_keys


class Command(BaseCommand):
    help = (
        "Report stored files that no revision references (orphans) and revisions whose file is "
        "missing. With --repair: delete the orphan files stored more than --grace seconds "
        "before the check started (younger ones may belong to an upload in progress). "
        "Revisions whose file is missing are reported, never deleted: their history stays, "
        "and their download answers 404."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            metavar="SECONDS",
            help="leave orphan files younger than this alone "
            "(default FABRIQUE_UPLOAD_GRACE_SECONDS)",
        )

    def handle(self, *args, repair: bool = False, grace: int | None = None, **options):
        grace = settings.FABRIQUE_UPLOAD_GRACE_SECONDS if grace is None else grace
        if grace < 0:
            raise CommandError("--grace must be zero or more seconds.")
        started = timezone.now()
        # Files first, rows second: a file listed here whose upload commits meanwhile is
        # found in the rows, never taken for an orphan.
        stored = set(storage_list_keys())
        known = set(DocumentRevision.objects.values_list("storage_key", flat=True))
        orphans = sorted(stored - known)
        missing = [
            revision
            for revision in DocumentRevision.objects.filter(created__lte=started)
            .select_related("document")
            .order_by("document_id", "number")
            if revision.storage_key not in stored and not storage_exists(revision.storage_key)
        ]
        for key in orphans:
            self.stdout.write(f"orphan file: {key}")
        for revision in missing:
            self.stdout.write(
                f"missing file: document {revision.document_id} revision {revision.number} "
                f"({revision.storage_key})"
            )
        deleted = 0
        if repair:
            stored_before = started - timedelta(seconds=grace)
            for key in orphans:
                deleted += storage_orphan_delete(actor=None, key=key, stored_before=stored_before)
        summary = f"{len(orphans)} orphan file(s), {len(missing)} revision(s) without file"
        if repair:
            summary += (
                f" — {deleted} orphan file(s) deleted, {len(orphans) - deleted} too recent or "
                f"claimed meanwhile, kept; revisions without file are kept (reported only)."
            )
        else:
            summary += "."
        self.stdout.write(summary)
