"""The single index writer: drains the outbox in batches, coalescing, under a lease."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from haystack import connections
from haystack.exceptions import NotHandled
from whoosh.index import LockError

from .models import IndexerLease, IndexOutbox
from .search_indexes import dependent_objects

logger = logging.getLogger(__name__)

LEASE_NAME = "search-indexer"
# A batch must finish within the lease; it is renewed before each batch.
LEASE_SECONDS = 120
DEFAULT_BATCH_SIZE = 200


@dataclass
class DrainReport:
    batches: int = 0
    updated: int = 0
    removed: int = 0
    rows: int = 0
    skipped_locked: bool = False
    errors: list[str] = field(default_factory=list)


def _holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def lease_acquire(holder: str, *, seconds: int = LEASE_SECONDS) -> bool:
    """Take (or renew) the writer lease with one conditional UPDATE; False if someone holds it."""
    now = timezone.now()
    # Created concurrently by another drainer: fine, it exists now.
    with contextlib.suppress(IntegrityError):
        IndexerLease.objects.get_or_create(name=LEASE_NAME)
    taken = IndexerLease.objects.filter(
        Q(holder=holder) | Q(holder="") | Q(expires_at__lt=now) | Q(expires_at__isnull=True),
        name=LEASE_NAME,
    ).update(holder=holder, expires_at=now + timedelta(seconds=seconds))
    return taken == 1


def lease_release(holder: str) -> None:
    IndexerLease.objects.filter(name=LEASE_NAME, holder=holder).update(holder="", expires_at=None)


def _coalesce(rows: list[IndexOutbox]) -> OrderedDict[tuple[int, str], str]:
    """One action per object: the last enqueued wins (rows are read in id order)."""
    actions: OrderedDict[tuple[int, str], str] = OrderedDict()
    for row in rows:
        key = (row.content_type_id, row.object_id)
        actions.pop(key, None)
        actions[key] = row.action
    return actions


def _plan(actions: OrderedDict[tuple[int, str], str], using: str = "default"):
    """Turn coalesced actions into (index, obj) updates and identifier removals.

    The database decides: an "update" whose object is gone, or no longer indexable (trashed,
    unpublished, no current version), becomes a removal; a "delete" is always a removal, even if
    the object never reached the index — deletes are idempotent and never lost.
    """
    unified = connections[using].get_unified_index()
    by_ct: dict[int, list[str]] = {}
    for ct_id, object_id in actions:
        by_ct.setdefault(ct_id, []).append(object_id)
    updates, removals = [], []
    seen: set[tuple[type, Any]] = set()
    for ct_id, object_ids in by_ct.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        pk_field = model._meta.pk
        # Entries copying this object's stage, slugs or visibility are refreshed too.
        for dep_index, dep in dependent_objects(model, [pk_field.to_python(o) for o in object_ids]):
            if (type(dep), dep.pk) not in seen:
                seen.add((type(dep), dep.pk))
                updates.append((dep_index, dep))
        try:
            search_index = unified.get_index(model)
        except NotHandled:
            continue
        wanted = [oid for oid in object_ids if actions[(ct_id, oid)] == IndexOutbox.Action.UPDATE]
        found = {}
        if wanted:
            pks = [pk_field.to_python(oid) for oid in wanted]
            found = {str(obj.pk): obj for obj in search_index.index_queryset().filter(pk__in=pks)}
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for oid in object_ids:
            obj = found.get(oid)
            if obj is not None:
                if (model, obj.pk) not in seen:
                    seen.add((model, obj.pk))
                    updates.append((search_index, obj))
            else:
                removals.append(f"{label}.{oid}")
    return updates, removals


def _apply(updates, removals, using: str = "default") -> tuple[int, int]:
    backend = connections[using].get_backend()
    if hasattr(backend, "apply_batch"):  # our Whoosh backend: one writer, one commit
        return backend.apply_batch(updates, removals)
    # Other engines (Elasticsearch) take bulk updates per index and removals one by one.
    per_index: dict = {}
    for search_index, obj in updates:
        per_index.setdefault(search_index, []).append(obj)
    for search_index, objs in per_index.items():
        backend.update(search_index, objs)
    for identifier in removals:
        backend.remove(identifier)
    return len(updates), len(removals)


def outbox_drain(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int | None = None,
    lock_retries: int = 3,
    using: str = "default",
) -> DrainReport:
    """Drain the outbox until it is empty (or `max_batches`), as the only writer.

    Returns at once if another drainer holds the lease (it will see our rows). Rows are deleted
    only after the index commit, and only the rows read, so a crash replays a batch (updates
    and deletes are idempotent) and a concurrent enqueue is kept for the next batch.
    """
    report = DrainReport()
    holder = _holder_id()
    if not lease_acquire(holder):
        report.skipped_locked = True
        return report
    try:
        while max_batches is None or report.batches < max_batches:
            lease_acquire(holder)
            rows = list(IndexOutbox.objects.order_by("id")[:batch_size])
            if not rows:
                break
            updates, removals = _plan(_coalesce(rows), using=using)
            for attempt in range(lock_retries):
                try:
                    updated, removed = _apply(updates, removals, using=using)
                    break
                except LockError:
                    # Someone outside the outbox (a manual rebuild_index) holds Whoosh's lock:
                    # wait and retry; in the end leave the rows for the next drain.
                    logger.warning("search index locked, retry %s", attempt + 1)
                    time.sleep(0.5 * (attempt + 1))
            else:
                report.errors.append("index locked")
                break
            with transaction.atomic():
                IndexOutbox.objects.filter(pk__in=[r.pk for r in rows]).delete()
            report.batches += 1
            report.rows += len(rows)
            report.updated += updated
            report.removed += removed
    finally:
        lease_release(holder)
    return report


def index_rebuild(*, batch_size: int = 500, using: str = "default") -> int:
    """Clear the index and index everything from the database (the outbox is then moot).

    Holds the writer lease meanwhile so no drain interleaves; outbox rows are kept and replayed
    by the next drain (replaying is idempotent).
    """
    holder = _holder_id()
    deadline = time.monotonic() + 60
    while not lease_acquire(holder, seconds=3600):
        if time.monotonic() > deadline:
            raise RuntimeError("another indexer holds the search index lease")
        time.sleep(0.5)
    try:
        backend = connections[using].get_backend()
        backend.clear()
        unified = connections[using].get_unified_index()
        total = 0
        for model in unified.get_indexed_models():
            search_index = unified.get_index(model)
            qs = search_index.index_queryset()
            last_pk = None
            while True:
                chunk_qs = qs if last_pk is None else qs.filter(pk__gt=last_pk)
                chunk = list(chunk_qs[:batch_size])
                if not chunk:
                    break
                _apply([(search_index, obj) for obj in chunk], [], using=using)
                total += len(chunk)
                last_pk = chunk[-1].pk
        # Pending outbox rows are left alone: a row may belong to a change committed after
        # its object was read above, and replaying it next drain is harmless.
    finally:
        lease_release(holder)
    return total


__all__ = ["DrainReport", "index_rebuild", "outbox_drain"]
