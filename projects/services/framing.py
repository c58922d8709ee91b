"""Writes for officials' framing notes: draft, edit the draft, publish (then immutable)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.services import event_record

from ..errors import FramingNoteImmutable, FramingNotePermissionDenied
from ..models import FramingNote, ProjectSheet
from ..permissions import can_write_framing_note

if TYPE_CHECKING:
    from accounts.models import User

NOTE_FIELDS = frozenset(FramingNote.CONTENT_FIELDS)


def _check_writer(actor: User, sheet: ProjectSheet) -> None:
    if not can_write_framing_note(actor, sheet):
        raise FramingNotePermissionDenied(
            _("Seul·es les élu·es rédigent les notes de cadrage d'un projet en cours.")
        )


def _publish(actor: User, note: FramingNote) -> None:
    previous = (
        FramingNote.objects.filter(sheet_id=note.sheet_id, status=FramingNote.Status.PUBLISHED)
        .exclude(pk=note.pk)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    note.status = FramingNote.Status.PUBLISHED
    note.published_at = timezone.now()
    note.full_clean()
    note.save()
    event_record(
        actor=actor,
        verb="framing_note.published",
        target=note.sheet,
        data={"note": note.pk, "supersedes": previous, "level": note.participation_level},
    )


@transaction.atomic
def framing_note_create(
    *,
    actor: User,
    sheet: ProjectSheet,
    political_intent: str,
    participation_level: str,
    use_of_contributions: str,
    legal_constraints: str = "",
    budget_constraints: str = "",
    budget_amount: Decimal | None = None,
    publish: bool = False,
) -> FramingNote:
    """A note by an official; published at once if asked, else a draft only its author sees."""
    _check_writer(actor, sheet)
    note = FramingNote(
        sheet=sheet,
        author=actor,
        political_intent=political_intent,
        participation_level=participation_level,
        legal_constraints=legal_constraints,
        budget_constraints=budget_constraints,
        budget_amount=budget_amount,
        use_of_contributions=use_of_contributions,
    )
    note.full_clean()
    note.save()
    event_record(actor=actor, verb="framing_note.drafted", target=sheet, data={"note": note.pk})
    if publish:
        _publish(actor, note)
    return note


def _lock_draft(actor: User, note: FramingNote) -> FramingNote:
    locked = (
        FramingNote.objects.select_for_update(of=("self",))
        .select_related("sheet", "sheet__workspace")
        .get(pk=note.pk)
    )
    if locked.status != FramingNote.Status.DRAFT:
        raise FramingNoteImmutable(
            _("Une note de cadrage publiée ne se modifie plus : publiez-en une nouvelle.")
        )
    _check_writer(actor, locked.sheet)
    if locked.author_id != actor.pk:
        raise FramingNotePermissionDenied(_("Seul·e l'auteur·rice modifie ce brouillon."))
    return locked


@transaction.atomic
def framing_note_update(*, actor: User, note: FramingNote, **fields: Any) -> FramingNote:
    unknown = set(fields) - NOTE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    locked = _lock_draft(actor, note)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    event_record(
        actor=actor,
        verb="framing_note.updated",
        target=locked.sheet,
        data={"note": locked.pk, "fields": sorted(fields)},
    )
    return locked


@transaction.atomic
def framing_note_publish(*, actor: User, note: FramingNote) -> FramingNote:
    """Publish a draft; it supersedes the note in force and can no longer change."""
    locked = _lock_draft(actor, note)
    _publish(actor, locked)
    return locked
