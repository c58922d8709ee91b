"""Writes of meetings: scheduling, cancelling, registering (with the waiting list and its
promotions), e-mail confirmation and cancellation links, reminders, the purge of registrants'
personal data, and the restitution."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.throttling import mail_to_address_allowed
from events.services import event_record
from projects.markdown import markdown_to_text

from .errors import (
    AlreadyRegistered,
    BadToken,
    MeetingConflict,
    MeetingError,
    MeetingForbidden,
    MeetingNotFound,
)
from .models import (
    PERSONAL_DATA_KEPT,
    UNCONFIRMED_HOLD,
    Meeting,
    Registration,
    seat_holders_q,
)
from .permissions import (
    MEETING_POLICY,
    can_organise,
    can_organise_for_territory,
    can_organise_on_sheet,
)

CONFIRM_SALT = "fabrique.meetings.confirm"
CANCEL_SALT = "fabrique.meetings.cancel"
# A cancellation link works until the personal data is purged.
CANCEL_TOKEN_MAX_AGE = datetime.timedelta(days=400)

EDITABLE = (
    "kind",
    "title",
    "description",
    "starts",
    "ends",
    "place",
    "address",
    "step_free",
    "hearing_loop",
    "sign_language",
    "accessible_toilets",
    "accessibility_notes",
    "online_url",
    "capacity",
)


def _checked(meeting: Meeting) -> None:
    try:
        meeting.full_clean(exclude=["documents"])
    except ValidationError as error:
        messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
        raise MeetingError(messages, fields=error.message_dict) from None


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def registration_token(registration: Registration, salt: str) -> str:
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=salt)


def _from_token(token: str, salt: str, max_age: datetime.timedelta) -> Registration:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(_("Ce lien a expiré.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken(_("Ce lien n'est pas valide.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise BadToken(_("Ce lien n'est pas valide."))
    registration = (
        Registration.objects.filter(pk=int(data["r"]), email=str(data.get("e")))
        .select_related("meeting")
        .first()
    )
    if registration is None:
        raise BadToken(_("Cette inscription n'existe plus."))
    return registration


def _when(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts)
    return local.strftime("%d/%m/%Y %H:%M")


def _mail(registration: Registration, subject: str, lines: Iterable[str]) -> None:
    meeting = registration.meeting
    cancel = _url(reverse("meetings:cancel", args=[registration_token(registration, CANCEL_SALT)]))
    body = "\n".join(
        [
            _("Bonjour %(name)s,") % {"name": registration.name},
            "",
            *lines,
            "",
            f"{meeting.title} — {_when(meeting)}",
            f"{meeting.place} {meeting.address}".strip(),
            _url(meeting.get_absolute_url()),
            "",
            _("Pour annuler votre inscription : %(url)s") % {"url": cancel},
        ]
    )
    to = registration.email
    transaction.on_commit(lambda: send_mail(f"{subject} – Fabrique", body, None, [to]))


def _lock(meeting: Meeting) -> Meeting:
    # select_for_update on PostgreSQL; SQLite's write transactions are IMMEDIATE (settings).
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _seats_free(meeting: Meeting, now: datetime.datetime) -> bool:
    if meeting.capacity is None:
        return True
    return meeting.registrations.filter(seat_holders_q(now)).count() < meeting.capacity


@transaction.atomic
def meeting_create(
    *, actor: Any, sheet: Any = None, territory: Any = None, **fields: Any
) -> Meeting:
    if sheet is not None:
        if not can_organise_on_sheet(actor, sheet):
            raise MeetingForbidden(_("Vous ne pouvez pas organiser de réunion pour cette fiche."))
    elif not can_organise_for_territory(actor):
        raise MeetingForbidden(_("Vous ne pouvez pas organiser de réunion pour ce territoire."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise MeetingError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    meeting = Meeting(sheet=sheet, territory=territory, created_by=actor, **fields)
    _checked(meeting)
    meeting.save()
    event_record(actor=actor, verb="meeting.scheduled", target=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **fields: Any) -> Meeting:
    meeting = _lock(meeting)
    if not can_organise(actor, meeting):
        raise MeetingForbidden(_("Vous ne pouvez pas modifier cette réunion."))
    if meeting.state != Meeting.State.SCHEDULED:
        raise MeetingConflict(_("Une réunion annulée ou tenue ne change plus."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise MeetingError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(meeting, name, value)
    _checked(meeting)
    meeting.save()
    event_record(
        actor=actor, verb="meeting.updated", target=meeting, data={"fields": sorted(fields)}
    )
    _promote(meeting, timezone.now())
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    if not can_organise(actor, meeting):
        raise MeetingForbidden(_("Vous ne pouvez pas annuler cette réunion."))
    if meeting.state != Meeting.State.SCHEDULED:
        raise MeetingConflict(_("Cette réunion n'est plus prévue."))
    meeting.state = Meeting.State.CANCELLED
    meeting.save(update_fields=["state", "updated"])
    for registration in meeting.registrations.exclude(state=Registration.State.CANCELLED):
        _mail(registration, _("Réunion annulée"), [_("Cette réunion est annulée.")])
    event_record(actor=actor, verb="meeting.cancelled", target=meeting)
    return meeting


@transaction.atomic
def registration_create(
    *, actor: Any, meeting: Meeting, name: str = "", email: str = ""
) -> Registration:
    """One click when signed in: a seat, or the waiting list when full. Otherwise a name and an
    e-mail: pending, holding no seat, until the link confirms it (`registration_confirm`) within
    48 h. Twice: AlreadyRegistered."""
    now = timezone.now()
    meeting = _lock(meeting)
    if not MEETING_POLICY.check(actor, meeting):
        raise MeetingNotFound(_("Réunion introuvable."))
    if meeting.state != Meeting.State.SCHEDULED or meeting.starts <= now:
        raise MeetingConflict(_("Les inscriptions à cette réunion sont closes."))
    signed_in = bool(getattr(actor, "is_authenticated", False))
    if signed_in:
        name, email = actor.display_name or actor.email, actor.email
    name, email = (name or "").strip(), (email or "").strip().lower()
    active = meeting.registrations.exclude(state=Registration.State.CANCELLED)
    duplicate = active.filter(email=email).exists() or (
        signed_in and active.filter(user=actor).exists()
    )
    if duplicate:
        raise AlreadyRegistered(_("Vous êtes déjà inscrit·e à cette réunion."))
    registration = Registration(
        meeting=meeting,
        user=actor if signed_in else None,
        name=name,
        email=email,
        state=(
            Registration.State.PENDING
            if not signed_in
            else Registration.State.REGISTERED
            if _seats_free(meeting, now)
            else Registration.State.WAITING
        ),
        created=now,
        confirmed_at=now if signed_in else None,
    )
    try:
        registration.full_clean(exclude=["meeting", "user"], validate_constraints=False)
    except ValidationError as error:
        messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
        raise MeetingError(messages, fields=error.message_dict) from None
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise AlreadyRegistered(_("Vous êtes déjà inscrit·e à cette réunion.")) from None
    if signed_in:
        line = (
            _("Votre inscription est enregistrée.")
            if registration.state == Registration.State.REGISTERED
            else _("La réunion est complète : vous êtes sur la liste d'attente.")
        )
        _mail(registration, _("Inscription à une réunion"), [line])
    elif mail_to_address_allowed(email):
        confirm = _url(
            reverse("meetings:confirm", args=[registration_token(registration, CONFIRM_SALT)])
        )
        _mail(
            registration,
            _("Confirmez votre inscription"),
            [
                _("Confirmez votre inscription dans les 48 heures en suivant ce lien :"),
                confirm,
                _(
                    "Une place vous est attribuée à la confirmation s'il en reste une ; sinon, "
                    "vous serez sur la liste d'attente. Sans confirmation, l'inscription est "
                    "annulée."
                ),
            ],
        )
    event_record(
        actor=actor,
        verb="meeting.registration_created",
        target=meeting,
        data={"state": registration.state},
    )
    return registration


@transaction.atomic
def registration_confirm(*, token: str) -> Registration:
    """The e-mail link: the pending registration takes a seat if one is free (counted under the
    meeting's lock), else a place at the end of the waiting list. Followed again: unchanged."""
    now = timezone.now()
    registration = _from_token(token, CONFIRM_SALT, UNCONFIRMED_HOLD)
    # The meeting first, then the row: the order every writer of registrations takes.
    meeting = _lock(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.meeting = meeting
    if registration.state == Registration.State.CANCELLED:
        raise BadToken(_("Cette inscription a été annulée."))
    if registration.state != Registration.State.PENDING:
        return registration
    if meeting.state != Meeting.State.SCHEDULED or meeting.starts <= now:
        raise MeetingConflict(_("Les inscriptions à cette réunion sont closes."))
    queue = meeting.registrations.filter(state=Registration.State.WAITING).exists()
    registration.state = (
        Registration.State.REGISTERED
        if _seats_free(meeting, now) and not queue
        else Registration.State.WAITING
    )
    registration.confirmed_at = now
    registration.save(update_fields=["state", "confirmed_at"])
    event_record(
        actor=None,
        verb="meeting.registration_confirmed",
        target=meeting,
        data={"state": registration.state},
    )
    return registration


def _cancel(registration: Registration, actor: Any, now: datetime.datetime) -> Registration:
    # The meeting first, then the row: the order every writer of registrations takes.
    meeting = _lock(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.state == Registration.State.CANCELLED:
        return registration
    registration.state = Registration.State.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["state", "cancelled_at"])
    event_record(actor=actor, verb="meeting.registration_cancelled", target=meeting)
    _promote(meeting, now)
    return registration


@transaction.atomic
def registration_cancel_by_token(*, token: str) -> Registration:
    """The link in every e-mail: no login needed."""
    registration = _from_token(token, CANCEL_SALT, CANCEL_TOKEN_MAX_AGE)
    return _cancel(registration, None, timezone.now())


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> Registration:
    """A signed-in person cancels their own registration (or an organiser cancels one)."""
    if registration.user_id != getattr(actor, "pk", None) and not can_organise(
        actor, registration.meeting
    ):
        raise MeetingForbidden(_("Vous ne pouvez pas annuler cette inscription."))
    return _cancel(registration, actor, timezone.now())


def _promote(meeting: Meeting, now: datetime.datetime) -> int:
    """Seats freed: the waiting list moves up, in the order people joined it (confirmed: at once
    when signed in, at the link otherwise); each promoted person is told."""
    if meeting.state != Meeting.State.SCHEDULED:
        return 0
    waiting = meeting.registrations.filter(state=Registration.State.WAITING).order_by(
        "confirmed_at", "created", "pk"
    )
    promoted = 0
    for registration in waiting:
        if not _seats_free(meeting, now):
            break
        registration.state = Registration.State.REGISTERED
        registration.save(update_fields=["state"])
        _mail(
            registration,
            _("Une place s'est libérée"),
            [_("Une place s'est libérée : vous êtes inscrit·e à la réunion.")],
        )
        promoted += 1
    if promoted:
        event_record(
            actor=None,
            verb="meeting.waiting_list_promoted",
            target=meeting,
            data={"promoted": promoted},
        )
    return promoted


@transaction.atomic
def registrations_expire(*, now: datetime.datetime | None = None) -> int:
    """Registrations without an account not confirmed within 48 h are cancelled. They held no
    seat, so nobody moves up; each meeting concerned records how many (no name)."""
    now = now or timezone.now()
    stale = Registration.objects.filter(
        confirmed_at__isnull=True,
        created__lte=now - UNCONFIRMED_HOLD,
        state=Registration.State.PENDING,
        meeting__state=Meeting.State.SCHEDULED,
    )
    total = 0
    for meeting_id in sorted(set(stale.values_list("meeting_id", flat=True))):
        meeting = _lock(Meeting(pk=meeting_id))
        count = stale.filter(meeting=meeting).update(
            state=Registration.State.CANCELLED, cancelled_at=now
        )
        if count:
            event_record(
                actor=None,
                verb="meeting.registrations_expired",
                target=meeting,
                data={"expired": count},
            )
        total += count
    return total


@transaction.atomic
def meetings_remind(*, now: datetime.datetime | None = None) -> int:
    """The day before (Paris time), every registrant holding a seat gets a reminder, once: by
    e-mail from here for those without an account; through the notifications for those with
    one (`meeting.reminded`: in their notifications, and e-mailed unless they turned direct
    e-mails off). Returns how many registrants were reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    due = Meeting.objects.select_for_update().filter(
        state=Meeting.State.SCHEDULED, reminded_at__isnull=True, starts__gt=now
    )
    sent = 0
    for meeting in due:
        if timezone.localtime(meeting.starts).date() != tomorrow:
            continue
        for registration in meeting.registrations.filter(seat_holders_q(now)):
            if registration.user_id is None:
                _mail(registration, _("Rappel : réunion demain"), [_("La réunion a lieu demain.")])
            sent += 1
        meeting.reminded_at = now
        meeting.save(update_fields=["reminded_at"])
        event_record(actor=None, verb="meeting.reminded", target=meeting)
    return sent


@transaction.atomic
def meetings_purge(*, now: datetime.datetime | None = None) -> int:
    """Registrants' names and e-mails are erased 30 days after the meeting (GDPR)."""
    now = now or timezone.now()
    old = Meeting.objects.filter(ends__lte=now - PERSONAL_DATA_KEPT, purged_at__isnull=True)
    ids = list(old.values_list("pk", flat=True))
    deleted, _rows = Registration.objects.filter(meeting_id__in=ids).delete()
    Meeting.objects.filter(pk__in=ids).update(purged_at=now)
    return deleted


@transaction.atomic
def meeting_restitution_publish(
    *,
    actor: Any,
    meeting: Meeting,
    minutes: str,
    attendance: int | None,
    presentation: str = "",
    documents: Iterable[Any] = (),
) -> Meeting:
    """After the meeting: minutes (Markdown, rendered through the sanitiser), attendance,
    documents of the sheet, a presentation; the meeting is then held, shown on the sheet."""
    meeting = _lock(meeting)
    if not can_organise(actor, meeting):
        raise MeetingForbidden(_("Vous ne pouvez pas publier la restitution de cette réunion."))
    if meeting.state == Meeting.State.CANCELLED:
        raise MeetingConflict(_("Une réunion annulée n'a pas de restitution."))
    if meeting.starts > timezone.now():
        raise MeetingConflict(_("La restitution se publie après la réunion."))
    documents = list(documents)
    if any(d.sheet_id is None or d.sheet_id != meeting.sheet_id for d in documents):
        raise MeetingError(_("Seuls les documents de la fiche peuvent être liés."))
    meeting.minutes = minutes
    meeting.attendance = attendance
    meeting.presentation = presentation
    meeting.state = Meeting.State.HELD
    meeting.restitution_published_at = timezone.now()
    _checked(meeting)
    if not markdown_to_text(minutes).strip():
        raise MeetingError(_("Le compte rendu est vide."))
    meeting.save()
    meeting.documents.set(documents)
    event_record(actor=actor, verb="meeting.restitution_published", target=meeting)
    return meeting
