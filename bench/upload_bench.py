"""Upload benchmark: Fabrique's document upload vs a bare Django view, side by side.

Both run under gunicorn (1 sync worker) on the same machine and disk. A large CSV-like text file
is streamed as multipart through each; we sample the worker's RSS from /proc every 20 ms and
time the request. Figures: peak RSS above idle (MiB), throughput (MiB/s) and their ratio.

    python bench/upload_bench.py --size-mib 1024 [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
CHUNK = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_file(path: Path, size: int) -> None:
    """A valid CSV of `size` bytes (accepted by the allowlist: text/csv)."""
    line = b"2026-05-12,08:00,rue du Jura,142,velos,compteur-neudorf-nord,ok\n"
    block = b"date,heure,rue,nombre,type,capteur,etat\n" + line * (CHUNK // len(line))
    block = block[:CHUNK]
    with path.open("wb") as out:
        written = 0
        first = True
        while written < size:
            data = block if first else line * (CHUNK // len(line) + 1)
            first = False
            data = data[: min(CHUNK, size - written)]
            out.write(data)
            written += len(data)


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for row in status:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1])
    except FileNotFoundError:
        return 0
    return 0


def worker_pids(master: int) -> list[int]:
    try:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        return []
    return [int(p) for p in out.split()]


class Sampler(threading.Thread):
    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, sum(rss_kib(p) for p in self.pids))
            time.sleep(0.02)


def post_multipart(
    port: int, path: str, file: Path, headers: dict[str, str]
) -> tuple[int, bytes, float]:
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="visibility"\r\n\r\nmembers\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file.stat().st_size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    start = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(length))
    for key, value in headers.items():
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(head)
    with file.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, body, elapsed


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def start_gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            GUNICORN,
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "1800",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
from accounts.api_tokens import api_token_create
from workspace.models import Membership, Workspace
user, _ = User.objects.get_or_create(email="bench@example.org", defaults={"display_name": "Bench"})
ws, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench", "kind": "citizen_group"})
Membership.objects.get_or_create(workspace=ws, user=user, defaults={"role": "owner"})
print(api_token_create(actor=user, label="bench")[1])
"""


def measure(
    name: str, proc: subprocess.Popen, port: int, path: str, headers, small: Path, big: Path
):
    wait_port(port, proc)
    status, body, _ = post_multipart(port, path, small, headers)  # warm-up: imports, libmagic
    assert status == 201, (name, status, body[:300])
    time.sleep(0.5)
    pids = worker_pids(proc.pid)
    idle = sum(rss_kib(p) for p in pids)
    sampler = Sampler(pids)
    sampler.start()
    status, body, elapsed = post_multipart(port, path, big, headers)
    sampler.stop.set()
    sampler.join()
    assert status == 201, (name, status, body[:300])
    size_mib = big.stat().st_size / CHUNK
    return {
        "name": name,
        "idle_mib": idle / 1024,
        "peak_mib": sampler.peak / 1024,
        "above_idle_mib": (sampler.peak - idle) / 1024,
        "seconds": elapsed,
        "mib_s": size_mib / elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--write", help="append the figures to this Markdown file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="fabrique-bench-upload-"))
    results = []
    try:
        (tmp / "uploads").mkdir()
        small, big = tmp / "petit.csv", tmp / "gros.csv"
        make_file(small, 64 * 1024)
        make_file(big, args.size_mib * CHUNK)
        base_env = {
            **os.environ,
            "FABRIQUE_UPLOAD_TEMP_DIR": str(tmp / "uploads"),
            "PYTHONPATH": str(ROOT),
        }
        app_env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "FABRIQUE_VAR_DIR": str(tmp / "var"),
            "FABRIQUE_MEDIA_ROOT": str(tmp / "var" / "media"),
            "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'bench.sqlite3'}",
            "FABRIQUE_UPLOAD_MAX_BYTES": str(args.size_mib * CHUNK + CHUNK),
            "FABRIQUE_WORKSPACE_QUOTA_BYTES": str(4 * args.size_mib * CHUNK + 10 * CHUNK),
            "AWS_STORAGE_BUCKET_NAME": "",
        }
        (tmp / "var").mkdir()
        token = (
            subprocess.run(
                [PY, "-c", SETUP], cwd=ROOT, env=app_env, capture_output=True, text=True, check=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        bare_env = {**base_env, "BENCH_MEDIA_ROOT": str(tmp / "bare-media")}

        port = free_port()
        proc = start_gunicorn("bench.upload_wsgi", port, bare_env)
        try:
            results.append(measure("bare Django view", proc, port, "/upload/", {}, small, big))
        finally:
            stop(proc)
        port = free_port()
        proc = start_gunicorn("config.wsgi", port, app_env)
        try:
            results.append(
                measure(
                    "Fabrique API upload",
                    proc,
                    port,
                    "/api/v1/workspaces/bench/documents/",
                    {"Authorization": f"Token {token}"},
                    small,
                    big,
                )
            )
        finally:
            stop(proc)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    bare, app = results
    ratio = app["mib_s"] / bare["mib_s"]
    machine = f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · Python {platform.python_version()}"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### Upload of {args.size_mib} MiB — {when}",
        "",
        f"Machine: {machine}. Command: `python bench/upload_bench.py --size-mib {args.size_mib}` "
        "(gunicorn, 1 sync worker each, same disk; RSS of the worker from /proc every 20 ms).",
        "",
        "| server | idle RSS (MiB) | peak RSS (MiB) | peak above idle (MiB) | time (s) | throughput (MiB/s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['idle_mib']:.1f} | {r['peak_mib']:.1f} | {r['above_idle_mib']:.1f} "
            f"| {r['seconds']:.1f} | {r['mib_s']:.0f} |"
        )
    verdict_rss = "met" if app["above_idle_mib"] < 100 else "NOT met"
    verdict_tp = "met" if ratio >= 0.6 else "NOT met"
    lines += [
        "",
        f"Fabrique / bare throughput: **{ratio:.2f}×** (target ≥ 0.6×: {verdict_tp}); "
        f"Fabrique peak above idle: **{app['above_idle_mib']:.1f} MiB** (target < 100 MiB: {verdict_rss}).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    print(json.dumps(results, indent=2))
    if args.write:
        path = ROOT / args.write
        with path.open("a", encoding="utf-8") as out:
            out.write("\n" + text)
    return 0 if (app["above_idle_mib"] < 100 and ratio >= 0.6) else 1


if __name__ == "__main__":
    sys.exit(main())
