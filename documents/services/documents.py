"""Uploads, revisions, metadata changes and the trash of documents."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events.services import event_record
from workspace.models import Workspace

from ..errors import DocumentPermissionDenied, DocumentStateError, QuotaExceeded, UploadRefused
from ..models import Document, DocumentRevision, Visibility
from ..permissions import (
    can_add_document,
    can_add_revision,
    can_change_document,
    can_restore_document,
    can_trash_document,
)
from ..storage import storage_delete, storage_key_new, storage_put
from ..validation import CheckedFile, check_upload
from .hooks import schedule_extraction, schedule_file_delete

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import ProjectSheet

logger = logging.getLogger(__name__)


def _quota_used(workspace_id: int) -> int:
    # A restored revision points at the bytes of the one it restores: count those once.
    total = DocumentRevision.objects.filter(
        document__workspace_id=workspace_id, restored_from__isnull=True
    ).aggregate(s=Sum("size"))
    return total["s"] or 0


def _lock_workspace_for_quota(workspace: Workspace, incoming: int) -> None:
    """Serialise uploads per workspace so parallel ones cannot overshoot the quota together."""
    locked = Workspace.objects.select_for_update().only("id", "storage_quota").get(pk=workspace.pk)
    if _quota_used(locked.pk) + incoming > locked.storage_quota:
        raise QuotaExceeded(
            _("L'espace « %(name)s » a atteint son quota de stockage ; libérez de la place.")
            % {"name": workspace.name}
        )


def _store_checked(fileobj: IO[bytes], name: str | None) -> tuple[CheckedFile, str]:
    checked = check_upload(fileobj, name or getattr(fileobj, "name", "") or "")
    key = storage_key_new()
    storage_put(key, fileobj)
    return checked, key


def _discard(key: str) -> None:
    try:
        storage_delete(key)
    except Exception:
        logger.exception("could not delete refused upload %s", key)


def _new_revision(
    *, document: Document, actor: User, checked: CheckedFile, key: str, number: int
) -> DocumentRevision:
    revision = DocumentRevision(
        document=document,
        number=number,
        original_name=checked.original_name,
        storage_key=key,
        size=checked.size,
        sha256=checked.sha256,
        mime_type=checked.mime_type,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    revision.full_clean()
    revision.save()
    return revision


def _default_title(original_name: str) -> str:
    stem, dot, _ext = original_name.rpartition(".")
    return (stem if dot and stem else original_name)[:200]


def document_create(
    *,
    actor: User,
    workspace: Workspace,
    file: IO[bytes],
    name: str | None = None,
    title: str = "",
    description: str = "",
    visibility: str = Visibility.MEMBERS,
    sheet: ProjectSheet | None = None,
) -> Document:
    """Check, store, then create the document and its revision 1 in one transaction.

    The file is stored before the transaction (an S3 upload can take minutes; holding the
    workspace lock that long would serialise every upload); a refusal inside deletes it again.
    """
    if not can_add_document(actor, workspace):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas déposer de document dans cet espace."))
    if sheet is not None and sheet.workspace_id != workspace.pk:
        raise UploadRefused(_("Cette fiche projet n'appartient pas à cet espace."))
    checked, key = _store_checked(file, name)
    try:
        with transaction.atomic():
            _lock_workspace_for_quota(workspace, checked.size)
            document = Document(
                workspace=workspace,
                sheet=sheet,
                title=(title or "").strip() or _default_title(checked.original_name),
                description=description or "",
                visibility=visibility,
                created_by=actor,
            )
            document.full_clean(exclude=["current_revision"])
            document.save()
            revision = _new_revision(
                document=document, actor=actor, checked=checked, key=key, number=1
            )
            document.current_revision = revision
            document.save(update_fields=["current_revision", "updated"])
            event_record(
                actor=actor,
                verb="document.uploaded",
                target=document,
                workspace=workspace,
                data={"revision": 1, "name": checked.original_name, "size": checked.size},
            )
            schedule_extraction(revision.pk)
    except BaseException:
        _discard(key)
        raise
    return document


def _lock_document(document: Document) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.is_trashed:
        raise DocumentStateError(_("Ce document est dans la corbeille."))
    return locked


def _next_number(document: Document) -> int:
    return (document.revisions.aggregate(m=Max("number"))["m"] or 0) + 1


def document_revision_add(
    *, actor: User, document: Document, file: IO[bytes], name: str | None = None
) -> DocumentRevision:
    """Upload a new file as revision N+1; numbers stay unique under parallel uploads."""
    if not can_add_revision(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas déposer de nouvelle version."))
    checked, key = _store_checked(file, name)
    try:
        with transaction.atomic():
            _lock_workspace_for_quota(document.workspace, checked.size)
            locked = _lock_document(document)
            revision = _new_revision(
                document=locked,
                actor=actor,
                checked=checked,
                key=key,
                number=_next_number(locked),
            )
            locked.current_revision = revision
            locked.save(update_fields=["current_revision", "updated"])
            event_record(
                actor=actor,
                verb="document.revision_added",
                target=locked,
                workspace=locked.workspace,
                data={"revision": revision.number, "name": checked.original_name},
            )
            schedule_extraction(revision.pk)
    except BaseException:
        _discard(key)
        raise
    document.current_revision = revision
    return revision


@transaction.atomic
def document_revision_restore(*, actor: User, document: Document, number: int) -> DocumentRevision:
    """Make an older revision current again by copying it as revision N+1 (same stored bytes)."""
    if not can_add_revision(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas restaurer de version."))
    locked = _lock_document(document)
    source = locked.revisions.filter(number=number).first()
    if source is None:
        raise DocumentStateError(_("Cette version n'existe pas."))
    if locked.current_revision_id == source.pk:
        raise DocumentStateError(_("Cette version est déjà la version courante."))
    origin = source.restored_from or source
    revision = DocumentRevision(
        document=locked,
        number=_next_number(locked),
        original_name=source.original_name,
        storage_key=source.storage_key,
        size=source.size,
        sha256=source.sha256,
        mime_type=source.mime_type,
        uploaded_by=actor,
        restored_from=origin,
        extraction_status=source.extraction_status,
        extracted_text=source.extracted_text,
    )
    revision.full_clean()
    revision.save()
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated"])
    event_record(
        actor=actor,
        verb="document.revision_restored",
        target=locked,
        workspace=locked.workspace,
        data={"revision": revision.number, "restored": number},
    )
    document.current_revision = revision
    return revision


@transaction.atomic
def document_update(*, actor: User, document: Document, **fields: Any) -> Document:
    """Change title, description, visibility or sheet (editor+).

    `sheet` attaches the document to a project sheet of the same workspace, or detaches it
    (None); a sheet of another workspace is refused.
    """
    if not can_change_document(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas modifier ce document."))
    locked = _lock_document(document)
    allowed = {"title", "description", "visibility", "sheet"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    sheet = fields.get("sheet", locked.sheet)
    # Checked before anything is assigned: a refused sheet leaves the document untouched.
    if sheet is not None and sheet.workspace_id != locked.workspace_id:
        raise DocumentStateError(_("Cette fiche projet n'appartient pas à cet espace."))
    before = locked.visibility
    sheet_before = locked.sheet_id
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if locked.visibility != before:
        event_record(
            actor=actor,
            verb="document.visibility_changed",
            target=locked,
            workspace=locked.workspace,
            data={"from": before, "to": locked.visibility},
        )
    if set(fields) - {"visibility"}:
        data: dict[str, Any] = {"fields": sorted(set(fields) - {"visibility"})}
        if locked.sheet_id != sheet_before:
            # Attaching or detaching moves the document between sheet pages: keep both ends.
            data["sheet"] = {"from": sheet_before, "to": locked.sheet_id}
        event_record(
            actor=actor,
            verb="document.updated",
            target=locked,
            workspace=locked.workspace,
            data=data,
        )
    return locked


@transaction.atomic
def document_trash(*, actor: User, document: Document) -> Document:
    if not can_trash_document(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas supprimer ce document."))
    locked = _lock_document(document)
    locked.trashed_at = timezone.now()
    locked.trashed_by = actor
    locked.save(update_fields=["trashed_at", "trashed_by", "updated"])
    event_record(actor=actor, verb="document.trashed", target=locked, workspace=locked.workspace)
    return locked


@transaction.atomic
def document_restore(*, actor: User, document: Document) -> Document:
    """Bring a document back from the trash, within the retention period."""
    if not can_restore_document(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas restaurer ce document."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if not locked.is_trashed:
        raise DocumentStateError(_("Ce document n'est pas dans la corbeille."))
    if locked.purge_due_at() <= timezone.now():
        raise DocumentStateError(_("Le délai de restauration de ce document est dépassé."))
    locked.trashed_at = None
    locked.trashed_by = None
    locked.save(update_fields=["trashed_at", "trashed_by", "updated"])
    event_record(actor=actor, verb="document.restored", target=locked, workspace=locked.workspace)
    return locked


@transaction.atomic
def document_purge(*, actor: User | None, document: Document) -> None:
    """Delete a trashed document for good: rows now, files once the deletion is committed.

    `actor` is None when the retention command purges; people purge only from the trash.
    """
    if actor is not None and not can_restore_document(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas supprimer ce document."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if not locked.is_trashed:
        raise DocumentStateError(
            _("Seul un document de la corbeille peut être supprimé définitivement.")
        )
    keys = sorted(set(locked.revisions.values_list("storage_key", flat=True)))
    event_record(
        actor=actor,
        verb="document.purged",
        # No target: the row goes now, the log names it by its data.
        target=None,
        workspace=locked.workspace,
        data={"document_id": locked.pk, "title": locked.title, "files": len(keys)},
    )
    Document.objects.filter(pk=locked.pk).update(current_revision=None)
    locked.delete()
    schedule_file_delete(keys)


def document_trash_purge_expired(*, now: datetime | None = None) -> int:
    """Purge every trashed document past the retention period; returns how many."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.FABRIQUE_TRASH_RETENTION_DAYS)
    count = 0
    for document in Document.objects.filter(trashed_at__lte=limit).select_related("workspace"):
        document_purge(actor=None, document=document)
        count += 1
    return count
