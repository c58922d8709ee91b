"""The officials' periodic job in the worker: reminders of requests nearing their due date."""

from background.periodic import periodic_job

from .services import requests_remind


@periodic_job(every=900.0, name="official_requests_remind")
def official_requests_remind() -> int:
    """Half the delay, 80 % of it, the due day: the official and the delegates are told."""
    return requests_remind()
