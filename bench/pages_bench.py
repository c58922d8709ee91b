"""Page benchmark: the pages people read, under 8 keep-alive connections, against the login form.

Starts the server exactly as `make run` does (`make run`: migrations, demo data, static files,
gunicorn from config/gunicorn.py, the worker and the purge loop) in a throw-away var/ on a free
port, waits for the worker to index the demo data, signs in as the demo staff agent through the
login form, then loads each page with wrk (Debian's `wrk`; a bounded Python client with
`--client python` or when wrk is missing): 8 connections, keep-alive, a fixed duration. Pages
are measured side by side: each round loads every page in turn, and the figures are the medians
over the rounds, so the noise of a shared machine hits every page alike. During each load the
CPU time of every gunicorn process is read from /proc, to see whether the connections spread
over the processes (one per core).

Targets (issue 12): each page serves ≥ 0.5× the login form's requests per second, with a p95
latency ≤ 3× the login form's.

    .venv/bin/python bench/pages_bench.py [--rounds 5] [--seconds 5] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookiejar
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = os.environ.get("VENV", ".venv")
CONNECTIONS = 8
STAFF = ("agent@demo.fabrique.test", "fabrique-demo")
# (label, path, signed in as staff?) — the first is the baseline.
PAGES = [
    ("login form (baseline)", "/comptes/connexion/", False),
    ("sheet list", "/fiches/", False),
    ("sheet page", "/fiches/piste-cyclable-rue-du-jura/", False),
    ("staff board (signed in)", "/suivi/", True),
    ("search", "/recherche/?q=" + urllib.parse.quote("vélo"), False),
    ("home", "/", False),
]
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"errors": %d, "non2xx": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()} {platform.machine()}, {cpu}, {os.cpu_count()} cores"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the server, as `make run` starts it ---


def start_make_run(port: int, var: Path, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "FABRIQUE_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        **env_extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # `make run` chooses its own
    log = open(var.parent / "make-run.log", "wb")  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(
        # `bench-pages` installed the environment already; -o keeps `make run` from checking again.
        ["make", "--no-print-directory", "-o", f"{VENV}/.installed", "run",
         f"PORT={port}", "HOST=127.0.0.1", "ACCESS_LOG=/dev/null"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop(proc: subprocess.Popen) -> None:
    """What Ctrl-C does: TERM to the process group; make's trap stops its children."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def wait_until(check, what: str, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException, sqlite3.Error):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}")


def get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


def outbox_empty(var: Path) -> bool:
    with sqlite3.connect(var / "fabrique.sqlite3", timeout=5) as db:
        return db.execute("SELECT count(*) FROM search_indexoutbox").fetchone()[0] == 0


def sign_in(port: int) -> str:
    """The staff agent's session cookie, from the login form like a browser."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    opener.open(f"{base}/comptes/connexion/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": STAFF[0], "password": STAFF[1], "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/comptes/connexion/", data=data, headers={"Referer": f"{base}/comptes/connexion/"}
    )
    opener.open(request).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if not session:
        raise RuntimeError("could not sign in as the demo staff agent")
    return session


def gunicorn_processes(group: int) -> dict[int, str]:
    """gunicorn's worker processes in the process group of `make run`: pid → name."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid, pgid = int(fields[1]), int(fields[2])
        if pgid == group and any(arg.endswith("bin/gunicorn") for arg in cmdline.split()[:2]):
            procs[int(entry.name)] = ppid
    masters = {pid for pid, ppid in procs.items() if ppid not in procs}
    return {pid: "worker" for pid, ppid in procs.items() if ppid in masters}


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the load clients ---


def run_wrk(port: int, path: str, cookie: str | None, seconds: int, script: Path) -> dict:
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s",
           "-H", "Accept-Encoding: gzip", "-s", str(script)]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    data = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50_us"] / 1000,
        "p95": data["p95_us"] / 1000,
        "errors": data["errors"] + data["non2xx"],
    }


def run_python(port: int, path: str, cookie: str | None, seconds: float, _script: Path) -> dict:
    """8 threads, each one keep-alive connection, requests back to back for `seconds`."""
    headers = {"Accept-Encoding": "gzip", "Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": cuts[94] * 1000,
        "errors": errors[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5, help="load per page per round")
    parser.add_argument("--client", choices=["wrk", "python"], default=None)
    parser.add_argument("--label", default="", help="a note on what this run measures")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()

    client = args.client or ("wrk" if shutil.which("wrk") else "python")
    load = run_wrk if client == "wrk" else run_python
    env_extra = dict(item.split("=", 1) for item in args.env)
    tmp = Path(tempfile.mkdtemp(prefix="fabrique-bench-pages-"))
    var = tmp / "var"
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port()
    started = time.perf_counter()
    server = start_make_run(port, var, env_extra)
    try:
        wait_until(lambda: get_status(port, "/comptes/connexion/") == 200, "make run", 900)
        wait_until(lambda: outbox_empty(var), "the worker to index the demo data")
        setup_s = time.perf_counter() - started
        cookie = sign_in(port)
        workers = gunicorn_processes(server.pid)
        if not workers:
            raise RuntimeError("no gunicorn worker found")
        for _label, path, signed_in in PAGES:  # every page answers 200, and warms up
            status = get_status(port, path) if not signed_in else 200
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            load(port, path, cookie if signed_in else None, 1, script)
        results: dict[str, list[dict]] = {label: [] for label, *_ in PAGES}
        cpu_by_worker = {pid: 0.0 for pid in workers}
        wall_total = 0.0
        for round_number in range(args.rounds):
            for label, path, signed_in in PAGES:
                before = {pid: cpu_seconds(pid) for pid in workers}
                t = time.perf_counter()
                result = load(port, path, cookie if signed_in else None, args.seconds, script)
                wall = time.perf_counter() - t
                spent = {pid: cpu_seconds(pid) - before[pid] for pid in workers}
                result["cores"] = sum(spent.values()) / wall
                result["busiest"] = max(spent.values()) / max(sum(spent.values()), 1e-9)
                results[label].append(result)
                for pid, s in spent.items():
                    cpu_by_worker[pid] += s
                wall_total += wall
                print(
                    f"round {round_number + 1} {label:24} {result['rps']:7.1f} req/s "
                    f"p50 {result['p50']:6.1f} ms p95 {result['p95']:6.1f} ms "
                    f"cores {result['cores']:.2f} busiest {100 * result['busiest']:.0f} % "
                    f"errors {result['errors']}",
                    flush=True,
                )
        load_after = load_average()
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)

    def med(label: str, key: str) -> float:
        return statistics.median(r[key] for r in results[label])

    base = PAGES[0][0]
    rows, verdicts = [], []
    for label, path, _signed_in in PAGES:
        rps_ratio = med(label, "rps") / med(base, "rps")
        p95_ratio = med(label, "p95") / med(base, "p95")
        ok = label == base or (rps_ratio >= 0.5 and p95_ratio <= 3)
        verdicts.append(ok)
        errors = sum(r["errors"] for r in results[label])
        rows.append(
            f"| {label} | `{path}` | {med(label, 'rps'):.0f} | {rps_ratio:.2f}× | "
            f"{med(label, 'p50'):.1f} | {med(label, 'p95'):.1f} | {p95_ratio:.2f}× | "
            f"{med(label, 'cores'):.2f} | {100 * med(label, 'busiest'):.0f} % | {errors} | "
            f"{'—' if label == base else ('yes' if ok else 'NO')} |"
        )
    total_cpu = sum(cpu_by_worker.values())
    shares = ", ".join(f"{100 * s / max(total_cpu, 1e-9):.0f} %" for s in cpu_by_worker.values())
    note = f" — {args.label}" if args.label else ""
    report = "\n".join(
        [
            "",
            f"### Pages under 8 connections (`make bench-pages`), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{note}",
            "",
            f"- Machine: {machine()}; load average {load_after} at the end (shared machine)",
            f"- Python {platform.python_version()}; server started by `make run` "
            f"(config/gunicorn.py: {len(workers)} gunicorn processes; setup and indexing "
            f"{setup_s:.0f} s){'; server env ' + ' '.join(args.env) if args.env else ''}",
            f"- Client: {client}, {CONNECTIONS} keep-alive connections, gzip accepted; "
            f"{args.rounds} rounds of {args.seconds:g} s per page, pages in turn within a round; "
            "medians over the rounds",
            f"- gunicorn processes' share of the server CPU over the whole run: {shares}; "
            "cores used = the processes' CPU seconds per second of load; busiest process = the "
            "share of that CPU spent by the busiest gunicorn process during the page's load "
            f"(even spread: {100 // len(workers)} %)",
            "",
            "| page | path | req/s | × login | p50 ms | p95 ms | p95 × login | cores used "
            "| busiest process | errors | target met |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :-: |",
            *rows,
            "",
        ]
    )
    print(report)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(report)
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
