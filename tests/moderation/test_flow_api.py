"""The whole moderation journey through the API: comment, reports, threshold, decision shown in
place, appeal to a second moderator, reversal — and what each reader sees at each step."""

import pytest

from debates.models import Comment
from moderation.models import ModerationAction, ModerationCase, Notice

from ..conftest import client_for
from ..debates.factories import comment, debate, moderator, seasoned

pytestmark = pytest.mark.django_db


def test_report_threshold_decision_appeal_reversal():
    author = seasoned()
    d = debate()
    c = comment(d, author=author, body="Texte à examiner")
    reporters = [seasoned() for _ in range(3)]
    for i, reporter in enumerate(reporters):
        r = client_for(reporter).post(
            f"/api/v1/comments/{c.pk}/reports/", {"reason": "abuse"}, format="json"
        )
        assert r.status_code == 201, r.content
        c.refresh_from_db()
        assert c.state == ("hidden" if i == 2 else "visible")
    assert c.pending_review
    again = client_for(reporters[0]).post(
        f"/api/v1/comments/{c.pk}/reports/", {"reason": "spam"}, format="json"
    )
    assert again.status_code == 409
    own = client_for(author).post(
        f"/api/v1/comments/{c.pk}/reports/", {"reason": "spam"}, format="json"
    )
    assert own.status_code == 400

    listed = client_for(None).get(f"/api/v1/debates/{d.pk}/comments/").json()["results"]
    assert listed[0]["body"] is None and listed[0]["moderation"]["pending_review"] is True
    assert "Texte à examiner" not in str(listed)

    m1, m2 = moderator(), moderator()
    queue = client_for(m1).get("/api/v1/moderation/cases/")
    assert queue.status_code == 200, queue.content
    case = queue.json()["results"][0]
    assert case["state"] == "pending" and [r["reason"] for r in case["reports"]] == ["abuse"] * 3
    decided = client_for(m1).post(
        f"/api/v1/moderation/cases/{case['id']}/decision/",
        {"action": "hide", "reason": "Propos insultants", "rule": "1"},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    shown = client_for(None).get(f"/api/v1/debates/{d.pk}/comments/").json()["results"][0]
    assert shown["moderation"]["reason"] == "Propos insultants"
    assert shown["moderation"]["rule"] == "1"
    assert Notice.objects.filter(recipient=author, kind="hidden").exists()
    assert Notice.objects.filter(kind="report_hidden").count() == 3

    appeal = client_for(author).post(
        f"/api/v1/comments/{c.pk}/appeal/", {"text": "C'était de l'ironie."}, format="json"
    )
    assert appeal.status_code == 201, appeal.content
    second = client_for(author).post(
        f"/api/v1/comments/{c.pk}/appeal/", {"text": "Encore."}, format="json"
    )
    assert second.status_code == 409
    same = client_for(m1).post(
        f"/api/v1/moderation/cases/{case['id']}/appeal-decision/",
        {"action": "reverse", "reason": "Revu"},
        format="json",
    )
    assert same.status_code == 403
    other = client_for(m2).post(
        f"/api/v1/moderation/cases/{case['id']}/appeal-decision/",
        {"action": "reverse", "reason": "Ironie manifeste, pas d'insulte."},
        format="json",
    )
    assert other.status_code == 200, other.content
    c.refresh_from_db()
    assert c.state == "visible" and c.reinstated_at is not None
    assert ModerationCase.objects.get(pk=case["id"]).state == "reversed"
    kinds = list(ModerationAction.objects.values_list("kind", flat=True))
    assert kinds == ["opened", "auto_hidden", "hide", "appeal", "reverse"]

    register = client_for(None).get("/api/v1/moderation/register/").json()
    assert register["reports"]["abuse"] == 3
    assert register["decisions"]["hide"] == 1 and register["reversals"] == 1
    assert register["appeals"] == 1
    assert Comment.objects.get(pk=c.pk).body == "Texte à examiner"
