"""Turning events into notifications, in the worker.

`notifications_on_event` runs inside each service's transaction: for a verb someone may be
told of, it leaves a `FanOut` row (and follows, on the actor's behalf, what they just created,
amended or commented). After the commit a task — or the worker's sweep, if the task was lost —
fans the row out: who is concerned directly, who follows one of the objects the event belongs
to at a level that hears it, minus the actor, minus whoever may not see it now.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from amendments.models import Amendment
from debates.models import Comment, Debate
from events.models import Activity
from events.registry import Event
from policies import POLICIES
from projects.models import ProjectSheet
from territories.models import Territory

from .models import LEVEL_RANK, FanOut, Level, Notification, Recipient, Subscription
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


def _followers(topic: Topic, level: str, since: datetime.datetime) -> dict[int, tuple[str, str]]:
    """Who followed one of the topic's objects when the event happened (`since`), at a level
    that hears `level`: user id → (the followed "type:id", the wider territory's name when
    the subject is wider). A follow made after the event does not bring it back."""
    levels = [lv for lv, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[Level(level)]]
    by_type: dict[str, list[int]] = {}
    for target_type, target_id in topic.keys:
        by_type.setdefault(target_type, []).append(target_id)
    found: dict[int, tuple[str, str]] = {}
    for target_type, ids in by_type.items():
        for chunk in _chunks(ids):
            rows = Subscription.objects.filter(
                target_type=target_type,
                target_id__in=chunk,
                level__in=levels,
                created__lte=since,
            ).values_list("user_id", "target_id")
            for user_id, target_id in rows.iterator(chunk_size=CHUNK):
                wider = topic.keys[(target_type, target_id)]
                known = found.get(user_id)
                # The narrowest relation wins: "you follow this" over "a wider area".
                if known is None or (known[1] and not wider):
                    found[user_id] = (f"{target_type}:{target_id}", wider)
    return found


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


def _public(subject: Any) -> bool:
    policy = POLICIES.get(type(subject))
    return policy is None or policy.check(AnonymousUser(), subject)


def _row(
    activity: Activity,
    rule: Any,
    topic: Topic | None,
    tree: TerritoryTree,
    user_id: int,
    told: tuple[str, str, str],
    settings_of: dict[int, tuple[str, bool, bool]],
) -> Notification:
    kind, reason, wider = told
    frequency, direct_mail, mail_works = settings_of[user_id]
    if not rule.mail:
        mail = False
    elif kind == Notification.Kind.DIRECT:
        mail = direct_mail and mail_works
    else:
        mail = frequency == "immediate" and mail_works
    unchecked = reason in UNCHECKED_REASONS
    subject = topic.subject if topic is not None else None
    url = DIRECT_URLS[reason]() if reason in DIRECT_URLS else (topic.url if topic else "")
    via = tree.names.get(int(reason.split(":")[1]), "") if wider else ""
    return Notification(
        recipient_id=user_id,
        activity=activity,
        verb=activity.verb,
        kind=kind,
        reason=reason,
        via=via[:160],
        scope=wider[:160],
        group_key=topic.group_key if topic else f"{kind}:{reason}",
        group_label=(topic.group_label if topic else activity.target_repr)[:255],
        url=url[:500],
        subject_type=(
            None if unchecked or subject is None else ContentType.objects.get_for_model(subject)
        ),
        subject_id=None if unchecked or subject is None else subject.pk,
        mail=Notification.Mail.PENDING if mail else Notification.Mail.NONE,
    )


def fan_out_activity(activity: Activity, tree: TerritoryTree | None = None) -> int:
    """Write the notifications of one event; returns how many. Idempotent (unique per event
    and person): a repeated fan-out adds nobody twice.

    Those concerned directly are computed and written first (few rows, each checked). The
    followers of a subject the public may see are then written by the database itself, one
    INSERT … SELECT per kind of relation (`_followers_insert`): a sheet followed by thousands
    costs two statements, not thousands of objects. A private subject's followers (members,
    a few) are checked one by one through the policy."""
    rule = RULES.get(activity.verb)
    target = activity.target if activity.target_type_id else None
    if rule is None or target is None:
        return 0
    tree = tree or TerritoryTree()
    topic = topic_of(target, tree)
    follows = rule.level is not None and topic is not None
    in_sql = follows and topic is not None and _public(topic.subject)
    told: dict[int, tuple[str, str, str]] = {}  # user → (kind, reason, wider)
    if follows and not in_sql and topic is not None and rule.level is not None:
        for user_id, (reason, wider) in _followers(topic, rule.level, activity.created).items():
            told[user_id] = (Notification.Kind.FOLLOW, reason, wider)
    if rule.direct is not None:
        for user_id, reason in rule.direct(target, activity).items():
            told[int(user_id)] = (Notification.Kind.DIRECT, reason, "")
    if activity.actor_id and not rule.to_actor:
        told.pop(activity.actor_id, None)
    written = 0
    if told:
        checked = [u for u, (_k, reason, _w) in told.items() if reason not in UNCHECKED_REASONS]
        unchecked = [u for u in told if u not in set(checked)]
        allowed = _visible_to(topic.subject if topic else target, checked) if checked else set()
        allowed |= _visible_to(None, unchecked) if unchecked else set()
        settings_of = _settings(sorted(allowed))
        rows = [
            _row(activity, rule, topic, tree, user_id, told[user_id], settings_of)
            for user_id in sorted(allowed)
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        written += len(rows)
    if in_sql and topic is not None and rule.level is not None:
        # After the direct rows: someone told directly keeps that row (unique per event).
        written += _followers_insert(activity, rule, topic, tree)
    return written


def _keys_sql(keys: list[tuple[str, int]]) -> tuple[str, list[Any]]:
    by_type: dict[str, list[int]] = {}
    for target_type, target_id in keys:
        by_type.setdefault(target_type, []).append(target_id)
    parts, params = [], []
    for target_type, ids in sorted(by_type.items()):
        parts.append(f"(s.target_type = %s AND s.target_id IN ({', '.join(['%s'] * len(ids))}))")
        params += [target_type, *ids]
    return "(" + " OR ".join(parts) + ")", params


def _followers_insert(activity: Activity, rule: Any, topic: Topic, tree: TerritoryTree) -> int:
    """The followers of a public subject, written by one INSERT … SELECT per relation (the
    narrow follows first: someone following the quartier and the commune reads it as their
    own territory's), each ignoring who already has a row for this event. Same rows as the
    object path: active accounts only, follows made before the event, never the actor."""
    from accounts.models import User

    levels = [lv for lv, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[Level(rule.level)]]
    ops = connection.ops
    when = ops.adapt_datetimefield_value(activity.created)
    now = ops.adapt_datetimefield_value(timezone.now())
    subject = topic.subject
    subject_type = ContentType.objects.get_for_model(subject).pk if subject is not None else None
    sqlite = connection.vendor == "sqlite"
    insert = "INSERT OR IGNORE INTO" if sqlite else "INSERT INTO"
    ignore = "" if sqlite else " ON CONFLICT DO NOTHING"
    tables = {
        "n": Notification._meta.db_table,
        "s": Subscription._meta.db_table,
        "r": Recipient._meta.db_table,
        "u": User._meta.db_table,
        "t": Territory._meta.db_table,
    }
    narrow = [key for key, wider in topic.keys.items() if not wider]
    wider: dict[str, list[tuple[str, int]]] = {}
    for key, name in topic.keys.items():
        if name:
            wider.setdefault(name, []).append(key)
    written = 0
    with connection.cursor() as cursor:
        for keys, scope in [(narrow, ""), *[(k, name) for name, k in wider.items()]]:
            if not keys:
                continue
            where, key_params = _keys_sql(keys)
            common = (
                f"{where} AND s.level IN ({', '.join(['%s'] * len(levels))})"
                " AND s.created <= %s AND s.user_id <> %s"
            )
            common_params = [*key_params, *levels, when, activity.actor_id or 0]
            # Delivery settings for whoever has none yet (the defaults), as the object path.
            cursor.execute(
                f"{insert} {tables['r']} (user_id, frequency, email_direct, language,"  # noqa: S608 - tables and placeholders only
                " hard_failures, email_disabled_reason, digest_through, claim_token)"
                f" SELECT DISTINCT s.user_id, 'daily', %s, 'fr', 0, '', 0, '' FROM {tables['s']} s"
                f" WHERE {common} AND NOT EXISTS"
                f" (SELECT 1 FROM {tables['r']} r WHERE r.user_id = s.user_id){ignore}",
                [True, *common_params],
            )
            via = "t.name" if scope else "''"
            join_t = f" LEFT JOIN {tables['t']} t ON t.id = s.target_id" if scope else ""
            cursor.execute(
                f"{insert} {tables['n']} (recipient_id, activity_id, verb, kind, reason, via,"  # noqa: S608 - tables and placeholders only
                " scope, group_key, group_label, url, subject_type_id, subject_id, created,"
                " mail, mail_attempts)"
                f" SELECT s.user_id, %s, %s, 'follow',"
                f" s.target_type || ':' || CAST(s.target_id AS TEXT), COALESCE({via}, ''),"
                " %s, %s, %s, %s, %s, %s, %s,"
                " CASE WHEN %s AND r.frequency = 'immediate' AND r.email_disabled_at IS NULL"
                " THEN 'pending' ELSE 'none' END, 0"
                f" FROM {tables['s']} s"
                f" JOIN {tables['u']} u ON u.id = s.user_id AND u.is_active = %s"
                f" JOIN {tables['r']} r ON r.user_id = s.user_id{join_t}"
                f" WHERE {common}{ignore}",
                [
                    activity.pk,
                    activity.verb,
                    scope[:160],
                    topic.group_key,
                    topic.group_label[:255],
                    topic.url[:500],
                    subject_type,
                    subject.pk if subject is not None else None,
                    now,
                    bool(rule.mail),
                    True,
                    *common_params,
                ],
            )
            written += max(cursor.rowcount, 0)
    return written


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
