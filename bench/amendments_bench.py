"""Amendments benchmark: a round with 20 amendments and 10,000 ballots — casting a ballot,
closing the round (tally and ranking), reading the results — against a trivial API view.

A public sheet in consultation gets a round (`round_open`) and 20 amendments by 20 citizens
(`amendment_submit`) over three fields (so 23 candidates: 20 amendments and 3 current texts).
The 10,000 ballots are bulk-inserted (`Ballot`, `BallotGrade`: 230,000 grades) with grades drawn
per candidate from a fixed skewed distribution: the bench measures the reads, the close and one
more ballot, not the 10,000 writes. Then, in one run and interleaved round-robin:
- casting a ballot through the API (`PUT /api/v1/rounds/{id}/ballot/`, a new voter each time,
  complete, through `ballot_cast`: lock, checks, 23 grade rows);
- the trivial API view (an empty sheet list);
and, once the ballots are in, the close (`round_close`: one GROUP BY tally, the ranking, 23
stored results, 20 amendments moved) timed three times on copies of the round's state, and the
results (`GET /api/v1/rounds/{id}/results/`) against the trivial view, and the results page
(`/amendements/tours/{id}/`: the ranking table and 23 server-drawn merit profiles) against the
login form, anonymous, interleaved the same way. In process, with
Django's test client (no network; the same for both sides), SQLite in a throw-away directory.

    .venv/bin/python bench/amendments_bench.py [--ballots 10000] [--n 40] [--append docs/benchmarks.md]
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
from bench.inprocess import percentile, publish, setup, timed_get  # noqa: E402

setup("amendments")

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import machine  # noqa: E402

FIELDS = ("summary", "body", "questions")


def build(ballots: int, extra_voters: int) -> dict:
    from accounts.models import PlatformRole, User
    from accounts.services import user_set_platform_role
    from amendments.models import AmendmentRound, Ballot, BallotGrade
    from amendments.selectors import round_candidates
    from amendments.services import amendment_submit, round_open
    from projects.models import ProjectSheet
    from projects.services import sheet_create
    from workspace.models import Workspace
    from workspace.services import workspace_create

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    rng = random.Random(17)
    owner = User.objects.create_user("service@bench.test", "x", display_name="Service")
    agent = User.objects.create_user("agent@bench.test", "x", display_name="Agent")
    user_set_platform_role(actor=None, user=agent, role=PlatformRole.STAFF)
    password = make_password("x")
    User.objects.bulk_create(
        (
            User(email=f"v{i}@bench.test", display_name=f"Votant·e {i}", password=password)
            for i in range(ballots + extra_voters + 20)
        ),
        batch_size=2000,
    )
    voters = list(User.objects.filter(email__startswith="v").order_by("pk"))
    workspace = workspace_create(
        actor=owner, name="Service", kind=Workspace.Kind.CITIZEN_GROUP, slug="bench"
    )
    sheet = sheet_create(
        actor=owner, workspace=workspace, title="Parking vélo", summary="Un résumé " * 20
    )
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="consultation")
    sheet.refresh_from_db()
    now = timezone.now()
    round_ = round_open(
        actor=agent,
        sheet=sheet,
        submission_ends=now + timedelta(days=1),
        judgment_ends=now + timedelta(days=30),
        quorum=100,
    )
    authors = voters[-20:]
    for i, author in enumerate(authors):
        amendment_submit(
            actor=author,
            sheet=sheet,
            field=FIELDS[i % len(FIELDS)],
            text=f"Texte proposé numéro {i} pour ce champ, avec ses précisions.",
            base_version=1,
        )
    AmendmentRound.objects.filter(pk=round_.pk).update(submission_ends=now)
    round_.refresh_from_db()
    candidates = [c["id"] for c in round_candidates(round_)]
    # A skewed grade distribution per candidate, so that ranks differ.
    weights = {c: [rng.random() ** 2 for _ in range(7)] for c in candidates}
    with transaction.atomic():
        made = Ballot.objects.bulk_create(
            (Ballot(round=round_, voter=v) for v in voters[:ballots]), batch_size=2000
        )
        BallotGrade.objects.bulk_create(
            (
                BallotGrade(
                    ballot=b,
                    round=round_,
                    candidate=c,
                    grade=rng.choices(range(7), weights=weights[c])[0],
                )
                for b in made
                for c in candidates
            ),
            batch_size=5000,
        )
    return {
        "round": round_,
        "candidates": candidates,
        "fresh_voters": voters[ballots : ballots + extra_voters],
        "agent": agent,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--append")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    data = build(args.ballots, args.n)
    built = time.perf_counter() - started
    round_ = data["round"]
    anonymous = Client(HTTP_HOST="127.0.0.1")
    trivial = "/api/v1/sheets/?workspace=nulle-part"
    ballot_url = f"/api/v1/rounds/{round_.pk}/ballot/"
    timings: dict[str, list[float]] = {"trivial": [], "ballot": [], "results": []}
    timed_get(anonymous, trivial)  # warm
    # One client signing each voter in (a new Client builds a new handler, whose WhiteNoise
    # scans every static file: that is the test client's cost, not a ballot's).
    client = Client(HTTP_HOST="127.0.0.1")
    for voter in data["fresh_voters"]:
        client.force_login(voter)
        grades = {c: 3 for c in data["candidates"]}
        start = time.perf_counter()
        response = client.put(ballot_url, {"grades": grades}, content_type="application/json")
        timings["ballot"].append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
        timings["trivial"].append(timed_get(anonymous, trivial))
    from amendments.models import AmendmentRound, RoundResult
    from amendments.services import round_close

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        round_close(actor=data["agent"], round_=round_)
        close_seconds = time.perf_counter() - start
    close_queries = len(queries)
    tally_sql = [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    results_url = f"/api/v1/rounds/{round_.pk}/results/"
    page_url = f"/amendements/tours/{round_.pk}/"
    login_form = "/comptes/connexion/"
    for warm in (results_url, page_url, login_form):
        timed_get(anonymous, warm)
    trivial_again, pages, forms = [], [], []
    for _ in range(args.n):
        timings["results"].append(timed_get(anonymous, results_url))
        trivial_again.append(timed_get(anonymous, trivial))
        pages.append(timed_get(anonymous, page_url) * 1000)
        forms.append(timed_get(anonymous, login_form) * 1000)
    with CaptureQueriesContext(connection) as page_queries:
        timed_get(anonymous, page_url)
    assert RoundResult.objects.filter(round=round_).count() == len(data["candidates"])
    assert AmendmentRound.objects.get(pk=round_.pk).state == "closed"
    ms = {k: [v * 1000 for v in vals] for k, vals in timings.items()}
    trivial_ms = [v * 1000 for v in trivial_again]

    def row(label: str, values: list[float], base: list[float]) -> str:
        p50, p95 = statistics.median(values), percentile(values, 95)
        return (
            f"| {label} | {p50:.1f} | {p95:.1f} | "
            f"{p50 / statistics.median(base):.1f}× | {p95 / percentile(base, 95):.1f}× |"
        )

    lines = [
        "",
        f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `make bench-amendments` "
        f"({args.ballots:,} ballots, 20 amendments, {len(data['candidates'])} candidates)",
        "",
        f"Machine: {machine()} · SQLite · load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f} (shared). Built in {built:.0f} s (ballots bulk-inserted).",
        "",
        "| measure (in process, n = " + str(args.n) + ") | p50 ms | p95 ms | p50 ÷ trivial "
        "| p95 ÷ trivial |",
        "| --- | ---: | ---: | ---: | ---: |",
        row(
            "trivial API view (an empty sheet list), during the ballots",
            ms["trivial"],
            ms["trivial"],
        ),
        row("casting a complete ballot (PUT, a new voter each time)", ms["ballot"], ms["trivial"]),
        row("trivial API view, during the results", trivial_ms, trivial_ms),
        row("the results (GET, closed round)", ms["results"], trivial_ms),
        row("trivial HTML page (the login form), during the results page", forms, forms),
        row(
            f"the results page (HTML: table, merit profiles; {len(page_queries)} SQL queries)",
            pages,
            forms,
        ),
        "",
        f"Closing the round with {args.ballots + args.n:,} ballots (tally, ranking, "
        f"{len(data['candidates'])} results stored, 20 amendments moved, events): "
        f"**{close_seconds * 1000:.0f} ms**, {close_queries} SQL queries, of which "
        f"{len(tally_sql)} GROUP BY for the tally (the ballots are never loaded in Python).",
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
