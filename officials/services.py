"""Writes of officials' profiles and requests: one atomic function each, asking the policy
again, recording its event (private: a request is its parties' business)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import add_working_days, working_days_between
from events.services import event_record
from machines import machine_run
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY

from .errors import (
    RequestConflict,
    RequestError,
    RequestForbidden,
    RequestNotFound,
    RequestRateLimited,
)
from .machine import OPEN, REQUEST_STATES, official_recipients
from .models import (
    BODY_MAX_CHARS,
    PHOTO_MAX_BYTES,
    PHOTO_TYPES,
    SUBJECT_MAX_CHARS,
    Mandate,
    OfficialProfile,
    Request,
    RequestEntry,
    RequestNotice,
)
from .permissions import REQUEST_POLICY

if TYPE_CHECKING:
    from accounts.models import User

# Reminders to the official and the delegates, at these shares of the delay (100: the due day).
REMINDER_STEPS = (
    (50, RequestNotice.Kind.REMINDER_50),
    (80, RequestNotice.Kind.REMINDER_80),
    (100, RequestNotice.Kind.DUE),
)


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _clean(field: str, value: Any, limit: int, empty: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise _field_error(field, empty)
    if len(text) > limit:
        raise _field_error(
            field, _("%(limit)d caractères au plus (ici %(n)d).") % {"limit": limit, "n": len(text)}
        )
    return text


def _throttle(actor: User, official: OfficialProfile) -> None:
    """At most FABRIQUE_REQUESTS_PER_OFFICIAL requests from one account to one official per
    FABRIQUE_REQUESTS_WINDOW_DAYS days, counted under a lock on the account's row."""
    limit = settings.FABRIQUE_REQUESTS_PER_OFFICIAL
    days = settings.FABRIQUE_REQUESTS_WINDOW_DAYS
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values("pk").first()
    since = timezone.now() - datetime.timedelta(days=days)
    recent = list(
        Request.objects.filter(sender=actor, first_official=official, created__gte=since)
        .order_by("created")
        .values_list("created", flat=True)[:limit]
    )
    if len(recent) >= limit:
        retry_after = max(1, int((recent[0] - since).total_seconds()) + 1)
        raise RequestRateLimited(
            _(
                "Vous avez déjà écrit %(limit)d fois à cet·te élu·e ces %(days)d derniers jours : "
                "attendez sa réponse, ou complétez une demande en cours."
            )
            % {"limit": limit, "days": days},
            retry_after=retry_after,
        )


@transaction.atomic
def request_send(
    *,
    actor: User,
    official: OfficialProfile,
    subject: str,
    body: str,
    public: bool = False,
    sheet: ProjectSheet | None = None,
) -> Request:
    """Write to an official: at once a reference and the due date (the official's committed
    delay in working days of the Alsace-Moselle calendar)."""
    if not getattr(actor, "is_active", False) or not actor.is_authenticated:
        raise RequestForbidden(_("Connectez-vous pour écrire à un·e élu·e."))
    if not official.user.is_active or not official.user.is_official:
        raise RequestNotFound(_("Élu·e introuvable."))
    if official.user_id == actor.pk:
        raise RequestConflict(_("On n'écrit pas à soi-même."))
    subject = _clean("subject", subject, SUBJECT_MAX_CHARS, _("Donnez un objet à votre demande."))
    body = _clean("body", body, BODY_MAX_CHARS, _("Le message est vide."))
    if sheet is not None and not SHEET_POLICY.check(actor, sheet):
        raise _field_error("sheet", _("Fiche introuvable."))
    _throttle(actor, official)
    now = timezone.now()
    days = official.commitment_days
    due = add_working_days(now, days)
    request = Request.objects.create(
        reference=f"tmp-{now.timestamp()}-{actor.pk}"[:20],
        sender=actor,
        official=official,
        first_official=official,
        sheet=sheet,
        subject=subject,
        body=body,
        public=bool(public),
        publication=Request.Publication.PENDING if public else Request.Publication.PRIVATE,
        delay_days=days,
        first_due_at=due,
        due_at=due,
        very_due_at=add_working_days(now, 2 * days),
    )
    request.reference = f"D-{timezone.localtime(request.created).year}-{request.pk:05d}"
    Request.objects.filter(pk=request.pk).update(reference=request.reference)
    RequestEntry.objects.create(request=request, kind="sent", author=actor, text="")
    RequestNotice.objects.bulk_create(
        RequestNotice(recipient=user, request=request, kind=RequestNotice.Kind.RECEIVED)
        for user in official_recipients(official)
    )
    event_record(actor=actor, verb="official_request.sent", target=request)
    return request


def _fresh(request: Request) -> Request:
    return Request.objects.select_related("official__user", "sender").get(pk=request.pk)


def request_answer(*, actor: User, request: Request, body: str) -> Request:
    body = _clean("body", body, 10_000, _("La réponse est vide."))
    return machine_run(
        REQUEST_STATES, actor=actor, obj=_fresh(request), name="answer", note=body, by=actor
    )


def request_clarify(*, actor: User, request: Request, question: str) -> Request:
    question = _clean("question", question, 2000, _("La question est vide."))
    return machine_run(
        REQUEST_STATES, actor=actor, obj=_fresh(request), name="clarify", note=question
    )


def request_reply(*, actor: User, request: Request, body: str) -> Request:
    body = _clean("body", body, BODY_MAX_CHARS, _("La précision est vide."))
    return machine_run(REQUEST_STATES, actor=actor, obj=_fresh(request), name="reply", note=body)


@transaction.atomic
def request_redirect(
    *, actor: User, request: Request, official: OfficialProfile | None, note: str = ""
) -> Request:
    if official is None or not official.user.is_active or not official.user.is_official:
        raise _field_error("official", _("Choisissez un·e élu·e de l'annuaire."))
    fresh = _fresh(request)
    if official.pk == fresh.official_id:
        raise _field_error("official", _("La demande est déjà adressée à cet·te élu·e."))
    note = (note or "").strip()[:2000]
    return machine_run(
        REQUEST_STATES, actor=actor, obj=fresh, name="redirect", note=note, to=official
    )


def request_inadmissible(*, actor: User, request: Request, reason: str, note: str = "") -> Request:
    if reason not in Request.Inadmissible.values:
        raise _field_error(
            "reason",
            _("Choisissez un motif : %(choices)s.")
            % {"choices": ", ".join(str(label) for label in Request.Inadmissible.labels)},
        )
    return machine_run(
        REQUEST_STATES,
        actor=actor,
        obj=_fresh(request),
        name="inadmissible",
        note=(note or "").strip()[:2000],
        reason=reason,
    )


@transaction.atomic
def request_publication_decide(*, actor: User, request: Request, approve: bool) -> Request:
    """A moderator reads a public request's question: published (with its answer, once
    answered) or kept unpublished (the request itself goes on, privately)."""
    fresh = Request.objects.select_for_update().get(pk=request.pk)
    if not REQUEST_POLICY.check(actor, fresh, "moderate"):
        raise RequestForbidden(_("Seuls les modérateurs relisent les demandes publiques."))
    fresh.publication = Request.Publication.APPROVED if approve else Request.Publication.REFUSED
    fresh.save(update_fields=["publication"])
    event_record(
        actor=actor,
        verb="official_request.published",
        target=fresh,
        data={"publication": fresh.publication},
    )
    return fresh


@transaction.atomic
def request_flag_boilerplate(*, actor: User, request: Request, boilerplate: bool) -> Request:
    """A moderator marks an answer that says nothing of the question: it does not count as
    answered in the official's rates."""
    fresh = Request.objects.select_for_update().get(pk=request.pk)
    if not REQUEST_POLICY.check(actor, fresh, "moderate"):
        raise RequestForbidden(_("Seuls les modérateurs signalent une réponse de pure forme."))
    if fresh.state != Request.State.ANSWERED:
        raise RequestConflict(_("Seule une réponse donnée peut être jugée de pure forme."))
    fresh.boilerplate = bool(boilerplate)
    fresh.save(update_fields=["boilerplate"])
    event_record(
        actor=actor,
        verb="official_request.flagged",
        target=fresh,
        data={"boilerplate": fresh.boilerplate},
    )
    return fresh


def request_notices_mark_read(*, user: Any) -> int:
    """The person has read their notices about requests (on their requests or their inbox)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return RequestNotice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def requests_remind(now: datetime.datetime | None = None) -> int:
    """Tell the official and the delegates of each open request that half, then 80 % of its
    delay has passed, then that it is due today (the worker's periodic job; idempotent: a
    reminder is written once, a unique constraint guards it)."""
    now = now or timezone.now()
    sent = 0
    pending = (
        Request.objects.filter(state__in=OPEN, reminded__lt=100, paused_at__isnull=True)
        .select_related("official__user")
        .only("id", "created", "due_at", "delay_days", "reminded", "official")
    )
    for request in pending.iterator(chunk_size=500):
        left = working_days_between(now, request.due_at)
        share = 100 if left <= 0 else round(100 * (request.delay_days - left) / request.delay_days)
        due = [(step, kind) for step, kind in REMINDER_STEPS if request.reminded < step <= share]
        if not due:
            continue
        step, kind = due[-1]  # a late worker sends only the latest, not three at once
        with transaction.atomic():
            RequestNotice.objects.bulk_create(
                [
                    RequestNotice(recipient=user, request=request, kind=kind)
                    for user in official_recipients(request.official)
                ],
                ignore_conflicts=True,
            )
            Request.objects.filter(pk=request.pk, reminded__lt=step).update(reminded=step)
            # E-mail follows through the notifications (private: the parties' business).
            event_record(
                actor=None,
                verb="official_request.reminded",
                target=request,
                data={"step": step},
            )
        sent += 1
    return sent


def requests_purge(
    *, retention_days: int | None = None, now: datetime.datetime | None = None
) -> int:
    """Erase the closed private requests older than the retention (GDPR: kept only as long as
    useful); public ones stay published. Returns how many were erased."""
    days = (
        settings.FABRIQUE_PRIVATE_REQUEST_RETENTION_DAYS
        if retention_days is None
        else retention_days
    )
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = Request.objects.filter(
        public=False,
        state__in=[Request.State.ANSWERED, Request.State.CLOSED_INADMISSIBLE],
        closed_at__lt=cutoff,
    )
    ids = list(old.values_list("pk", flat=True))
    Request.objects.filter(pk__in=ids).delete()
    return len(ids)


# --- profiles (staff only: an official is verified, never self-declared) ---


@transaction.atomic
def official_profile_set(
    *,
    actor: User,
    user: Any,
    commitment_days: int,
    presentation: str = "",
    themes: Any = (),
    territories: Any = (),
    delegates: Any = (),
) -> OfficialProfile:
    if not getattr(actor, "is_platform_staff", False):
        raise RequestForbidden(_("Seuls les agents vérifient et décrivent les élu·es."))
    if not 1 <= int(commitment_days) <= 60:
        raise _field_error("commitment_days", _("Le délai va de 1 à 60 jours ouvrés."))
    if not user.is_official:
        type(user).objects.filter(pk=user.pk).update(platform_role="official")
        user.platform_role = "official"
    profile, _created = OfficialProfile.objects.update_or_create(
        user=user,
        defaults={
            "commitment_days": int(commitment_days),
            "presentation": presentation,
            "verified_by": actor,
            "verified_at": timezone.now(),
        },
    )
    profile.themes.set(themes)
    profile.territories.set(territories)
    profile.delegates.set([d for d in delegates if d.pk != user.pk])
    event_record(actor=actor, verb="official.verified", target=profile)
    return profile


def official_photo_set(
    *, actor: User, profile: OfficialProfile, file: Any, name: str
) -> OfficialProfile:
    """Staff give an official a photo (JPEG, PNG or WebP, 2 MB at most, its type read from its
    content); the previous one is deleted once the new one is saved."""
    from documents.errors import UploadRefused
    from documents.storage import storage_delete, storage_put
    from documents.validation import detect_type

    if not getattr(actor, "is_platform_staff", False):
        raise RequestForbidden(_("Seuls les agents vérifient et décrivent les élu·es."))
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if not size:
        raise _field_error("photo", _("Le fichier est vide."))
    if size > PHOTO_MAX_BYTES:
        raise _field_error("photo", _("Une photo fait 2 Mo au plus."))
    try:
        mime_type = detect_type(file, name)
    except UploadRefused as error:
        raise _field_error("photo", str(error)) from error
    if mime_type not in PHOTO_TYPES:
        raise _field_error("photo", _("Une photo est une image JPEG, PNG ou WebP."))
    key = f"officials/{uuid.uuid4().hex}"
    storage_put(key, file)
    old = profile.photo_key
    with transaction.atomic():
        OfficialProfile.objects.filter(pk=profile.pk).update(photo_key=key, photo_type=mime_type)
        event_record(actor=actor, verb="official.photo_set", target=profile)
        if old:
            transaction.on_commit(lambda: storage_delete(old))
    profile.photo_key, profile.photo_type = key, mime_type
    return profile


@transaction.atomic
def official_photo_remove(*, actor: User, profile: OfficialProfile) -> OfficialProfile:
    from documents.storage import storage_delete

    if not getattr(actor, "is_platform_staff", False):
        raise RequestForbidden(_("Seuls les agents vérifient et décrivent les élu·es."))
    old = profile.photo_key
    OfficialProfile.objects.filter(pk=profile.pk).update(photo_key="", photo_type="")
    event_record(actor=actor, verb="official.photo_removed", target=profile)
    if old:
        transaction.on_commit(lambda: storage_delete(old))
    profile.photo_key = profile.photo_type = ""
    return profile


@transaction.atomic
def mandate_add(
    *,
    actor: User,
    profile: OfficialProfile,
    title: str,
    starts: datetime.date,
    commune: Any = None,
    ends: datetime.date | None = None,
) -> Mandate:
    if not getattr(actor, "is_platform_staff", False):
        raise RequestForbidden(_("Seuls les agents vérifient et décrivent les élu·es."))
    title = _clean("title", title, 200, _("Nommez le mandat."))
    if commune is not None and commune.kind != "commune":
        raise _field_error("commune", _("Choisissez une commune (ou aucune : l'Eurométropole)."))
    if ends is not None and ends < starts:
        raise _field_error("ends", _("La fin du mandat vient après son début."))
    mandate = Mandate.objects.create(
        official=profile, title=title, commune=commune, starts=starts, ends=ends
    )
    event_record(actor=actor, verb="official.mandate_added", target=profile)
    return mandate


@transaction.atomic
def mandate_remove(*, actor: User, mandate: Mandate) -> None:
    if not getattr(actor, "is_platform_staff", False):
        raise RequestForbidden(_("Seuls les agents vérifient et décrivent les élu·es."))
    profile = mandate.official
    mandate.delete()
    event_record(actor=actor, verb="official.mandate_removed", target=profile)


__all__ = [
    "RequestError",
    "request_answer",
    "request_clarify",
    "request_flag_boilerplate",
    "request_inadmissible",
    "request_publication_decide",
    "request_redirect",
    "request_reply",
    "request_send",
    "requests_purge",
    "requests_remind",
]
