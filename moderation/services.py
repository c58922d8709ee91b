"""Writes of moderation: report a comment, decide a case, appeal, judge an appeal, publish the
charter. Every state change runs through the moderation machine (`moderation.machine`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import add_working_hours
from debates.models import Comment
from debates.permissions import COMMENT_POLICY
from debates.services import comment_moderation_show
from events.services import event_record
from machines import machine_run

from .errors import (
    ModerationConflict,
    ModerationError,
    ModerationNotFound,
    ReportRateLimited,
    ReportTwice,
)
from .machine import MODERATION
from .models import CharterVersion, ModerationAction, ModerationCase, Notice, Report, ReportReason
from .selectors import charter_current

if TYPE_CHECKING:
    from accounts.models import User

DECISIONS = ("hide", "dismiss")
APPEAL_DECISIONS = ("uphold", "reverse")


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _throttle_reports(actor: User) -> None:
    limit = settings.FABRIQUE_REPORTS_PER_HOUR
    since = timezone.now() - datetime.timedelta(hours=1)
    first = list(
        Report.objects.filter(reporter=actor, created__gte=since)
        .order_by("created")
        .values_list("created", flat=True)[:limit]
    )
    if len(first) >= limit:
        retry_after = max(1, int((first[0] - since).total_seconds()) + 1)
        raise ReportRateLimited(
            _("Vous avez fait %(n)d signalements en une heure : réessayez plus tard.")
            % {"n": limit},
            retry_after=retry_after,
        )


def _case_open(comment: Comment) -> ModerationCase:
    """The comment's case, created by its first report; its row is locked for the caller."""
    now = timezone.now()
    case, created = ModerationCase.objects.select_for_update().get_or_create(
        comment=comment,
        defaults={
            "opened_at": now,
            "due_at": add_working_hours(now, settings.FABRIQUE_MODERATION_DUE_WORKING_HOURS),
        },
    )
    if created:
        ModerationAction.objects.create(case=case, actor=None, kind="opened", to_state=case.state)
    return case


def _seasoned_reporters(case: ModerationCase) -> int:
    """Reports since the case (re)opened from accounts older than the minimum age."""
    joined_before = timezone.now() - datetime.timedelta(
        days=settings.FABRIQUE_REPORTER_MIN_AGE_DAYS
    )
    return Report.objects.filter(
        case=case,
        created__gte=case.opened_at,
        reporter__date_joined__lte=joined_before,
        reporter__is_active=True,
    ).count()


@transaction.atomic
def report_create(*, actor: User, comment: Comment, reason: str, details: str = "") -> Report:
    """Report a message once, with a reason from the list. The case opens with the first report;
    past the threshold of seasoned reporters the message waits hidden for a moderator's
    decision (never a decision by itself)."""
    if not COMMENT_POLICY.check(actor, comment):
        raise ModerationNotFound(_("Message introuvable."))
    if reason not in ReportReason.values:
        raise _field_error("reason", _("Choisissez un motif dans la liste."))
    details = (details or "").strip()
    if comment.author_id == actor.pk:
        raise ModerationError(_("On ne signale pas son propre message."))
    # The comment's row orders concurrent reports of one message.
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.state == Comment.State.DELETED:
        raise ModerationConflict(_("Ce message a été supprimé par son auteur."))
    if Report.objects.filter(comment=locked, reporter=actor).exists():
        raise ReportTwice(_("Vous avez déjà signalé ce message."))
    _throttle_reports(actor)
    case = _case_open(locked)
    if case.state in {
        ModerationCase.State.HIDDEN,
        ModerationCase.State.APPEALED,
        ModerationCase.State.UPHELD,
    }:
        raise ModerationConflict(_("Ce message est déjà masqué par la modération."))
    if case.state in {ModerationCase.State.DISMISSED, ModerationCase.State.REVERSED}:
        # A new report after a decision opens a new examination (the text may have changed).
        case = machine_run(MODERATION, actor=None, obj=case, name="reopen")
    report = Report(case=case, comment=locked, reporter=actor, reason=reason, details=details)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:  # the same account, twice at once
        raise ReportTwice(_("Vous avez déjà signalé ce message.")) from error
    pending_review = (
        case.auto_hidden_at is None
        and locked.state == Comment.State.VISIBLE
        and _seasoned_reporters(case) >= settings.FABRIQUE_REPORTS_TO_HIDE
    )
    # Recorded with what the report led to: the author is told when it hid their message.
    event_record(
        actor=actor,
        verb="comment.reported",
        target=case,
        workspace=locked.debate.workspace,
        data={"reason": reason, "pending_review": pending_review},
    )
    if pending_review:
        case.auto_hidden_at = timezone.now()
        case.save(update_fields=["auto_hidden_at"])
        comment_moderation_show(comment=locked, hidden=True, pending_review=True)
        ModerationAction.objects.create(
            case=case,
            actor=None,
            kind="auto_hidden",
            from_state=case.state,
            to_state=case.state,
        )
        if locked.author_id:
            Notice.objects.create(
                recipient_id=locked.author_id, case=case, kind=Notice.Kind.PENDING_REVIEW
            )
    return report


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Le motif est obligatoire : il sera publié."))
    if len(reason) > 1000:
        raise _field_error("reason", _("Le motif tient en 1 000 caractères au plus."))
    return reason


def case_decide(
    *, actor: User, case: ModerationCase, action: str, reason: str, rule: str = ""
) -> ModerationCase:
    """Hide the message (with a reason and the charter's article, both published in its
    place) or dismiss the reports (with a reason told to the reporters)."""
    if action not in DECISIONS:
        raise _field_error("action", _("Décision inconnue : masquer (hide) ou écarter (dismiss)."))
    reason = _reason(reason)
    rule = (rule or "").strip()
    charter = charter_current()
    if action == "hide":
        if not rule:
            raise _field_error("rule", _("Citez l'article de la charte appliqué."))
        if charter is None or charter.article(rule) is None:
            raise _field_error(
                "rule",
                _("La charte en vigueur n'a pas d'article « %(rule)s ».") % {"rule": rule[:20]},
            )
    elif rule and (charter is None or charter.article(rule) is None):
        raise _field_error(
            "rule", _("La charte en vigueur n'a pas d'article « %(rule)s ».") % {"rule": rule[:20]}
        )
    return machine_run(
        MODERATION,
        actor=actor,
        obj=case,
        name=action,
        note=reason,
        expected_state=ModerationCase.State.PENDING,
        decider=actor,
        rule=rule,
        charter=charter,
    )


def appeal_create(*, actor: User, comment: Comment, text: str) -> ModerationCase:
    """The author of a hidden message asks, once and within the deadline, for a second look by
    another moderator."""
    case = ModerationCase.objects.select_related("comment").filter(comment=comment).first()
    if case is None or case.comment.state != Comment.State.HIDDEN or case.comment.pending_review:
        raise ModerationConflict(_("Ce message n'est pas masqué par une décision de modération."))
    text = (text or "").strip()
    if not text:
        raise _field_error("text", _("Dites pourquoi la décision devrait être revue."))
    if len(text) > 2000:
        raise _field_error("text", _("Le recours tient en 2 000 caractères au plus."))
    return machine_run(
        MODERATION,
        actor=actor,
        obj=case,
        name="appeal",
        note=text,
        expected_state=ModerationCase.State.HIDDEN,
    )


def appeal_decide(*, actor: User, case: ModerationCase, action: str, reason: str) -> ModerationCase:
    if action not in APPEAL_DECISIONS:
        raise _field_error(
            "action", _("Décision inconnue : confirmer (uphold) ou rétablir (reverse).")
        )
    reason = _reason(reason)
    return machine_run(
        MODERATION,
        actor=actor,
        obj=case,
        name=action,
        note=reason,
        expected_state=ModerationCase.State.APPEALED,
        decider=actor,
    )


@transaction.atomic
def notices_mark_read(*, actor: User) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def charter_publish(
    *, actor: User | None, introduction: str, articles: list[dict[str, Any]], change_note: str = ""
) -> CharterVersion:
    """A new version of the charter (the previous ones stay readable). Staff, or the platform
    when it installs the first version."""
    if actor is not None and not getattr(actor, "is_platform_staff", False):
        raise ModerationError(_("Seuls les agents publient la charte."))
    last = CharterVersion.objects.select_for_update().order_by("-number").first()
    version = CharterVersion(
        number=(last.number + 1) if last else 1,
        introduction=(introduction or "").strip(),
        articles=articles,
        change_note=(change_note or "").strip(),
    )
    version.full_clean()
    version.save()
    if actor is not None:
        event_record(actor=actor, verb="charter.published", target=version)
    return version
