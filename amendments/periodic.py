"""The amendments' periodic job in the worker: rounds move on when their windows end."""

from background.periodic import periodic_job

from .services import rounds_closing_soon, rounds_sync_due


@periodic_job(every=60.0, name="amendment_rounds_sync")
def amendment_rounds_sync() -> int:
    """Close the submission or judgment windows that have ended (results stored at the close)."""
    return rounds_sync_due()


@periodic_job(every=300.0, name="amendment_rounds_closing_soon")
def amendment_rounds_closing_soon() -> int:
    """Tell the followers once that a window closes soon."""
    return rounds_closing_soon()
