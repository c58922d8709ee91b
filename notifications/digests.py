"""Digests: what followed objects did, gathered by object, newest first, on a schedule.

Daily at FABRIQUE_DIGEST_TIME (7:30) Europe/Paris, weekly on FABRIQUE_DIGEST_WEEKDAY (Tuesday)
at the same hour. A run sends each person the digest of the latest slot they have not had,
covering every notification not yet sent to them — whatever the delay since the last run — and
nothing twice:

- a person is claimed by one runner at a time (a conditional UPDATE on their row);
- the notifications a digest covers are marked with it in one transaction before the e-mail
  goes, and the watermark (the slot, the last notification) advances once it went out;
- a failed send unmarks them (the next run tries again); a crash between the send and the
  watermark leaves the digest "sending", and the next run sends that same digest again — the
  one case where a person may receive a digest twice, never a gap.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.registry import verb_label

from .mail import MAIL_CLAIM_SECONDS, MAX_MAIL_ATTEMPTS, HardFailure, Mail, absolute, send_to
from .models import Digest, Frequency, Notification, Recipient
from .rules import RULES
from .selectors import still_visible
from .tokens import Unsubscribe, unsubscribe_url

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
CLAIM_SECONDS = 900
# A digest lists at most this many objects (the rest: "and N more in the site"), and covers
# notifications of at most this many days (someone back from "jamais" gets no archive).
MAX_GROUPS = 40
MAX_AGE_DAYS = 15


def digest_slot(now: datetime.datetime, frequency: str) -> datetime.datetime:
    """The latest scheduled time at or before `now` for this frequency, as an aware UTC time."""
    hour, minute = (int(part) for part in settings.FABRIQUE_DIGEST_TIME.split(":"))
    local = now.astimezone(PARIS)
    day = local.date()
    slot = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)
    if slot > local:
        day -= datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        while day.weekday() != settings.FABRIQUE_DIGEST_WEEKDAY:
            day -= datetime.timedelta(days=1)
    slot = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)
    return slot.astimezone(datetime.UTC)


@dataclass
class Group:
    key: str
    label: str
    url: str
    why: str
    counts: OrderedDict = field(default_factory=OrderedDict)
    newest: int = 0
    unsubscribe: str = ""

    @property
    def summary(self) -> str:
        parts = []
        for verb, n in self.counts.items():
            noun = RULES[verb].noun if verb in RULES else None
            if noun is not None:
                parts.append(str(noun % {"n": n}))
            else:
                parts.append(f"{verb_label(verb)} ({n})" if n > 1 else verb_label(verb))
        return ", ".join(parts)


def digest_groups(recipient: Recipient, items: list[Notification]) -> list[Group]:
    """Items grouped by object, newest group first, each with counts by kind of event:
    « Fiche « … » : 3 amendements proposés, passage en réalisation »."""
    groups: OrderedDict[str, Group] = OrderedDict()
    for n in sorted(items, key=lambda n: -n.pk):
        group = groups.get(n.group_key)
        if group is None:
            why = ""
            if n.scope:
                why = _(
                    "Vous suivez « %(via)s » ; ceci concerne tout le territoire « %(scope)s »."
                ) % {
                    "via": n.via,
                    "scope": n.scope,
                }
            stop = ""
            # Only the groups the e-mail shows carry their link (signing one costs).
            if ":" in n.reason and len(groups) < MAX_GROUPS:
                target_type, target_id = n.reason.split(":", 1)
                stop = unsubscribe_url(Unsubscribe(recipient.user_id, target_type, int(target_id)))
            group = groups[n.group_key] = Group(
                n.group_key, n.group_label, absolute(n.url), why, newest=n.pk, unsubscribe=stop
            )
        group.counts[n.verb] = group.counts.get(n.verb, 0) + 1
    return list(groups.values())


def digest_mail(
    recipient: Recipient, groups: list[Group], slot: datetime.datetime, *, immediate: bool = False
) -> Mail:
    with translation.override(recipient.language):
        shown = groups[:MAX_GROUPS]
        total = sum(sum(g.counts.values()) for g in groups)
        context = {
            "groups": shown,
            "more": len(groups) - len(shown),
            "total": total,
            "weekly": recipient.frequency == Frequency.WEEKLY,
            "immediate": immediate,
            "day": slot.astimezone(PARIS).date(),
            "centre_url": absolute(reverse("notifications:list")),
            "settings_url": absolute(reverse("notifications:settings")),
            "unsubscribe_all": unsubscribe_url(Unsubscribe(recipient.user_id)),
        }
        subject = ngettext(
            "Fabrique : %(n)d nouveauté dans ce que vous suivez",
            "Fabrique : %(n)d nouveautés dans ce que vous suivez",
            total,
        ) % {"n": total}
        return Mail(
            subject=subject,
            text=render_to_string("notifications/email/digest.txt", context),
            html=render_to_string("notifications/email/digest.html", context),
            unsubscribe=context["unsubscribe_all"],
        )


@dataclass
class DigestReport:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0


def _pending(user_id: OuterRef | int, since: datetime.datetime) -> Q:
    """Followed news not yet in any digest."""
    return Q(
        recipient_id=user_id,
        kind=Notification.Kind.FOLLOW,
        mail=Notification.Mail.NONE,
        digest__isnull=True,
        created__gte=since,
    )


def _waiting(user_id: OuterRef | int, since: datetime.datetime) -> Q:
    """What a digest run owes the person: the news not yet in a digest, and those of a digest
    a crashed runner left "sending"."""
    return _pending(user_id, since) | Q(recipient_id=user_id, digest__state=Digest.State.SENDING)


def _due(frequency: str, slot: datetime.datetime) -> Q:
    return Q(frequency=frequency) & (Q(digest_slot__isnull=True) | Q(digest_slot__lt=slot))


def digests_send(*, now: datetime.datetime | None = None) -> DigestReport:
    """Send every digest due at `now` (idempotent: run twice, send once)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=MAX_AGE_DAYS)
    report = DigestReport()
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        slot = digest_slot(now, frequency)
        waiting = Notification.objects.filter(_waiting(OuterRef("user_id"), since))
        # Whoever has nothing waiting has had this slot: one UPDATE, no e-mail.
        report.empty += (
            Recipient.objects.filter(_due(frequency, slot))
            .filter(~Exists(waiting))
            .filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
            .update(digest_slot=slot)
        )
        due = (
            Recipient.objects.filter(_due(frequency, slot))
            .filter(Exists(waiting))
            .values_list("user_id", flat=True)
            .order_by("user_id")
        )
        for user_id in list(due):
            outcome = _digest_one(user_id, frequency, slot, now, since)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _release(user_id: int, token: str, **fields) -> None:
    Recipient.objects.filter(pk=user_id, claim_token=token).update(
        claim_until=None, claim_token="", **fields
    )


def _digest_one(
    user_id: int, frequency: str, slot: datetime.datetime, now: datetime.datetime, since
) -> str:
    token = uuid.uuid4().hex
    claimed = (
        Recipient.objects.filter(_due(frequency, slot), pk=user_id)
        .filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
        .update(claim_until=now + datetime.timedelta(seconds=CLAIM_SECONDS), claim_token=token)
    )
    if not claimed:
        return "skipped"
    recipient = Recipient.objects.select_related("user").get(pk=user_id)
    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(recipient=recipient, slot=slot)
        if digest.state == Digest.State.SENT:  # sent, then the runner died: advance only
            _release(user_id, token, digest_slot=slot)
            return "skipped"
        Notification.objects.filter(_pending(user_id, since)).update(digest=digest)
        # The digest reads the notifications' own columns only (no actor, no activity).
        items = list(Notification.objects.filter(digest=digest))
    visible = still_visible(recipient.user, items)
    shown = [n for n in items if n.pk in visible]
    if not shown or not recipient.email_enabled or not recipient.user.is_active:
        Digest.objects.filter(pk=digest.pk).update(state=Digest.State.EMPTY, items=0)
        _release(
            user_id, token, digest_slot=slot, digest_through=max((n.pk for n in items), default=0)
        )
        return "empty"
    try:
        send_to(recipient, digest_mail(recipient, digest_groups(recipient, shown), slot))
    except Exception:
        logger.warning("digest e-mail failed; its notifications wait for the next run")
        with transaction.atomic():
            Notification.objects.filter(digest=digest).update(digest=None)
            digest.delete()
        _release(user_id, token)
        return "failed"
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(
            state=Digest.State.SENT, items=len(shown), sent_at=timezone.now()
        )
        Notification.objects.filter(digest=digest).update(mail=Notification.Mail.DIGEST)
        _release(user_id, token, digest_slot=slot, digest_through=max(n.pk for n in items))
    return "sent"


def immediate_send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """The followed news of "immédiat" readers, one grouped e-mail per person and sweep (a
    person following a whole commune is not sent one e-mail per amendment). Each person's
    pending rows are claimed together with a stamp of this run; a failure puts them back with
    a growing delay, a hard one counts against the address. Returns how many e-mails went."""
    now = now or timezone.now()
    due = Q(mail=Notification.Mail.PENDING, kind=Notification.Kind.FOLLOW) & (
        Q(mail_next_at__isnull=True) | Q(mail_next_at__lte=now)
    )
    people = list(
        Notification.objects.filter(due)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:limit]
    )
    sent = 0
    for user_id in people:
        # A stamp of this run (its microseconds are random): the rows it claimed carry it.
        stamp = now + datetime.timedelta(
            seconds=MAIL_CLAIM_SECONDS, microseconds=uuid.uuid4().int % 1_000_000
        )
        if not Notification.objects.filter(due, recipient_id=user_id).update(mail_next_at=stamp):
            continue
        claimed = Notification.objects.filter(
            recipient_id=user_id, mail=Notification.Mail.PENDING, mail_next_at=stamp
        )
        items = list(claimed)
        recipient = Recipient.objects.select_related("user").get(pk=user_id)
        visible = still_visible(recipient.user, items)
        shown = [n for n in items if n.pk in visible]
        if not shown or not recipient.email_enabled or not recipient.user.is_active:
            claimed.update(mail=Notification.Mail.NONE)
            continue
        try:
            send_to(
                recipient,
                digest_mail(recipient, digest_groups(recipient, shown), now, immediate=True),
            )
        except Exception as error:
            attempts = max(n.mail_attempts for n in items) + 1
            final = isinstance(error, HardFailure) or attempts >= MAX_MAIL_ATTEMPTS
            claimed.update(
                mail_attempts=attempts,
                mail=Notification.Mail.FAILED if final else Notification.Mail.PENDING,
                mail_next_at=timezone.now() + datetime.timedelta(minutes=2**attempts),
            )
            continue
        claimed.update(mail=Notification.Mail.SENT, mail_attempts=F("mail_attempts") + 1)
        Notification.objects.filter(pk__in=[n.pk for n in items if n.pk not in visible]).update(
            mail=Notification.Mail.NONE
        )
        sent += 1
    return sent
