"""Officials benchmark: an official with 20,000 requests — the inbox (the official signed in),
the official's public page with its statistics, and the directory — against a trivial page.

The requests are bulk-inserted over the last 14 months (so the 12-month window cuts some), in
every state: answered on time or late (some flagged as boilerplate), inadmissible, redirected,
waiting for a clarification, open and overdue or not; public ones approved. Nine more officials
with a few requests each fill the directory. Then, in one run and interleaved round-robin, n
times each: the login form (the trivial page), the inbox's first page, the official's page and
the directory, all through Django's test client in process (no network; the same for every
side), SQLite in a throw-away directory. Queries are counted once per page at 20,000 requests
and again after adding 5,000 more: the statistics must cost the same.

    .venv/bin/python bench/officials_bench.py [--requests 20000] [--n 40] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.inprocess import percentile, publish, queries_of, setup, timed_get  # noqa: E402

setup("officials")

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import machine  # noqa: E402


def add_requests(profile, senders, count: int, rng: random.Random, start: int) -> None:
    """`count` requests to `profile` spread over 14 months, in every state."""
    from deadlines import add_working_days
    from officials.models import Request

    now = timezone.now()
    rows = []
    for i in range(count):
        created = now - timedelta(minutes=rng.randrange(14 * 30 * 24 * 60))
        due = add_working_days(created, profile.commitment_days)
        very = add_working_days(created, 2 * profile.commitment_days)
        public = rng.random() < 0.3
        state = rng.choices(
            [
                "answered",
                "closed_inadmissible",
                "acknowledged",
                "clarification_requested",
                "redirected",
            ],
            weights=[70, 5, 18, 4, 3],
        )[0]
        answered_at = None
        if state == "answered":
            answered_at = min(now, created + timedelta(days=rng.randrange(1, 40)))
        rows.append(
            Request(
                reference=f"B-{start + i:07d}",
                sender=rng.choice(senders),
                official=profile,
                first_official=profile,
                subject=f"Demande {i}",
                body="Le texte de la demande, de quelques lignes. " * 4,
                public=public,
                publication="approved" if public else "private",
                state=state,
                created=created,
                delay_days=profile.commitment_days,
                first_due_at=due,
                due_at=due,
                very_due_at=very,
                paused_at=now if state == "clarification_requested" else None,
                answer_text="La réponse de l'élu·e. " * 5 if answered_at else "",
                answered_at=answered_at,
                answer_days=(answered_at - created).days * 5 // 7 if answered_at else None,
                on_time=(answered_at <= due) if answered_at else None,
                boilerplate=bool(answered_at) and rng.random() < 0.03,
                inadmissible_reason="duplicate" if state == "closed_inadmissible" else "",
                closed_at=answered_at or (created if state == "closed_inadmissible" else None),
            )
        )
    with transaction.atomic():
        Request.objects.bulk_create(rows, batch_size=2000)
    # auto_now_add overwrote `created`: put the spread back (one UPDATE per row would be slow;
    # a CASE over the batch is not worth it here — rewrite through raw SQL per chunk).
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE officials_request SET created = %s WHERE reference = %s",
            [(r.created, r.reference) for r in rows],
        )


def build(total: int) -> dict:
    from accounts.models import PlatformRole, User
    from officials.services import official_profile_set
    from territories.models import Territory, Theme

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    rng = random.Random(23)
    agent = User.objects.create_user("agent@bench.test", "x", display_name="Agent")
    User.objects.filter(pk=agent.pk).update(platform_role=PlatformRole.STAFF)
    agent.refresh_from_db()
    password = make_password("x")
    User.objects.bulk_create(
        (
            User(email=f"c{i}@bench.test", display_name=f"Citoyen·ne {i}", password=password)
            for i in range(500)
        ),
        batch_size=500,
    )
    senders = list(User.objects.filter(email__startswith="c"))
    themes = list(Theme.objects.all())
    communes = list(Territory.objects.filter(kind="commune"))
    profiles = []
    for i in range(10):
        user = User.objects.create_user(f"elu{i}@bench.test", "x", display_name=f"Élu·e {i}")
        profiles.append(
            official_profile_set(
                actor=agent,
                user=user,
                commitment_days=rng.choice([10, 15, 20]),
                themes=rng.sample(themes, 2),
                territories=[rng.choice(communes)],
            )
        )
    main = profiles[0]
    add_requests(main, senders, total, rng, 0)
    for j, other in enumerate(profiles[1:]):
        add_requests(other, senders, 30, rng, total + 100 * (j + 1))
    return {"main": main, "senders": senders, "rng": rng, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--append")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    data = build(args.requests)
    built = time.perf_counter() - started
    main_profile = data["main"]
    anonymous = Client(HTTP_HOST="127.0.0.1")
    official = Client(HTTP_HOST="127.0.0.1")
    official.force_login(main_profile.user)
    pages = {
        "trivial": (anonymous, "/comptes/connexion/"),
        "inbox": (official, "/elus/boite/"),
        "official": (anonymous, main_profile.get_absolute_url()),
        "directory": (anonymous, "/elus/"),
        "api_official": (anonymous, f"/api/v1/officials/{main_profile.user_id}/"),
    }
    for client, path in pages.values():
        timed_get(client, path)  # warm
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.n):
        for name, (client, path) in pages.items():
            timings[name].append(timed_get(client, path) * 1000)
    queries = {name: queries_of(client, path) for name, (client, path) in pages.items()}
    add_requests(main_profile, data["senders"], 5000, data["rng"], 10_000_000)
    queries_more = {name: queries_of(client, path) for name, (client, path) in pages.items()}
    base = timings["trivial"]

    def row(label: str, name: str) -> str:
        values = timings[name]
        p50, p95 = statistics.median(values), percentile(values, 95)
        return (
            f"| {label} | {p50:.1f} | {p95:.1f} | {p50 / statistics.median(base):.1f}× | "
            f"{p95 / percentile(base, 95):.1f}× | {queries[name]} → {queries_more[name]} |"
        )

    lines = [
        "",
        f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `make bench-officials` "
        f"({args.requests:,} requests to one official, 9 others with 30 each)",
        "",
        f"Machine: {machine()} · SQLite · load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f} (shared). Built in {built:.0f} s (requests bulk-inserted).",
        "",
        "| page (in process, n = " + str(args.n) + ") | p50 ms | p95 ms | p50 ÷ trivial "
        "| p95 ÷ trivial | SQL queries (+5,000 requests) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row("trivial page: the login form", "trivial"),
        row("the inbox, first page (the official signed in)", "inbox"),
        row("the official's page (statistics, public answers)", "official"),
        row("the directory (10 officials with their statistics)", "directory"),
        row("the API's official (statistics, public answers)", "api_official"),
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
