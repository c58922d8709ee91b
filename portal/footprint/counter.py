"""Bytes served per day, counted without anything personal and without a write per request.

`ServedBytesMiddleware` sits outside the gzip and static-file middleware, so it sees what
leaves the application: the compressed body of a page, the length of a static file WhiteNoise
streams (a body of unknown length is counted as its chunks go out). It adds the body's length to a counter of its process (in memory, under a lock) and,
when `FABRIQUE_SERVED_BYTES_FLUSH_SECONDS` have passed since the last write, adds the counts to
the day's row in one UPDATE (portal/footprint/services.py). Nothing else is kept: no address,
no path, no account, no time finer than the day. Headers are not counted; a process that is
killed loses at most its last interval (a clean exit writes it, atexit).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from .services import served_bytes_add

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: dict[date, list[int]] = {}  # day -> [bytes, responses]
_last_flush = time.monotonic()


def body_length(request: HttpRequest, response: HttpResponseBase) -> int:
    """The body's bytes as sent: the content of a plain response, the declared length of a
    streamed one (a static file, a download), nothing for HEAD."""
    if request.method == "HEAD":
        return 0
    if not response.streaming:
        return len(response.content)  # type: ignore[attr-defined]
    try:
        return max(int(response.get("Content-Length", 0)), 0)
    except ValueError:
        return 0


def count(day: date, nbytes: int) -> bool:
    """Adds one response; True when the interval has passed and the caller should flush."""
    interval = settings.FABRIQUE_SERVED_BYTES_FLUSH_SECONDS
    with _lock:
        entry = _pending.setdefault(day, [0, 0])
        entry[0] += nbytes
        entry[1] += 1
        return interval is not None and time.monotonic() - _last_flush >= interval


def pending() -> dict[date, tuple[int, int]]:
    with _lock:
        return {day: (b, r) for day, (b, r) in _pending.items()}


def flush() -> None:
    """Writes this process's counts; on a database error they are kept for the next try."""
    global _last_flush
    with _lock:
        taken = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    for day, (nbytes, responses) in sorted(taken.items()):
        try:
            served_bytes_add(day=day, nbytes=nbytes, responses=responses)
        except DatabaseError:
            logger.warning("served bytes of %s not written, kept for the next flush", day)
            with _lock:
                entry = _pending.setdefault(day, [0, 0])
                entry[0] += nbytes
                entry[1] += responses


def _flush_at_exit() -> None:
    if settings.FABRIQUE_SERVED_BYTES_FLUSH_SECONDS is None:
        return  # counting without writing (the tests): nothing leaves the process
    # The process is ending (its database may already be gone): nothing more to do.
    with contextlib.suppress(Exception):
        flush()


atexit.register(_flush_at_exit)


class ServedBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.streaming
            and not response.has_header("Content-Length")
            and request.method != "HEAD"
            and not getattr(response, "is_async", False)
        ):
            # A body of unknown length (an open-data export in chunks): counted as it is sent.
            response.streaming_content = _counted(response.streaming_content)  # type: ignore[attr-defined]
            return response
        if count(timezone.localdate(), body_length(request, response)):
            flush()
        return response


def _counted(chunks: Iterable[bytes]) -> Iterator[bytes]:
    sent = 0
    try:
        for chunk in chunks:
            sent += len(chunk)
            yield chunk
    finally:
        if count(timezone.localdate(), sent):
            flush()
