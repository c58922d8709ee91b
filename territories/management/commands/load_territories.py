from django.core.management.base import BaseCommand

from territories.services import territories_load_reference, themes_load_defaults


class Command(BaseCommand):
    help = "Load the Eurométropole's communes and the starting themes (idempotent)."

    def handle(self, *args, **options):
        territories = territories_load_reference()
        themes = themes_load_defaults()
        self.stdout.write(f"territories created: {territories}, themes created: {themes}")
