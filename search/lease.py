"""The lease that makes one process at a time the index writer (or rebuilder).

A row per lease name, taken and renewed by one conditional UPDATE; a holder whose process is
known to be gone (on this machine) is replaced at once, one elsewhere once the lease expires.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
from datetime import timedelta

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from background.liveness import process_alive, this_host

from .models import IndexerLease

logger = logging.getLogger(__name__)

LEASE_NAME = "search-indexer"
# A batch must finish within the lease; it is renewed before each batch (and each chunk of a
# rebuild). A holder on this machine whose process is gone is replaced at once; one on another
# machine once the lease expires.
LEASE_SECONDS = 30


def holder_id() -> str:
    token = f"{os.getpid()}:{threading.get_ident() % 10**12}:{uuid.uuid4().hex[:8]}"
    return f"{this_host()[: 79 - len(token)]}:{token}"


def _holder_dead(holder: str) -> bool:
    """The holder's process is known to be gone (it ran on this machine and no longer exists)."""
    try:
        host, pid, _thread, _token = holder.rsplit(":", 3)
        return process_alive(host, int(pid)) is False
    except ValueError:
        return False


def lease_acquire(holder: str, *, seconds: int = LEASE_SECONDS, name: str = LEASE_NAME) -> bool:
    """Take (or renew) a lease with one conditional UPDATE; False if someone alive holds it."""
    now = timezone.now()
    expires = now + timedelta(seconds=seconds)
    # Created concurrently by another drainer: fine, it exists now.
    with contextlib.suppress(IntegrityError):
        IndexerLease.objects.get_or_create(name=name)
    taken = IndexerLease.objects.filter(
        Q(holder=holder) | Q(holder="") | Q(expires_at__lt=now) | Q(expires_at__isnull=True),
        name=name,
    ).update(holder=holder, expires_at=expires)
    if taken:
        return True
    # A killed drainer must not block the index for the rest of its lease.
    current = IndexerLease.objects.filter(name=name).values_list("holder", flat=True).first()
    if current and _holder_dead(current):
        logger.warning("lease %s taken over from dead holder %s", name, current)
        return (
            IndexerLease.objects.filter(name=name, holder=current).update(
                holder=holder, expires_at=expires
            )
            == 1
        )
    return False


def lease_release(holder: str, *, name: str = LEASE_NAME) -> None:
    IndexerLease.objects.filter(name=name, holder=holder).update(holder="", expires_at=None)


def lease_held(name: str) -> bool:
    """Someone alive holds this lease now."""
    row = IndexerLease.objects.filter(name=name).values_list("holder", "expires_at").first()
    if row is None or not row[0] or row[1] is None or row[1] < timezone.now():
        return False
    return not _holder_dead(row[0])
