"""Background work of notifications: fan-out of events, e-mails due at once."""

import logging

from django_tasks import task

from .fanout import fan_out_pending
from .mail import mail_send_due

logger = logging.getLogger(__name__)


@task()
def fan_out_task() -> int:
    """Enqueued after each commit that recorded an event someone may be told of. Never raises:
    the rows stay, and the worker's sweep retries."""
    try:
        return fan_out_pending()
    except Exception:
        logger.exception("notifications fan-out failed; the sweep retries")
        return 0


@task()
def mail_task() -> int:
    try:
        return mail_send_due()
    except Exception:
        logger.exception("notifications e-mail failed; the sweep retries")
        return 0
