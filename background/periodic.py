"""Periodic jobs the worker runs beside its tasks: recovery sweeps that other apps register.

An app declares a job in its `periodic.py` (imported by its AppConfig.ready) with
`@periodic_job(every=SECONDS)`. Jobs must be idempotent and driven by durable state (rows,
files): several workers may run the same job, and a job interrupted by a kill simply runs again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: Callable[[], float] | float


_JOBS: dict[str, PeriodicJob] = {}


def periodic_job(*, every: Callable[[], float] | float, name: str | None = None):
    """Register `func` to run every `every` seconds (a callable is read at each round, so a
    setting changed in tests or by the environment is honoured)."""

    def register(func: Callable[[], object]) -> Callable[[], object]:
        job_name = name or f"{func.__module__}.{func.__qualname__}"
        _JOBS[job_name] = PeriodicJob(job_name, func, every)
        return func

    return register


def periodic_jobs() -> list[PeriodicJob]:
    return list(_JOBS.values())


def _interval(job: PeriodicJob) -> float:
    return float(job.every() if callable(job.every) else job.every)


class PeriodicRunner:
    """Runs the due jobs, each isolated: one failing job never stops the others."""

    def __init__(self, *, own_connection: bool = False) -> None:
        # A worker's sweep thread owns its connection and closes it after each job (SQLite
        # locks, PostgreSQL idle sessions); a caller inside a transaction must keep its own.
        self.own_connection = own_connection
        self.last_run: dict[str, float] = {}

    def run_due(self, *, force: bool = False) -> dict[str, object]:
        results: dict[str, object] = {}
        now = time.monotonic()
        for job in periodic_jobs():
            last = self.last_run.get(job.name)
            if not force and last is not None and now - last < _interval(job):
                continue
            self.last_run[job.name] = now
            if self.own_connection:
                close_old_connections()
            try:
                results[job.name] = job.func()
            except Exception:
                logger.exception("periodic job %s failed; it runs again next round", job.name)
                results[job.name] = None
            finally:
                if self.own_connection:
                    connection.close()
        return results


def periodic_run_all() -> dict[str, object]:
    """Every registered job once (a worker's start, tests, `manage.py background_sweep`)."""
    return PeriodicRunner().run_due(force=True)
