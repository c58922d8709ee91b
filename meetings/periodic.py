"""The meetings' periodic job in the worker: expired holds, reminders the day before, and the
purge of registrants' personal data 30 days after the meeting."""

from background.periodic import periodic_job

from .services import meetings_purge, meetings_remind, registrations_expire


@periodic_job(every=900.0, name="meetings_tick")
def meetings_tick() -> int:
    return registrations_expire() + meetings_remind() + meetings_purge()
