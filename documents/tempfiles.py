"""Temporary copies of uploads and extractions: one directory, recognisable names, swept.

A process killed mid-upload (or mid-extraction) cannot delete its temporary file; the files
live under FILE_UPLOAD_TEMP_DIR (var/tmp/uploads by default) with our prefixes, so the
worker's start and sweep, and documents_purge_trash, remove those older than
FABRIQUE_UPLOAD_GRACE_SECONDS — never one still being written.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)

UPLOAD_PREFIX = "fabrique-upload-"
EXTRACT_PREFIX = "fabrique-extract-"
PREFIXES = (UPLOAD_PREFIX, EXTRACT_PREFIX)


def temp_dir() -> Path:
    """The dedicated directory (created on demand: a fresh VAR_DIR has none)."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR or Path(tempfile.gettempdir()) / "fabrique")
    path.mkdir(parents=True, exist_ok=True)
    return path


def named_temp_file(*, prefix: str, suffix: str = "") -> IO[bytes]:
    return tempfile.NamedTemporaryFile(prefix=prefix, suffix=suffix, dir=temp_dir())


def _ours(name: str) -> bool:
    # Django's own upload handler (pages without ours) names its files tmpXXXX.upload.ext.
    return name.startswith(PREFIXES) or (name.startswith("tmp") and ".upload" in name)


def temp_files_clean_stale(*, grace_seconds: float | None = None, now: float | None = None) -> int:
    """Delete our temp files not modified for the grace period; returns how many.

    Only upload and extraction names are touched, so a temp directory shared with something
    else (FABRIQUE_UPLOAD_TEMP_DIR pointing at /tmp) loses nothing of theirs.
    """
    grace = settings.FABRIQUE_UPLOAD_GRACE_SECONDS if grace_seconds is None else grace_seconds
    limit = (time.time() if now is None else now) - grace
    removed = 0
    for entry in os.scandir(temp_dir()):
        if not _ours(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime >= limit:
                continue
            os.unlink(entry.path)
            removed += 1
        except FileNotFoundError:  # finished (and deleted) meanwhile
            continue
    if removed:
        logger.info("removed %s stale temporary file(s) from %s", removed, temp_dir())
    return removed
