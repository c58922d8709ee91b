"""SQLite under concurrent writers from several processes: WAL, a busy timeout and
`BEGIN IMMEDIATE` (config/settings/base.py) keep every write, and version numbers stay whole.

Each process is a separate Python with its own Django set-up on one SQLite file in a temporary
directory (`sqlite_writer.py`), as gunicorn's workers and the background worker are in
production. The file is this test's own, whatever database the suite runs on: the test runs in
the SQLite job only (conftest.py beside it deselects it when DATABASE_URL names PostgreSQL).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("sqlite_writer.py")
PROCESSES = 4
EDITS = 50

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def _env(database: Path) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DATABASE_SQLITE_MMAP_BYTES")
    }
    environ.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
    )
    return environ


def _run(database: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(database), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _writers(database: Path, tmp_path: Path, ids: dict, mode: str | None = None) -> list[dict]:
    start = tmp_path / "start"
    extra = [mode] if mode else []
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                "write",
                str(worker),
                str(EDITS),
                str(ids["user"]),
                str(ids["sheet"]),
                str(start),
                *extra,
            ],
            cwd=ROOT,
            env=_env(database),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(PROCESSES)
    ]
    time.sleep(3)  # every process has set Django up and waits for the start file
    start.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied by each test (migrating takes seconds)."""
    database = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    _run(database, "manage.py", "migrate", "-v0")
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def _fresh(migrated: Path, tmp_path: Path) -> tuple[Path, dict]:
    database = tmp_path / "fabrique.sqlite3"
    database.write_bytes(migrated.read_bytes())
    ids = json.loads(_run(database, str(WRITER), "setup").strip().splitlines()[-1])
    return database, ids


def test_four_processes_editing_one_sheet_lose_nothing(migrated, tmp_path):
    database, ids = _fresh(migrated, tmp_path)
    reports = _writers(database, tmp_path, ids)

    for report in reports:
        # Each process runs with the settings under test.
        assert report["journal_mode"] == "wal"
        assert report["busy_timeout_ms"] == 20_000
        # Reads through a memory map of the file (DATABASE_SQLITE_MMAP_BYTES, 256 MiB).
        assert report["mmap_size"] == 256 * 2**20
        assert report["transaction_mode"] == "IMMEDIATE"
        # No "database is locked", no other database error: every edit landed first time
        # (a version conflict is the application's answer to a stale base, not an error).
        assert report["errors"] == []
        assert len(report["written"]) == EDITS

    with sqlite3.connect(database) as db:
        numbers = [
            n
            for (n,) in db.execute(
                "SELECT number FROM projects_sheetversion WHERE sheet_id = ? ORDER BY number",
                (ids["sheet"],),
            )
        ]
        titles = {
            t: n
            for t, n in db.execute(
                "SELECT title, number FROM projects_sheetversion WHERE sheet_id = ?",
                (ids["sheet"],),
            )
        }
        current = db.execute(
            "SELECT v.number FROM projects_projectsheet s "
            "JOIN projects_sheetversion v ON v.id = s.current_version_id WHERE s.id = ?",
            (ids["sheet"],),
        ).fetchone()[0]
        events = db.execute(
            "SELECT COUNT(*) FROM workspace_activity WHERE verb = 'sheet.updated'"
        ).fetchone()[0]
    total = PROCESSES * EDITS
    # Versions 1 … 201: no gap, no duplicate; the sheet points at the last one.
    assert numbers == list(range(1, total + 2))
    assert current == total + 1
    # Every process's every edit is there, under the number the service returned to it.
    for report in reports:
        for title, number in report["written"]:
            assert titles[title] == number
    assert events == total


def test_without_begin_immediate_the_same_load_meets_locked_errors(migrated, tmp_path):
    """The control: deferred transactions (SQLite's default) take the write lock only at their
    first write, after reading, and a process whose snapshot is stale by then fails at once
    ("database is locked") whatever the busy timeout. So the test above does test the setting."""
    database, ids = _fresh(migrated, tmp_path)
    reports = _writers(database, tmp_path, ids, mode="DEFERRED")
    errors = [e for report in reports for e in report["errors"]]
    assert errors and set(errors) == {"database is locked"}
