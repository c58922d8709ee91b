"""Moderation under concurrent requests: exactly one decision wins on a case, concurrent
reports are all kept on one case that the threshold hides once, an account's double click
reports once, and an account's burst of messages never passes its rate limit."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections
from django.test import override_settings

from debates.errors import CommentRateLimited
from debates.models import Comment
from debates.services import comment_create
from moderation.errors import ModerationConflict, ReportTwice
from moderation.models import ModerationAction, ModerationCase, Notice, Report
from moderation.services import case_decide, report_create

from ..debates.factories import comment, debate, moderator, seasoned

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(*calls):
    """Start every call at once (a barrier), each in its own thread and connection; return the
    outcome of each: "ok" or the name of the error it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except Exception as error:  # noqa: BLE001 - the test reads which error it was
            outcomes[index] = type(error).__name__
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_simultaneous_decisions_exactly_one_wins():
    c = comment(debate(), author=seasoned())
    report_create(actor=seasoned(), comment=c, reason="abuse")
    case = ModerationCase.objects.get(comment=c)
    first, second = moderator(), moderator()
    outcomes = run_together(
        lambda: case_decide(
            actor=first,
            case=ModerationCase.objects.get(pk=case.pk),
            action="hide",
            reason="Insulte",
            rule="1",
        ),
        lambda: case_decide(
            actor=second,
            case=ModerationCase.objects.get(pk=case.pk),
            action="dismiss",
            reason="Critique légitime",
        ),
    )
    assert sorted(outcomes) == [ModerationConflict.__name__, "ok"]
    decisions = ModerationAction.objects.filter(case=case, kind__in=["hide", "dismiss"])
    assert decisions.count() == 1
    state = ModerationCase.objects.get(pk=case.pk).state
    assert state == {"hide": "hidden", "dismiss": "dismissed"}[decisions.get().kind]
    assert Comment.objects.get(pk=c.pk).state == ("hidden" if state == "hidden" else "visible")


def test_simultaneous_reports_all_land_on_one_case_hidden_once():
    c = comment(debate(), author=seasoned())
    reporters = [seasoned() for _ in range(4)]
    outcomes = run_together(
        *[
            (
                lambda r=r: report_create(
                    actor=r, comment=Comment.objects.get(pk=c.pk), reason="spam"
                )
            )
            for r in reporters
        ]
    )
    assert outcomes == ["ok"] * 4
    assert ModerationCase.objects.filter(comment=c).count() == 1
    assert Report.objects.filter(comment=c).count() == 4
    case = ModerationCase.objects.get(comment=c)
    assert case.actions.filter(kind="auto_hidden").count() == 1
    assert Notice.objects.filter(recipient=c.author, kind="pending_review").count() == 1
    assert Comment.objects.get(pk=c.pk).pending_review


def test_a_double_click_reports_once():
    c = comment(debate(), author=seasoned())
    reporter = seasoned()
    outcomes = run_together(
        *[
            (
                lambda: report_create(
                    actor=reporter, comment=Comment.objects.get(pk=c.pk), reason="spam"
                )
            )
            for _ in range(2)
        ]
    )
    assert sorted(outcomes) == [ReportTwice.__name__, "ok"]
    assert Report.objects.filter(comment=c).count() == 1


@override_settings(FABRIQUE_COMMENTS_PER_WINDOW=3)
def test_a_burst_of_messages_never_passes_the_rate_limit():
    d = debate()
    author = seasoned()
    outcomes = run_together(
        *[(lambda: comment_create(actor=author, debate=d, body="Vite !")) for _ in range(5)]
    )
    assert sorted(outcomes).count("ok") == 3
    assert sorted(outcomes).count(CommentRateLimited.__name__) == 2
    assert Comment.objects.filter(author=author).count() == 3
