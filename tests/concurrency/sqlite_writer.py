"""One writer process of tests/concurrency/test_sqlite_writers.py (run as a script).

`setup`: a workspace, its editor and a sheet in the SQLite file named by DATABASE_URL; prints
their ids. `write`: waits for the start file, then makes `count` edits of the shared sheet
through the sheet service (each one a new version, an event and a search outbox row in one
transaction), re-reading the sheet after a version conflict as a person would; prints what
happened, including every database error, as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402


def setup() -> dict:
    from projects.services.sheets import sheet_create
    from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
    from workspace.models import Role

    workspace = WorkspaceFactory()
    editor = MembershipFactory(workspace=workspace, role=Role.EDITOR, user=UserFactory()).user
    sheet = sheet_create(actor=editor, workspace=workspace, title="Fiche partagée", summary="v1")
    return {"user": editor.pk, "sheet": sheet.pk}


def write(worker: int, count: int, user_id: int, sheet_id: int, start_file: str) -> dict:
    from django.db import OperationalError, connection

    from accounts.models import User
    from projects.errors import SheetConflict
    from projects.models import ProjectSheet
    from projects.services.sheets import sheet_update

    user = User.objects.get(pk=user_id)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA mmap_size")
        mmap_size = cursor.fetchone()[0]
    report: dict = {
        "worker": worker,
        "busy_timeout_ms": busy_timeout,
        "journal_mode": journal_mode,
        "mmap_size": mmap_size,
        "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
        "written": [],
        "conflicts": 0,
        "errors": [],
    }
    while not os.path.exists(start_file):
        time.sleep(0.005)
    started = time.monotonic()
    for i in range(count):
        title = f"Écrit par {worker}, modification {i}"
        while True:
            sheet = ProjectSheet.objects.select_related("current_version").get(pk=sheet_id)
            try:
                sheet = sheet_update(
                    actor=user,
                    sheet=sheet,
                    base_version=sheet.current_version.number,
                    title=title,
                    summary=f"worker {worker} edit {i}",
                )
            except SheetConflict:
                report["conflicts"] += 1  # someone else's version came first: read again
                continue
            except OperationalError as exc:
                report["errors"].append(str(exc))
                if len(report["errors"]) > 20:
                    return report
                continue
            report["written"].append([title, sheet.current_version.number])
            break
    report["seconds"] = round(time.monotonic() - started, 2)
    return report


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write" and len(sys.argv) > 7:
        # A control run of the test: another transaction mode than the settings' IMMEDIATE.
        from django.conf import settings

        settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = sys.argv[7]
    django.setup()
    if command == "setup":
        print(json.dumps(setup()))
    else:
        worker, count, user_id, sheet_id = (int(a) for a in sys.argv[2:6])
        print(json.dumps(write(worker, count, user_id, sheet_id, sys.argv[6])))
