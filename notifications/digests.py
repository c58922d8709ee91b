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
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.registry import verb_label

from .inbox import News, PublicSubjects, clock_now, follow_news, with_news
from .mail import Mail, absolute, send_to
from .models import Digest, Frequency, Recipient
from .rules import RULES
from .tokens import Unsubscribe, unsubscribe_url

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
CLAIM_SECONDS = 900
# After a failed "immédiat" e-mail, the next try waits this long.
MAIL_RETRY_SECONDS = 600
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

    @cached_property
    def summary(self) -> str:  # read by the text and the HTML versions: made once
        parts = []
        for verb, n in self.counts.items():
            noun = RULES[verb].noun if verb in RULES else None
            if noun is not None:
                parts.append(str(noun % {"n": n}))
            else:
                parts.append(f"{verb_label(verb)} ({n})" if n > 1 else verb_label(verb))
        return ", ".join(parts)


def digest_groups(recipient: Recipient, items: list[News]) -> list[Group]:
    """Items grouped by object, newest group first, each with counts by kind of event:
    « Fiche « … » : 3 amendements proposés, passage en réalisation »."""
    groups: OrderedDict[str, Group] = OrderedDict()
    for n in sorted(items, key=lambda n: (-n.seq, -n.activity_id)):
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
                n.group_key, n.group_label, absolute(n.url), why, newest=n.seq, unsubscribe=stop
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


def _due(frequency: str, slot: datetime.datetime) -> Q:
    return Q(frequency=frequency) & (Q(digest_slot__isnull=True) | Q(digest_slot__lt=slot))


def _free(now: datetime.datetime) -> Q:
    return Q(claim_until__isnull=True) | Q(claim_until__lt=now)


def digests_send(*, now: datetime.datetime | None = None) -> DigestReport:
    """Send every digest due at `now` (idempotent: run twice, send once)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=MAX_AGE_DAYS)
    report = DigestReport()
    top = clock_now()
    public = PublicSubjects()
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        slot = digest_slot(now, frequency)
        due = Recipient.objects.filter(_due(frequency, slot))
        waiting = with_news(due, after_field="digest_seq", upto=top, since=since)
        # Whoever has no news and no digest left "sending" has had this slot: one UPDATE.
        crashed = Digest.objects.filter(recipient=OuterRef("pk"), state=Digest.State.SENDING)
        report.empty += (
            due.filter(_free(now))
            .exclude(pk__in=waiting.values("pk"))
            .filter(~Exists(crashed))
            .update(digest_slot=slot, digest_seq=Greatest(F("digest_seq"), Value(top)))
        )
        people = (
            due.filter(Q(pk__in=waiting.values("pk")) | Exists(crashed))
            .values_list("user_id", flat=True)
            .order_by("user_id")
        )
        for user_id in list(people):
            outcome = _digest_one(user_id, frequency, slot, now, since, top, public)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _release(user_id: int, token: str, **fields) -> None:
    Recipient.objects.filter(pk=user_id, claim_token=token).update(
        claim_until=None, claim_token="", **fields
    )


def _claim(user_id: int, now: datetime.datetime, due: Q) -> str | None:
    token = uuid.uuid4().hex
    claimed = (
        Recipient.objects.filter(due, pk=user_id)
        .filter(_free(now))
        .update(claim_until=now + datetime.timedelta(seconds=CLAIM_SECONDS), claim_token=token)
    )
    return token if claimed else None


def _digest_one(
    user_id: int,
    frequency: str,
    slot: datetime.datetime,
    now: datetime.datetime,
    since: datetime.datetime,
    top: int,
    public: PublicSubjects | None = None,
) -> str:
    token = _claim(user_id, now, _due(frequency, slot))
    if token is None:
        return "skipped"
    recipient = Recipient.objects.select_related("user").get(pk=user_id)
    # A digest left "sending" by a crash is sent again, with the same range; else this one
    # covers the news since the watermark up to the run.
    digest = (
        Digest.objects.filter(recipient=recipient, state=Digest.State.SENDING)
        .order_by("slot")
        .first()
    )
    if digest is None:
        digest, _created = Digest.objects.get_or_create(
            recipient=recipient,
            slot=slot,
            defaults={"seq_from": recipient.digest_seq, "seq_to": max(top, recipient.digest_seq)},
        )
    if digest.state == Digest.State.SENT:  # sent, then the runner died: advance only
        _release(
            user_id, token, digest_slot=slot, digest_seq=max(digest.seq_to, recipient.digest_seq)
        )
        return "skipped"
    shown = []
    if recipient.email_enabled and recipient.user.is_active:
        shown = follow_news(
            recipient.user, after=digest.seq_from, upto=digest.seq_to, since=since, public=public
        )
    if not shown:
        Digest.objects.filter(pk=digest.pk).update(state=Digest.State.EMPTY, items=0)
        _release(
            user_id, token, digest_slot=slot, digest_seq=max(digest.seq_to, recipient.digest_seq)
        )
        return "empty"
    try:
        send_to(recipient, digest_mail(recipient, digest_groups(recipient, shown), digest.slot))
    except Exception:
        logger.warning("digest e-mail failed; its news wait for the next run")
        digest.delete()
        _release(user_id, token)
        return "failed"
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(
            state=Digest.State.SENT, items=len(shown), sent_at=timezone.now()
        )
        _release(
            user_id, token, digest_slot=slot, digest_seq=max(digest.seq_to, recipient.digest_seq)
        )
    return "sent"


def immediate_send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """The followed news of "immédiat" readers, one grouped e-mail per person and sweep (a
    person following a whole commune is not sent one e-mail per amendment): the news above
    their watermark, which advances once the e-mail went. A failure leaves the watermark (the
    next sweeps try again, after a pause); a hard one counts against the address. Returns how
    many e-mails went."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=MAX_AGE_DAYS)
    top = clock_now()
    readers = Recipient.objects.filter(
        frequency=Frequency.IMMEDIATE, email_disabled_at__isnull=True
    ).filter(_free(now))
    people = list(
        with_news(readers, after_field="digest_seq", upto=top, since=since)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:limit]
    )
    immediate = Q(frequency=Frequency.IMMEDIATE, email_disabled_at__isnull=True)
    public = PublicSubjects()
    sent = 0
    for user_id in people:
        token = _claim(user_id, now, immediate)
        if token is None:
            continue
        recipient = Recipient.objects.select_related("user").get(pk=user_id)
        upto = max(top, recipient.digest_seq)
        shown = []
        if recipient.user.is_active:
            shown = follow_news(
                recipient.user, after=recipient.digest_seq, upto=upto, since=since, public=public
            )
        if not shown:
            _release(user_id, token, digest_seq=upto)
            continue
        try:
            send_to(
                recipient,
                digest_mail(recipient, digest_groups(recipient, shown), now, immediate=True),
            )
        except Exception:
            logger.warning("immediate news e-mail failed; retried at a later sweep")
            # The claim stays until then: a pause before the next try.
            Recipient.objects.filter(pk=user_id, claim_token=token).update(
                claim_until=timezone.now() + datetime.timedelta(seconds=MAIL_RETRY_SECONDS)
            )
            continue
        _release(user_id, token, digest_seq=upto)
        sent += 1
    return sent
