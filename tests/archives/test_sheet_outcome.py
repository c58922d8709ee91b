"""An ended sheet's page: labelled as archived (or abandoned), its final version, and "Ce que la
participation a produit" — the response to contributions, merged amendments, official answers
made public, closed debates' syntheses — each only as the viewer may see it."""

import pytest
from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import Amendment
from debates.models import Debate
from officials.models import Request
from officials.services import request_send
from projects.models import ProjectSheet, Stage
from tests.amendments.factories import open_round
from tests.debates.factories import debate
from tests.factories import MembershipFactory, SheetFactory, UserFactory, WorkspaceFactory
from tests.officials.factories import official
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db

RESPONSE = "Vos **deux cents** contributions ont conduit à élargir la piste."
SYNTHESIS = "Le débat a conclu qu'il fallait des arceaux couverts près de la gare, côté ouest."


def full_story(workspace=None, **fields):
    """A sheet that went through consultation, then ends: a round with a merged and a rejected
    amendment, an answered public request, a closed debate with its synthesis and an open one."""
    sheet = SheetFactory(
        workspace=workspace or WorkspaceFactory(),
        title="Arceaux de la gare",
        stage=Stage.CONSULTATION,
        placed_sections={
            "decisions": "On pose 200 arceaux.",
            "response_to_contributions": RESPONSE,
        },
        **fields,
    )
    agent = UserFactory(platform_role=PlatformRole.STAFF)
    MembershipFactory(workspace=sheet.workspace, user=agent, role=Role.READER)
    round_ = open_round(sheet, actor=agent)
    base = sheet.current_version
    merged = Amendment.objects.create(
        sheet=sheet, round=round_, field="summary", base_version=base, text="Plus d'arceaux."
    )
    rejected = Amendment.objects.create(
        sheet=sheet, round=round_, field="summary", base_version=base, text="Aucun arceau."
    )
    Amendment.objects.filter(pk=merged.pk).update(state="accepted", merged_version=base)
    Amendment.objects.filter(pk=rejected.pk).update(state="rejected")
    profile = official(display_name="Élue Mobilité")
    asker = MembershipFactory(workspace=sheet.workspace, role=Role.CONTRIBUTOR).user
    answered = request_send(
        actor=asker,
        official=profile,
        subject="Combien d'arceaux ?",
        body="?",
        public=True,
        sheet=sheet,
    )
    Request.objects.filter(pk=answered.pk).update(
        state="answered", publication="approved", answered_at=timezone.now()
    )
    closed = debate(sheet=sheet, author=asker, title="Où poser les arceaux ?")
    Debate.objects.filter(pk=closed.pk).update(state="closed", synthesis=SYNTHESIS)
    still_open = debate(sheet=sheet, author=asker, title="Débat encore ouvert")
    Debate.objects.filter(pk=still_open.pk).update(synthesis="Brouillon de synthèse jamais publié.")
    return sheet, merged, rejected


def page(client, sheet) -> str:
    response = client.get(f"/fiches/{sheet.slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("stage", [Stage.ARCHIVED, Stage.ABANDONED])
def test_an_ended_sheet_shows_what_participation_led_to(client, stage):
    sheet, merged, rejected = full_story()
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    html = page(client, sheet)
    assert (
        "Projet archivé" if stage == Stage.ARCHIVED else "Projet abandonné, dans les archives"
    ) in html
    assert "vous lisez sa version finale, la version 1" in html
    assert 'href="#section-realisation"' in html  # the decisions
    assert "Ce que la participation a produit" in html
    assert "<strong>deux cents</strong>" in html
    assert f"Amendement n° {merged.pk}</a> — intégré à la version 1" in html
    assert f"Amendement n° {rejected.pk}</a> — intégré" not in html
    assert "Combien d&#x27;arceaux ?" in html or "Combien d'arceaux ?" in html
    assert "des arceaux couverts" in html
    assert "Brouillon de synthèse" not in html  # an open debate's text is no synthesis yet


def test_a_sheet_under_way_has_no_archive_notice(client):
    sheet, _merged, _rejected = full_story()
    html = page(client, sheet)
    assert "Ce que la participation a produit" not in html
    assert "vous lisez sa version finale" not in html


def test_an_ended_sheet_without_outcome_says_so(client):
    sheet = SheetFactory(stage=Stage.ARCHIVED)
    assert "Aucune réponse aux contributions" in page(client, sheet)


def test_a_private_workspaces_archived_sheet_and_its_outcome_stay_unknown(client):
    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    sheet, _merged, _rejected = full_story(workspace=workspace)
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=Stage.ARCHIVED)
    assert client.get(f"/fiches/{sheet.slug}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/fiches/{sheet.slug}/").status_code == 404
    client.force_login(MembershipFactory(workspace=workspace, role=Role.READER).user)
    assert "des arceaux couverts" in page(client, sheet)


def test_the_outcome_in_english(client):
    sheet, _merged, _rejected = full_story()
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=Stage.ARCHIVED)
    response = client.get(f"/fiches/{sheet.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "What participation led to" in html and "Archived project" in html


def test_the_outcome_keeps_constant_queries_as_it_grows(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sheet, merged, _rejected = full_story()
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=Stage.ARCHIVED)
    client.get(f"/fiches/{sheet.slug}/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/fiches/{sheet.slug}/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    asker = UserFactory()
    for n in range(8):
        more = Amendment.objects.create(
            sheet=sheet,
            round=merged.round,
            field="summary",
            base_version=merged.base_version,
            text=f"Texte {n}",
        )
        Amendment.objects.filter(pk=more.pk).update(
            state="accepted", merged_version_id=merged.base_version_id
        )
        closed = debate(sheet=sheet, author=merged.author or asker, title=f"Débat {n}")
        Debate.objects.filter(pk=closed.pk).update(state="closed", synthesis=SYNTHESIS)
    assert count() == small
