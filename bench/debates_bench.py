"""Debate benchmark: a debate with 5,000 comments — its page, the API's list, the debates list.

The debate hangs on a public sheet and holds 2,500 threads, each a top-level comment with one
reply, written by 60 citizens, an official (badge) and an agent; one thread in 50 is hidden by
moderation (reason and charter article in its place), one in 40 deleted by its author while its
reply keeps it as a placeholder, one reply in 60 deleted (left out of every list) and one in 97
hidden. The users, the debate, its sheet and 40 smaller debates for the list go through the
services; the comments are bulk-inserted (`Comment.objects.bulk_create`), with their moderation
fields set as `comment_moderation_show` would set them: the bench measures reads, not the
comment or moderation write paths, their rate limit or their events.

The debate grows in three steps — 100, 1,000 then 5,000 comments — and after each one the SQL
queries of every page are counted in-process with the Django test client (they must not grow
with the comments). At 5,000, every page is timed against a trivial page in the same run, on
the same live server (gunicorn, one sync worker, DEBUG off, SQLite in a throw-away directory,
the page cache as `make run` configures it): the login form for HTML pages and an empty sheet
list for API calls. Requests are interleaved round-robin so that machine noise hits every page
alike; each figure is the median (p50) and p95 of N requests, plus the median's ratio to the
trivial page. "Middle page" is the page halfway through the threads (HTML, 30 threads a page)
or through the flat list (API, 20 comments a page).

    .venv/bin/python bench/debates_bench.py [--comments 5000] [--n 60] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import atexit
import math
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-bench-debates-"))
atexit.register(shutil.rmtree, VAR, ignore_errors=True)
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DEBUG": "false",
    "FABRIQUE_VAR_DIR": str(VAR),
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import count_queries, fetch, free_port, machine, start_server, stop_server  # noqa: E402

WORDS = [
    "aménagement",
    "arceaux",
    "abri",
    "badge",
    "bus",
    "cadenas",
    "carrefour",
    "circulation",
    "consigne",
    "cycliste",
    "école",
    "enfants",
    "gare",
    "habitants",
    "horaires",
    "parvis",
    "piéton",
    "piste",
    "place",
    "quai",
    "quartier",
    "rampe",
    "riverains",
    "rue",
    "sécurité",
    "stationnement",
    "surveillance",
    "tarif",
    "tramway",
    "trottoir",
    "vélo",
    "vol",
    "voirie",
    "train",
    "ascenseur",
    "cargo",
    "accès",
    "matin",
    "soir",
    "week-end",
    "navette",
    "abonnement",
]
SIZES = (100, 1000, 5000)
THREADS_PER_PAGE = 30  # debates.selectors.THREADS_PER_PAGE, checked below
API_PAGE_SIZE = 20  # REST_FRAMEWORK["PAGE_SIZE"], checked below


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def comment_body(rng: random.Random) -> str:
    body = paragraph(rng, rng.randint(25, 80))
    roll = rng.random()
    if roll < 0.2:
        body += f"\n\n- {paragraph(rng, 8)}\n- {paragraph(rng, 8)}"
    elif roll < 0.3:
        body += " Voir **le plan vélo** : https://www.strasbourg.eu/plan-velo"
    return body


def build_base() -> dict:
    from accounts.models import PlatformRole, User
    from accounts.services import user_set_platform_role
    from debates.services import debate_create
    from projects.services import sheet_create
    from territories.models import Territory, Theme
    from workspace.models import Workspace
    from workspace.services import workspace_create

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    rng = random.Random(13)
    service = User.objects.create_user("service@bench.test", "x", display_name="Service mobilité")
    official = User.objects.create_user("elue@bench.test", "x", display_name="Élue")
    user_set_platform_role(actor=None, user=official, role=PlatformRole.OFFICIAL)
    agent = User.objects.create_user("agent@bench.test", "x", display_name="Agent")
    user_set_platform_role(actor=None, user=agent, role=PlatformRole.STAFF)
    password = make_password("x")
    User.objects.bulk_create(
        User(email=f"citoyen{i}@bench.test", display_name=f"Citoyen·ne {i}", password=password)
        for i in range(60)
    )
    citizens = list(User.objects.filter(email__startswith="citoyen").order_by("pk"))
    workspace = workspace_create(
        actor=service, name="Service mobilité", kind=Workspace.Kind.CITIZEN_GROUP, slug="bench"
    )
    strasbourg = Territory.objects.get(slug="strasbourg")
    mobility = list(Theme.objects.filter(slug="mobilite"))
    sheet = sheet_create(
        actor=service,
        workspace=workspace,
        title="Stationnement vélo sécurisé autour de la gare centrale",
        summary=paragraph(rng, 60),
        body=paragraph(rng, 200),
        territory=strasbourg,
        themes=mobility,
    )
    debate = debate_create(
        actor=service,
        sheet=sheet,
        title="Où et comment garer son vélo autour de la gare ?",
        body=paragraph(rng, 120),
    )
    communes = list(Territory.objects.filter(parent__isnull=False)[:10]) or [strasbourg]
    for i in range(40):  # the debates list's other entries (two pages of 20)
        debate_create(
            actor=citizens[i],
            title=f"Débat {i} : {paragraph(rng, 6)}"[:200],
            body=paragraph(rng, 60),
            territory=communes[i % len(communes)],
            themes=mobility,
        )
    return {
        "rng": rng,
        "debate": debate,
        "citizens": citizens,
        "official": official,
        "agent": agent,
        "reader": citizens[0],
    }


def grow(data: dict, total: int) -> None:
    """Add threads (a comment and its reply) until the debate holds `total` comments."""
    from debates.models import Comment

    debate, rng = data["debate"], data["rng"]
    citizens, official, agent = data["citizens"], data["official"], data["agent"]
    have = Comment.objects.filter(debate=debate).count()
    start = have // 2
    threads = (total - have) // 2
    now = timezone.now()
    hidden = {
        "state": Comment.State.HIDDEN,
        "moderation_reason": "Propos injurieux envers une personne nommée.",
        "moderation_rule": "1",
        "moderated_at": now,
        "appealable_until": now + timedelta(days=14),
    }
    deleted = {"state": Comment.State.DELETED, "body": "", "stance": "", "deleted_at": now}
    stances = ["for", "against", "nuanced", "", "for"]
    tops = []
    for i in range(start, start + threads):
        fields = {}
        if i % 50 == 7:
            fields = hidden
        elif i % 40 == 3:
            fields = deleted
        tops.append(
            Comment(
                debate=debate,
                author=agent if i % 25 == 0 else citizens[i % len(citizens)],
                **{"body": comment_body(rng), "stance": stances[i % len(stances)], **fields},
            )
        )
    with transaction.atomic():
        tops = Comment.objects.bulk_create(tops, batch_size=500)
        replies = []
        for j, top in zip(range(start, start + threads), tops, strict=True):
            fields = {}
            if j % 60 == 11:
                fields = deleted
            elif j % 97 == 5:
                fields = hidden
            replies.append(
                Comment(
                    debate=debate,
                    parent=top,
                    author=official if j % 10 == 0 else citizens[(j * 7 + 3) % len(citizens)],
                    **{
                        "body": comment_body(rng),
                        "stance": "" if j % 3 else stances[j % len(stances)],
                        **fields,
                    },
                )
            )
        Comment.objects.bulk_create(replies, batch_size=500)


def pages_for(data: dict) -> list[tuple[str, str, bool, str]]:
    """(label, path, signed in?, kind) of every page, at the debate's current size."""
    from debates.selectors import comment_list, comment_threads

    pk = data["debate"].pk
    html_pages = max(1, math.ceil(comment_threads(data["debate"]).count() / THREADS_PER_PAGE))
    api_pages = max(1, math.ceil(comment_list(data["debate"]).count() / API_PAGE_SIZE))
    html_mid, api_mid = html_pages // 2 + 1, api_pages // 2 + 1
    return [
        ("trivial page: login form (HTML)", "/comptes/connexion/", False, "html"),
        ("trivial API call: empty sheet list", "/api/v1/sheets/?workspace=none", False, "api"),
        ("debate page 1, anonymous", f"/debats/{pk}/", False, "html"),
        (f"debate page {html_mid} of {html_pages}, anonymous", f"/debats/{pk}/?page={html_mid}", False, "html"),
        ("debate page 1, signed-in citizen", f"/debats/{pk}/", True, "html"),
        ("debates list (41 debates), anonymous", "/debats/", False, "html"),
        ("API comments, page 1", f"/api/v1/debates/{pk}/comments/", False, "api"),
        (f"API comments, page {api_mid} of {api_pages}", f"/api/v1/debates/{pk}/comments/?page={api_mid}", False, "api"),
        ("API debate detail", f"/api/v1/debates/{pk}/", False, "api"),
        ("API debates list", "/api/v1/debates/", False, "api"),
    ]  # fmt: skip


def generic(label: str) -> str:
    """The label without its page numbers, to line up query counts across sizes."""
    return re.sub(r"page \d+ of \d+", "middle page", label)


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--n", type=int, default=60, help="requests per page")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()

    from debates import selectors

    assert selectors.THREADS_PER_PAGE == THREADS_PER_PAGE
    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == API_PAGE_SIZE

    started = time.perf_counter()
    data = build_base()
    sizes = [s for s in SIZES if s < args.comments] + [args.comments]
    queries: dict[str, dict[int, int]] = {}
    for size in sizes:
        grow(data, size)
        for label, path, auth, _kind in pages_for(data)[2:]:
            n = count_queries(path, data["reader"] if auth else None)
            queries.setdefault(generic(label), {})[size] = n
        print(f"{size} comments: queries counted", flush=True)
    setup_s = time.perf_counter() - started

    pages = pages_for(data)
    session = session_for(data["reader"])
    port = free_port()
    server = start_server(port, ENV)
    timings: dict[str, list[float]] = {label: [] for label, *_ in pages}
    sizes_kib: dict[str, float] = {}
    try:
        for label, path, auth, _kind in pages:  # warm-up, and check every page answers 200
            for _ in range(3):
                _t, status, size = fetch(port, path, session if auth else None)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
            sizes_kib[label] = size / 1024
        for _ in range(args.n):
            for label, path, auth, _kind in pages:
                timings[label].append(fetch(port, path, session if auth else None)[0])
    finally:
        stop_server(server)

    p50 = {label: statistics.median(t) * 1000 for label, t in timings.items()}
    p95 = {label: percentile(t, 95) * 1000 for label, t in timings.items()}
    base: dict[str, str] = {}
    for label, _path, _auth, kind in pages:
        base.setdefault(kind, label)
    pk = data["debate"].pk
    rows = [
        f"| {label} | `{path.replace(f'/{pk}/', '/{id}/')}` | {p50[label]:.1f} | "
        f"{p95[label]:.1f} | {p50[label] / p50[base[kind]]:.2f}× | {sizes_kib[label]:.0f} |"
        for label, path, _auth, kind in pages
    ]
    size_cols = " | ".join(f"{s:,}" for s in sizes)
    query_rows = [
        f"| {label} | " + " | ".join(str(by_size.get(s, "—")) for s in sizes) + " |"
        for label, by_size in queries.items()
    ]
    cached = sorted(
        name for name in settings.FABRIQUE_PAGE_CACHE_VIEWS if name.startswith("debates:")
    )
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = "\n".join(
        [
            "",
            f"## Debate with {args.comments:,} comments (`make bench-debates`)",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average at the end "
            f"(1/5/15 min): {load}",
            f"- Machine: {machine()}",
            f"- Python {platform.python_version()}, Django {django.get_version()}, {db}; "
            "gunicorn, 1 sync worker, DEBUG off, one new connection per request; "
            "anonymous page cache for "
            + (", ".join(f"`{c}`" for c in cached) if cached else "no debate page")
            + f" ({settings.FABRIQUE_PAGE_CACHE_SECONDS} s)",
            f"- Data: one debate on a public sheet, {args.comments:,} comments in "
            f"{args.comments // 2:,} threads of a comment and one reply, by 60 citizens, an "
            "official and an agent; 1 thread in 50 hidden by moderation, 1 in 40 deleted with "
            "its reply kept, 1 reply in 60 deleted, 1 in 97 hidden; 40 other debates "
            f"(setup {setup_s:.1f} s, comments bulk-inserted); {args.n} requests per page, "
            "interleaved round-robin",
            f"- Command: `.venv/bin/python bench/debates_bench.py --comments {args.comments} "
            f"--n {args.n}`",
            "",
            "| page | path | p50 ms | p95 ms | p50 × trivial | KiB |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "SQL queries per page as the debate grows (Django test client, second request):",
            "",
            f"| page | {size_cols} comments |",
            "| --- |" + " ---: |" * len(sizes),
            *query_rows,
            "",
        ]
    )
    print(report)
    if args.append:
        args.append.parent.mkdir(parents=True, exist_ok=True)
        with args.append.open("a", encoding="utf-8") as fh:
            if fh.tell() == 0:
                fh.write("# Benchmarks\n")
            fh.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
