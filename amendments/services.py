"""Writes of amendment rounds, amendments and ballots; the tally stored at the close."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.permissions import is_mediator
from accounts.services.mediation import assisted_details_clean
from events.services import event_record
from machines import machine_run
from projects.models import ProjectSheet, SheetVersion, Stage
from projects.permissions import SHEET_POLICY
from projects.sections import SECTIONS
from projects.services import sheet_field_merge

from .errors import (
    AmendmentConflict,
    AmendmentForbidden,
    AmendmentMergeConflict,
    AmendmentNotFound,
    BallotIncomplete,
    PaperBallotMismatch,
)
from .machine import AMENDMENT_STATES, ROUND_STATES
from .majority import compare, rank
from .merge import Merged, merge3
from .models import (
    STATUS_QUO,
    Amendment,
    AmendmentRound,
    Ballot,
    BallotGrade,
    Grade,
    PaperBallotEntry,
    RoundResult,
)
from .permissions import AMENDMENT_POLICY, ROUND_POLICY
from .selectors import round_candidates, round_phase, round_tally

if TYPE_CHECKING:
    from accounts.models import User


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def amendable_fields(sheet: ProjectSheet) -> dict[str, Any]:
    """code → label of what an amendment may rewrite: the summary, the body, and the text
    sections of the sheet's current stage."""
    from projects.models import SheetVersion as _Version

    fields: dict[str, Any] = {
        "summary": capfirst(_Version._meta.get_field("summary").verbose_name),
        "body": capfirst(_Version._meta.get_field("body").verbose_name),
    }
    for section in SECTIONS:
        if section.stage == sheet.stage:
            fields.update(
                {f.code: f.label for f in section.fields if f.kind in {"markdown", "text"}}
            )
    return fields


def field_text(version: SheetVersion, field: str) -> str:
    if field in {"summary", "body"}:
        return getattr(version, field) or ""
    sections = version.sections if isinstance(version.sections, dict) else {}
    value = sections.get(field, "")
    return value if isinstance(value, str) else ""


# --- rounds ---


@transaction.atomic
def round_open(
    *,
    actor: User,
    sheet: ProjectSheet,
    submission_ends: datetime.datetime,
    judgment_ends: datetime.datetime,
    min_grade: int = 3,
    quorum: int = 1,
) -> AmendmentRound:
    """Open a round on a sheet in consultation (staff or an official), announced on the sheet
    with its rule at once. One open round per sheet."""
    if not SHEET_POLICY.check(actor, sheet):
        raise AmendmentNotFound(_("Fiche introuvable."))
    if not SHEET_POLICY.check(actor, sheet, "open_round"):
        raise AmendmentForbidden(_("Seuls les agents et les élu·es ouvrent un tour d'amendements."))
    locked = ProjectSheet.objects.select_for_update().get(pk=sheet.pk)
    if locked.stage != Stage.CONSULTATION:
        raise AmendmentConflict(
            _("Les amendements s'ouvrent pendant la concertation (la fiche est « %(stage)s »).")
            % {"stage": locked.get_stage_display()}
        )
    if AmendmentRound.objects.filter(sheet=locked).exclude(state="closed").exists():
        raise AmendmentConflict(_("Un tour d'amendements est déjà ouvert sur cette fiche."))
    now = timezone.now()
    if submission_ends <= now:
        raise _field_error("submission_ends", _("La fin du dépôt doit être à venir."))
    if judgment_ends <= submission_ends:
        raise _field_error(
            "judgment_ends", _("Le jugement se termine après la fin du dépôt des amendements.")
        )
    if not 0 <= int(min_grade) <= 6:
        raise _field_error("min_grade", _("La mention minimale va de 0 (à rejeter) à 6."))
    if int(quorum) < 1:
        raise _field_error("quorum", _("Le quorum compte au moins une personne."))
    round_ = AmendmentRound(
        sheet=locked,
        opened_by=actor,
        official=actor if getattr(actor, "is_official", False) else None,
        submission_ends=submission_ends,
        judgment_ends=judgment_ends,
        min_grade=min_grade,
        quorum=quorum,
    )
    round_.full_clean(exclude=["state"])
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as error:  # two openings at once: the constraint keeps one
        raise AmendmentConflict(
            _("Un tour d'amendements est déjà ouvert sur cette fiche.")
        ) from error
    event_record(
        actor=actor, verb="amendment_round.opened", target=round_, workspace=locked.workspace
    )
    return round_


def round_close_submissions(*, actor: User | None, round_: AmendmentRound) -> AmendmentRound:
    return machine_run(
        ROUND_STATES,
        actor=actor,
        obj=round_,
        name="close_submissions",
        expected_state=AmendmentRound.State.SUBMISSION,
    )


def round_close(*, actor: User | None, round_: AmendmentRound) -> AmendmentRound:
    """End the judgment (early, or at its end by the platform): the results are tallied and
    stored in the same transaction."""
    return _close(actor=actor, round_=AmendmentRound.objects.get(pk=round_.pk))


@transaction.atomic
def _close(*, actor: User | None, round_: AmendmentRound) -> AmendmentRound:
    """The close and its results, in one transaction (the machine moves the state; the results
    are this module's: the machine never calls a service)."""
    closed = machine_run(ROUND_STATES, actor=actor, obj=round_, name="close")
    round_results_store(round_=closed)
    return closed


def round_sync(*, round_: AmendmentRound) -> AmendmentRound:
    """Move the stored state to what the windows say (the platform acts): the worker's periodic
    job calls it for every open round; reads of results call it too, so a result never waits
    for the worker."""
    fresh = AmendmentRound.objects.get(pk=round_.pk)
    phase = round_phase(fresh)
    if fresh.state == phase:
        return fresh
    if phase == AmendmentRound.State.CLOSED:
        return _close(actor=None, round_=fresh)
    return machine_run(ROUND_STATES, actor=None, obj=fresh, name="close_submissions")


def rounds_closing_soon(now: datetime.datetime | None = None) -> int:
    """Say once that a window closes within FABRIQUE_CLOSING_SOON_HOURS (the submissions, then
    the judgment): the followers of the sheet are told (a periodic job; idempotent, a flag per
    window is set with the event)."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(hours=settings.FABRIQUE_CLOSING_SOON_HOURS)
    told = 0
    windows = (
        (
            "submission",
            "submission_ends",
            "submission_closing_told",
            AmendmentRound.State.SUBMISSION,
        ),
        ("judgment", "judgment_ends", "judgment_closing_told", AmendmentRound.State.JUDGMENT),
    )
    for window, ends, flag, state in windows:
        due = AmendmentRound.objects.filter(
            **{"state": state, f"{ends}__gt": now, f"{ends}__lte": soon, flag: False}
        ).select_related("sheet")
        for round_ in due:
            with transaction.atomic():
                if not AmendmentRound.objects.filter(pk=round_.pk, **{flag: False}).update(
                    **{flag: True}
                ):
                    continue  # told meanwhile by another worker
                event_record(
                    actor=None,
                    verb="amendment_round.closing_soon",
                    target=round_,
                    workspace=round_.sheet.workspace,
                    data={"window": window, "ends": getattr(round_, ends).isoformat()},
                )
            told += 1
    return told


def rounds_sync_due() -> int:
    """Every open round whose window has ended, moved on (a periodic job)."""
    now = timezone.now()
    due = AmendmentRound.objects.exclude(state=AmendmentRound.State.CLOSED).filter(
        submission_ends__lte=now
    )
    moved = 0
    for round_ in due:
        try:
            round_sync(round_=round_)
            moved += 1
        except AmendmentConflict:
            continue  # moved meanwhile by someone else
    return moved


def round_results_store(*, round_: AmendmentRound) -> list[RoundResult]:
    """Tally (one GROUP BY), rank by majority judgment, store each candidate's result, and mark
    each amendment retained or not: retained when it ranks above its field's current text,
    reaches the minimum grade and the quorum. Runs inside the close's transaction."""
    candidates = round_candidates(round_)
    tally = round_tally(round_)
    profiles = {c["id"]: tally.get(c["id"], [0] * 7) for c in candidates}
    ranked = {m.candidate: m for m in rank(profiles)}
    judges = Ballot.objects.filter(round=round_).count()
    quorum_met = judges >= round_.quorum
    rows = []
    retained: dict[int, bool] = {}
    for candidate in candidates:
        m = ranked[candidate["id"]]
        amendment = candidate["amendment"]
        keep = False
        if amendment is not None:
            status_quo = ranked[f"{STATUS_QUO}:{candidate['field']}"]
            keep = (
                quorum_met
                and m.majority_grade is not None
                and m.majority_grade >= round_.min_grade
                and compare(m, status_quo) < 0
            )
            retained[amendment.pk] = keep
        rows.append(
            RoundResult(
                round=round_,
                candidate=candidate["id"],
                field=candidate["field"],
                amendment=amendment,
                profile=list(m.profile),
                judges=m.judges,
                majority_grade=m.majority_grade,
                sign=m.sign,
                p_numerator=int(m.p * m.judges) if m.judges else 0,
                q_numerator=int(m.q * m.judges) if m.judges else 0,
                rank=m.rank,
                tied=m.tied,
                retained=keep,
            )
        )
    RoundResult.objects.filter(round=round_).delete()
    stored = RoundResult.objects.bulk_create(rows)
    for amendment in Amendment.objects.filter(pk__in=retained, state=Amendment.State.SUBMITTED):
        machine_run(
            AMENDMENT_STATES,
            actor=None,
            obj=amendment,
            name="retain" if retained[amendment.pk] else "set_aside",
        )
    return stored


# --- amendments ---


@transaction.atomic
def amendment_submit(
    *,
    actor: User,
    sheet: ProjectSheet,
    field: str,
    text: str,
    base_version: int,
    rationale: str = "",
) -> Amendment:
    """Propose a new text for one field, based on a version of the sheet, while the round's
    submission window runs."""
    if not SHEET_POLICY.check(actor, sheet):
        raise AmendmentNotFound(_("Fiche introuvable."))
    if not SHEET_POLICY.check(actor, sheet, "propose_amendment"):
        raise AmendmentForbidden(_("Connectez-vous pour proposer un amendement."))
    return _amendment_save(
        actor=actor,
        sheet=sheet,
        field=field,
        text=text,
        base_version=base_version,
        rationale=rationale,
    )


@transaction.atomic
def amendment_submit_assisted(
    *,
    actor: User,
    sheet: ProjectSheet,
    field: str,
    text: str,
    base_version: int,
    rationale: str = "",
    pseudonym: str,
    place: str,
    collected_on: datetime.date,
    consent: bool,
) -> Amendment:
    """A mediator records the amendment of a person without an account, with their consent:
    shown under their pseudonym or initials and marked « recueilli par un·e médiateur·rice à
    <lieu> le <date> »; the mediator's account answers for it (the activity names it). The
    open-amendments ceiling counts per person (pseudonym) on the sheet, not on the mediator's
    own amendments."""
    if not SHEET_POLICY.check(actor, sheet):
        raise AmendmentNotFound(_("Fiche introuvable."))
    if not is_mediator(actor):
        raise AmendmentForbidden(_("Seul·es les médiateur·rices recueillent des amendements."))
    if consent is not True:
        raise _field_error(
            "consent", _("La personne doit accepter que son amendement soit publié.")
        )
    label, where = assisted_details_clean(
        pseudonym=pseudonym, place=place, collected_on=collected_on
    )
    return _amendment_save(
        actor=actor,
        sheet=sheet,
        field=field,
        text=text,
        base_version=base_version,
        rationale=rationale,
        assisted={"assisted_label": label, "assisted_place": where, "assisted_on": collected_on},
    )


def _amendment_save(
    *,
    actor: User,
    sheet: ProjectSheet,
    field: str,
    text: str,
    base_version: int,
    rationale: str,
    assisted: dict[str, Any] | None = None,
) -> Amendment:
    round_ = (
        AmendmentRound.objects.select_for_update()
        .filter(
            sheet=sheet, state__in=[AmendmentRound.State.SUBMISSION, AmendmentRound.State.JUDGMENT]
        )
        .first()
    )
    if round_ is None or round_phase(round_) != AmendmentRound.State.SUBMISSION:
        raise AmendmentConflict(_("Aucun dépôt d'amendements n'est ouvert sur cette fiche."))
    fields = amendable_fields(sheet)
    if field not in fields:
        raise _field_error(
            "field",
            _("Champ inconnu ou non amendable : %(field)s (au choix : %(choices)s).")
            % {"field": str(field)[:40], "choices": ", ".join(fields)},
        )
    version = SheetVersion.objects.filter(sheet=sheet, number=base_version).first()
    if version is None:
        raise _field_error("base_version", _("Cette version de la fiche n'existe pas."))
    text = (text or "").strip()
    if not text:
        raise _field_error("text", _("Le texte proposé est vide."))
    if text == field_text(version, field).strip():
        raise _field_error("text", _("Le texte proposé est identique au texte de cette version."))
    rationale = (rationale or "").strip()
    limit = settings.FABRIQUE_OPEN_AMENDMENTS_PER_ACCOUNT
    # The account's row orders two submissions of one person (or of one mediator).
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values("pk").first()
    open_ones = Amendment.objects.filter(
        sheet=sheet, state__in=[Amendment.State.SUBMITTED, Amendment.State.RETAINED]
    )
    if assisted:
        # The person recorded (by any mediator), named by their pseudonym, case aside.
        open_ones = open_ones.filter(assisted_label__iexact=assisted["assisted_label"])
    else:
        open_ones = open_ones.filter(author=actor, assisted_label="")
    count = open_ones.count()
    if count >= limit:
        if assisted:
            raise AmendmentConflict(
                _(
                    "« %(who)s » a déjà %(n)d amendements en cours sur cette fiche (au plus "
                    "%(limit)d)."
                )
                % {"who": assisted["assisted_label"], "n": count, "limit": limit}
            )
        raise AmendmentConflict(
            _("Vous avez déjà %(n)d amendements en cours sur cette fiche (au plus %(limit)d).")
            % {"n": count, "limit": limit}
        )
    amendment = Amendment(
        sheet=sheet,
        round=round_,
        author=actor,
        field=field,
        base_version=version,
        text=text,
        rationale=rationale,
        **(assisted or {}),
    )
    amendment.full_clean(exclude=["state"])
    amendment.save()
    event_record(
        actor=actor,
        verb="amendment.submitted",
        target=amendment,
        workspace=sheet.workspace,
        data={"sheet": sheet.pk, "field": field, **({"assisted": True} if assisted else {})},
    )
    return amendment


def amendment_withdraw(*, actor: User, amendment: Amendment) -> Amendment:
    return machine_run(
        AMENDMENT_STATES,
        actor=actor,
        obj=amendment,
        name="withdraw",
        expected_state=Amendment.State.SUBMITTED,
    )


def amendment_reject(*, actor: User, amendment: Amendment, motivation: str) -> Amendment:
    return machine_run(
        AMENDMENT_STATES,
        actor=actor,
        obj=amendment,
        name="reject",
        note=motivation,
        decider=actor,
    )


# --- ballots ---


def _grades_clean(round_: AmendmentRound, grades: Any) -> dict[str, int]:
    """A complete ballot: a grade from 0 to 6 for every candidate of the round, and only them."""
    if not isinstance(grades, dict):
        raise _field_error("grades", _("Les mentions sont attendues par candidat."))
    expected = {c["id"] for c in round_candidates(round_)}
    given = {str(k) for k in grades}
    missing, unknown = sorted(expected - given), sorted(given - expected)
    if missing or unknown:
        raise BallotIncomplete(
            _("Un bulletin donne une mention à chaque candidat, et seulement à eux."),
            missing=missing,
            unknown=unknown[:20],
        )
    clean: dict[str, int] = {}
    for key, value in grades.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            raise _field_error("grades", _("Une mention va de 0 (à rejeter) à 6 (excellent)."))
        clean[str(key)] = value
    return clean


@transaction.atomic
def ballot_cast(*, actor: User, round_: AmendmentRound, grades: dict[str, Any]) -> Ballot:
    """Grade every candidate of the round (complete or refused), during the judgment; cast
    again to change it, until the close."""
    if not ROUND_POLICY.check(actor, round_):
        raise AmendmentNotFound(_("Tour introuvable."))
    if not ROUND_POLICY.check(actor, round_, "judge"):
        raise AmendmentForbidden(_("Connectez-vous pour juger les amendements."))
    # The round's row, read under a lock the close must wait for: a ballot either lands before
    # the tally or is refused, never accepted and left out.
    round_ = (
        AmendmentRound.objects.select_for_update(no_key=True)
        .select_related("sheet__workspace")
        .get(pk=round_.pk)
    )
    if round_phase(round_) != AmendmentRound.State.JUDGMENT:
        raise AmendmentConflict(_("Le jugement n'est pas ouvert sur ce tour."))
    clean = _grades_clean(round_, grades)
    # The account's row orders two ballots of one person sent at once.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values("pk").first()
    ballot, created = Ballot.objects.get_or_create(round=round_, voter=actor)
    if not created:
        ballot.grades.all().delete()
        ballot.save(update_fields=["updated"])
    BallotGrade.objects.bulk_create(
        [BallotGrade(ballot=ballot, round=round_, candidate=k, grade=v) for k, v in clean.items()]
    )
    event_record(
        actor=actor,
        verb="ballot.cast",
        target=round_,
        workspace=round_.sheet.workspace,
        data={"changed": not created},
    )
    return ballot


# --- merge ---


def _merge_parts(amendment: Amendment, current: SheetVersion) -> Merged:
    base = field_text(amendment.base_version, amendment.field)
    return merge3(base, field_text(current, amendment.field), amendment.text)


def _current_version(sheet: ProjectSheet) -> SheetVersion:
    """The sheet's current version, read again (not the one a stale object points to)."""
    version_id = ProjectSheet.objects.values_list("current_version_id", flat=True).get(pk=sheet.pk)
    assert version_id is not None  # a sheet is created with its version 1
    return SheetVersion.objects.get(pk=version_id)


def amendment_merge_preview(*, amendment: Amendment) -> dict[str, Any]:
    """What accepting would write: the field now, the merged text, and any conflict."""
    current = _current_version(amendment.sheet)
    merged = _merge_parts(amendment, current)
    return {
        "field": amendment.field,
        "current_version": current.number,
        "current": field_text(current, amendment.field),
        "merged": merged.text,
        "conflicts": [vars(c) for c in merged.conflicts],
    }


def _change_note(amendment: Amendment) -> str:
    result = RoundResult.objects.filter(round=amendment.round, amendment=amendment).first()
    author = amendment.proposer
    if result is None or result.majority_grade is None:
        return _("Amendement n° %(id)s de %(author)s intégré.") % {
            "id": amendment.pk,
            "author": author,
        }
    return _(
        "Amendement n° %(id)s de %(author)s intégré : rang %(rank)s, mention « %(grade)s »%(sign)s."
    ) % {
        "id": amendment.pk,
        "author": author,
        "rank": result.rank,
        "grade": Grade(result.majority_grade).label,
        "sign": result.sign,
    }


@transaction.atomic
def amendment_accept(*, actor: User, amendment: Amendment) -> Amendment:
    """Merge a retained amendment into its sheet (a new version naming it), in rank order among
    its field's retained amendments; a conflict refuses with the passages and changes nothing.
    Amendments still pending on that field are rebased on the new version, or marked "à mettre
    à jour" when they no longer apply cleanly."""
    sheet = ProjectSheet.objects.select_for_update(of=("self",)).get(pk=amendment.sheet_id)
    fresh = Amendment.objects.select_related("base_version", "round", "author").get(pk=amendment.pk)
    if not AMENDMENT_POLICY.check(actor, fresh, "decide"):
        raise AmendmentForbidden(
            _("Seuls les agents et l'élu·e du tour intègrent les amendements retenus.")
        )
    if fresh.state != Amendment.State.RETAINED:
        raise AmendmentConflict(
            _("Seul un amendement retenu s'intègre à la fiche (celui-ci est « %(state)s »).")
            % {"state": fresh.get_state_display()}
        )
    mine = RoundResult.objects.filter(round=fresh.round, amendment=fresh).first()
    ahead = RoundResult.objects.filter(
        round=fresh.round,
        field=fresh.field,
        amendment__state=Amendment.State.RETAINED,
        rank__lt=mine.rank if mine else 0,
    ).exclude(amendment=fresh)
    if ahead.exists():
        raise AmendmentConflict(
            _("Les amendements retenus d'un même champ s'intègrent dans l'ordre de leur rang.")
        )
    current = _current_version(sheet)
    merged = _merge_parts(fresh, current)
    if merged.conflicts:
        raise AmendmentMergeConflict(
            _("L'amendement entre en conflit avec des changements faits depuis sa version."),
            conflicts=[vars(c) for c in merged.conflicts],
        )
    sheet = sheet_field_merge(
        actor=actor,
        sheet=sheet,
        base_version=current.number,
        field=fresh.field,
        text=merged.text,
        change_note=_change_note(fresh)[:500],
    )
    accepted = machine_run(
        AMENDMENT_STATES,
        actor=actor,
        obj=fresh,
        name="accept",
        decider=actor,
        merged_version=sheet.current_version,
    )
    _rebase_pending(sheet=sheet, field=fresh.field, exclude=fresh.pk)
    return accepted


def _rebase_pending(*, sheet: ProjectSheet, field: str, exclude: int) -> None:
    version = _current_version(sheet)
    pending = (
        Amendment.objects.select_related("base_version")
        .filter(sheet=sheet, field=field, state=Amendment.State.SUBMITTED)
        .exclude(pk=exclude)
    )
    for other in pending:
        merged = _merge_parts(other, version)
        if merged.conflicts:
            machine_run(AMENDMENT_STATES, actor=None, obj=other, name="outdate")
            continue
        Amendment.objects.filter(pk=other.pk).update(base_version=version, text=merged.text)
        event_record(
            actor=None,
            verb="amendment.rebased",
            target=other,
            workspace=sheet.workspace,
            data={"version": version.number},
        )


# --- paper ballots (double entry by mediators) ---

PAPER_IDENTIFIER_MAX = 40


def _paper_identifier(value: Any) -> str:
    """ "B-012", "b 012" and " b-012 " are the same paper: case and spaces do not count."""
    text = "".join(str(value or "").split()).upper()
    if not text or len(text) > PAPER_IDENTIFIER_MAX:
        raise _field_error(
            "identifier", _("Le numéro écrit sur le bulletin est requis (40 caractères au plus).")
        )
    return text


def _paper_text(name: str, value: Any, limit: int, message: str) -> str:
    text = " ".join(str(value or "").split())
    if not text or len(text) > limit:
        raise _field_error(name, message)
    return text


@transaction.atomic
def paper_ballot_enter(
    *,
    actor: User,
    round_: AmendmentRound,
    identifier: str,
    place: str,
    voted_on: datetime.date,
    voter_label: str,
    grades: dict[str, Any],
    declared_no_online_ballot: bool,
) -> PaperBallotEntry:
    """A mediator types a paper ballot, during the judgment. The first entry of an identifier
    waits; a second one by another mediator that agrees (grades, place, day) counts the ballot
    once; one that disagrees is refused with the differences and changes nothing. The same
    mediator twice, or an identifier already counted, is refused."""
    if not ROUND_POLICY.check(actor, round_):
        raise AmendmentNotFound(_("Tour introuvable."))
    if not is_mediator(actor):
        raise AmendmentForbidden(_("Seul·es les médiateur·rices saisissent des bulletins papier."))
    round_ = (
        AmendmentRound.objects.select_for_update(no_key=True)
        .select_related("sheet__workspace")
        .get(pk=round_.pk)
    )
    if round_phase(round_) != AmendmentRound.State.JUDGMENT:
        raise AmendmentConflict(_("Le jugement n'est pas ouvert sur ce tour."))
    if declared_no_online_ballot is not True:
        raise _field_error(
            "declared_no_online_ballot",
            _("La personne doit déclarer ne pas voter en ligne sur ce tour."),
        )
    ident = _paper_identifier(identifier)
    place = _paper_text("place", place, 200, _("Le lieu du vote est requis."))
    label = _paper_text(
        "voter_label", voter_label, 40, _("Un pseudonyme ou des initiales sont requis.")
    )
    if not isinstance(voted_on, datetime.date) or isinstance(voted_on, datetime.datetime):
        raise _field_error("voted_on", _("La date du vote est requise."))
    if voted_on > timezone.localdate() or voted_on < timezone.localdate(round_.created):
        raise _field_error("voted_on", _("La date du vote doit tomber pendant le tour."))
    clean = _grades_clean(round_, grades)
    others = list(
        PaperBallotEntry.objects.select_for_update().filter(
            round=round_, identifier=ident, withdrawn_at__isnull=True
        )
    )
    if any(entry.ballot_id for entry in others):
        raise AmendmentConflict(
            _("Le bulletin n° %(id)s est déjà compté : un numéro ne sert qu'une fois.")
            % {"id": ident}
        )
    if any(entry.entered_by_id == actor.pk for entry in others):
        raise AmendmentConflict(
            _(
                "Vous avez déjà saisi le bulletin n° %(id)s : la seconde saisie revient à un·e "
                "autre médiateur·rice."
            )
            % {"id": ident}
        )
    entry = PaperBallotEntry(
        round=round_,
        identifier=ident,
        place=place,
        voted_on=voted_on,
        voter_label=label,
        grades=clean,
        declared_no_online_ballot=True,
        entered_by=actor,
    )
    entry.full_clean(exclude=["ballot"])
    first = others[0] if others else None
    if first is not None:
        differences = _paper_differences(first, entry)
        if differences:
            raise PaperBallotMismatch(
                _(
                    "Cette saisie ne concorde pas avec la première saisie du bulletin n° %(id)s "
                    "(%(what)s) : rien n'est enregistré. Relisez le bulletin papier."
                )
                % {"id": ident, "what": ", ".join(differences)},
                differences=differences,
            )
    entry.save()
    if first is None:
        event_record(
            actor=actor,
            verb="ballot.paper_entered",
            target=round_,
            workspace=round_.sheet.workspace,
            data={"identifier": ident},
        )
        return entry
    ballot = Ballot.objects.create(round=round_, voter=None)
    BallotGrade.objects.bulk_create(
        [BallotGrade(ballot=ballot, round=round_, candidate=k, grade=v) for k, v in clean.items()]
    )
    PaperBallotEntry.objects.filter(pk__in=[first.pk, entry.pk]).update(ballot=ballot)
    entry.ballot = ballot
    event_record(
        actor=actor,
        verb="ballot.paper_counted",
        target=round_,
        workspace=round_.sheet.workspace,
        data={"identifier": ident, "place": place},
    )
    return entry


def _paper_differences(first: PaperBallotEntry, second: PaperBallotEntry) -> list[str]:
    """What differs between two entries of one paper: candidate ids, then place and day (the
    pseudonym is not compared: two mediators may read a signature differently)."""
    differences = [
        candidate
        for candidate in sorted(first.grades)
        if first.grades.get(candidate) != second.grades.get(candidate)
    ]
    if first.place.casefold() != second.place.casefold():
        differences.append(str(_("lieu")))
    if first.voted_on != second.voted_on:
        differences.append(str(_("date")))
    return differences


@transaction.atomic
def paper_ballot_entry_withdraw(*, actor: User, entry: PaperBallotEntry) -> PaperBallotEntry:
    """Withdraw a waiting entry found misread (by its mediator, or staff), so that the paper
    can be typed afresh by two mediators. A counted ballot is never withdrawn."""
    locked = (
        PaperBallotEntry.objects.select_for_update()
        .select_related("round__sheet__workspace")
        .get(pk=entry.pk)
    )
    if not ROUND_POLICY.check(actor, locked.round) or not is_mediator(actor):
        raise AmendmentNotFound(_("Saisie introuvable."))
    if locked.entered_by_id != actor.pk and not actor.is_platform_staff:
        raise AmendmentForbidden(_("Seul·e l'auteur·rice de la saisie ou un agent la retire."))
    if locked.ballot_id is not None or locked.withdrawn_at is not None:
        raise AmendmentConflict(_("Cette saisie est déjà comptée ou retirée."))
    if round_phase(locked.round) != AmendmentRound.State.JUDGMENT:
        raise AmendmentConflict(_("Le jugement n'est pas ouvert sur ce tour."))
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    event_record(
        actor=actor,
        verb="ballot.paper_withdrawn",
        target=locked.round,
        workspace=locked.round.sheet.workspace,
        data={"identifier": locked.identifier},
    )
    return locked
