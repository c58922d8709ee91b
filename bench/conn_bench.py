"""Persistent database connections (CONN_MAX_AGE): what opening one per request costs.

For SQLite (a file in a throw-away directory, the project's WAL / busy timeout / IMMEDIATE
options) and, with --postgres URL, PostgreSQL (a throw-away database on that server), the same
pages are timed on one gunicorn (one sync worker, DEBUG off, the demo data) started with
DATABASE_CONN_MAX_AGE=0 (a connection per request) and then =600 with health checks (the
default: kept by the worker, checked once per request), requests interleaved round-robin; plus the bare cost of opening and closing one
connection, in-process.

    .venv/bin/python bench/conn_bench.py [--n 300] [--postgres postgres://…/fabrique]
        [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-bench-conn-"))
atexit.register(shutil.rmtree, VAR, ignore_errors=True)
BASE_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DEBUG": "false",
    "FABRIQUE_VAR_DIR": str(VAR),
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
PAGES = [
    ("login form", "/comptes/connexion/"),
    ("/healthz", "/healthz"),
    ("API sheet list", "/api/v1/sheets/"),
]
PY = sys.executable


def _manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def _postgres_database(url: str) -> str:
    """A fresh database beside the one `url` names; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    name = "fabrique_bench_conn"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    atexit.register(_drop_postgres, admin, name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _connect_cost(env: dict, n: int) -> float:
    """Median ms to open a connection (with the settings' init commands) and close it."""
    code = (
        "import django, time, statistics, json\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "t = []\n"
        f"for _ in range({n}):\n"
        "    s = time.perf_counter(); connection.ensure_connection();\n"
        "    connection.cursor().execute('SELECT 1'); connection.close()\n"
        "    t.append(time.perf_counter() - s)\n"
        "print(statistics.median(t) * 1000)\n"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def _measure(env: dict, n: int) -> dict[str, list[float]]:
    from bench.live import fetch, free_port, start_server, stop_server

    port = free_port()
    server = start_server(port, env)
    try:
        times: dict[str, list[float]] = {path: [] for _, path in PAGES}
        for _, path in PAGES:  # warm-up: imports, templates, first connection
            for _ in range(5):
                fetch(port, path, None)
        for _ in range(n):
            for _, path in PAGES:
                elapsed, status, _size = fetch(port, path, None)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                times[path].append(elapsed * 1000)
        return times
    finally:
        stop_server(server)


def _q(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL whose server may host a bench database"
    )
    parser.add_argument("--append", type=Path)
    args = parser.parse_args()

    databases = [("SQLite", f"sqlite:///{VAR / 'bench.sqlite3'}")]
    if args.postgres:
        databases.append(("PostgreSQL", _postgres_database(args.postgres)))

    from bench.live import machine

    rows = []
    for label, url in databases:
        env = {**BASE_ENV, "DATABASE_URL": url}
        _manage(env, "migrate", "-v0")
        _manage(env, "seed_demo")
        _manage(env, "collectstatic", "--noinput", "-v0")  # as `make run` does
        _manage(env, "search_rebuild")
        results = {}
        for age in ("0", "600"):
            aged = {**env, "DATABASE_CONN_MAX_AGE": age, "DATABASE_CONN_HEALTH_CHECKS": "true"}
            results[age] = _measure(aged, args.n)
        connect_ms = _connect_cost(env, 200)
        for name, path in PAGES:
            a, b = results["0"][path], results["600"][path]
            rows.append(
                f"| {label} | {name} (`{path}`) | {statistics.median(a):.2f} | {_q(a, 95):.2f} "
                f"| {statistics.median(b):.2f} | {_q(b, 95):.2f} "
                f"| {statistics.median(a) - statistics.median(b):+.2f} |"
            )
        rows.append(
            f"| {label} | open + `SELECT 1` + close, in-process | {connect_ms:.2f} | | | | |"
        )

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        "",
        f"## Persistent database connections (CONN_MAX_AGE) — {stamp}",
        "",
        f"Machine: {machine()}. `bench/conn_bench.py --n {args.n}`: one gunicorn sync worker, "
        "DEBUG off, demo data; sequential requests, pages interleaved; milliseconds per request "
        "(client side, loopback).",
        "",
        "| database | page | median ms, max age 0 | p95 ms, max age 0 | median ms, max age 600 "
        "| p95 ms, max age 600 | median saved per request |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
    text = "\n".join(report)
    print(text)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
