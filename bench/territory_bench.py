"""Territorial portal benchmark (issue 17, item 9): a commune's page, a quartier's page, the
territory API and the communes' widget with 10,000 sheets across the 33 communes, against a
trivial page, in one run.

The sheets are bulk-inserted in 100 workspaces (a tenth of them private), over the metropole, the
33 communes and ten quartiers of Strasbourg, in every stage: consultations open with an end date
in the coming weeks, announced ones, undated ones being prepared, results of the last year,
archives. Open debates on a tenth of the territories' sheets and five officials complete the
pages. Then, in one run and interleaved round-robin, n times each: the login form (the trivial
page), Strasbourg's page (its own sheets and its quartiers'), Neudorf's page (its own, its
commune's, the metropole's), the territory API for Neudorf, and the widget of Strasbourg and of
Neudorf, all through Django's test client in process (no network, DEBUG off, the page cache
off: every page is rendered each time), SQLite in a throw-away directory. Queries are counted
once per page at the size asked and again after adding a fifth more sheets: the pages must cost
the same number of queries.

    .venv/bin/python bench/territory_bench.py [--sheets 10000] [--n 40] [--append docs/benchmarks.md]
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

setup("territory")

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import machine  # noqa: E402

STAGES = [
    ("initiative", 0.25),
    ("consultation", 0.30),
    ("realisation", 0.15),
    ("evaluation", 0.10),
    ("archived", 0.15),
    ("abandoned", 0.05),
]
QUARTIERS = [
    "Neudorf", "Krutenau", "Centre", "Esplanade", "Robertsau", "Cronenbourg",
    "Hautepierre", "Koenigshoffen", "Meinau", "Neuhof",
]  # fmt: skip


def build() -> dict:
    """The territories, 100 workspaces, officials; the sheets come from `add_sheets`."""
    from accounts.models import PlatformRole, User
    from officials.services import official_profile_set
    from territories.models import Territory
    from territories.services import quartier_create
    from workspace.models import Workspace

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    staff = User.objects.create_user(
        "agent@bench.test", "x", display_name="Agent", platform_role=PlatformRole.STAFF
    )
    strasbourg = Territory.objects.get(slug="strasbourg")
    quartiers = [quartier_create(actor=staff, name=name, commune=strasbourg) for name in QUARTIERS]
    territories = list(Territory.objects.all())
    with transaction.atomic():
        workspaces = Workspace.objects.bulk_create(
            [
                Workspace(
                    name=f"Espace {i}",
                    slug=f"espace-{i}",
                    kind="institution" if i % 5 == 0 else "citizen_group",
                    visibility="private" if i % 10 == 9 else "public",
                )
                for i in range(100)
            ]
        )
    communes = [t for t in territories if t.kind == "commune"]
    metropole = next(t for t in territories if t.kind == "metropole")
    for i in range(5):
        user = User.objects.create_user(f"elu{i}@bench.test", "x", display_name=f"Élu·e {i}")
        place = [strasbourg, quartiers[0], metropole, communes[i], communes[-1 - i]][i]
        official_profile_set(actor=staff, user=user, commitment_days=15, territories=[place])
    return {
        "staff": staff,
        "territories": territories,
        "workspaces": workspaces,
        "rng": random.Random(17),
        "made": 0,
    }


def add_sheets(data: dict, count: int) -> None:
    """`count` more sheets spread over the territories and stages, with their first version,
    and an open debate on one in ten."""
    from debates.models import Debate
    from projects.models import ProjectSheet, SheetVersion

    rng: random.Random = data["rng"]
    now = timezone.now()
    today = timezone.localdate()
    start = data["made"]
    with transaction.atomic():
        stages = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES], k=count)
        sheets = ProjectSheet.objects.bulk_create(
            [
                ProjectSheet(
                    workspace=rng.choice(data["workspaces"]),
                    slug=f"fiche-{start + i}",
                    title=f"Fiche {start + i}",
                    stage=stage,
                    territory=rng.choice(data["territories"]),
                    is_public=rng.random() < 0.95,
                    participation_level=rng.choice(
                        ["inform", "consult", "concert", "co_construct", "co_decide"]
                    ),
                    stage_changed_at=now - timedelta(days=rng.randrange(500)),
                )
                for i, stage in enumerate(stages)
            ],
            batch_size=500,
        )

        def calendar(stage: str) -> dict:
            if stage == "consultation":
                opens = today + timedelta(days=rng.randrange(-40, 20))
                closes = opens + timedelta(days=rng.randrange(10, 60))
            elif stage == "initiative" and rng.random() < 0.5:
                opens = today + timedelta(days=rng.randrange(5, 120))
                closes = opens + timedelta(days=30)
            else:
                return {}
            return {"calendar_start": opens.isoformat(), "calendar_end": closes.isoformat()}

        versions = SheetVersion.objects.bulk_create(
            [
                SheetVersion(
                    sheet=sheet,
                    number=1,
                    title=sheet.title,
                    summary="Résumé du projet. " * 10,
                    sections={"context": "Le contexte.", **calendar(sheet.stage)},
                )
                for sheet in sheets
            ],
            batch_size=500,
        )
        for sheet, version in zip(sheets, versions, strict=True):
            sheet.current_version = version
        ProjectSheet.objects.bulk_update(sheets, ["current_version"], batch_size=500)
        Debate.objects.bulk_create(
            [
                Debate(
                    title=f"Débat sur {sheet.title}",
                    sheet=sheet,
                    workspace_id=sheet.workspace_id,
                    territory_id=sheet.territory_id,
                )
                for sheet in sheets
                if sheet.stage == "consultation" and rng.random() < 0.1
            ],
            batch_size=500,
        )
    data["made"] = start + count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--append")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    data = build()
    add_sheets(data, args.sheets)
    built = time.perf_counter() - started
    anonymous = Client(HTTP_HOST="127.0.0.1")
    neudorf = "/territoires/strasbourg/strasbourg-neudorf/"
    pages = {
        "trivial": "/comptes/connexion/",
        "commune": "/territoires/strasbourg/",
        "quartier": neudorf,
        "api": "/api/v1/territories/strasbourg-neudorf/",
        "widget_commune": "/widget/territoires/strasbourg/",
        "widget_quartier": "/widget/territoires/strasbourg-neudorf/",
    }
    sizes = {}
    for name, path in pages.items():
        timed_get(anonymous, path)  # warm
        sizes[name] = len(anonymous.get(path).content)
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.n):
        for name, path in pages.items():
            timings[name].append(timed_get(anonymous, path) * 1000)
    queries = {name: queries_of(anonymous, path) for name, path in pages.items()}
    more = args.sheets // 5
    add_sheets(data, more)
    queries_more = {name: queries_of(anonymous, path) for name, path in pages.items()}
    base = timings["trivial"]

    def row(label: str, name: str) -> str:
        values = timings[name]
        p50, p95 = statistics.median(values), percentile(values, 95)
        return (
            f"| {label} | {p50:.1f} | {p95:.1f} | {p50 / statistics.median(base):.1f}× | "
            f"{p95 / percentile(base, 95):.1f}× | {queries[name]} → {queries_more[name]} | "
            f"{sizes[name] / 1024:.1f} |"
        )

    lines = [
        "",
        f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `make bench-territory` "
        f"({args.sheets:,} sheets across the 33 communes and 10 quartiers)",
        "",
        f"Machine: {machine()} · SQLite · load average at start {load_start:.1f}, at end "
        f"{os.getloadavg()[0]:.1f} (shared). Built in {built:.0f} s (sheets bulk-inserted).",
        "",
        f"| page (in process, anonymous, n = {args.n}) | p50 ms | p95 ms | p50 ÷ trivial "
        f"| p95 ÷ trivial | SQL queries (+{more:,} sheets) | HTML KiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("trivial page: the login form", "trivial"),
        row("Strasbourg's page (commune, 10 quartiers)", "commune"),
        row("Neudorf's page (quartier)", "quartier"),
        row("the territory API for Neudorf", "api"),
        row("the widget of Strasbourg", "widget_commune"),
        row("the widget of Neudorf", "widget_quartier"),
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main()
