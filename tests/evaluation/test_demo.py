"""The demo's evaluation: a sheet in evaluation with a debate and five answers, once."""

import pytest
from django.core.management import call_command

from evaluation.models import Answer
from evaluation.selectors import sheet_evaluation
from projects.models import ProjectSheet

pytestmark = pytest.mark.django_db


def test_seed_demo_evaluates_the_velorue_once():
    call_command("seed_demo")
    call_command("seed_demo")
    sheet = ProjectSheet.objects.get(slug="velorue-quai-des-bateliers")
    assert sheet.stage == "evaluation"
    assert Answer.objects.filter(sheet=sheet).count() == 5
    card = sheet_evaluation(user=sheet.created_by, sheet=sheet)
    assert card["indicators"]["comments"] == 6
    assert card["indicators"]["comments_answered"] == 2
    assert card["questionnaire"]["pillars"]["transparency"] == 2.7
    assert card["participation_level"]["flags"] == []  # promised: consult, contributions came
