"""Send the due reminders of officials' requests now (the worker runs it every 15 minutes;
in production without the worker, a cron line or a systemd timer: see the README)."""

from django.core.management.base import BaseCommand

from officials.services import requests_remind


class Command(BaseCommand):
    help = "Remind officials and their delegates of requests at 50 %, 80 % of the delay and due."

    def handle(self, *args, **options):
        self.stdout.write(f"{requests_remind()} request(s) reminded")
