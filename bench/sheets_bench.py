"""Sheet benchmark: a project sheet with 1,000 versions — sheet page, version lists, diffs.

Each page is timed against a trivial page in the same run, on the same live server (gunicorn,
one sync worker, DEBUG off, SQLite in a throw-away directory): the login page for HTML pages and
an empty sheet list for API calls. Requests are interleaved round-robin so that machine noise
hits every page alike; each figure is the median (and p90) of N requests, plus its ratio to
the trivial page. SQL queries per page are counted in-process with the Django test client.

    .venv/bin/python bench/sheets_bench.py [--versions 1000] [--n 40] [--append docs/benchmarks.md]
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-bench-sheets-"))
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

from bench.live import machine, measure_pages  # noqa: E402

WORDS = [
    "aménagement",
    "arbre",
    "atelier",
    "avenue",
    "budget",
    "canal",
    "carrefour",
    "chantier",
    "circulation",
    "collège",
    "commerce",
    "concertation",
    "cour",
    "cycliste",
    "école",
    "élus",
    "enfants",
    "espace",
    "habitants",
    "jardin",
    "mobilité",
    "parc",
    "participation",
    "piéton",
    "piste",
    "place",
    "plantation",
    "quartier",
    "rue",
    "sécurité",
    "stationnement",
    "tramway",
    "trottoir",
    "vélo",
    "voirie",
    "zone",
    "calendrier",
    "restitution",
    "riverains",
]


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build_data(versions: int) -> dict:
    """One public sheet with `versions` versions of a ~6 KB Markdown body, each edit touching a
    few lines (versions 2.. are bulk-inserted: the bench measures reads, not the edit path)."""
    from accounts.models import PlatformRole, User
    from projects.models import ProjectSheet, SheetVersion
    from projects.services import framing_note_create, sheet_create
    from territories.models import Territory, Theme
    from workspace.models import Workspace
    from workspace.services import membership_add, workspace_create

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    rng = random.Random(42)
    owner = User.objects.create_user("owner@bench.test", "x", display_name="Owner")
    editor = User.objects.create_user("editor@bench.test", "x", display_name="Editor")
    official = User.objects.create_user(
        "elue@bench.test", "x", display_name="Élue", platform_role=PlatformRole.OFFICIAL
    )
    workspace = workspace_create(
        actor=owner, name="Bench", kind=Workspace.Kind.CITIZEN_GROUP, slug="bench"
    )
    membership_add(actor=owner, workspace=workspace, email=editor.email, role="editor")
    lines = [f"## Partie {i // 8 + 1}" if i % 8 == 0 else paragraph(rng, 14) for i in range(60)]
    sections = {
        "context": paragraph(rng, 80),
        "objectives": "\n".join(f"- {paragraph(rng, 8)}" for _ in range(6)),
        "initiators_contact": "Collectif — contact@example.org",
    }
    sheet = sheet_create(
        actor=owner,
        workspace=workspace,
        title="Piste cyclable rue du Jura",
        summary=paragraph(rng, 60),
        body="\n".join(lines),
        territory=Territory.objects.get(slug="strasbourg"),
        themes=list(Theme.objects.filter(slug="mobilite")),
        sections=sections,
    )
    framing_note_create(
        actor=official,
        sheet=sheet,
        political_intent=paragraph(rng, 40),
        participation_level="concert",
        use_of_contributions=paragraph(rng, 30),
        publish=True,
    )
    first = sheet.current_version
    batch = []
    for number in range(2, versions + 1):
        for _ in range(3):
            lines[rng.randrange(len(lines))] = paragraph(rng, 14)
        if number % 10 == 0:
            sections = {**sections, "context": paragraph(rng, 80)}
        batch.append(
            SheetVersion(
                sheet=sheet,
                number=number,
                title=first.title if number % 50 else f"{first.title} ({number})",
                summary=first.summary,
                body="\n".join(lines),
                sections=sections,
                meta=first.meta,
                author=editor if number % 2 else owner,
                change_note=f"Modification {number}",
            )
        )
    with transaction.atomic():
        SheetVersion.objects.bulk_create(batch, batch_size=200)
        last = SheetVersion.objects.get(sheet=sheet, number=versions)
        ProjectSheet.objects.filter(pk=sheet.pk).update(current_version=last, title=last.title)
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.save()
    return {
        "sheet": sheet.pk,
        "versions": versions,
        "editor": editor,
        "session": session.session_key,
        "body_kib": len(last.body.encode()) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--n", type=int, default=40, help="requests per page")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()

    started = time.perf_counter()
    data = build_data(args.versions)
    setup_s = time.perf_counter() - started
    pk, v, session = data["sheet"], data["versions"], data["session"]
    # (label, path, logged in?, baseline key)
    pages = [
        ("trivial page: login form (HTML)", "/comptes/connexion/", False, "html"),
        ("trivial API call: empty sheet list", "/api/v1/sheets/?workspace=none", False, "api"),
        ("sheet page, anonymous", f"/fiches/{pk}/", False, "html"),
        ("sheet page, editor", f"/fiches/{pk}/", True, "html"),
        ("version list, page 1 (HTML)", f"/fiches/{pk}/versions/", False, "html"),
        ("version list, last page (HTML)", f"/fiches/{pk}/versions/?page=last", False, "html"),
        (f"diff v{v - 1}→v{v} (HTML)", f"/fiches/{pk}/diff/?from={v - 1}&to={v}", False, "html"),
        (f"diff v1→v{v} (HTML)", f"/fiches/{pk}/diff/?from=1&to={v}", False, "html"),
        ("API sheet detail", f"/api/v1/sheets/{pk}/", False, "api"),
        ("API version list, page 1", f"/api/v1/sheets/{pk}/versions/", False, "api"),
        ("API version list, last page", f"/api/v1/sheets/{pk}/versions/?page=last", False, "api"),
        (f"API diff v1→v{v}", f"/api/v1/sheets/{pk}/diff/?from=1&to={v}", False, "api"),
    ]  # fmt: skip
    rows = measure_pages(
        pages,
        session=session,
        user=data["editor"],
        env=ENV,
        n=args.n,
        shown=lambda path: path.replace(f"/{pk}/", "/{id}/"),
    )
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = "\n".join(
        [
            "",
            f"## Project sheet with {v:,} versions (`make bench-sheets`)",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}",
            f"- Python {platform.python_version()}, Django {django.get_version()}, {db}; "
            "gunicorn, 1 sync worker, DEBUG off, one new connection per request",
            f"- Data: one public sheet, {v:,} versions of a ~{data['body_kib']:.0f} KiB "
            "Markdown body with filled sections and a published framing note "
            f"(setup {setup_s:.1f} s); {args.n} requests per page, interleaved round-robin",
            f"- Command: `.venv/bin/python bench/sheets_bench.py --versions {v} --n {args.n}`",
            "",
            "| page | path | median ms | p90 ms | × trivial | SQL queries | KiB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "Ratios compare HTML pages with the login form and API calls with the empty sheet list, "
            "both measured in the same run on the same server.",
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
