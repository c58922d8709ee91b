import pytest
from django.core.management import call_command

from accounts.models import User
from debates.models import Comment, Debate
from moderation.models import ModerationAction, ModerationCase, Report
from workspace.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "platform_role", "is_superuser")),
        sorted(Workspace.objects.values_list("slug", "kind", "visibility")),
        sorted(Membership.objects.values_list("workspace__slug", "user__email", "role")),
    )


def test_seed_demo_creates_api_md_accounts_and_is_idempotent():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    users, workspaces, memberships = first
    roles = {email: role for email, role, _su in users}
    assert roles["agent@demo.fabrique.test"] == "staff"
    assert roles["elue@demo.fabrique.test"] == "official"
    assert roles["moderation@demo.fabrique.test"] == "moderator"
    assert User.objects.get(email="admin@demo.fabrique.test").is_superuser
    assert ("collectif-velo-neudorf", "citizen_group", "public") in workspaces
    assert ("atelier-cour-ecole", "citizen_group", "private") in workspaces
    assert ("service-mobilite-ems", "institution", "public") in workspaces
    assert ("collectif-velo-neudorf", "alice@demo.fabrique.test", "owner") in memberships
    assert ("collectif-velo-neudorf", "bob@demo.fabrique.test", "contributor") in memberships
    assert not Membership.objects.filter(user__email="dan@demo.fabrique.test").exists()
    assert User.objects.get(email="dan@demo.fabrique.test").check_password("fabrique-demo")
    # Two mediators, so that a paper ballot can be typed twice; granted once, by the agent.
    from accounts.models import MediatorGrant

    grants = MediatorGrant.objects.filter(revoked_at__isnull=True)
    assert sorted(grants.values_list("user__email", "granted_by__email")) == [
        ("mediateur@demo.fabrique.test", "agent@demo.fabrique.test"),
        ("mediatrice@demo.fabrique.test", "agent@demo.fabrique.test"),
    ]


def _debate_snapshot():
    return (
        sorted(Debate.objects.values_list("sheet__slug", "title", "state")),
        sorted(
            Comment.objects.values_list(
                "author__email", "stance", "state", "parent__author__email"
            ),
            key=str,
        ),
        sorted(ModerationCase.objects.values_list("comment__author__email", "state")),
        sorted(Report.objects.values_list("reporter__email", "reason")),
        ModerationAction.objects.count(),
    )


def test_seed_demo_opens_a_moderated_debate_on_the_station_sheet_once(client):
    call_command("seed_demo")
    first = _debate_snapshot()
    call_command("seed_demo")
    assert _debate_snapshot() == first
    assert User.objects.get(email="moderation2@demo.fabrique.test").platform_role == "moderator"
    assert User.objects.get(email="moderation2@demo.fabrique.test").check_password("fabrique-demo")

    debate = Debate.objects.get(sheet__slug="stationnement-velos-gare-centrale")
    assert debate.state == "open"
    assert debate.sheet.stage == "consultation"
    comments = list(debate.comments.select_related("author"))
    assert len({c.author_id for c in comments}) >= 4
    assert {c.stance for c in comments} >= {"for", "against", "nuanced"}
    replies = [c for c in comments if c.parent_id is not None]
    assert len(replies) == 1 and replies[0].author.email == "elue@demo.fabrique.test"

    hidden = Comment.objects.get(debate=debate, state="hidden")
    case = ModerationCase.objects.get(comment=hidden)
    assert case.state == "hidden" and case.decided_by.email == "moderation@demo.fabrique.test"
    assert not debate.comments.filter(author__email__startswith="moderation").exists()
    assert case.reports.count() >= 1

    # What anyone sees in its place: the reason and the article, never the text.
    response = client.get(f"/api/v1/debates/{debate.pk}/comments/")
    assert response.status_code == 200
    shown = next(c for c in response.json()["results"] if c["id"] == hidden.pk)
    assert shown["body"] is None
    assert shown["moderation"]["pending_review"] is False
    assert "tierce personne" in shown["moderation"]["reason"]
    assert shown["moderation"]["rule"] == "4"
    assert hidden.body[:30] not in response.content.decode()
