"""The meetings' periodic job in the worker: registrations without an account left unconfirmed
for 48 h are cancelled, reminders go the day before, and registrants' personal data is purged
30 days after the meeting."""

from background.periodic import periodic_job

from .services import meetings_purge, meetings_remind, registrations_expire


@periodic_job(every=900.0, name="meetings_tick")
def meetings_tick() -> int:
    return registrations_expire() + meetings_remind() + meetings_purge()
