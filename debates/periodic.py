"""The debates' periodic job in the worker: say once that a debate closes soon."""

from background.periodic import periodic_job

from .services import debates_closing_soon


@periodic_job(every=3600.0, name="debates_closing_soon")
def debates_closing_soon_job() -> int:
    return debates_closing_soon()
