"""Framing notes: only officials write them, immutable once published, newer supersedes older."""

import pytest
from django.core.exceptions import ValidationError

from events.models import Activity
from projects.errors import FramingNoteImmutable, FramingNotePermissionDenied
from projects.models import FramingNote, ProjectSheet, Stage
from projects.selectors import framing_note_current, framing_note_list_visible
from projects.services import framing_note_create, framing_note_publish, framing_note_update

from ..conftest import client_for
from ..factories import UserFactory
from .factories import make_sheet

pytestmark = pytest.mark.django_db

NOTE = {
    "political_intent": "Apaiser la rue du Jura",
    "participation_level": "concert",
    "use_of_contributions": "Chaque contribution reçoit une réponse écrite.",
    "legal_constraints": "Voirie métropolitaine",
    "budget_constraints": "Enveloppe plafonnée",
    "budget_amount": "150000.00",
}


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "reader", "contributor", "editor", "owner", "staff"]
)
def test_only_officials_write_framing_notes(make_workspace, who):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    with pytest.raises(FramingNotePermissionDenied):
        framing_note_create(actor=actors[who], sheet=sheet, publish=True, **NOTE)
    response = client_for(actors[who]).post(
        f"/api/v1/sheets/{sheet.pk}/framing-notes/", {**NOTE, "publish": True}, format="json"
    )
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert not FramingNote.objects.exists()


def test_official_publishes_via_api_and_sheet_shows_it(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    response = client_for(actors["official"]).post(
        f"/api/v1/sheets/{sheet.pk}/framing-notes/", {**NOTE, "publish": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "published" and data["published_at"]
    assert data["is_current"] is True
    assert data["author"]["id"] == actors["official"].pk
    detail = client_for(None).get(f"/api/v1/sheets/{sheet.pk}/").json()
    assert [n["id"] for n in detail["framing_notes"]] == [data["id"]]
    assert Activity.objects.filter(verb="framing_note.published").count() == 1


def test_published_note_is_immutable(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    note = framing_note_create(actor=actors["official"], sheet=sheet, publish=True, **NOTE)
    with pytest.raises(FramingNoteImmutable):
        framing_note_update(actor=actors["official"], note=note, political_intent="Autre")
    with pytest.raises(FramingNoteImmutable):
        framing_note_publish(actor=actors["official"], note=note)
    response = client_for(actors["official"]).patch(
        f"/api/v1/sheets/{sheet.pk}/framing-notes/{note.pk}/",
        {"political_intent": "Autre"},
        format="json",
    )
    assert response.status_code == 409
    note.refresh_from_db()
    assert note.political_intent == NOTE["political_intent"]


def test_draft_edit_and_publish(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    note = framing_note_create(actor=actors["official"], sheet=sheet, **NOTE)
    assert note.status == FramingNote.Status.DRAFT and framing_note_current(sheet=sheet) is None
    other = UserFactory(platform_role="official")
    with pytest.raises(FramingNotePermissionDenied):
        framing_note_update(actor=other, note=note, political_intent="x")
    note = framing_note_update(actor=actors["official"], note=note, participation_level="consult")
    with pytest.raises(ValidationError):
        framing_note_update(actor=actors["official"], note=note, participation_level="vote")
    client = client_for(actors["official"])
    response = client.post(f"/api/v1/sheets/{sheet.pk}/framing-notes/{note.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert framing_note_current(sheet=sheet).pk == note.pk


def test_newer_note_supersedes_older(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    first = framing_note_create(actor=actors["official"], sheet=sheet, publish=True, **NOTE)
    second = framing_note_create(
        actor=UserFactory(platform_role="official"),
        sheet=sheet,
        publish=True,
        **{**NOTE, "participation_level": "co_construct"},
    )
    notes = framing_note_list_visible(user=None, sheet=sheet)
    assert [n.pk for n in notes] == [second.pk, first.pk]
    assert notes[0].is_current and not notes[1].is_current
    assert notes[1].superseded_by.pk == second.pk
    assert framing_note_current(sheet=sheet).pk == second.pk
    api = client_for(None).get(f"/api/v1/sheets/{sheet.pk}/framing-notes/").json()
    assert api["count"] == 2
    assert [(n["id"], n["superseded"]) for n in api["results"]] == [
        (second.pk, False),
        (first.pk, True),
    ]
    activity = Activity.objects.filter(verb="framing_note.published").order_by("pk").last()
    assert activity.data["supersedes"] == first.pk


@pytest.mark.parametrize("stage", [Stage.ARCHIVED, Stage.ABANDONED])
def test_no_framing_on_closed_sheets(make_workspace, stage):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    sheet = ProjectSheet.objects.get(pk=sheet.pk)
    with pytest.raises(FramingNotePermissionDenied):
        framing_note_create(actor=actors["official"], sheet=sheet, **NOTE)
