"""Notifications benchmark (issue 16, item 8): 50,000 people, 200,000 subscriptions, 10,000
events in a day — the request side, the worker's fan-out, and the daily digest run against the
same run on an empty day.

Built in bulk (no factories): the people (a third with settings of their own: immédiat,
hebdomadaire, jamais, English), quartiers under six communes, 160 workspaces (10 private),
2,100 sheets (100 of them private) spread over the metropole, communes and quartiers with
themes, debates at the three levels (a sheet's, a workspace's, a territory's), open amendment
rounds with amendments, the day's comments (a third are replies), and 200,000 subscriptions:
popular objects draw more followers (Zipf), territories include the metropole (whose
followers hear every sheet), levels weighted by what is followed.

Then, timed:

1. The request side: 10,000 events recorded through `events.services.event_record` in their
   own transaction (commit included) with a realistic verb mix; every sixth recording, the
   notifications subscriber is taken out, so the same mix is also timed without it (those
   2,000 extra events leave no fan-out). Nothing is notified here: the rows wait for the worker.
2. The worker's fan-out: `notifications.fanout.fan_out_pending()` until nothing waits — time
   per event (of `fan_out_activity`, and the loop's wall time per event) and rows written (an
   entry per followed object, a notification per person concerned directly); how many people
   read each event, counted by SQL on a sample.
3. The e-mails due at once (`mail_send_due`), on a sample.
4. The daily digest run: `notifications.digests.digests_send(now=<the next 7:45 Paris>)`, its
   repeat (must send 0), and the same command a day later with no new event (the empty day):
   wall time and peak RSS above the RSS before the run (VmHWM reset through
   /proc/self/clear_refs; `--tracemalloc` adds Python's traced peak, slower).
5. Reading, on a sample of followers: the bell's count and the centre's first opening.

E-mail: a backend that builds each message's bytes (as SMTP would) and throws them away.
SQLite in a throw-away directory unless DATABASE_URL names an (empty) database.

    .venv/bin/python bench/notifications_bench.py [--users 50000] [--subscriptions 200000]
        [--events 10000] [--tracemalloc] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["EMAIL_BACKEND"] = "__main__.DiscardBackend"
from bench.inprocess import percentile, setup  # noqa: E402

setup("notifications")

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.mail.backends.base import BaseEmailBackend  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import machine  # noqa: E402
from notifications.models import FanOut  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")


class DiscardBackend(BaseEmailBackend):
    """Builds every message as SMTP would send it, counts it, keeps nothing."""

    sent = 0
    bytes = 0

    def send_messages(self, messages):
        for message in messages:
            DiscardBackend.bytes += len(message.message().as_bytes())
        DiscardBackend.sent += len(messages)
        return len(messages)


QUARTIERS = {
    "Strasbourg": [
        "Centre",
        "Neudorf",
        "Krutenau",
        "Esplanade",
        "Robertsau",
        "Cronenbourg",
        "Hautepierre",
        "Koenigshoffen",
        "Meinau",
        "Neuhof",
    ],
    "Schiltigheim": ["Schiltigheim Centre", "Schiltigheim Ouest", "Marais"],
    "Illkirch-Graffenstaden": ["Illkirch Centre", "Libermann", "Graffenstaden"],
    "Lingolsheim": ["Lingolsheim Nord", "Lingolsheim Sud"],
    "Bischheim": ["Bischheim Centre", "Guirbaden"],
    "Hoenheim": ["Hoenheim Centre"],
}

# The day's events: (verb, weight), the target kind follows from the verb.
MIX = [
    ("comment.created", 55),
    ("amendment.submitted", 12),
    ("sheet.updated", 8),
    ("amendment.accept", 1.5),
    ("amendment.reject", 1.5),
    ("amendment.retain", 1),
    ("amendment.set_aside", 1),
    ("debate.opened", 3),
    ("sheet.amended", 2),
    ("sheet.open_consultation", 1.5),
    ("sheet.start_realisation", 1),
    ("sheet.start_evaluation", 0.5),
    ("amendment_round.opened", 1),
    ("amendment_round.closing_soon", 1),
    ("amendment_round.close_submissions", 0.5),
    ("amendment_round.close", 0.5),
    ("debate.close", 1),
    ("membership.added", 1),
]
# Levels by what is followed: wide things mostly at essentiel/standard, a few at "tout".
LEVELS = {
    "territory": ([35, 60, 5]),
    "theme": ([35, 60, 5]),
    "workspace": ([25, 60, 15]),
    "sheet": ([20, 50, 30]),
    "debate": ([15, 50, 35]),
}


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** s for rank in range(n)]


def pick(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    return rng.choices(items, weights=weights, k=k)


def build(args, rng: random.Random) -> dict:
    from accounts.models import User
    from amendments.models import Amendment, AmendmentRound
    from debates.models import Debate
    from notifications.models import Recipient, Subscription
    from projects.models import ProjectSheet, SheetVersion
    from territories.models import Territory, Theme
    from workspace.models import Workspace

    call_command("migrate", verbosity=0)
    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        User.objects.bulk_create(
            (
                User(email=f"p{i}@bench.test", display_name=f"Personne {i}", password=password)
                for i in range(args.users)
            ),
            batch_size=2000,
        )
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    # A third set their own preferences; every other follower gets the defaults (quotidien)
    # with their first follow, as the services do (below).
    own = rng.sample(user_ids, len(user_ids) // 3)
    frequencies = rng.choices(
        ["immediate", "weekly", "never", "daily"], [25, 30, 25, 20], k=len(own)
    )
    with transaction.atomic():
        Recipient.objects.bulk_create(
            [
                Recipient(user_id=pk, frequency=f, language="en" if rng.random() < 0.25 else "fr")
                for pk, f in zip(own, frequencies, strict=True)
            ],
            batch_size=2000,
        )

    by_name = {t.name: t for t in Territory.objects.all()}
    metropole = Territory.objects.get(kind="metropole")
    communes = list(Territory.objects.filter(kind="commune").order_by("pk"))
    quartiers = []
    for commune, names in QUARTIERS.items():
        parent = by_name[commune]
        for name in names:
            quartiers.append(
                Territory(name=name, slug=f"q-{len(quartiers)}", kind="quartier", parent=parent)
            )
    quartiers = Territory.objects.bulk_create(quartiers)
    strasbourg = by_name["Strasbourg"]
    strasbourg_q = [q for q in quartiers if q.parent_id == strasbourg.pk]
    other_q = [q for q in quartiers if q.parent_id != strasbourg.pk]
    other_communes = [c for c in communes if c.pk != strasbourg.pk]
    themes = list(Theme.objects.all())

    def territory_of_sheet() -> Territory | None:
        r = rng.random()
        if r < 0.10:
            return metropole
        if r < 0.35:
            return strasbourg
        if r < 0.60:
            return rng.choice(strasbourg_q)
        if r < 0.90:
            return rng.choice(other_communes)
        if r < 0.98:
            return rng.choice(other_q)
        return None

    with transaction.atomic():
        workspaces = Workspace.objects.bulk_create(
            [
                Workspace(
                    name=f"Espace {i}",
                    slug=f"espace-{i}",
                    kind="institution" if i % 5 == 0 else "citizen_group",
                    visibility="private" if i >= 150 else "public",
                )
                for i in range(160)
            ]
        )
        public_ws, private_ws = workspaces[:150], workspaces[150:]
        sheets = ProjectSheet.objects.bulk_create(
            [
                ProjectSheet(
                    workspace=rng.choice(private_ws if i >= 2000 else public_ws),
                    slug=f"fiche-{i}",
                    title=f"Fiche {i}",
                    stage=rng.choice(["initiative", "consultation", "consultation", "realisation"]),
                    territory=territory_of_sheet(),
                    is_public=i < 2000,
                )
                for i in range(2100)
            ],
            batch_size=1000,
        )
        versions = SheetVersion.objects.bulk_create(
            [
                SheetVersion(sheet=s, number=1, title=s.title, summary="Résumé du projet.")
                for s in sheets
            ],
            batch_size=1000,
        )
        for sheet, version in zip(sheets, versions, strict=True):
            sheet.current_version = version
        ProjectSheet.objects.bulk_update(sheets, ["current_version"], batch_size=1000)
        through = ProjectSheet.themes.through
        through.objects.bulk_create(
            [
                through(projectsheet_id=s.pk, theme_id=t.pk)
                for s in sheets
                for t in rng.sample(themes, rng.randint(1, 2))
            ],
            batch_size=2000,
        )
        # Debates: 1,500 on sheets, 200 in workspaces, 200 on territories.
        debates = []
        for i in range(1900):
            if i < 1500:
                sheet = rng.choice(sheets)
                debates.append(
                    Debate(title=f"Débat {i}", sheet=sheet, workspace_id=sheet.workspace_id)
                )
            elif i < 1700:
                debates.append(
                    Debate(title=f"Débat {i}", workspace=rng.choice(public_ws),
                           territory=territory_of_sheet())
                )  # fmt: skip
            else:
                debates.append(Debate(title=f"Débat {i}", territory=territory_of_sheet()))
        debates = Debate.objects.bulk_create(debates, batch_size=1000)
        dthrough = Debate.themes.through
        dthrough.objects.bulk_create(
            [
                dthrough(debate_id=d.pk, theme_id=rng.choice(themes).pk)
                for d in debates
                if d.sheet_id is None
            ]
        )
        # Open amendment rounds on 300 sheets in consultation, 1,500 amendments among them.
        round_sheets = rng.sample([s for s in sheets if s.stage == "consultation"], 300)
        rounds = AmendmentRound.objects.bulk_create(
            [
                AmendmentRound(
                    sheet=s,
                    submission_ends=now + timedelta(days=3),
                    judgment_ends=now + timedelta(days=10),
                )
                for s in round_sheets
            ]
        )
        amendments = Amendment.objects.bulk_create(
            [
                Amendment(
                    sheet=r.sheet,
                    round=r,
                    author_id=rng.choice(user_ids),
                    field="summary",
                    base_version_id=r.sheet.current_version_id,
                    text="Texte proposé.",
                )
                for r in (rng.choice(rounds) for _ in range(1500))
            ],
            batch_size=1000,
        )

    # 200,000 subscriptions: a fifth of the people make 60 % of the follows; popular objects
    # draw more (Zipf over a shuffled order).
    active = rng.sample(user_ids, len(user_ids) // 5)
    territory_pool = (
        [(metropole.pk, 5)]
        + [(strasbourg.pk, 35)]
        + [(c.pk, w * 30 / sum(zipf_weights(len(other_communes)))) for c, w in
           zip(other_communes, zipf_weights(len(other_communes)), strict=True)]
        + [(q.pk, 30 / len(quartiers)) for q in quartiers]
    )  # fmt: skip
    pools = {}
    for kind, ids in (
        ("sheet", [s.pk for s in sheets]),
        ("debate", [d.pk for d in debates]),
        ("workspace", [w.pk for w in workspaces]),
        ("theme", [t.pk for t in themes]),
    ):
        ids = ids[:]
        rng.shuffle(ids)
        pools[kind] = (ids, zipf_weights(len(ids), 0.9))
    pools["territory"] = ([pk for pk, _ in territory_pool], [w for _, w in territory_pool])
    kinds, kind_weights = (
        ["sheet", "debate", "territory", "theme", "workspace"],
        [40, 22, 15, 12, 11],
    )
    seen: set[tuple[int, str, int]] = set()
    rows = []
    while len(rows) < args.subscriptions:
        batch = args.subscriptions - len(rows)
        chosen_kinds = rng.choices(kinds, kind_weights, k=batch)
        by_kind = Counter(chosen_kinds)
        targets = {k: iter(pick(rng, *pools[k], n)) for k, n in by_kind.items()}
        for kind in chosen_kinds:
            user = rng.choice(active) if rng.random() < 0.6 else rng.choice(user_ids)
            key = (user, kind, next(targets[kind]))
            if key in seen:
                continue
            seen.add(key)
            level = rng.choices(["essential", "standard", "all"], LEVELS[kind])[0]
            rows.append(Subscription(user_id=user, target_type=kind, target_id=key[2], level=level))
    with transaction.atomic():
        Subscription.objects.bulk_create(rows, batch_size=2000)
        Recipient.objects.bulk_create(
            [Recipient(user_id=pk) for pk in sorted({r.user_id for r in rows})],
            batch_size=2000,
            ignore_conflicts=True,
        )
    return {
        "users": user_ids,
        "sheets": sheets,
        "debates": debates,
        "workspaces": workspaces,
        "rounds": rounds,
        "amendments": amendments,
        "metropole": metropole,
        "quartiers": len(quartiers),
    }


def plan_events(args, data: dict, rng: random.Random) -> list[tuple]:
    """(verb, target, actor id, data) for the day, comments created beforehand (in bulk)."""
    from debates.models import Comment

    total = args.events + args.events // 5
    verbs = rng.choices([v for v, _ in MIX], [w for _, w in MIX], k=total)
    debates = [d for d in data["debates"]]
    debate_weights = zipf_weights(len(debates), 0.8)
    n_comments = verbs.count("comment.created")
    comment_debates = rng.choices(debates, debate_weights, k=n_comments)
    # Each debate's earlier comments, for replies (a third of the day's comments).
    earlier: dict[int, list[Comment]] = defaultdict(list)
    comments = []
    for debate in comment_debates:
        parent = (
            rng.choice(earlier[debate.pk]) if earlier[debate.pk] and rng.random() < 0.33 else None
        )
        comment = Comment(debate=debate, author_id=rng.choice(data["users"]), body="Un message.",
                          parent=parent)  # fmt: skip
        comments.append(comment)
        earlier[debate.pk].append(comment)
    with transaction.atomic():
        # One by one in order only for the parents: bulk in two passes (roots, then replies).
        roots = [c for c in comments if c.parent is None]
        Comment.objects.bulk_create(roots, batch_size=1000)
        replies = [c for c in comments if c.parent is not None]
        while replies:
            ready = [c for c in replies if c.parent.pk is not None]
            for c in ready:
                c.parent_id = c.parent.pk
            Comment.objects.bulk_create(ready, batch_size=1000)
            replies = [c for c in replies if c.pk is None]
    comment_iter = iter(comments)
    sheets = data["sheets"]
    sheet_weights = zipf_weights(len(sheets), 0.8)
    plan = []
    for verb in verbs:
        actor = rng.choice(data["users"])
        extra = None
        if verb == "comment.created":
            target = next(comment_iter)
            actor = target.author_id
        elif verb.startswith("amendment."):
            target = rng.choice(data["amendments"])
            if verb == "amendment.submitted":
                actor = target.author_id
        elif verb.startswith("amendment_round."):
            target = rng.choice(data["rounds"])
        elif verb.startswith("sheet."):
            target = rng.choices(sheets, sheet_weights)[0]
        elif verb.startswith("debate."):
            target = rng.choices(debates, debate_weights)[0]
        elif verb == "membership.added":
            target = rng.choice(data["workspaces"])
            extra = {"user": rng.choice(data["users"])}
        else:
            raise AssertionError(verb)
        plan.append((verb, target, actor, extra))
    return plan


def record_events(plan: list[tuple]) -> dict:
    """Record the day: each event in its own transaction; every sixth without the notifications
    subscriber. Returns the timings (ms) on both sides."""
    from accounts.models import User
    from events import registry
    from events.services import event_record
    from notifications.fanout import notifications_on_event

    actors = User.objects.in_bulk({a for _, _, a, _ in plan})
    timings = {"with": [], "without": []}
    by_verb: dict[str, list[float]] = defaultdict(list)
    for i, (verb, target, actor, extra) in enumerate(plan):
        without = i % 6 == 5
        if without:
            registry._subscribers.remove(notifications_on_event)
        start = time.perf_counter()
        with transaction.atomic():
            event_record(actor=actors[actor], verb=verb, target=target, data=extra)
        elapsed = (time.perf_counter() - start) * 1000
        if without:
            registry._subscribers.append(notifications_on_event)
            timings["without"].append(elapsed)
        else:
            timings["with"].append(elapsed)
            by_verb[verb].append(elapsed)
    timings["by_verb"] = by_verb
    return timings


def fan_out(sample: int | None) -> dict:
    """The worker's loop until nothing waits (or `sample` events were handled: the rest are
    dropped, and the digests cover the sample only); each event's fan-out timed."""
    from notifications import fanout

    original = fanout.fan_out_activity
    per_event: list[tuple[str, float, int]] = []

    def timed(activity, tree=None):
        start = time.perf_counter()
        written = original(activity, tree)
        per_event.append((activity.verb, (time.perf_counter() - start) * 1000, written))
        return written

    fanout.fan_out_activity = timed
    handled = 0
    start = time.perf_counter()
    try:
        while sample is None or handled < sample:
            n = fanout.fan_out_pending(limit=500 if sample is None else min(500, sample - handled))
            if not n:
                break
            handled += n
    finally:
        fanout.fan_out_activity = original
    wall = time.perf_counter() - start
    dropped, _ = FanOut.objects.all().delete()
    return {"wall": wall, "handled": handled, "per_event": per_event, "dropped": dropped}


def readers(activity_ids: list[int]) -> list[int]:
    """How many people read each event from its entries (followers of one of its objects at a
    level that hears it, following before it happened, not its actor), one SQL count each;
    the exact reading (`inbox.follow_news`) also drops those told directly and what they may
    not see."""
    from notifications.inbox import RANK_SQL
    from notifications.models import Entry, Subscription

    sql = (
        f"SELECT COUNT(DISTINCT s.user_id) FROM {Subscription._meta.db_table} s"  # noqa: S608
        f" JOIN {Entry._meta.db_table} e ON e.target_type = s.target_type"
        " AND e.target_id = s.target_id"
        f" WHERE e.activity_id = %s AND s.created <= e.created AND e.rank <= {RANK_SQL}"
        " AND (e.actor_id IS NULL OR e.actor_id <> s.user_id)"
    )
    out = []
    with connection.cursor() as cursor:
        for activity_id in activity_ids:
            cursor.execute(sql, [activity_id])
            out.append(cursor.fetchone()[0])
    return out


def reading(sample: int, rng: random.Random) -> dict:
    """What reading costs now that followers' news are read when shown: the bell's count
    (`unread_count`, nothing written) and the centre's first opening (`notifications_sync`,
    which writes the person's rows), for `sample` followers drawn at random."""
    from accounts.models import User
    from notifications.models import Subscription
    from notifications.selectors import unread_count
    from notifications.services import notifications_sync

    ids = sorted(set(Subscription.objects.values_list("user_id", flat=True)))
    chosen = rng.sample(ids, min(sample, len(ids)))
    bell, sync, rows = [], [], []
    for user in User.objects.filter(pk__in=chosen):
        start = time.perf_counter()
        unread_count(user)
        bell.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        rows.append(notifications_sync(actor=user))
        sync.append((time.perf_counter() - start) * 1000)
    return {"bell": bell, "sync": sync, "rows": rows}


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    return 0


def measured(fn, *, traced: bool):
    """(result, seconds, peak RSS above the start in MiB, traced peak MiB or None)."""
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # VmHWM := VmRSS
    except OSError:
        pass
    rss_before = _status("VmRSS")
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, elapsed, (_status("VmHWM") - rss_before) / 1024, peak


def next_digest_time(after: datetime) -> datetime:
    local = after.astimezone(PARIS)
    candidate = local.replace(hour=7, minute=45, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--subscriptions", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--mail-sample", type=int, default=2000)
    parser.add_argument(
        "--fan-out", type=int, help="fan out only the day's first N events (all by default)"
    )
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--readers-sample", type=int, default=2000,
                        help="events whose readers are counted")  # fmt: skip
    parser.add_argument("--reading-sample", type=int, default=200,
                        help="followers whose bell and centre are timed")  # fmt: skip
    parser.add_argument("--no-digest", action="store_true", help="stop after the fan-out")
    parser.add_argument("--profile-digest", action="store_true",
                        help="the day's digest run under cProfile (slower; figures not comparable)")  # fmt: skip
    parser.add_argument("--append")
    args = parser.parse_args()
    from notifications.digests import digests_send
    from notifications.inbox import clock_now, with_news
    from notifications.mail import mail_send_due
    from notifications.models import Digest, Entry, Notification, Recipient, Subscription

    load_start = os.getloadavg()
    rng = random.Random(16)
    started = time.perf_counter()
    data = build(args, rng)
    plan = plan_events(args, data, rng)
    built = time.perf_counter() - started
    subs_before = Subscription.objects.count()
    print(f"built in {built:.0f} s: {len(data['users'])} people, {subs_before} subscriptions",
          flush=True)  # fmt: skip

    day_start = time.perf_counter()
    recorded = record_events(plan)
    day_wall = time.perf_counter() - day_start
    waiting = FanOut.objects.count()
    notified_in_request = Notification.objects.count()
    auto = Subscription.objects.count() - subs_before
    print(f"recorded {len(plan)} events in {day_wall:.0f} s; {waiting} fan-outs waiting, "
          f"{notified_in_request} notifications written in the request", flush=True)  # fmt: skip

    out = fan_out(args.fan_out)
    per = out["per_event"]
    times = [t for _, t, _ in per]
    counts = [n for _, _, n in per]
    total_notifications = Notification.objects.count()
    total_entries = Entry.objects.count()
    print(f"fan-out: {out['handled']} events in {out['wall']:.0f} s, "
          f"{total_notifications} notifications, {total_entries} entries", flush=True)  # fmt: skip
    fanned = [a for a in Entry.objects.values_list("activity_id", flat=True).distinct()]
    rng.shuffle(fanned)
    count_start = time.perf_counter()
    read_by = readers(fanned[: args.readers_sample])
    count_wall = time.perf_counter() - count_start
    print(f"readers counted for {len(read_by)} events in {count_wall:.0f} s", flush=True)

    pending_mail = Notification.objects.filter(mail=Notification.Mail.PENDING).count()
    mail_start = time.perf_counter()
    mailed = 0
    while mailed < args.mail_sample:
        n = mail_send_due(limit=min(200, args.mail_sample - mailed))
        if not n:
            break
        mailed += n
    mail_wall = time.perf_counter() - mail_start

    digest_at = next_digest_time(timezone.now())
    waiting_people = with_news(
        Recipient.objects.filter(frequency__in=["daily", "weekly"]),
        after_field="digest_seq",
        upto=clock_now(),
        since=digest_at - timedelta(days=15),
    ).count()
    recipients = Recipient.objects.count()
    runs = {}
    for name, when in (
        ()
        if args.no_digest
        else (
            ("day", digest_at),
            ("repeat", digest_at + timedelta(minutes=5)),
            ("empty", digest_at + timedelta(days=1)),
        )
    ):
        DiscardBackend.sent = DiscardBackend.bytes = 0
        if args.profile_digest and name == "day":
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
        report, seconds, rss, traced = measured(
            lambda when=when: digests_send(now=when), traced=args.tracemalloc
        )
        if args.profile_digest and name == "day":
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        runs[name] = (report, seconds, rss, traced, DiscardBackend.sent, DiscardBackend.bytes)
        print(f"digest {name}: {report} in {seconds:.1f} s, peak RSS +{rss:.0f} MiB, "
              f"{DiscardBackend.sent} e-mails", flush=True)  # fmt: skip
    digests_sent = Digest.objects.filter(state="sent").count()
    read = reading(args.reading_sample, rng)

    engine = connection.vendor
    with_, without = recorded["with"], recorded["without"]
    added = statistics.median(with_) - statistics.median(without)
    by_verb = {
        verb: [(t, n) for v, t, n in per if v == verb] for verb in sorted({v for v, _, _ in per})
    }
    lines = [
        "",
        f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `make bench-notifications` "
        f"({len(data['users']):,} people, {subs_before:,} subscriptions, "
        f"{args.events:,} events)",
        "",
        f"Machine: {machine()} · {engine} · load average at start "
        f"{load_start[0]:.2f}/{load_start[1]:.2f}/{load_start[2]:.2f}, at end "
        f"{os.getloadavg()[0]:.2f} (shared). Built in {built:.0f} s (bulk inserts: "
        f"{len(data['sheets']):,} sheets of which 100 private, {len(data['debates']):,} debates, "
        f"{data['quartiers']} quartiers, {len(data['rounds'])} open rounds, "
        f"{len(data['amendments']):,} amendments). E-mail backend: builds each message's bytes "
        "and discards them (bench-local `DiscardBackend`).",
        "",
        "**Request side** — `event_record` in its own transaction, commit included, the same "
        "verb mix on both sides, interleaved (every sixth recording without the notifications "
        "subscriber):",
        "",
        "| recording an event | n | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
        f"| with notifications (fan-out row, auto-follow, task enqueued on commit) | {len(with_)} "
        f"| {statistics.median(with_):.2f} | {percentile(with_, 95):.2f} |",
        f"| without the notifications subscriber | {len(without)} "
        f"| {statistics.median(without):.2f} | {percentile(without, 95):.2f} |",
        f"| added by notifications (p50 difference) | | {added:.2f} | |",
        "",
        f"Notifications written during the requests: {notified_in_request} (fan-out rows "
        f"waiting for the worker: {waiting:,}); auto-follows made by the day: {auto:,}.",
        "",
        f"**Worker's fan-out** — `fan_out_pending()` until empty: {out['handled']:,} events in "
        f"{out['wall']:.1f} s ({out['wall'] / max(out['handled'], 1) * 1000:.1f} ms per event "
        f"wall, claims included); rows written: {total_entries:,} entries (one per followed "
        f"object an event belongs to) and {total_notifications:,} notifications of those "
        "concerned directly."
        + (
            f" Sample: the day's first {out['handled']:,} events only (in the day's random "
            f"order); the {out['dropped']:,} others were dropped unsent"
            + ("." if args.no_digest else ", and the digests below cover the sample.")
            if out["dropped"]
            else ""
        ),
        "",
        f"Readers per event (followers who read it from its entries; counted by SQL for "
        f"{len(read_by):,} events drawn at random, in {count_wall:.0f} s): median "
        f"{statistics.median(read_by or [0]):,.0f}, p95 {percentile(read_by or [0], 95):,.0f}, "
        f"max {max(read_by or [0]):,}; the push model wrote one row per reader.",
        "",
        "| events | n | fan-out p50 ms | p95 ms | max ms | rows p50 | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| all | {len(per)} | {statistics.median(times):.1f} | {percentile(times, 95):.1f} | "
        f"{max(times):.0f} | {statistics.median(counts):.0f} | {percentile(counts, 95):.0f} | "
        f"{max(counts)} |",
    ]
    for verb, items in by_verb.items():
        if len(items) < 50:
            continue
        t = [x for x, _ in items]
        c = [n for _, n in items]
        lines.append(
            f"| {verb} | {len(items)} | {statistics.median(t):.1f} | {percentile(t, 95):.1f} | "
            f"{max(t):.0f} | {statistics.median(c):.0f} | {percentile(c, 95):.0f} | {max(c)} |"
        )
    lines += [
        "",
        f"E-mails due at once after the fan-out: {pending_mail:,}; `mail_send_due` sent "
        f"{mailed:,} of them in {mail_wall:.1f} s ({mail_wall / max(mailed, 1) * 1000:.1f} ms "
        "each).",
    ]
    digest_lines = [
        "",
        f"**Daily digest run** — `digests_send(now={digest_at.astimezone(PARIS):%Y-%m-%d %H:%M} "
        f"Europe/Paris)`: {recipients:,} people with settings, {waiting_people:,} of them "
        "(daily or weekly) with news waiting in the entries. Peak memory: the "
        "process's peak RSS (VmHWM, reset through /proc/self/clear_refs before each run) above "
        "its RSS at the start of the run"
        + ("; traced: tracemalloc's peak (runs slower under it)." if args.tracemalloc else "."),
        "",
        "| run | wall s | peak RSS +MiB | "
        + ("traced peak MiB | " if args.tracemalloc else "")
        + "e-mails sent | MiB of e-mail | sent / empty / failed / skipped |",
        "| --- | ---: | ---: | " + ("---: | " if args.tracemalloc else "") + "---: | ---: | --- |",
    ]
    labels = {
        "day": f"the day's run ({out['handled']:,} events fanned out)",
        "repeat": "the same run again 5 minutes later",
        "empty": "the next day: no new event (empty day)",
    }
    if runs:
        lines += digest_lines
    for name, (report, seconds, rss, traced, mails, size) in runs.items():
        lines.append(
            f"| {labels[name]} | {seconds:.1f} | {rss:.0f} | "
            + (f"{traced:.0f} | " if args.tracemalloc else "")
            + f"{mails:,} | {size / 2**20:.1f} | {report.sent} / {report.empty} / "
            f"{report.failed} / {report.skipped} |"
        )
    if runs:
        day, empty = runs["day"], runs["empty"]
        lines += [
            "",
            f"Ratio day ÷ empty day: {day[1] / max(empty[1], 1e-9):.0f}× in time; "
            f"{day[4] / max(day[1], 1e-9):.1f} digests per second; digests marked sent: "
            f"{digests_sent:,}.",
        ]
    else:
        lines += ["", "(Digests not run: `--no-digest`.)"]
    lines += [
        "",
        f"**Reading** — {len(read['bell'])} followers drawn at random, after the day: the "
        f"bell's count (`unread_count`, reads the entries, writes nothing) p50 "
        f"{statistics.median(read['bell'] or [0]):.1f} ms, p95 "
        f"{percentile(read['bell'] or [0], 95):.1f} ms; the centre's first opening "
        f"(`notifications_sync`, writes the person's rows) p50 "
        f"{statistics.median(read['sync'] or [0]):.1f} ms, p95 "
        f"{percentile(read['sync'] or [0], 95):.1f} ms, rows written p50 "
        f"{statistics.median(read['rows'] or [0]):.0f}, max {max(read['rows'] or [0])}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
