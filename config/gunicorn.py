"""gunicorn's settings for `make run` (and a deployment: `gunicorn -c config/gunicorn.py config.wsgi`).

Processes from the cores this process may run on, a few threads each (a request waiting on the
disk or the database leaves its core to another), and one listening socket per process
(`reuse_port`: gunicorn ≥ 23 then opens the socket in each worker with SO_REUSEPORT, and the
kernel spreads new connections over them; with a single shared socket, whichever process woke
first took every keep-alive connection of a burst and the other core idled). Knobs: README's
configuration table.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def cores() -> int:
    """Cores this process may use (a container's or taskset's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


workers = _int("FABRIQUE_WORKERS", cores())
threads = _int("FABRIQUE_THREADS", 4)
worker_class = "gthread"
reuse_port = os.environ.get("FABRIQUE_REUSE_PORT", "true").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
# Uploads of 100 MiB over a slow line, and long exports, must not be killed mid-way.
timeout = _int("FABRIQUE_TIMEOUT", 600)
keepalive = _int("FABRIQUE_KEEPALIVE", 5)
