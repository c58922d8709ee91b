"""What the in-process benchmarks share (Django's test client, no server): a Django of their own
over a throw-away directory (its SQLite database, index and files), DEBUG off, the page cache
off; and the percentile they report. Call `setup()` before importing anything of Django's."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str) -> Path:
    """Point Django at a fresh directory (removed at exit), set it up, and return the directory."""
    sys.path.insert(0, str(ROOT))
    var = Path(tempfile.mkdtemp(prefix=f"fabrique-bench-{name}-"))
    atexit.register(shutil.rmtree, var, ignore_errors=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "FABRIQUE_VAR_DIR": str(var),
            "LOG_LEVEL": "WARNING",
            "FABRIQUE_PAGE_CACHE_SECONDS": "0",
        }
    )
    import django

    django.setup()
    return var


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_get(client: Any, path: str) -> float:
    """Seconds for one GET of `path` through the test client; anything but 200 stops the run."""
    import time

    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def queries_of(client: Any, path: str) -> int:
    """The SQL queries one GET of `path` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        timed_get(client, path)
    return len(queries)


def publish(lines: list[str], append: str | None) -> None:
    """Print the report's lines, and append them to `append` (docs/benchmarks.md) if given."""
    text = "\n".join(lines) + "\n"
    print(text)
    if append:
        with open(append, "a", encoding="utf-8") as fh:
            fh.write(text)
