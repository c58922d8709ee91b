"""Compare stored files with revision rows: files without rows, rows without files."""

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.models import Document, DocumentRevision, ExtractionStatus
from documents.storage import storage_delete, storage_exists, storage_list_keys
from workspace.activity import activity_record


class Command(BaseCommand):
    help = (
        "Report stored files that no revision references (orphans) and revisions whose file is "
        "missing. With --repair: delete the orphan files, and move documents whose current file "
        "is missing to an older intact revision, or to the trash when none is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, repair: bool = False, **options):
        known = set(DocumentRevision.objects.values_list("storage_key", flat=True))
        orphans = sorted(set(storage_list_keys()) - known)
        missing_keys = {key for key in known if not storage_exists(key)}
        missing = DocumentRevision.objects.filter(storage_key__in=missing_keys).select_related(
            "document"
        )
        for key in orphans:
            self.stdout.write(f"orphan file: {key}")
        for revision in missing:
            self.stdout.write(
                f"missing file: document {revision.document_id} revision {revision.number} "
                f"({revision.storage_key})"
            )
        if repair:
            for key in orphans:
                storage_delete(key)
            self._repair_missing(missing_keys)
        self.stdout.write(
            f"{len(orphans)} orphan file(s), {len(missing)} revision(s) without file"
            + (" — repaired." if repair else ".")
        )
        return None

    @transaction.atomic
    def _repair_missing(self, missing_keys: set[str]) -> None:
        """A row whose bytes are gone cannot be served: drop it, keep the document's history."""
        ids = set(
            DocumentRevision.objects.filter(storage_key__in=missing_keys).values_list(
                "document_id", flat=True
            )
        )
        for document in Document.objects.filter(pk__in=ids).select_for_update():
            gone = list(document.revisions.filter(storage_key__in=missing_keys))
            Document.objects.filter(pk=document.pk).update(current_revision=None)
            DocumentRevision.objects.filter(pk__in=[r.pk for r in gone]).delete()
            latest = document.revisions.order_by("-number").first()
            if latest is not None:
                Document.objects.filter(pk=document.pk).update(current_revision=latest)
            else:
                from django.utils import timezone

                Document.objects.filter(pk=document.pk).update(trashed_at=timezone.now())
            activity_record(
                actor=None,
                verb="document.files_missing",
                target=document,
                workspace=document.workspace,
                data={"revisions": [r.number for r in gone], "status": ExtractionStatus.FAILED},
            )
