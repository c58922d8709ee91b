"""Background work of the search app: draining the index outbox."""

import logging

from django_tasks import task

from .indexer import outbox_drain

logger = logging.getLogger(__name__)


@task()
def drain_task() -> int:
    """Enqueued on commit by `index_enqueue`; the lease makes concurrent runs harmless.

    Never raises: an index problem must not surface as a failed request (with the immediate
    backend the task runs inside the request); the rows stay and the next drain retries.
    """
    try:
        report = outbox_drain()
    except Exception:
        logger.exception("search outbox drain failed; rows kept for the next run")
        return 0
    return report.rows
