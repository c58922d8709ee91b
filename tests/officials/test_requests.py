"""Writing to an official and the request's life through the API: the contract's fields, the
rate limit, the inbox order, public answers, reminders, and the purge of old private ones."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from accounts.models import PlatformRole
from officials.models import Request, RequestNotice
from officials.services import (
    request_answer,
    request_clarify,
    request_publication_decide,
    requests_remind,
)
from projects.models import ProjectSheet

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory, WorkspaceFactory
from .factories import Clock, official, paris, send

pytestmark = pytest.mark.django_db


def test_the_contract_of_a_request_and_its_steps(monkeypatch):
    clock = Clock(monkeypatch, paris(2026, 11, 30, 9, 0))
    profile = official(days=10)
    sender = UserFactory()
    api = client_for(sender)
    created = api.post(
        f"/api/v1/officials/{profile.user_id}/requests/",
        {"subject": "Éclairage", "body": "La rue est sombre.", "public": True},
        format="json",
    ).json()
    detail = api.get(f"/api/v1/requests/{created['id']}/").json()
    for key in (
        "reference",
        "subject",
        "body",
        "state",
        "due",
        "overdue",
        "answer",
        "answered",
        "history",
    ):
        assert key in detail, key
    assert detail["state"] == "acknowledged" and detail["overdue"] is False
    assert [h["kind"] for h in detail["history"]] == ["sent"]
    official_api = client_for(profile.user)
    inbox = official_api.get("/api/v1/requests/?box=inbox").json()["results"]
    assert [r["reference"] for r in inbox] == [created["reference"]]
    assert api.get("/api/v1/requests/").json()["results"][0]["reference"] == created["reference"]
    clock.set(paris(2026, 12, 1, 9, 0))
    asked = official_api.post(
        f"/api/v1/requests/{created['id']}/clarify/", {"question": "Quelle rue ?"}, format="json"
    ).json()
    assert asked["state"] == "clarification_requested"
    clock.set(paris(2026, 12, 2, 9, 0))
    replied = api.post(
        f"/api/v1/requests/{created['id']}/reply/", {"body": "Rue du Jura."}, format="json"
    ).json()
    assert replied["state"] == "acknowledged" and replied["due"] == "2026-12-15"
    done = official_api.post(
        f"/api/v1/requests/{created['id']}/answer/",
        {"body": "Un lampadaire sera posé."},
        format="json",
    ).json()
    assert done["state"] == "answered" and done["answer"] == "Un lampadaire sera posé."
    assert [h["kind"] for h in done["history"]] == ["sent", "clarify", "reply", "answer"]
    # Public, answered, but its question not yet read by a moderator: not published.
    assert client_for(None).get(f"/api/v1/requests/{created['id']}/").status_code == 404
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR)
    assert (
        client_for(moderator)
        .post(f"/api/v1/requests/{created['id']}/publication/", {"approve": True}, format="json")
        .status_code
        == 200
    )
    public = client_for(None).get(f"/api/v1/requests/{created['id']}/").json()
    assert [h["kind"] for h in public["history"]] == ["sent", "answer"]  # not the exchange
    assert all(h["by"] != sender.display_name for h in public["history"])
    assert public["publication"] is None
    page = client_for(None).get(f"/api/v1/officials/{profile.user_id}/").json()
    assert [q["reference"] for q in page["questions"]] == [created["reference"]]


@pytest.mark.parametrize(
    "payload",
    [
        {"subject": "", "body": "Texte."},
        {"subject": "Objet", "body": "   "},
        {"subject": "x" * 201, "body": "Texte."},
        {"subject": "Objet", "body": "x" * 5001},
        {"subject": "Objet", "body": "Texte.", "sheet": 2**62},
        {"subject": "Objet", "body": "Texte.", "public": "peut-être"},
        {"subject": ["a"], "body": {"b": 1}},
    ],
)
def test_bad_requests_are_refused_in_french_and_nothing_is_sent(payload):
    profile = official()
    response = client_for(UserFactory()).post(
        f"/api/v1/officials/{profile.user_id}/requests/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert not Request.objects.exists()


def test_a_request_about_a_sheet_the_sender_cannot_see_is_refused():
    hidden = SheetFactory(workspace=WorkspaceFactory(visibility="private"))
    profile = official()
    response = client_for(UserFactory()).post(
        f"/api/v1/officials/{profile.user_id}/requests/",
        {"subject": "Objet", "body": "Texte.", "sheet": hidden.pk},
        format="json",
    )
    assert response.status_code == 400 and not Request.objects.exists()


def test_the_rate_limit_per_sender_and_official(settings):
    settings.FABRIQUE_REQUESTS_PER_OFFICIAL = 2
    profile, other = official(), official()
    api = client_for(UserFactory())
    path = f"/api/v1/officials/{profile.user_id}/requests/"
    for _ in range(2):
        assert (
            api.post(path, {"subject": "Objet", "body": "Texte."}, format="json").status_code == 201
        )
    refused = api.post(path, {"subject": "Objet", "body": "Texte."}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "déjà écrit 2 fois" in refused.json()["detail"]
    assert (
        api.post(
            f"/api/v1/officials/{other.user_id}/requests/",
            {"subject": "O", "body": "T"},
            format="json",
        ).status_code
        == 201
    )  # another official: its own count
    assert Request.objects.count() == 3


def test_the_inbox_puts_overdue_first_then_by_due_date_and_filters(monkeypatch):
    clock = Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    delegate = UserFactory()
    profile = official(days=5, delegates=[delegate])
    late = send(profile, subject="Ancienne")
    clock.set(paris(2026, 11, 16, 9, 0))
    soon = send(profile, subject="Récente")
    done = send(profile, subject="Répondue")
    request_answer(actor=delegate, request=done, body="Faite par le délégué.")
    for who in (profile.user, delegate):
        rows = client_for(who).get("/api/v1/requests/?box=inbox").json()["results"]
        assert [r["subject"] for r in rows] == ["Ancienne", "Récente"]  # to answer, by due date
        overdue = client_for(who).get("/api/v1/requests/?box=inbox&flag=overdue").json()
        assert [r["subject"] for r in overdue["results"]] == ["Ancienne"]
        closed = client_for(who).get("/api/v1/requests/?box=inbox&flag=closed").json()
        assert [r["subject"] for r in closed["results"]] == ["Répondue"]
        every = client_for(who).get("/api/v1/requests/?box=inbox&flag=all").json()
        assert [r["subject"] for r in every["results"]] == ["Répondue", "Récente", "Ancienne"]
    assert client_for(UserFactory()).get("/api/v1/requests/?box=inbox").json()["results"] == []
    assert client_for(profile.user).get("/api/v1/requests/?box=x").status_code == 400
    assert Request.objects.get(pk=done.pk).answered_by == delegate
    assert late.pk and soon.pk


def test_reminders_at_half_eighty_percent_and_due_reach_the_official_and_delegates(monkeypatch):
    # Monday 2/11; 10 working days, 11 November off → due Tuesday 17/11
    clock = Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    delegate = UserFactory()
    profile = official(days=10, delegates=[delegate])
    request = send(profile)

    def kinds():
        reminders = RequestNotice.objects.filter(request=request).exclude(kind="received")
        return sorted(reminders.values_list("recipient_id", "kind"))

    clock.set(paris(2026, 11, 6, 9, 0))  # 4 of 10 days
    assert requests_remind() == 0 and kinds() == []
    clock.set(paris(2026, 11, 9, 9, 0))  # 5 of 10
    assert requests_remind() == 1
    assert kinds() == sorted([(profile.user_id, "reminder_50"), (delegate.pk, "reminder_50")])
    assert requests_remind() == 0  # idempotent
    clock.set(paris(2026, 11, 17, 9, 0))  # the due day (the 80 % step missed: only the latest)
    call_command("officials_remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {k for _u, k in kinds()} == {"reminder_50", "due"}
    assert Request.objects.get(pk=request.pk).reminded == 100
    # A paused request is not reminded.
    paused = send(profile)
    request_clarify(actor=profile.user, request=paused, question="Où ?")
    clock.set(paris(2026, 12, 30, 9, 0))
    requests_remind()
    assert not RequestNotice.objects.filter(
        request=paused, kind__in=["reminder_50", "reminder_80", "due"]
    ).exists()


def test_the_purge_erases_old_closed_private_requests_only(monkeypatch):
    clock = Clock(monkeypatch, paris(2023, 1, 2, 9, 0))
    profile = official(days=5)
    old_private = send(profile)
    request_answer(actor=profile.user, request=old_private, body="Réponse.")
    old_public = send(profile, public=True)
    request_publication_decide(
        actor=UserFactory(platform_role=PlatformRole.MODERATOR), request=old_public, approve=True
    )
    request_answer(actor=profile.user, request=old_public, body="Réponse publique.")
    old_open = send(profile)
    clock.set(paris(2026, 11, 30, 9, 0))
    recent = send(profile)
    request_answer(actor=profile.user, request=recent, body="Réponse.")
    call_command("officials_purge", stdout=open("/dev/null", "w"))  # noqa: SIM115
    left = set(Request.objects.values_list("pk", flat=True))
    assert left == {old_public.pk, old_open.pk, recent.pk}


def test_a_public_answer_about_a_sheet_shows_on_the_sheet_data(monkeypatch):
    sheet = SheetFactory()
    assert ProjectSheet.objects.filter(pk=sheet.pk).exists()
    profile = official()
    response = client_for(UserFactory()).post(
        f"/api/v1/officials/{profile.user_id}/requests/",
        {"subject": "Sur la fiche", "body": "Texte.", "public": True, "sheet": sheet.pk},
        format="json",
    )
    assert response.status_code == 201
    assert Request.objects.get().sheet_id == sheet.pk
    assert datetime.date.today()


def test_lists_cost_the_same_queries_for_2_and_12_requests(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import page

    profile = official()
    sender = UserFactory()
    counts = []
    for extra in (2, 10):
        for _ in range(extra):
            send(profile, sender)
        row = []
        for path, who in [
            ("/api/v1/requests/", sender),
            ("/api/v1/requests/?box=inbox", profile.user),
        ]:
            with CaptureQueriesContext(connection) as queries:
                assert client_for(who).get(path).status_code == 200
            row.append(len(queries))
        for path, who in [("/elus/demandes/", sender), ("/elus/boite/", profile.user)]:
            with CaptureQueriesContext(connection) as queries:
                assert page(who, path).status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1], counts
