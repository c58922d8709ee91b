"""What the live-server benchmarks share: a gunicorn to measure, timed requests, query counts.

Import after `django.setup()`.
"""

from __future__ import annotations

import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    """gunicorn, one sync worker, on `port`; returns once it accepts connections."""
    proc = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "600", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass


def fetch(port: int, path: str, cookie: str | None) -> tuple[float, int, int]:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, len(body)


def count_queries(path: str, user) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    client.get(path)  # warm caches the way a running server has them
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return len(ctx.captured_queries)


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    uname = " ".join(platform.uname())
    return f"{uname}; CPU: {cpu} ({os.cpu_count()} threads)"


def measure_pages(pages, *, session: str, user, env: dict, n: int, shown) -> list[str]:
    """Time every page on one gunicorn, interleaved round-robin; return the report's table rows.

    `pages` are `(label, path, signed_in, kind)` with kind "html" or "api"; the first page of
    each kind is the trivial baseline the others are compared with. `shown(path)` is the path as
    the table prints it.
    """
    queries = {label: count_queries(path, user if auth else None) for label, path, auth, _ in pages}
    port = free_port()
    server = start_server(port, env)
    timings: dict[str, list[float]] = {label: [] for label, *_ in pages}
    sizes: dict[str, int] = {}
    try:
        for label, path, auth, _kind in pages:  # warm-up, and check every page answers 200
            for _ in range(3):
                _t, status, size = fetch(port, path, session if auth else None)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
            sizes[label] = size
        for _ in range(n):
            for label, path, auth, _kind in pages:
                timings[label].append(fetch(port, path, session if auth else None)[0])
    finally:
        stop_server(server)

    median = {label: statistics.median(t) * 1000 for label, t in timings.items()}
    p90 = {label: statistics.quantiles(t, n=10)[-1] * 1000 for label, t in timings.items()}
    base = {}
    for label, _path, _auth, kind in pages:
        base.setdefault(kind, label)
    return [
        f"| {label} | `{shown(path)}` | {median[label]:.1f} | {p90[label]:.1f} | "
        f"{median[label] / median[base[kind]]:.2f}× | {queries[label]} | "
        f"{sizes[label] / 1024:.0f} |"
        for label, path, _auth, kind in pages
    ]
