"""Background work of the search app: draining the index outbox, repairing a lost index."""

import logging

from django_tasks import task

from .indexer import index_repair, outbox_drain

logger = logging.getLogger(__name__)


@task()
def drain_task() -> int:
    """Enqueued on commit by `index_enqueue`; the lease makes concurrent runs harmless.

    Never raises: an index problem must not surface as a failed request (with the immediate
    backend the task runs inside the request); the rows stay and the next drain retries (the
    worker's sweep drains too, so nothing waits for an unrelated write).
    """
    try:
        report = outbox_drain()
    except Exception:
        logger.exception("search outbox drain failed; rows kept for the next run")
        return 0
    return report.rows


@task()
def index_repair_task() -> str:
    """Queued once when a request finds the index missing: rebuild it, then apply the outbox."""
    try:
        return index_repair()
    except Exception:
        logger.exception("search index repair failed; the worker's sweep tries again")
        return "failed"
