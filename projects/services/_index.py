"""The hand-off to the search outbox, written in the caller's transaction when search exists."""

from __future__ import annotations

from typing import Any


def index_enqueue(obj: Any, *, delete: bool = False) -> None:
    try:
        from search.outbox import index_enqueue as enqueue
    except ImportError:  # the search app is optional for this app's writes
        return
    enqueue(obj, delete=delete)
