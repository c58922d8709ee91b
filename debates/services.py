"""Writes of debates and comments: open, close, archive a debate; post, edit, delete a comment;
and the one door through which moderation shows or lifts its decision in a comment's place."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_mediator
from accounts.services.mediation import assisted_details_clean
from events.services import event_record
from machines import machine_run
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .errors import (
    CommentConflict,
    CommentForbidden,
    CommentRateLimited,
    DebateConflict,
    DebateForbidden,
    DebateNotFound,
)
from .machine import DEBATE_STATES
from .models import SYNTHESIS_MIN_CHARS, Comment, Debate
from .permissions import ACTIVE_STAGES, COMMENT_POLICY, DEBATE_POLICY
from .selectors import comments_open

if TYPE_CHECKING:
    from accounts.models import User


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def debate_create(
    *,
    actor: User,
    title: str,
    body: str = "",
    sheet: ProjectSheet | None = None,
    workspace: Workspace | None = None,
    territory: Territory | None = None,
    themes: Iterable[Theme] = (),
    closes_on: datetime.date | None = None,
) -> Debate:
    """Open a debate on a sheet, in a workspace, or about a territory or themes.

    A sheet's debate takes the sheet's workspace (and, unless given, its territory and themes);
    a private workspace's debate is private. A debate attached to nothing must at least name a
    territory or a theme, so that people find it where they look."""
    themes = list(themes)
    if sheet is not None:
        if not SHEET_POLICY.check(actor, sheet):
            raise DebateNotFound(_("Fiche introuvable."))
        if not SHEET_POLICY.check(actor, sheet, "add_debate"):
            raise DebateForbidden(_("Connectez-vous pour ouvrir un débat."))
        if sheet.stage not in ACTIVE_STAGES:
            raise DebateConflict(
                _("Le projet est « %(stage)s » : on n'y ouvre plus de débat.")
                % {"stage": sheet.get_stage_display()}
            )
        if workspace is not None and workspace.pk != sheet.workspace_id:
            raise _field_error("workspace", _("La fiche n'appartient pas à cet espace."))
        workspace = sheet.workspace
        if territory is None:
            territory = sheet.territory
        if not themes:
            themes = list(sheet.themes.all())
    elif workspace is not None:
        if not WORKSPACE_POLICY.check(actor, workspace):
            raise DebateNotFound(_("Espace introuvable."))
        if not WORKSPACE_POLICY.check(actor, workspace, "add_debate"):
            raise DebateForbidden(_("Seuls les membres de cet espace peuvent y ouvrir un débat."))
    elif territory is None and not themes:
        raise _field_error(
            "territory",
            _("Rattachez le débat à une fiche, à un espace, à un territoire ou à un thème."),
        )
    if closes_on is not None and closes_on < timezone.localdate():
        raise _field_error("closes", _("La date de fin des contributions est déjà passée."))
    debate = Debate(
        title=(title or "").strip(),
        body=(body or "").strip(),
        author=actor,
        sheet=sheet,
        workspace=workspace,
        territory=territory,
        closes_on=closes_on,
    )
    debate.full_clean(exclude=["state"])  # protected: set by the machine only
    debate.save()
    if themes:
        debate.themes.set(themes)
    event_record(actor=actor, verb="debate.opened", target=debate, workspace=workspace)
    return debate


def debate_close(*, actor: User, debate: Debate, synthesis: str) -> Debate:
    """Close with a public synthesis saying what will be taken into the project."""
    synthesis = (synthesis or "").strip()
    if len(synthesis) < SYNTHESIS_MIN_CHARS:
        raise _field_error(
            "synthesis",
            _("La synthèse dit ce qui sera retenu pour le projet : au moins %(min)d caractères.")
            % {"min": SYNTHESIS_MIN_CHARS},
        )
    return machine_run(
        DEBATE_STATES,
        actor=actor,
        obj=debate,
        name="close",
        note=synthesis,
        expected_state=Debate.State.OPEN,
        closer=actor,
    )


def debates_archive_for_sheet(*, sheet: ProjectSheet) -> int:
    """Archive the debates of a sheet that was archived or abandoned (the platform acts)."""
    archived = 0
    for debate in Debate.objects.filter(sheet=sheet).exclude(state=Debate.State.ARCHIVED):
        machine_run(DEBATE_STATES, actor=None, obj=debate, name="archive")
        archived += 1
    return archived


# --- comments ---


def _refuse_unless_open(debate: Debate) -> None:
    if debate.state != Debate.State.OPEN:
        raise DebateConflict(
            _("Le débat est « %(state)s » : il ne reçoit plus de message.")
            % {"state": debate.get_state_display()}
        )
    if not comments_open(debate):
        raise DebateConflict(
            _("Le débat ne reçoit plus de message depuis le %(day)s.")
            % {"day": debate.closes_on.strftime("%d/%m/%Y") if debate.closes_on else ""}
        )


def _throttle(actor: User) -> None:
    """At most FABRIQUE_COMMENTS_PER_WINDOW comments per FABRIQUE_COMMENTS_WINDOW_SECONDS."""
    limit = settings.FABRIQUE_COMMENTS_PER_WINDOW
    window = settings.FABRIQUE_COMMENTS_WINDOW_SECONDS
    # The account's row is the lock: two posts of one account are counted one after the other.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values("pk").first()
    since = timezone.now() - datetime.timedelta(seconds=window)
    recent = list(
        Comment.objects.filter(author=actor, created__gte=since)
        .order_by("created")
        .values_list("created", flat=True)[:limit]
    )
    if len(recent) >= limit:
        retry_after = max(1, int((recent[0] - since).total_seconds()) + 1)
        minutes = max(1, round(window / 60))
        raise CommentRateLimited(
            _(
                "Vous avez publié %(limit)d messages en %(minutes)d minutes : attendez un peu "
                "avant d'en publier un autre (encore %(seconds)d secondes)."
            )
            % {"limit": limit, "minutes": minutes, "seconds": retry_after},
            retry_after=retry_after,
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise _field_error("body", _("Le message est vide."))
    return body


def _clean_stance(stance: str | None) -> str:
    stance = stance or ""
    if stance not in {"", *Comment.Stance.values}:
        raise _field_error("stance", _("Position inconnue : pour, contre ou nuancé."))
    return stance


@transaction.atomic
def comment_create(
    *,
    actor: User,
    debate: Debate,
    body: str,
    stance: str | None = "",
    parent: Comment | None = None,
) -> Comment:
    if not DEBATE_POLICY.check(actor, debate):
        raise DebateNotFound(_("Débat introuvable."))
    if not DEBATE_POLICY.check(actor, debate, "comment"):
        raise CommentForbidden(_("Connectez-vous pour participer au débat."))
    body = _clean_body(body)
    stance = _clean_stance(stance)
    if parent is not None:
        if parent.debate_id != debate.pk:
            raise _field_error("parent", _("Ce message n'appartient pas à ce débat."))
        if parent.parent_id is not None:
            raise _field_error(
                "parent",
                _("On répond à un message, pas à une réponse (deux niveaux au plus)."),
            )
        if parent.state != Comment.State.VISIBLE:
            raise CommentConflict(_("Ce message n'est plus visible : on ne peut pas y répondre."))
    return _comment_save(actor=actor, debate=debate, body=body, stance=stance, parent=parent)


def _comment_save(
    *,
    actor: User,
    debate: Debate,
    body: str,
    stance: str,
    parent: Comment | None,
    assisted: dict | None = None,
) -> Comment:
    locked = Debate.objects.select_for_update().get(pk=debate.pk)
    _refuse_unless_open(locked)
    _throttle(actor)
    comment = Comment(
        debate=locked, author=actor, parent=parent, body=body, stance=stance, **(assisted or {})
    )
    comment.full_clean()
    comment.save()
    event_record(
        actor=actor,
        verb="comment.created",
        target=comment,
        workspace=locked.workspace,
        data={
            "debate": locked.pk,
            "parent": parent.pk if parent else None,
            **({"assisted": True} if assisted else {}),
        },
    )
    return comment


@transaction.atomic
def comment_create_assisted(
    *,
    actor: User,
    debate: Debate,
    body: str,
    stance: str | None = "",
    pseudonym: str,
    place: str,
    collected_on: datetime.date,
    consent: bool,
) -> Comment:
    """A mediator records the message of a person without an account, with their consent:
    signed with their pseudonym or initials and marked « recueilli par un·e médiateur·rice à
    <lieu> le <date> »; the mediator's account answers for it (moderation, throttle)."""
    if not DEBATE_POLICY.check(actor, debate):
        raise DebateNotFound(_("Débat introuvable."))
    if not is_mediator(actor):
        raise CommentForbidden(_("Seul·es les médiateur·rices recueillent des messages."))
    if consent is not True:
        raise _field_error("consent", _("La personne doit accepter que son message soit publié."))
    label, where = assisted_details_clean(
        pseudonym=pseudonym, place=place, collected_on=collected_on
    )
    return _comment_save(
        actor=actor,
        debate=debate,
        body=_clean_body(body),
        stance=_clean_stance(stance),
        parent=None,
        assisted={"assisted_label": label, "assisted_place": where, "assisted_on": collected_on},
    )


def _locked_own_comment(actor: User, comment: Comment, action: str) -> Comment:
    if not COMMENT_POLICY.check(actor, comment):
        raise DebateNotFound(_("Message introuvable."))
    if not COMMENT_POLICY.check(actor, comment, action):
        raise CommentForbidden(_("Seul son auteur peut modifier ou supprimer ce message."))
    locked = Comment.objects.select_for_update().select_related("debate").get(pk=comment.pk)
    if locked.state == Comment.State.DELETED:
        raise CommentConflict(_("Ce message a été supprimé."))
    return locked


@transaction.atomic
def comment_update(
    *, actor: User, comment: Comment, body: str, stance: str | None = None
) -> Comment:
    """Edit one's own message: shown as "modifié" with the time. Not once hidden by moderation
    (the hidden text stays as it was judged) nor once the debate no longer takes messages."""
    locked = _locked_own_comment(actor, comment, "change")
    if locked.state == Comment.State.HIDDEN:
        raise CommentConflict(
            _("Ce message est masqué par la modération : il ne peut plus être modifié.")
        )
    _refuse_unless_open(locked.debate)
    locked.body = _clean_body(body)
    if stance is not None:
        locked.stance = _clean_stance(stance)
    locked.edited_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["body", "stance", "edited_at"])
    event_record(
        actor=actor,
        verb="comment.edited",
        target=locked,
        workspace=locked.debate.workspace,
        data={"debate": locked.debate_id},
    )
    return locked


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Delete one's own message: its text is erased at once; its place stays as a placeholder
    while it has replies (lists leave out a deleted message without any)."""
    locked = _locked_own_comment(actor, comment, "delete")
    locked.state = Comment.State.DELETED
    locked.body = ""
    locked.stance = ""
    locked.deleted_at = timezone.now()
    locked.pending_review = False
    locked.save(update_fields=["state", "body", "stance", "deleted_at", "pending_review"])
    event_record(
        actor=actor,
        verb="comment.deleted",
        target=locked,
        workspace=locked.debate.workspace,
        data={"debate": locked.debate_id},
    )
    return locked


def comment_moderation_show(
    *,
    comment: Comment,
    hidden: bool,
    pending_review: bool = False,
    reason: str = "",
    rule: str = "",
    decided: datetime.datetime | None = None,
    appealable_until: datetime.datetime | None = None,
    reinstated: datetime.datetime | None = None,
) -> Comment:
    """Show (or lift) a moderation decision in the comment's place. Called by moderation's
    services only, inside their transaction; a message its author deleted stays deleted."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.state == Comment.State.DELETED:
        return locked
    locked.state = Comment.State.HIDDEN if hidden else Comment.State.VISIBLE
    locked.pending_review = hidden and pending_review
    locked.moderation_reason = reason if hidden else ""
    locked.moderation_rule = rule if hidden else ""
    locked.moderated_at = decided if hidden else None
    locked.appealable_until = appealable_until if hidden else None
    if reinstated is not None:
        locked.reinstated_at = reinstated
    locked.save(
        update_fields=[
            "state",
            "pending_review",
            "moderation_reason",
            "moderation_rule",
            "moderated_at",
            "appealable_until",
            "reinstated_at",
        ]
    )
    return locked


def debates_closing_soon(today: datetime.date | None = None) -> int:
    """Say once, from the day before a debate's last day of contributions, that it closes soon
    (a periodic job; idempotent: a flag is set with the event)."""
    today = today or timezone.localdate()
    due = Debate.objects.filter(
        state=Debate.State.OPEN,
        closing_told=False,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=1),
    ).select_related("workspace")
    told = 0
    for debate in due:
        with transaction.atomic():
            if not Debate.objects.filter(pk=debate.pk, closing_told=False).update(
                closing_told=True
            ):
                continue  # told meanwhile by another worker
            event_record(
                actor=None,
                verb="debate.closing_soon",
                target=debate,
                workspace=debate.workspace,
                data={"closes_on": debate.closes_on.isoformat() if debate.closes_on else ""},
            )
        told += 1
    return told
