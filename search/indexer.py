"""The single index writer: drains the outbox in batches, coalescing, under a lease."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import shutil
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection as database
from django.db import transaction
from haystack import connections
from haystack.exceptions import NotHandled
from whoosh.index import LockError

from .backends_tantivy import META_FILE as TANTIVY_META
from .backends_tantivy import IndexBusy

# The lease lives in its own module; its names stay importable from here.
from .lease import LEASE_NAME, LEASE_SECONDS, holder_id, lease_acquire, lease_held, lease_release
from .models import IndexerLease, IndexOutbox
from .prepared import read_only_instances
from .search_indexes import dependent_objects

logger = logging.getLogger(__name__)

# Held (beside the writer lease) while a rebuild runs: the index is incomplete meanwhile.
REBUILD_LEASE = "search-rebuild"
# Taken by whoever asks for a rebuild, so that a lost index noticed by a hundred requests
# queues one rebuild, not a hundred.
REBUILD_REQUEST = "search-rebuild-request"
REBUILD_REQUEST_SECONDS = 600
# A file in the index directory (Whoosh or tantivy) while a rebuild runs, so that searches learn it from the
# directory listing they make anyway rather than from a query.
REBUILD_MARKER = ".fabrique-rebuilding"
DEFAULT_BATCH_SIZE = 200


@dataclass
class DrainReport:
    batches: int = 0
    updated: int = 0
    removed: int = 0
    rows: int = 0
    skipped_locked: bool = False
    errors: list[str] = field(default_factory=list)


def index_path(using: str = "default") -> str | None:
    """The embedded index's directory (tantivy, Whoosh); None for an engine that lives
    elsewhere (Elasticsearch)."""
    return settings.HAYSTACK_CONNECTIONS[using].get("PATH")


def _index_listing(using: str = "default") -> list[str] | None:
    """Names in the index directory; None when there is no directory."""
    try:
        return os.listdir(index_path(using))
    except (FileNotFoundError, NotADirectoryError):
        return None


def _has_toc(names: list[str] | None) -> bool:
    """The directory holds a committed index: tantivy's meta.json or Whoosh's table of
    contents."""
    if not names:
        return False
    return TANTIVY_META in names or any(
        n.startswith("_MAIN_") and n.endswith(".toc") for n in names
    )


def index_present(using: str = "default") -> bool:
    """The index's table of contents is on disk (cheap: one directory listing).

    Checked before anything opens the index: haystack would silently create an empty one in
    place of a deleted directory, and the loss would go unnoticed.
    """
    return not index_path(using) or _has_toc(_index_listing(using))


def index_state(using: str = "default") -> str:
    """ "ok", "rebuilding" (a rebuild runs: results are incomplete) or "missing".

    Asked by every search: for tantivy two file checks, for Whoosh one directory listing (its
    table of contents is numbered); the lease row read only while a rebuild marker is there (a
    killed rebuild's marker is then seen for what it is).
    """
    path = index_path(using)
    if not path:
        return "rebuilding" if lease_held(REBUILD_LEASE) else "ok"
    # tantivy's table of contents has a fixed name: two file checks rather than a listing of
    # every segment file (a tenth of the listing's time, and it does not grow with segments).
    if os.path.isfile(os.path.join(path, TANTIVY_META)):
        marked = os.path.lexists(os.path.join(path, REBUILD_MARKER))
    else:
        names = _index_listing(using)
        if not _has_toc(names):
            return "rebuilding" if lease_held(REBUILD_LEASE) else "missing"
        marked = REBUILD_MARKER in names
    if marked and lease_held(REBUILD_LEASE):
        return "rebuilding"
    return "ok"


def index_rebuild_request() -> bool:
    """Ask the worker to rebuild a lost index; True if this call queued the rebuild.

    Safe to call from any request: the request lease lets one rebuild through per
    REBUILD_REQUEST_SECONDS, and the rebuild itself skips if the index is back meanwhile.
    """
    if lease_held(REBUILD_LEASE):
        return False
    if not lease_acquire(holder_id(), seconds=REBUILD_REQUEST_SECONDS, name=REBUILD_REQUEST):
        return False
    from .tasks import index_repair_task

    # Queued now, not on commit: the repair reads nothing this transaction writes, and its
    # task row commits (or rolls back) with the request lease taken above.
    try:
        index_repair_task.enqueue()
    except Exception:  # the worker's sweep repairs the index anyway
        logger.exception("could not queue the search index repair")
    return True


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


def _apply_planned(plan, using: str = "default") -> tuple[int, int]:
    """An outbox batch: `plan` (reading the objects' state) runs once the engine's writer is
    held, so states are committed in the order they were read (see `apply_planned`)."""
    backend = connections[using].get_backend()
    if hasattr(backend, "apply_planned"):
        return backend.apply_planned(plan)
    updates, removals = plan()
    return _apply(updates, removals, using=using)


def _apply(updates, removals, using: str = "default", *, clear: bool = False) -> tuple[int, int]:
    backend = connections[using].get_backend()
    if hasattr(backend, "apply_batch"):  # our embedded backends: one writer, one commit
        if clear:  # the same commit drops every older entry (readers never see it empty)
            return backend.apply_batch(updates, removals, clear=True)
        return backend.apply_batch(updates, removals)
    if clear:
        backend.clear()
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
    holder = holder_id()
    if not lease_acquire(holder):
        report.skipped_locked = True
        return report
    try:
        if not index_present(using):
            # The index directory was lost: the outbox alone cannot restore it.
            logger.warning("search index missing: rebuilding it from the database")
            _rebuild_locked(holder, using=using)
        while max_batches is None or report.batches < max_batches:
            if not lease_acquire(holder):
                # This drain stalled past its lease and another took over: it sees our rows.
                logger.warning("search indexer lease lost: leaving the outbox to its new holder")
                report.skipped_locked = True
                break
            rows = list(IndexOutbox.objects.order_by("id")[:batch_size])
            if not rows:
                break
            actions = _coalesce(rows)
            for attempt in range(lock_retries):
                try:
                    updated, removed = _apply_planned(
                        functools.partial(_plan, actions, using=using), using=using
                    )
                    break
                except (LockError, IndexBusy):
                    # Someone outside the outbox (a manual rebuild_index) holds the engine's
                    # own write lock:
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


def _schema_unchanged(backend) -> bool:
    """The index on disk has the fields the code declares (else it must be recreated)."""
    if hasattr(backend, "schema_matches"):
        return backend.schema_matches()
    if not backend.setup_complete:
        backend.setup()
    try:
        stored = backend.storage.open_index().schema
    except Exception:
        return False
    return sorted(stored.names()) == sorted(backend.schema.names())


def index_schema_stale(using: str = "default") -> bool:
    """The embedded index on disk was built with other fields than the code declares (an
    upgrade added one): the engine cannot open it, and only a rebuild recreates it. Asked by the
    worker's sweep and by a search the engine failed, never on the way of a search that works
    (one open of the index's metadata)."""
    if not index_path(using) or not index_present(using):
        return False
    try:
        return not _schema_unchanged(connections[using].get_backend())
    except Exception:
        logger.exception("could not compare the search index's schema")
        return False


def _mark_rebuilding(path: str) -> None:
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, REBUILD_MARKER), "w"):
        pass


def _reset_index(backend, using: str) -> None:
    """Recreate an empty index (the directory is gone, or the schema changed)."""
    path = index_path(using)
    if path:
        shutil.rmtree(path, ignore_errors=True)
        # Marked before the empty index appears: a search never takes it for a complete one.
        _mark_rebuilding(path)
        # haystack's clear() would first refresh the index it has open, from a directory that
        # may no longer exist: set it up again from scratch instead.
        backend.setup_complete = False
        backend.setup()
    else:
        backend.clear()


@contextlib.contextmanager
def _long_lived_heap():
    """A rebuild makes a few hundred thousand short-lived model instances, and each of the
    cyclic garbage collector's full passes scanned Django's whole heap again, which lives as
    long as the process: set aside until the end of the rebuild (`gc.freeze`), a tenth less
    CPU at 100,000 entries, same peak memory. (Rarer young collections saved more time but let
    garbage cycles pile up past 300 MiB: the thresholds stay as they are.)"""
    freeze = gc.get_freeze_count() == 0  # else the process froze its own heap: left as it is
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()


@contextlib.contextmanager
def _sequential_reads():
    """SQLite's memory map (`DATABASE_SQLITE_MMAP_BYTES`) off while a rebuild reads the whole
    database once, in order: each page read through the map stayed mapped in the process, whose
    resident memory grew by the size of the database (456 MiB against 229 at 100,000 entries),
    for nothing a single sequential read gains from a map. Set back afterwards."""
    if database.vendor != "sqlite":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={size}")


def _rebuild_locked(holder: str, *, batch_size: int = 500, using: str = "default") -> int:
    """Index everything from the database; the caller holds the writer lease."""
    lease_acquire(holder, name=REBUILD_LEASE)
    with _long_lived_heap(), _sequential_reads():
        try:
            backend = connections[using].get_backend()
            in_place = (
                bool(index_path(using)) and index_present(using) and _schema_unchanged(backend)
            )
            if in_place:
                _mark_rebuilding(index_path(using))
            else:
                _reset_index(backend, using)
            unified = connections[using].get_unified_index()

            def batches():
                """Every indexable object, in chunks read by primary key; the leases are
                renewed before each chunk."""
                for model in unified.get_indexed_models():
                    search_index = unified.get_index(model)
                    qs = search_index.index_queryset()
                    last_pk = None
                    while True:
                        chunk_qs = qs if last_pk is None else qs.filter(pk__gt=last_pk)
                        chunk = read_only_instances(chunk_qs[:batch_size])
                        if not chunk:
                            break
                        lease_acquire(holder)
                        lease_acquire(holder, name=REBUILD_LEASE)
                        yield [(search_index, obj) for obj in chunk]
                        last_pk = chunk[-1].pk

            if hasattr(backend, "apply_batches"):
                # tantivy: one writer for the whole rebuild and one commit at the end, so readers
                # keep the old index until the new one is whole.
                return backend.apply_batches(batches(), clear=in_place)
            # In place, the first chunk's commit replaces the old entries: until then readers
            # keep the old index, never an empty one.
            clear_pending = in_place
            total = 0
            for updates in batches():
                _apply(updates, [], using=using, clear=clear_pending)
                clear_pending = False
                total += len(updates)
            if clear_pending:  # nothing to index: still drop what the old index held
                _apply([], [], using=using, clear=True)
            # Pending outbox rows are left alone: a row may belong to a change committed after
            # its object was read above, and replaying it next drain is harmless.
        finally:
            path = index_path(using)
            if path:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(path, REBUILD_MARKER))
            lease_release(holder, name=REBUILD_LEASE)
            IndexerLease.objects.filter(name=REBUILD_REQUEST).update(holder="", expires_at=None)
    return total


def index_rebuild(*, batch_size: int = 500, using: str = "default", wait: float = 60) -> int:
    """Rebuild the index from the database (the outbox is then moot), as the only writer.

    Waits up to `wait` seconds for the writer lease; outbox rows are kept and replayed by the
    next drain (replaying is idempotent).
    """
    holder = holder_id()
    deadline = time.monotonic() + wait
    while not lease_acquire(holder):
        if time.monotonic() > deadline:
            raise RuntimeError("another indexer holds the search index lease")
        time.sleep(0.2)
    try:
        return _rebuild_locked(holder, batch_size=batch_size, using=using)
    finally:
        lease_release(holder)


def index_repair(*, using: str = "default") -> str:
    """Rebuild the index if it is missing or was built with other fields than the code's (after
    an upgrade), then apply the outbox: the worker's catch-up.

    Never waits: when someone else writes the index, they (or the next sweep) do the work.
    """
    if not index_present(using) or index_schema_stale(using):
        holder = holder_id()
        if not lease_acquire(holder):
            return "busy"
        try:
            if not index_present(using) or index_schema_stale(using):
                _rebuild_locked(holder, using=using)
        finally:
            lease_release(holder)
    # A request made while the index was missing is answered: the next loss may ask again.
    IndexerLease.objects.filter(name=REBUILD_REQUEST).update(holder="", expires_at=None)
    if IndexOutbox.objects.exists():
        report = outbox_drain(using=using)
        return "busy" if report.skipped_locked else f"drained {report.rows}"
    return "ok"


__all__ = [
    "LEASE_NAME",
    "LEASE_SECONDS",
    "DrainReport",
    "index_rebuild",
    "index_rebuild_request",
    "index_schema_stale",
    "index_repair",
    "index_state",
    "lease_acquire",
    "lease_held",
    "lease_release",
    "outbox_drain",
]
