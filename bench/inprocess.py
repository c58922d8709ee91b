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
