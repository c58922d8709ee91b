"""The notifications' periodic jobs in the worker: fan out what a lost task left, send the
e-mails due (retries included) and the digests due."""

from django.conf import settings

from background.periodic import periodic_job

from .digests import digests_send
from .fanout import fan_out_pending
from .mail import mail_send_due
from .services import notifications_purge


def _every() -> float:
    return float(settings.FABRIQUE_NOTIFICATIONS_SWEEP_SECONDS)


@periodic_job(every=_every, name="notifications_fan_out")
def notifications_fan_out() -> int:
    return fan_out_pending()


@periodic_job(every=_every, name="notifications_mail")
def notifications_mail() -> int:
    return mail_send_due()


@periodic_job(every=_every, name="notifications_digests")
def notifications_digests() -> int:
    """Daily at 7:30 and weekly on Tuesday (Europe/Paris): each run sends what is due, so a
    worker that was down sends the missed digest at its next round."""
    return digests_send().sent


@periodic_job(every=24 * 3600, name="notifications_purge")
def notifications_forget() -> int:
    """Notifications older than the retention are erased (GDPR)."""
    return notifications_purge()
