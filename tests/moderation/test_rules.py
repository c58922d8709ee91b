"""Moderation's rules, one by one: the reports' threshold and the reporters' age, who may report,
who may decide (never a participant), the appeal (once, within 14 days, to another moderator),
the charter's articles, the due time, reopening, and the register's figures and discretion."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import PlatformRole
from deadlines import add_working_hours
from debates.models import Comment
from debates.services import comment_create, comment_delete
from moderation.models import ModerationAction, ModerationCase, Notice, Report

from ..conftest import client_for
from ..debates.factories import comment, debate, moderator, seasoned
from ..factories import UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def report(user, c, reason="abuse", **extra):
    return client_for(user).post(
        f"/api/v1/comments/{c.pk}/reports/", {"reason": reason, **extra}, format="json"
    )


def decide(user, case_id, **body):
    return client_for(user).post(
        f"/api/v1/moderation/cases/{case_id}/decision/", body, format="json"
    )


def hidden_comment(author=None):
    """A comment reported once and hidden by a moderator; returns (comment, case, moderator)."""
    c = comment(debate(), author=author or seasoned(), body="Le texte masqué")
    assert report(seasoned(), c).status_code == 201
    m = moderator()
    case = ModerationCase.objects.get(comment=c)
    response = decide(m, case.pk, action="hide", reason="Insulte", rule="1")
    assert response.status_code == 200, response.content
    c.refresh_from_db()
    return c, ModerationCase.objects.get(pk=case.pk), m


def test_fresh_accounts_do_not_count_towards_the_threshold():
    c = comment(debate(), author=seasoned())
    for _ in range(3):
        assert report(UserFactory(), c).status_code == 201  # joined today
    c.refresh_from_db()
    assert c.state == "visible"
    for _ in range(2):
        report(seasoned(), c)
    c.refresh_from_db()
    assert c.state == "visible"
    report(seasoned(), c)
    c.refresh_from_db()
    assert (c.state, c.pending_review) == ("hidden", True)
    assert ModerationCase.objects.get(comment=c).state == "pending"  # never a decision
    assert Notice.objects.filter(recipient=c.author, kind="pending_review").count() == 1


@override_settings(FABRIQUE_REPORTS_TO_HIDE=1)
def test_the_threshold_is_configurable():
    c = comment(debate(), author=seasoned())
    report(seasoned(), c)
    c.refresh_from_db()
    assert c.state == "hidden"


def test_report_refusals_change_nothing():
    author = seasoned()
    c = comment(debate(), author=author)
    reporter = seasoned()
    assert report(author, c).status_code == 400  # one's own message
    assert report(reporter, c, reason="mauvais").status_code == 400
    assert report(reporter, c, details="x" * 1001).status_code == 400
    assert (
        client_for(None)
        .post(f"/api/v1/comments/{c.pk}/reports/", {"reason": "spam"}, format="json")
        .status_code
        == 401
    )
    assert not Report.objects.exists() and not ModerationCase.objects.exists()
    assert report(reporter, c).status_code == 201
    assert report(reporter, c, reason="spam").status_code == 409
    assert Report.objects.count() == 1


def test_a_deleted_message_cannot_be_reported():
    author = seasoned()
    c = comment(debate(), author=author)
    comment_delete(actor=author, comment=c)
    assert report(seasoned(), c).status_code == 409


def test_a_moderator_who_took_part_may_not_decide():
    d = debate()
    m = moderator()
    comment(d, author=m, body="J'ai un avis, moi aussi.")
    c = comment(d, author=seasoned())
    report(seasoned(), c)
    case = ModerationCase.objects.get(comment=c)
    assert decide(m, case.pk, action="hide", reason="Insulte", rule="1").status_code == 403
    author_moderator = moderator()
    d2 = debate(author=author_moderator)
    c2 = comment(d2, author=seasoned())
    report(seasoned(), c2)
    case2 = ModerationCase.objects.get(comment=c2)
    assert decide(author_moderator, case2.pk, action="dismiss", reason="Non").status_code == 403
    assert ModerationCase.objects.filter(state="pending").count() == 2


def test_citizens_and_officials_may_not_decide_nor_see_the_queue():
    c = comment(debate(), author=seasoned())
    report(seasoned(), c)
    case = ModerationCase.objects.get(comment=c)
    assert client_for(None).get("/api/v1/moderation/cases/").status_code == 401
    for role in (PlatformRole.CITIZEN, PlatformRole.OFFICIAL):
        user = UserFactory(platform_role=role)
        assert client_for(user).get("/api/v1/moderation/cases/").status_code == 403
        assert client_for(user).get(f"/api/v1/moderation/cases/{case.pk}/").status_code == 404
        assert decide(user, case.pk, action="hide", reason="x", rule="1").status_code == 404
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    assert client_for(staff).get("/api/v1/moderation/cases/").status_code == 200


def test_a_decision_cites_an_article_of_the_charter_in_force():
    c = comment(debate(), author=seasoned())
    report(seasoned(), c)
    case = ModerationCase.objects.get(comment=c)
    m = moderator()
    assert decide(m, case.pk, action="hide", reason="Insulte", rule="99").status_code == 400
    assert decide(m, case.pk, action="hide", reason="Insulte").status_code == 400
    assert decide(m, case.pk, action="hide", reason="  ", rule="1").status_code == 400
    assert decide(m, case.pk, action="delete", reason="x", rule="1").status_code == 400
    assert ModerationCase.objects.get(pk=case.pk).state == "pending"
    assert decide(m, case.pk, action="dismiss", reason="Critique légitime.").status_code == 200
    assert decide(m, case.pk, action="hide", reason="x", rule="1").status_code == 409


def test_the_case_is_due_48_working_hours_after_it_opened():
    c = comment(debate(), author=seasoned())
    report(seasoned(), c)
    case = ModerationCase.objects.get(comment=c)
    assert case.due_at == add_working_hours(case.opened_at, 48)
    listed = client_for(moderator()).get("/api/v1/moderation/cases/").json()["results"][0]
    assert (
        listed["due"] and listed["due_date"] == timezone.localtime(case.due_at).date().isoformat()
    )


def test_a_new_report_after_a_dismissal_reopens_the_case():
    c = comment(debate(), author=seasoned())
    report(seasoned(), c)
    case = ModerationCase.objects.get(comment=c)
    decide(moderator(), case.pk, action="dismiss", reason="Critique légitime.")
    assert report(seasoned(), c).status_code == 201
    case.refresh_from_db()
    assert case.state == "pending"
    kinds = list(case.actions.values_list("kind", flat=True))
    assert kinds == ["opened", "dismiss", "reopen"]


def test_the_appeal_goes_to_another_moderator_once():
    c, case, first = hidden_comment()
    stranger = seasoned()
    url = f"/api/v1/comments/{c.pk}/appeal/"
    assert client_for(stranger).post(url, {"text": "Non."}, format="json").status_code == 403
    assert client_for(c.author).post(url, {"text": ""}, format="json").status_code == 400
    assert client_for(c.author).post(url, {"text": "Relisez."}, format="json").status_code == 201
    assert client_for(c.author).post(url, {"text": "Encore"}, format="json").status_code == 409
    judge = f"/api/v1/moderation/cases/{case.pk}/appeal-decision/"
    body = {"action": "uphold", "reason": "L'insulte est claire."}
    assert client_for(first).post(judge, body, format="json").status_code == 403
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    assert client_for(staff).post(judge, body, format="json").status_code == 200
    c.refresh_from_db()
    assert c.state == "hidden" and c.appealable_until is None
    assert client_for(c.author).post(url, {"text": "Et alors"}, format="json").status_code == 409
    assert Notice.objects.filter(recipient=c.author, kind="appeal_upheld").exists()


def test_no_appeal_after_fourteen_days():
    c, case, _m = hidden_comment()
    Comment.objects.filter(pk=c.pk).update(
        appealable_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client_for(c.author).post(
        f"/api/v1/comments/{c.pk}/appeal/", {"text": "Trop tard ?"}, format="json"
    )
    assert response.status_code == 409
    assert [m["code"] for m in response.json()["missing"]] == ["appeal_deadline"]
    assert ModerationCase.objects.get(pk=case.pk).state == "hidden"


def test_no_appeal_against_a_message_only_pending_review():
    with override_settings(FABRIQUE_REPORTS_TO_HIDE=1):
        c = comment(debate(), author=seasoned())
        report(seasoned(), c)
    response = client_for(c.author).post(
        f"/api/v1/comments/{c.pk}/appeal/", {"text": "Pourquoi ?"}, format="json"
    )
    assert response.status_code == 409


def test_the_moderation_log_is_append_only():
    _c, case, _m = hidden_comment()
    action = case.actions.first()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        action.save()
    with pytest.raises(ValidationError):
        action.delete()
    assert ModerationAction.objects.filter(case=case).count() == 2  # opened, hide


def test_the_register_counts_only_what_its_reader_may_see():
    private = WorkspaceFactory(visibility="private")
    from ..factories import member

    insider = member(private)
    d = debate(author=insider, workspace=private)
    c = comment(d, author=insider, body="Dans un espace privé")
    other = member(private)
    type(other).objects.filter(pk=other.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=30)
    )
    assert report(other, c, reason="spam").status_code == 201
    public = client_for(None).get("/api/v1/moderation/register/").json()
    assert public["reports"]["spam"] == 0 and public["reports_total"] == 0
    inside = client_for(insider).get("/api/v1/moderation/register/").json()
    assert inside["reports"]["spam"] == 1
    assert (
        client_for(None).get(f"/api/v1/moderation/register/?workspace={private.slug}").status_code
        == 404
    )
    assert (
        client_for(insider)
        .get(f"/api/v1/moderation/register/?workspace={private.slug}")
        .json()["reports_total"]
        == 1
    )


def test_the_register_names_nobody_and_shows_no_text():
    c, _case, m = hidden_comment()
    body = client_for(None).get("/api/v1/moderation/register/").content.decode()
    assert "Le texte masqué" not in body
    assert m.display_name not in body and c.author.display_name not in body
    assert client_for(None).get("/api/v1/moderation/register/?month=2026-13").status_code == 400
    assert client_for(None).get("/api/v1/moderation/register/?month=nope").status_code == 400
    last_year = client_for(None).get("/api/v1/moderation/register/?month=2025-01").json()
    assert last_year["decisions"]["hide"] == 0


def test_the_median_time_to_decision_is_in_working_hours():
    c, case, _m = hidden_comment()
    figures = client_for(None).get("/api/v1/moderation/register/").json()
    assert figures["median_hours_to_decision"] is not None
    assert 0 <= figures["median_hours_to_decision"] < 1


def test_comment_rate_limit_answers_429_and_saves_nothing():
    d = debate()
    user = seasoned()
    with override_settings(FABRIQUE_COMMENTS_PER_WINDOW=3):
        for _ in range(3):
            comment_create(actor=user, debate=d, body="Encore un avis.")
        response = client_for(user).post(
            f"/api/v1/debates/{d.pk}/comments/", {"body": "Un de trop."}, format="json"
        )
    assert response.status_code == 429
    assert "attendez" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.filter(author=user).count() == 3
