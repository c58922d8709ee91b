"""A follower's news, read from the entries of what they follow (the "pull" half of the
notifications).

An event writes one `Entry` per followed object it belongs to (`fanout`), not one row per
follower: a sheet in a quartier of Strasbourg followed through the commune by 20,000 people
costs a handful of rows. Whoever follows one of those objects reads the entries at the moment
their news are shown (the bell, the centre) or e-mailed (a digest, an "immédiat" sweep), under
the rules of the push model it replaced:

- the follow must have existed when the event happened (`s.created <= e.created`), at a level
  that hears it (`rank`), and the person is never told of their own action;
- the narrowest relation names why ("you follow this" over "a wider territory");
- what the person was told directly (a `Notification` of kind "direct") is not told twice;
- the subject must be visible to the person now (the policies, one query per kind of subject).

Entries are numbered by `Clock` in the order their transactions commit, so a reader's watermark
("news up to number n") never skips one that committed late.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from policies import POLICIES

from .models import Clock, Entry, Notification, Subscription

# A subscription's level as the rank an entry asks for (models.LEVEL_RANK, in SQL).
RANK_SQL = "CASE s.level WHEN 'essential' THEN 0 WHEN 'standard' THEN 1 ELSE 2 END"


@dataclass
class News:
    """One event as one follower reads it (the columns of a notification, not yet a row)."""

    activity_id: int
    seq: int
    verb: str
    reason: str  # the followed object, "territory:12"
    via: str  # the followed territory's name, when the subject is wider
    scope: str  # the wider territory's name
    group_key: str
    group_label: str
    url: str
    subject_type_id: int | None
    subject_id: int | None
    created: datetime.datetime

    @property
    def subject(self) -> tuple[int, int] | None:
        if self.subject_type_id is None or self.subject_id is None:
            return None
        return (self.subject_type_id, self.subject_id)


def clock_now() -> int:
    """The number of the last committed entries (0 before any)."""
    return Clock.objects.filter(pk=1).values_list("value", flat=True).first() or 0


class PublicSubjects:
    """Which subjects the public may see, remembered for `ttl` seconds: a digest run asks about
    the same few hundred subjects for thousands of readers, and what the public may see, every
    reader may. Whatever is not public is still checked for each reader."""

    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self.known: dict[tuple[int, int], bool] = {}
        self.since = time.monotonic()

    def of(self, subjects: set[tuple[int, int]]) -> set[tuple[int, int]]:
        if time.monotonic() - self.since > self.ttl:
            self.known.clear()
            self.since = time.monotonic()
        unknown = {s for s in subjects if s not in self.known}
        if unknown:
            seen = _visible(AnonymousUser(), unknown)
            self.known.update((s, s in seen) for s in unknown)
        return {s for s in subjects if self.known[s]}


def visible_subjects(
    user: Any, subjects: Iterable[tuple[int, int]], public: PublicSubjects | None = None
) -> set[tuple[int, int]]:
    """Those of the (content type, id) pairs `user` may see now, one query per kind (what the
    public may see first, through `public` when given)."""
    wanted = set(subjects)
    if public is None:
        return _visible(user, wanted)
    ok = public.of(wanted)
    rest = wanted - ok
    return ok | (_visible(user, rest) if rest else set())


def _visible(user: Any, subjects: set[tuple[int, int]]) -> set[tuple[int, int]]:
    by_type: dict[int, set[int]] = defaultdict(set)
    for type_id, pk in subjects:
        by_type[type_id].add(pk)
    ok: set[tuple[int, int]] = set()
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        policy = POLICIES.get(model)
        qs = model._default_manager.filter(pk__in=ids)
        if policy is not None:
            qs = qs.filter(policy.visible_q(user))
        ok.update((type_id, pk) for pk in qs.values_list("pk", flat=True))
    return ok


def _tables() -> dict[str, str]:
    from territories.models import Territory

    return {
        "s": Subscription._meta.db_table,
        "e": Entry._meta.db_table,
        "t": Territory._meta.db_table,
    }


def _rows(
    user_id: int, after: int, upto: int, since: datetime.datetime, limit: int | None
) -> list[tuple]:
    """The entries one person's follows hear, numbered in (after, upto], newest first."""
    t = _tables()
    sql = (
        "SELECT e.activity_id, e.seq, e.verb, s.target_type, s.target_id, e.scope,"  # noqa: S608 - tables and placeholders only
        " COALESCE(t.name, ''), e.group_key, e.group_label, e.url, e.subject_type_id,"
        " e.subject_id, e.created"
        f" FROM {t['s']} s"
        f" JOIN {t['e']} e ON e.target_type = s.target_type AND e.target_id = s.target_id"
        f" LEFT JOIN {t['t']} t ON s.target_type = 'territory' AND t.id = s.target_id"
        " WHERE s.user_id = %s AND e.seq > %s AND e.seq <= %s AND e.created >= %s"
        f" AND s.created <= e.created AND e.rank <= {RANK_SQL}"
        " AND (e.actor_id IS NULL OR e.actor_id <> %s)"
        " ORDER BY e.seq DESC, e.id DESC"
    )
    params: list[Any] = [
        user_id,
        after,
        upto,
        connection.ops.adapt_datetimefield_value(since),
        user_id,
    ]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def follow_news(
    user: Any,
    *,
    after: int,
    upto: int,
    since: datetime.datetime,
    limit: int | None = None,
    public: PublicSubjects | None = None,
) -> list[News]:
    """What `user` is told, through their follows, of the entries numbered in (after, upto]
    and created since `since`: one item per event, newest first, each checked as the module
    says. `limit` bounds the rows read (the newest first)."""
    if upto <= after:
        return []
    found: dict[int, News] = {}
    for row in _rows(user.pk, after, upto, since, limit):
        (activity_id, seq, verb, target_type, target_id, scope, name, *rest) = row
        known = found.get(activity_id)
        # The narrowest relation wins: "you follow this" over "a wider area".
        if known is not None and (not known.scope or scope):
            continue
        group_key, group_label, url, subject_type_id, subject_id, created = rest
        if isinstance(created, str):  # SQLite through a raw cursor
            created = datetime.datetime.fromisoformat(created)
        if timezone.is_naive(created):
            created = timezone.make_aware(created, datetime.UTC)
        found[activity_id] = News(
            activity_id=activity_id,
            seq=seq,
            verb=verb,
            reason=f"{target_type}:{target_id}",
            via=name if scope else "",
            scope=scope,
            group_key=group_key,
            group_label=group_label,
            url=url,
            subject_type_id=subject_type_id,
            subject_id=subject_id,
            created=created,
        )
    if not found:
        return []
    told_directly: set[int] = set()
    ids = list(found)
    for start in range(0, len(ids), 500):
        told_directly.update(
            Notification.objects.filter(
                recipient_id=user.pk,
                kind=Notification.Kind.DIRECT,
                activity_id__in=ids[start : start + 500],
            ).values_list("activity_id", flat=True)
        )
    items = [n for n in found.values() if n.activity_id not in told_directly]
    seen = visible_subjects(user, {n.subject for n in items if n.subject is not None}, public)
    return sorted(
        (n for n in items if n.subject is None or n.subject in seen),
        key=lambda n: (-n.seq, -n.activity_id),
    )


def with_news(recipients: QuerySet, *, after_field: str, upto: int, since: datetime.datetime):
    """The recipients whose follows have entries numbered above their own watermark
    (`after_field`) and up to `upto`: the candidates of a digest or an "immédiat" sweep (their
    news are then read exactly, by `follow_news`)."""
    entries = Entry.objects.filter(
        target_type=OuterRef("target_type"),
        target_id=OuterRef("target_id"),
        seq__gt=OuterRef(OuterRef(after_field)),
        seq__lte=upto,
        created__gte=since,
    )
    follows = Subscription.objects.filter(user_id=OuterRef("user_id")).filter(Exists(entries))
    return recipients.filter(Exists(follows))


def audience(activity: Any) -> dict[int, str]:
    """Everyone told of one event, and how ("direct" or "follow"): the notification rows of
    those it concerns directly, and the followers who read it from its entries (as each of
    them would). For tests, benchmarks and audits; the site reads per person."""
    from django.contrib.auth import get_user_model

    out = dict(
        Notification.objects.filter(activity=activity, kind=Notification.Kind.DIRECT).values_list(
            "recipient_id", "kind"
        )
    )
    entries = list(Entry.objects.filter(activity=activity))
    if not entries:
        return out
    seq = entries[0].seq
    keys: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        keys[e.target_type].add(e.target_id)
    followers: set[int] = set()
    for target_type, ids in keys.items():
        followers.update(
            Subscription.objects.filter(target_type=target_type, target_id__in=ids)
            .exclude(user_id__in=out)
            .values_list("user_id", flat=True)
        )
    User = get_user_model()
    since = entries[0].created
    for user in User.objects.filter(pk__in=followers, is_active=True).iterator(chunk_size=500):
        if any(
            n.activity_id == activity.pk
            for n in follow_news(user, after=seq - 1, upto=seq, since=since)
        ):
            out[user.pk] = Notification.Kind.FOLLOW
    return out
