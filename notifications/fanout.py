"""Turning events into notifications, in the worker.

`notifications_on_event` runs inside each service's transaction: for a verb someone may be
told of, it leaves a `FanOut` row (and follows, on the actor's behalf, what they just created,
amended or commented). After the commit a task — or the worker's sweep, if the task was lost —
fans the row out: a notification for each person the event concerns directly (checked through
the policy), and one `Entry` per followed object the event belongs to, which the followers of
that object read when their news are shown or e-mailed (`inbox`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from amendments.models import Amendment
from debates.models import Comment, Debate
from events.models import Activity
from events.registry import Event
from policies import POLICIES
from projects.models import ProjectSheet

from .models import LEVEL_RANK, Clock, Entry, FanOut, Level, Notification, Recipient
from .rules import DIRECT_URLS, RULES, UNCHECKED_REASONS, TerritoryTree, Topic, topic_of
from .services import subscriptions_auto

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8
CHUNK = 2000


# ---- In the service's transaction.


def _auto_follows(event: Event) -> list[tuple[str, int]]:
    verb, target = event.verb.name, event.target
    if verb == "sheet.created" and isinstance(target, ProjectSheet):
        return [("sheet", target.pk)]
    if verb == "amendment.submitted" and isinstance(target, Amendment):
        return [("sheet", target.sheet_id)]
    if verb == "comment.created" and isinstance(target, Comment):
        return [("debate", target.debate_id)]
    if verb == "debate.opened" and isinstance(target, Debate):
        return [("debate", target.pk)]
    return []


def notifications_on_event(event: Event) -> None:
    actor_id = getattr(event.actor, "pk", None) if event.activity.actor_id else None
    if actor_id:
        subscriptions_auto(user_id=actor_id, targets=_auto_follows(event))
    if event.verb.name in RULES:
        FanOut.objects.create(activity=event.activity)
        _fan_out_on_commit()


def _fan_out_on_commit() -> None:
    connection = transaction.get_connection()
    if not any(item[1] is _schedule for item in connection.run_on_commit):
        transaction.on_commit(_schedule)


def _schedule() -> None:
    from .tasks import fan_out_task

    try:
        fan_out_task.enqueue()
    except Exception:  # the worker's sweep fans out what a lost task left
        logger.exception("could not enqueue the notifications fan-out")


# ---- In the worker.


def _chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _visible_to(subject: Any, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` who may see `subject` now (active accounts only)."""
    User = get_user_model()
    policy = POLICIES.get(type(subject))
    public = policy is None or policy.check(AnonymousUser(), subject)
    allowed: set[int] = set()
    for chunk in _chunks(user_ids):
        users = User.objects.filter(pk__in=chunk, is_active=True)
        if public:
            allowed.update(users.values_list("pk", flat=True))
        else:
            allowed.update(u.pk for u in users if policy.check(u, subject))
    return allowed


def _settings(user_ids: list[int]) -> dict[int, tuple[str, bool, bool]]:
    """Each person's (frequency, e-mail direct, e-mail working), their row made if missing."""
    out: dict[int, tuple[str, bool, bool]] = {}
    for chunk in _chunks(user_ids):
        for pk, frequency, direct, disabled in Recipient.objects.filter(
            user_id__in=chunk
        ).values_list("user_id", "frequency", "email_direct", "email_disabled_at"):
            out[pk] = (frequency, direct, disabled is None)
        # Only the missing rows are written (a row per person per event cost most of the
        # fan-out: docs/benchmarks.md, issue 16); one made meanwhile by another worker or the
        # settings page is kept as it is (ignore_conflicts) and read back.
        missing = [pk for pk in chunk if pk not in out]
        if missing:
            Recipient.objects.bulk_create(
                [Recipient(user_id=pk) for pk in missing], ignore_conflicts=True, batch_size=500
            )
            for pk, frequency, direct, disabled in Recipient.objects.filter(
                user_id__in=missing
            ).values_list("user_id", "frequency", "email_direct", "email_disabled_at"):
                out[pk] = (frequency, direct, disabled is None)
    return out


def _row(
    activity: Activity,
    rule: Any,
    topic: Topic | None,
    user_id: int,
    reason: str,
    settings_of: dict[int, tuple[str, bool, bool]],
) -> Notification:
    """The notification of one person the event concerns directly."""
    _frequency, direct_mail, mail_works = settings_of[user_id]
    mail = bool(rule.mail) and direct_mail and mail_works
    unchecked = reason in UNCHECKED_REASONS
    subject = topic.subject if topic is not None else None
    url = DIRECT_URLS[reason]() if reason in DIRECT_URLS else (topic.url if topic else "")
    return Notification(
        recipient_id=user_id,
        activity=activity,
        verb=activity.verb,
        kind=Notification.Kind.DIRECT,
        reason=reason,
        group_key=topic.group_key if topic else f"direct:{reason}",
        group_label=(topic.group_label if topic else activity.target_repr)[:255],
        url=url[:500],
        subject_type=(
            None if unchecked or subject is None else ContentType.objects.get_for_model(subject)
        ),
        subject_id=None if unchecked or subject is None else subject.pk,
        created=activity.created,
        mail=Notification.Mail.PENDING if mail else Notification.Mail.NONE,
    )


def fan_out_activity(activity: Activity, tree: TerritoryTree | None = None) -> int:
    """Write what one event tells: a notification for each person it concerns directly
    (checked through the policy now), and one entry per followed object it belongs to, which
    every follower of that object reads (`inbox`). Returns how many rows. Idempotent (unique
    per event and person, per event and followed object)."""
    rule = RULES.get(activity.verb)
    target = activity.target if activity.target_type_id else None
    if rule is None or target is None:
        return 0
    tree = tree or TerritoryTree()
    topic = topic_of(target, tree)
    told: dict[int, str] = {}  # user → reason
    if rule.direct is not None:
        for user_id, reason in rule.direct(target, activity).items():
            told[int(user_id)] = reason
    if activity.actor_id and not rule.to_actor:
        told.pop(activity.actor_id, None)
    written = 0
    with transaction.atomic():
        if told:
            checked = [u for u, reason in told.items() if reason not in UNCHECKED_REASONS]
            unchecked = [u for u in told if u not in set(checked)]
            subject = topic.subject if topic else target
            allowed = _visible_to(subject, checked) if checked else set()
            allowed |= _visible_to(None, unchecked) if unchecked else set()
            settings_of = _settings(sorted(allowed))
            rows = [
                _row(activity, rule, topic, user_id, told[user_id], settings_of)
                for user_id in sorted(allowed)
            ]
            Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
            written += len(rows)
        if rule.level is not None and topic is not None and topic.keys:
            written += _entries(activity, rule, topic)
    return written


def _entries(activity: Activity, rule: Any, topic: Topic) -> int:
    """One entry per followed object, numbered after every entry committed before (the
    clock's row stays locked until this transaction commits)."""
    if Entry.objects.filter(activity=activity).exists():
        return 0
    if not Clock.objects.filter(pk=1).update(value=F("value") + 1):  # the very first event
        Clock.objects.get_or_create(pk=1)
        Clock.objects.filter(pk=1).update(value=F("value") + 1)
    seq = Clock.objects.filter(pk=1).values_list("value", flat=True).get()
    subject = topic.subject
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    common = {
        "activity": activity,
        "seq": seq,
        "rank": LEVEL_RANK[Level(rule.level)],
        "actor_id": None if rule.to_actor else activity.actor_id,
        "verb": activity.verb,
        "group_key": topic.group_key,
        "group_label": topic.group_label[:255],
        "url": topic.url[:500],
        "subject_type": subject_type,
        "subject_id": subject.pk if subject is not None else None,
        "created": activity.created,
    }
    rows = [
        Entry(target_type=target_type, target_id=target_id, scope=wider[:160], **common)
        for (target_type, target_id), wider in sorted(topic.keys.items())
    ]
    Entry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def fan_out_pending(*, limit: int = 500, now: datetime.datetime | None = None) -> int:
    """Fan out the waiting events, oldest first, each claimed so that two workers never do the
    same one at once; a failure is retried later (and logged), never lost. Returns how many
    events were handled."""
    now = now or timezone.now()
    waiting = list(
        FanOut.objects.filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
        .filter(attempts__lt=MAX_ATTEMPTS)
        .order_by("activity_id")
        .values_list("activity_id", flat=True)[:limit]
    )
    tree = TerritoryTree() if waiting else None
    written = handled = 0
    for activity_id in waiting:
        claimed = (
            FanOut.objects.filter(pk=activity_id)
            .filter(Q(claim_until__isnull=True) | Q(claim_until__lt=now))
            .update(claim_until=now + datetime.timedelta(seconds=CLAIM_SECONDS))
        )
        if not claimed:
            continue
        try:
            with transaction.atomic():
                activity = Activity.objects.select_related("actor").get(pk=activity_id)
                written += fan_out_activity(activity, tree)
                FanOut.objects.filter(pk=activity_id).delete()
            handled += 1
        except Exception:
            logger.exception("notifications fan-out failed for one event; retried later")
            attempts = FanOut.objects.filter(pk=activity_id).values_list("attempts", flat=True)
            tries = (attempts.first() or 0) + 1
            FanOut.objects.filter(pk=activity_id).update(
                attempts=tries,
                claim_until=timezone.now() + datetime.timedelta(seconds=60 * 2**tries),
            )
    if written:
        _mail_on_commit()
    return handled


def _mail_on_commit() -> None:
    from .tasks import mail_task

    def enqueue() -> None:
        try:
            mail_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the notifications e-mail")

    transaction.on_commit(enqueue)
