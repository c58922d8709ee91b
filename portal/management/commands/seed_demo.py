"""Create the demo accounts, workspaces and content described in API.md (idempotent)."""

from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from amendments import demo as amendments_demo
from debates import demo as debates_demo
from documents import demo as documents_demo
from evaluation import demo as evaluation_demo
from meetings import demo as meetings_demo
from moderation import demo as moderation_demo
from notifications import demo as notifications_demo
from officials import demo as officials_demo
from portal import demo as portal_demo
from projects import demo as projects_demo
from workflow import demo as workflow_demo
from workspace import demo as workspace_demo

# Each app seeds its own floor, from the bottom up: a step only uses what the steps before made.
DEMO_STEPS: list[tuple[str, Callable[[], int]]] = [
    ("accounts", accounts_demo.seed),
    ("workspace", workspace_demo.seed),
    ("projects", projects_demo.seed),
    # The quartiers, and the Neudorf collective's sheets placed in theirs (before the workflow
    # moves them on: a placement is a version like any other).
    ("portal", portal_demo.seed),
    ("documents", documents_demo.seed),
    ("workflow", workflow_demo.seed),
    ("debates", debates_demo.seed),
    ("moderation", moderation_demo.seed),
    ("amendments", amendments_demo.seed),
    ("officials", officials_demo.seed),
    ("notifications", notifications_demo.seed),
    # A debate on the sheet in evaluation and five answers to its questionnaire.
    ("evaluation", evaluation_demo.seed),
    # On the station's sheet: a public meeting to come, and a workshop held with its restitution.
    ("meetings", meetings_demo.seed),
]


class Command(BaseCommand):
    help = "Create (or complete) the demo data; running it twice changes nothing."

    def handle(self, *args, **options):
        for name, step in DEMO_STEPS:
            with transaction.atomic():
                created = step()
            self.stdout.write(f"{name}.demo.seed: {created}")
