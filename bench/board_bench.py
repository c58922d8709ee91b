"""Staff board benchmark: 10,000 project sheets — the board page with its filters.

Each page is timed against a trivial page in the same run, on the same live server (gunicorn,
one sync worker, DEBUG off, SQLite in a throw-away directory): the login page for HTML pages and
an empty sheet list for API calls. Requests are interleaved round-robin so that machine noise
hits every page alike; each figure is the median (and p90) of N requests, plus its ratio to
the trivial page. SQL queries per page are counted in-process with the Django test client.

The board filters, counts and sorts all sheets in the database (a completeness bound is a SQL
condition over every matching sheet); the completeness shown is then computed for the 50 sheets
of the page in one more query, so the number of queries does not grow with the sheets.

    .venv/bin/python bench/board_bench.py [--sheets 10000] [--n 30] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-bench-board-"))
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
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.live import machine, measure_pages  # noqa: E402

STAGES = [
    ("initiative", 0.35),
    ("consultation", 0.25),
    ("realisation", 0.20),
    ("evaluation", 0.10),
    ("archived", 0.05),
    ("abandoned", 0.05),
]
SECTION_CODES = [
    "context", "objectives", "initiators_contact", "questions", "modalities_places",
    "decisions", "response_to_contributions", "budget", "milestones",
    "outcomes", "indicators", "lessons", "promised_vs_delivered_level",
]  # fmt: skip
ATTESTABLE = ["plain_language", "accessible_restitution", "participants_evaluation"]


def build_data(count: int) -> dict:
    """`count` public sheets in 100 workspaces, spread over the stages, with a random share of
    their checklist met: sections, territory and themes, framing notes, public documents,
    attestations. Rows are bulk-inserted: the bench measures reads, not the write path."""
    from accounts.models import PlatformRole, User
    from documents.models import Document
    from projects.models import FramingNote, ProjectSheet, SheetVersion
    from territories.models import Territory, Theme
    from workflow.models import Attestation
    from workspace.models import Workspace

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    rng = random.Random(42)
    staff = User.objects.create_user(
        "agent@bench.test", "x", display_name="Agent", platform_role=PlatformRole.STAFF
    )
    official = User.objects.create_user(
        "elue@bench.test", "x", display_name="Élue", platform_role=PlatformRole.OFFICIAL
    )
    territories = list(Territory.objects.all())
    themes = list(Theme.objects.all())
    now = timezone.now()
    with transaction.atomic():
        workspaces = Workspace.objects.bulk_create(
            [
                Workspace(
                    name=f"Espace {i}",
                    slug=f"espace-{i}",
                    kind="institution" if i % 5 == 0 else "citizen_group",
                    visibility="public",
                )
                for i in range(100)
            ]
        )
        stages = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES], k=count)
        sheets = ProjectSheet.objects.bulk_create(
            [
                ProjectSheet(
                    workspace=rng.choice(workspaces),
                    slug=f"fiche-{i}",
                    title=f"Fiche {i}",
                    stage=stage,
                    territory=rng.choice(territories) if rng.random() < 0.8 else None,
                    is_public=True,
                    stage_changed_at=now - timedelta(days=rng.randrange(365)),
                )
                for i, stage in enumerate(stages)
            ],
            batch_size=500,
        )
        versions = SheetVersion.objects.bulk_create(
            [
                SheetVersion(
                    sheet=sheet,
                    number=1,
                    title=sheet.title,
                    summary="Résumé du projet. " * (20 if rng.random() < 0.7 else 3),
                    sections={
                        **{c: f"Texte {c}" for c in SECTION_CODES if rng.random() < 0.6},
                        **(
                            {"calendar_start": "2026-03-01", "calendar_end": "2026-04-15"}
                            if rng.random() < 0.6
                            else {}
                        ),
                    },
                )
                for sheet in sheets
            ],
            batch_size=500,
        )
        for sheet, version in zip(sheets, versions, strict=True):
            sheet.current_version = version
        ProjectSheet.objects.bulk_update(sheets, ["current_version"], batch_size=500)
        through = ProjectSheet.themes.through
        through.objects.bulk_create(
            [
                through(projectsheet_id=sheet.pk, theme_id=theme.pk)
                for sheet in sheets
                if rng.random() < 0.85
                for theme in rng.sample(themes, rng.randint(1, 2))
            ],
            batch_size=1000,
        )
        framed = [
            s
            for s, st in zip(sheets, stages, strict=True)
            if st != "initiative" or rng.random() < 0.3
        ]
        FramingNote.objects.bulk_create(
            [
                FramingNote(
                    sheet=sheet,
                    author=official,
                    political_intent="Sens de la demande.",
                    participation_level="concert",
                    use_of_contributions="Chaque avis reçoit une réponse.",
                    status="published",
                    published_at=now,
                )
                for sheet in framed
            ],
            batch_size=500,
        )
        Document.objects.bulk_create(
            [
                Document(
                    workspace_id=sheet.workspace_id,
                    sheet=sheet,
                    title=f"Dossier {sheet.pk}",
                    visibility="public" if rng.random() < 0.8 else "members",
                )
                for sheet in sheets
                if rng.random() < 0.5
            ],
            batch_size=500,
        )
        Attestation.objects.bulk_create(
            [
                Attestation(sheet=sheet, code=code, attested_by=staff)
                for sheet in sheets
                for code in ATTESTABLE
                if rng.random() < 0.5
            ],
            batch_size=1000,
        )
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.save()
    return {"staff": staff, "session": session.session_key, "sample": sheets[count // 2].pk}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--n", type=int, default=30, help="requests per page")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()

    started = time.perf_counter()
    data = build_data(args.sheets)
    setup_s = time.perf_counter() - started
    session, sample = data["session"], data["sample"]
    # (label, path, logged in?, baseline key)
    pages = [
        ("trivial page: login form (HTML)", "/comptes/connexion/", False, "html"),
        ("trivial API call: empty sheet list", "/api/v1/sheets/?workspace=none", False, "api"),
        ("board, page 1", "/suivi/", True, "html"),
        ("board, last page", "/suivi/?page=last", True, "html"),
        ("board, stage = consultation", "/suivi/?stage=consultation", True, "html"),
        ("board, completeness below 50 %", "/suivi/?completeness_below=50", True, "html"),
        ("board, stalled more than 90 days", "/suivi/?stalled_days=90", True, "html"),
        ("board, territory + theme", "/suivi/?territory=strasbourg&theme=mobilite", True, "html"),
        ("API checklist of one sheet", f"/api/v1/sheets/{sample}/checklist/", False, "api"),
        ("API transitions of one sheet (staff)", f"/api/v1/sheets/{sample}/transitions/", True, "api"),
    ]  # fmt: skip
    rows = measure_pages(
        pages,
        session=session,
        user=data["staff"],
        env=ENV,
        n=args.n,
        shown=lambda path: path.replace(str(sample), "{id}"),
    )
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = "\n".join(
        [
            "",
            f"## Staff board with {args.sheets:,} sheets (`make bench-board`)",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}",
            f"- Python {platform.python_version()}, Django {django.get_version()}, {db}; "
            "gunicorn, 1 sync worker, DEBUG off, one new connection per request",
            f"- Data: {args.sheets:,} public sheets in 100 workspaces over all stages, a random "
            "share of each checklist met (sections, territory and themes, published framing "
            f"notes, public documents, attestations) (setup {setup_s:.1f} s); board pages of 50; "
            f"{args.n} requests per page, interleaved round-robin, signed in as a staff agent",
            f"- Command: `.venv/bin/python bench/board_bench.py --sheets {args.sheets} --n {args.n}`",
            "",
            "| page | path | median ms | p90 ms | × trivial | SQL queries | KiB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "Ratios compare HTML pages with the login form and API calls with the empty sheet list, "
            "both measured in the same run on the same server. Filters (completeness bounds "
            "included), counts and sorting run in SQL over all matching sheets; the completeness "
            "shown is computed for the page's sheets in one query. The query count is the same "
            "for every page and every number of sheets.",
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
