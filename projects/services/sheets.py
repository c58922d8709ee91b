"""Writes for sheets and their versions: create, edit (with conflict detection), restore."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.services import event_record
from territories.models import Territory, Theme
from workspace.models import Workspace

from ..errors import SheetConflict, SheetPermissionDenied, SheetReadOnly, SheetUnchanged
from ..models import ParticipationLevel, ProjectSheet, SheetVersion, Stage
from ..participation import CONSULTATION_STARTED, LOWERING_NOTE_MAX, level_is_lower
from ..permissions import READ_ONLY_STAGES, can_create_sheet, has_sheet_editor_role
from ..sections import merge_sections

if TYPE_CHECKING:
    from accounts.models import User

CONTENT_FIELDS = ("title", "summary", "body")
SHEET_FIELDS = ("is_public", "territory", "themes")
# The promised participation (see projects.participation): settings of the sheet, kept in each
# version's meta for the record; a restore never changes them (lowering needs a public note).
PARTICIPATION_FIELDS = ("participation_level", "participation_decided", "participation_changeable")
EDITABLE_FIELDS = frozenset(CONTENT_FIELDS + SHEET_FIELDS + PARTICIPATION_FIELDS + ("sections",))


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "fiche"
    if base.isdigit():  # "/fiches/2030/" is the address of sheet 2030 (slug_not_a_number)
        base = f"fiche-{base}"
    slug, n = base, 2
    while ProjectSheet.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _meta(
    *,
    is_public: bool,
    territory: Territory | None,
    themes: Iterable[Theme],
    participation: dict[str, str],
) -> dict:
    return {
        "is_public": bool(is_public),
        "territory": territory.slug if territory else None,
        "themes": sorted(t.slug for t in themes),
        **participation,
    }


def _participation_clean(values: dict[str, Any]) -> dict[str, str]:
    """The three participation settings checked before anything is written: a known level and
    bounded texts (the model's own checks, run early so that nothing is half done)."""
    level = values["participation_level"]
    if level not in ParticipationLevel.values:
        raise ValidationError(
            {
                "participation_level": _(
                    "Niveau de participation inconnu. Valeurs possibles : %(values)s."
                )
                % {"values": ", ".join(ParticipationLevel.values)}
            }
        )
    cleaned = {"participation_level": str(level)}
    for name in ("participation_decided", "participation_changeable"):
        text = str(values.get(name) or "").strip()
        if len(text) > 2000:
            raise ValidationError({name: _("Ce texte est trop long : 2000 caractères au plus.")})
        cleaned[name] = text
    return cleaned


def _participation_note_check(*, sheet: ProjectSheet, level: str, note: str) -> str:
    """The public note a change of level carries; required to lower the promise once the
    consultation has started (the public was asked on the strength of the higher one)."""
    note = (note or "").strip()
    if len(note) > LOWERING_NOTE_MAX:
        raise ValidationError(
            {
                "participation_note": _("La note est trop longue : %(max)s caractères au plus.")
                % {"max": LOWERING_NOTE_MAX}
            }
        )
    lowered = level_is_lower(level, sheet.participation_level)
    if lowered and sheet.stage in CONSULTATION_STARTED and not note:
        raise ValidationError(
            {
                "participation_note": _(
                    "La concertation a commencé : pour abaisser le niveau de participation "
                    "promis, expliquez publiquement pourquoi dans la note."
                )
            }
        )
    return note


def _version_create(
    *,
    sheet: ProjectSheet,
    actor: User,
    number: int,
    content: dict,
    sections: dict,
    meta: dict,
    change_note: str,
    restored_from: int | None = None,
) -> SheetVersion:
    version = SheetVersion(
        sheet=sheet,
        number=number,
        title=content["title"],
        summary=content["summary"],
        body=content["body"],
        sections=sections,
        meta=meta,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        change_note=change_note,
        restored_from=restored_from,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def sheet_create(
    *,
    actor: User,
    workspace: Workspace,
    title: str,
    summary: str,
    body: str = "",
    territory: Territory | None = None,
    themes: Iterable[Theme] = (),
    is_public: bool = True,
    sections: dict | None = None,
    change_note: str = "",
    slug: str | None = None,
    participation_level: str = ParticipationLevel.CONSULT,
    participation_decided: str = "",
    participation_changeable: str = "",
) -> ProjectSheet:
    """A new sheet at stage initiative with its version 1 and its promised participation level;
    contributors and up."""
    if not can_create_sheet(actor, workspace):
        raise SheetPermissionDenied(
            _("Il faut être contributeur·rice de l'espace pour créer une fiche.")
        )
    themes = list(themes)
    participation = _participation_clean(
        {
            "participation_level": participation_level,
            "participation_decided": participation_decided,
            "participation_changeable": participation_changeable,
        }
    )
    sheet = ProjectSheet(
        workspace=workspace,
        slug=slug or _unique_slug(title),
        title=title,
        territory=territory,
        is_public=is_public,
        created_by=actor,
        **participation,
    )
    sheet.full_clean(exclude=["stage"])  # protected FSM field: clean_fields would reassign it
    clean_sections = merge_sections({}, sections or {}, stage=Stage.INITIATIVE)
    sheet.save()
    sheet.themes.set(themes)
    version = _version_create(
        sheet=sheet,
        actor=actor,
        number=1,
        content={"title": title, "summary": summary, "body": body},
        sections=clean_sections,
        meta=_meta(
            is_public=is_public, territory=territory, themes=themes, participation=participation
        ),
        change_note=change_note or _("Création de la fiche"),
    )
    sheet.current_version = version
    sheet.save(update_fields=["current_version", "updated"])
    event_record(actor=actor, verb="sheet.created", target=sheet, data={"version": 1})
    return sheet


def _lock_for_edit(actor: User, sheet: ProjectSheet) -> ProjectSheet:
    """Lock the sheet row so two edits (or an edit and a transition) run one after the other.

    Only the workspace (which never changes) is joined: on PostgreSQL a row re-read after
    waiting for the lock comes back with the *old* snapshot's joined rows, so the current
    version and territory are fetched afterwards, in statements that see the winner's commit.
    """
    locked = (
        ProjectSheet.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .get(pk=sheet.pk)
    )
    if not has_sheet_editor_role(actor, locked):
        raise SheetPermissionDenied(
            _("Il faut être éditeur·rice de l'espace pour modifier cette fiche.")
        )
    if locked.stage in READ_ONLY_STAGES:
        raise SheetReadOnly(_("Cette fiche est close : elle ne se modifie plus."))
    return locked


def _apply(
    *,
    actor: User,
    sheet: ProjectSheet,
    content: dict,
    sections: dict,
    is_public: bool,
    territory: Territory | None,
    themes: list[Theme],
    change_note: str,
    verb: str,
    restored_from: int | None = None,
    participation: dict[str, str] | None = None,
    participation_note: str = "",
) -> ProjectSheet:
    current = sheet.current_version
    assert current is not None  # a sheet is created with its version 1
    before = {f: getattr(sheet, f) for f in PARTICIPATION_FIELDS}
    participation = participation or before
    meta = _meta(
        is_public=is_public, territory=territory, themes=themes, participation=participation
    )
    old_meta = current.meta or _meta(
        is_public=sheet.is_public,
        territory=sheet.territory,
        themes=sheet.themes.all(),
        participation=before,
    )
    changed = [f for f in CONTENT_FIELDS if content[f] != getattr(current, f)]
    changed += sorted(
        k
        for k in set(sections) | set(current.sections)
        if sections.get(k, "") != current.sections.get(k, "")
    )
    changed += [k for k in ("is_public", "territory", "themes") if meta[k] != old_meta.get(k)]
    # Against the sheet's own settings: versions from before the promise have none in meta.
    changed += [f for f in PARTICIPATION_FIELDS if participation[f] != before[f]]
    if not changed:
        raise SheetUnchanged(
            _("Aucune modification : la fiche est identique à sa version actuelle.")
        )
    number = current.number + 1
    version = _version_create(
        sheet=sheet,
        actor=actor,
        number=number,
        content=content,
        sections=sections,
        meta=meta,
        change_note=change_note,
        restored_from=restored_from,
    )
    sheet.current_version = version
    sheet.title = content["title"]
    sheet.is_public = is_public
    sheet.territory = territory
    for name, value in participation.items():
        setattr(sheet, name, value)
    sheet.full_clean(exclude=["slug", "stage"])
    sheet.save(
        update_fields=[
            "current_version",
            "title",
            "is_public",
            "territory",
            *PARTICIPATION_FIELDS,
            "updated",
        ]
    )
    if "themes" in changed:
        sheet.themes.set(themes)
    data: dict[str, Any] = {"version": number, "fields": changed}
    if restored_from is not None:
        data["restored_from"] = restored_from
    event_record(actor=actor, verb=verb, target=sheet, data=data)
    if participation["participation_level"] != before["participation_level"]:
        # Public, in the sheet's history: the promise changed, and why when it was lowered.
        event_record(
            actor=actor,
            verb="sheet.participation_changed",
            target=sheet,
            data={
                "version": number,
                "level_from": before["participation_level"],
                "level_to": participation["participation_level"],
                "lowered": level_is_lower(
                    participation["participation_level"], before["participation_level"]
                ),
                "note": participation_note,
            },
        )
    return sheet


@transaction.atomic
def sheet_update(
    *,
    actor: User,
    sheet: ProjectSheet,
    base_version: int,
    change_note: str = "",
    participation_note: str = "",
    **fields: Any,
) -> ProjectSheet:
    """Version n+1 from the given fields; refused as a conflict unless based on version n.

    `sections` is a partial dict of section values (see projects.sections); a stage's section
    only accepts content once the sheet has reached that stage. A new `participation_level` is
    recorded as its own public event with `participation_note`, which is required to lower the
    level once the consultation has started.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    locked = _lock_for_edit(actor, sheet)
    current = locked.current_version
    assert current is not None  # a sheet is created with its version 1
    if int(base_version) != current.number:
        raise SheetConflict(current_version=current.number, base_version=int(base_version))
    content = {f: fields.get(f, getattr(current, f)) for f in CONTENT_FIELDS}
    sections = merge_sections(current.sections, fields.get("sections") or {}, stage=locked.stage)
    themes = list(fields["themes"]) if "themes" in fields else list(locked.themes.all())
    participation = _participation_clean(
        {f: fields.get(f, getattr(locked, f)) for f in PARTICIPATION_FIELDS}
    )
    note = _participation_note_check(
        sheet=locked, level=participation["participation_level"], note=participation_note
    )
    return _apply(
        actor=actor,
        sheet=locked,
        content=content,
        sections=sections,
        is_public=fields.get("is_public", locked.is_public),
        territory=fields.get("territory", locked.territory),
        themes=themes,
        change_note=change_note,
        verb="sheet.updated",
        participation=participation,
        participation_note=note,
    )


@transaction.atomic
def sheet_version_restore(
    *, actor: User, sheet: ProjectSheet, number: int, change_note: str = ""
) -> ProjectSheet:
    """A new version carrying version `number`'s content and settings; history stays whole."""
    locked = _lock_for_edit(actor, sheet)
    source = SheetVersion.objects.filter(sheet=locked, number=number).first()
    if source is None:
        from django.http import Http404

        raise Http404("No such version.")
    meta = source.meta or {}
    if meta:
        territory = (
            Territory.objects.filter(slug=meta["territory"]).first()
            if meta.get("territory")
            else None
        )
        themes = list(Theme.objects.filter(slug__in=meta.get("themes") or []))
        is_public = meta.get("is_public", locked.is_public)
    else:  # a version from before settings were versioned keeps today's settings
        territory, themes, is_public = locked.territory, list(locked.themes.all()), locked.is_public
    return _apply(
        actor=actor,
        sheet=locked,
        content={f: getattr(source, f) for f in CONTENT_FIELDS},
        sections=dict(source.sections),
        is_public=is_public,
        territory=territory,
        themes=themes,
        change_note=change_note or _("Restauration de la version %(n)s") % {"n": number},
        verb="sheet.restored",
        restored_from=number,
    )


@transaction.atomic
def sheet_field_merge(
    *,
    actor: User,
    sheet: ProjectSheet,
    base_version: int,
    field: str,
    text: str,
    change_note: str,
) -> ProjectSheet:
    """Version n+1 with one field's new text, written on behalf of a decision an upper app has
    taken under its own rule (staff or the round's official accepting an amendment): the
    workspace role of `sheet_update` is not asked, the decision is. Refused as a conflict
    unless based on version n; archived and abandoned sheets stay read-only."""
    locked = (
        ProjectSheet.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .get(pk=sheet.pk)
    )
    if locked.stage in READ_ONLY_STAGES:
        raise SheetReadOnly(_("Cette fiche est close : elle ne se modifie plus."))
    current = locked.current_version
    assert current is not None  # a sheet is created with its version 1
    if int(base_version) != current.number:
        raise SheetConflict(current_version=current.number, base_version=int(base_version))
    content = {f: getattr(current, f) for f in CONTENT_FIELDS}
    sections = dict(current.sections or {})
    if field in CONTENT_FIELDS:
        content[field] = text
    else:
        sections = merge_sections(current.sections, {field: text}, stage=locked.stage)
    return _apply(
        actor=actor,
        sheet=locked,
        content=content,
        sections=sections,
        is_public=locked.is_public,
        territory=locked.territory,
        themes=list(locked.themes.all()),
        change_note=change_note,
        verb="sheet.amended",
    )
