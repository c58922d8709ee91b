"""One answer per account even when two are sent at once."""

from __future__ import annotations

import pytest

from evaluation.models import Answer
from evaluation.services import answer_submit

from ..moderation.test_concurrency import run_together
from .factories import built, scores

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_one_accounts_two_answers_at_once_leave_one():
    """GIVEN two answers of one account sent at once WHEN both run THEN one is stored and the
    other refused as already answered (the sheet's row orders them; the constraint holds)."""
    w = built()
    outcomes = run_together(
        lambda: answer_submit(actor=w.a, sheet=w.sheet, role="resident", scores=scores(2)),
        lambda: answer_submit(actor=w.a, sheet=w.sheet, role="agent", scores=scores(4)),
    )
    assert sorted(outcomes) == ["EvaluationAlreadyAnswered", "ok"]
    assert Answer.objects.filter(sheet=w.sheet, user=w.a).count() == 1
