"""Send the digests due now (idempotent: a second run sends nothing more). The worker runs the
same thing every few minutes; cron may call this in production instead."""

from django.core.management.base import BaseCommand

from notifications.digests import digests_send
from notifications.fanout import fan_out_pending


class Command(BaseCommand):
    help = "Envoie les récapitulatifs dus (quotidiens et hebdomadaires) ; sans effet s'ils sont déjà partis."

    def handle(self, *args, **options) -> None:
        # Events still waiting for their fan-out belong in the digest they are due for.
        while fan_out_pending():
            pass
        report = digests_send()
        self.stdout.write(
            f"sent={report.sent} empty={report.empty} failed={report.failed} "
            f"skipped={report.skipped}"
        )
