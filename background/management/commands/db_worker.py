"""django-tasks-db's worker, plus a heartbeat and the periodic recovery jobs.

Same name and options as the library's `db_worker` (this app comes first in INSTALLED_APPS),
so `manage.py db_worker` everywhere runs this one. Beside the task loop, two daemon threads:
the heartbeat (every FABRIQUE_WORKER_HEARTBEAT_SECONDS, even while a long task runs) and the
sweep (the registered periodic jobs: re-queue tasks of dead workers, drain the search outbox,
repair a lost index, re-queue pending extractions, clean stale upload temp files). Killing
the process stops both: the next worker, or another one's sweep, picks the work up.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as LibraryWorkerCommand

from background.periodic import PeriodicRunner
from background.services import worker_heartbeat_record, worker_heartbeat_remove

logger = logging.getLogger("background.worker")


def _heartbeat_loop(worker_id: str, started_at, stop: threading.Event) -> None:
    while not stop.wait(settings.FABRIQUE_WORKER_HEARTBEAT_SECONDS):
        try:
            worker_heartbeat_record(worker_id=worker_id, started_at=started_at)
        except Exception:  # a busy database: the next beat is soon
            logger.warning("heartbeat not written", exc_info=True)
        finally:
            connection.close()


def _sweep_loop(runner: PeriodicRunner, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        runner.run_due()


class Command(LibraryWorkerCommand):
    help = (
        "Run a database background worker, with a heartbeat and the periodic recovery jobs "
        "(tasks of dead workers, search outbox and index, pending extractions, temp files)."
    )

    def handle(self, *args, **options):
        reloading = options.get("reload") and not options.get("batch")
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only watches files; its child does the work.
            return super().handle(*args, **options)
        worker_id = options["worker_id"]
        started_at = timezone.now()
        worker_heartbeat_record(worker_id=worker_id, started_at=started_at)
        runner = PeriodicRunner(own_connection=True)
        # Recover at once what a killed predecessor left (running tasks, temp files, outbox).
        runner.run_due(force=True)
        connection.close()
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_heartbeat_loop,
                args=(worker_id, started_at, stop),
                name="worker-heartbeat",
                daemon=True,
            ),
            threading.Thread(
                target=_sweep_loop, args=(runner, stop), name="worker-sweep", daemon=True
            ),
        ]
        for thread in threads:
            thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            try:
                worker_heartbeat_remove(worker_id=worker_id)
            except Exception:
                logger.warning("heartbeat not removed", exc_info=True)
