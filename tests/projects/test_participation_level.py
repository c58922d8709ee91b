"""The promised participation level of a sheet (issue 17, item 2): set at creation and edit by
the sheet's editors, lowered once the consultation has started only with a public note (an event
shown in the sheet's history), shown on the sheet page, filtered in the list and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from events.models import Activity
from projects.errors import SheetPermissionDenied
from projects.models import ProjectSheet, SheetVersion, Stage
from projects.participation import LOWERING_NOTE_MAX
from projects.services import sheet_create, sheet_update, sheet_version_restore

from ..conftest import client_for
from .factories import make_sheet

pytestmark = pytest.mark.django_db

NOTE = "Le budget voté ne permet plus de retenir les propositions : nous recueillons vos avis."


def _at(sheet, stage):
    # Tests only: move the protected field without the workflow service.
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    return ProjectSheet.objects.select_related("current_version").get(pk=sheet.pk)


def _sheet(make_workspace, *, level="concert", stage=Stage.CONSULTATION, **extra):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"], participation_level=level, **extra)
    return _at(sheet, stage), actors


def _changes(sheet):
    return list(
        Activity.objects.filter(verb="sheet.participation_changed", target_id=sheet.pk).values(
            "data", "private"
        )
    )


# --- the service ---


def test_a_new_sheet_promises_consult_unless_told_otherwise(make_workspace):
    workspace, actors = make_workspace()
    plain = sheet_create(actor=actors["contributor"], workspace=workspace, title="A", summary="s")
    told = sheet_create(
        actor=actors["contributor"],
        workspace=workspace,
        title="B",
        summary="s",
        participation_level="co_decide",
        participation_decided="  Le conseil de quartier vote le projet retenu.  ",
        participation_changeable="Le choix entre les trois tracés.",
    )
    assert plain.participation_level == "consult"
    assert (told.participation_level, told.participation_decided) == (
        "co_decide",
        "Le conseil de quartier vote le projet retenu.",
    )
    assert told.current_version.meta["participation_level"] == "co_decide"
    assert _changes(told) == []  # a first promise is no change


def test_an_unknown_level_is_refused_at_creation_and_nothing_is_written(make_workspace):
    workspace, actors = make_workspace()
    with pytest.raises(ValidationError) as refused:
        sheet_create(
            actor=actors["contributor"],
            workspace=workspace,
            title="A",
            summary="s",
            participation_level="vote",
        )
    assert "participation_level" in refused.value.message_dict
    assert not ProjectSheet.objects.filter(workspace=workspace).exists()


def test_lowering_after_the_consultation_started_without_a_note_is_refused_and_nothing_changes(
    make_workspace,
):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    events_before = Activity.objects.count()
    for note in ("", "   \n "):
        with pytest.raises(ValidationError) as refused:
            sheet_update(
                actor=actors["editor"],
                sheet=sheet,
                base_version=1,
                participation_level="consult",
                participation_note=note,
            )
        assert "abaisser le niveau" in refused.value.message_dict["participation_note"][0]
    sheet.refresh_from_db()
    assert sheet.participation_level == "co_construct"
    assert SheetVersion.objects.filter(sheet=sheet).count() == 1
    assert Activity.objects.count() == events_before


@pytest.mark.parametrize("stage", [Stage.CONSULTATION, Stage.REALISATION, Stage.EVALUATION])
def test_lowering_with_a_note_is_recorded_as_a_public_event(make_workspace, stage):
    sheet, actors = _sheet(make_workspace, level="co_construct", stage=stage)
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        participation_level="consult",
        participation_note=f"  {NOTE}  ",
    )
    assert sheet.participation_level == "consult"
    assert sheet.current_version.number == 2
    assert sheet.current_version.meta["participation_level"] == "consult"
    assert _changes(sheet) == [
        {
            "data": {
                "version": 2,
                "level_from": "co_construct",
                "level_to": "consult",
                "lowered": True,
                "note": NOTE,
            },
            "private": False,
        }
    ]


def test_raising_needs_no_note(make_workspace):
    sheet, actors = _sheet(make_workspace, level="consult")
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, participation_level="co_decide"
    )
    assert sheet.participation_level == "co_decide"
    assert [c["data"]["lowered"] for c in _changes(sheet)] == [False]


def test_before_the_consultation_the_level_is_lowered_freely(make_workspace):
    sheet, actors = _sheet(make_workspace, level="co_decide", stage=Stage.INITIATIVE)
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, participation_level="inform"
    )
    assert sheet.participation_level == "inform"
    assert _changes(sheet)[0]["data"]["note"] == ""


def test_the_texts_alone_change_without_an_event_of_level(make_workspace):
    sheet, actors = _sheet(make_workspace)
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        participation_changeable="Le tracé et le mobilier.",
    )
    assert sheet.participation_changeable == "Le tracé et le mobilier."
    assert _changes(sheet) == []
    updated = Activity.objects.get(verb="sheet.updated", target_id=sheet.pk)
    assert updated.data["fields"] == ["participation_changeable"]


def test_a_huge_note_is_refused(make_workspace):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    with pytest.raises(ValidationError) as refused:
        sheet_update(
            actor=actors["editor"],
            sheet=sheet,
            base_version=1,
            participation_level="consult",
            participation_note="x" * (LOWERING_NOTE_MAX + 1),
        )
    assert "trop longue" in refused.value.message_dict["participation_note"][0]
    sheet.refresh_from_db()
    assert sheet.participation_level == "co_construct"


def test_a_restore_keeps_the_promise_of_today(make_workspace):
    """Restoring version 1 (promised co-construct) after lowering with a note keeps consult:
    the promise moves only by an edit, with the note its lowering needs."""
    sheet, actors = _sheet(make_workspace, level="co_construct")
    sheet = sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        summary="Autre résumé.",
        participation_level="consult",
        participation_note=NOTE,
    )
    sheet = sheet_version_restore(actor=actors["editor"], sheet=sheet, number=1)
    assert sheet.participation_level == "consult"
    assert sheet.current_version.summary != "Autre résumé."
    assert len(_changes(sheet)) == 1


# Who may set the level: whoever may edit the sheet (editors and owners of its workspace).
MATRIX = {
    "anonymous": False,
    "outsider": False,
    "reader": False,
    "contributor": False,
    "editor": True,
    "owner": True,
    "staff": False,
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_may_set_the_level(make_workspace, role):
    sheet, actors = _sheet(make_workspace, level="consult")
    actor = actors[role] or AnonymousUser()
    if MATRIX[role]:
        sheet = sheet_update(
            actor=actor, sheet=sheet, base_version=1, participation_level="co_construct"
        )
        assert sheet.participation_level == "co_construct"
    else:
        with pytest.raises(SheetPermissionDenied):
            sheet_update(actor=actor, sheet=sheet, base_version=1, participation_level="inform")
        sheet.refresh_from_db()
        assert sheet.participation_level == "consult"


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_may_set_the_level_through_the_api(make_workspace, role):
    sheet, actors = _sheet(make_workspace, level="consult")
    response = client_for(actors[role]).patch(
        f"/api/v1/sheets/{sheet.pk}/",
        {"base_version": 1, "participation_level": "co_construct"},
        format="json",
    )
    expected = 200 if MATRIX[role] else (401 if role == "anonymous" else 403)
    assert response.status_code == expected
    sheet.refresh_from_db()
    assert sheet.participation_level == ("co_construct" if MATRIX[role] else "consult")


# --- the API ---


def test_the_api_shows_the_level_and_filters_by_it(make_workspace):
    workspace, actors = make_workspace()
    low = make_sheet(workspace, actors["contributor"], title="Info", participation_level="inform")
    high = make_sheet(
        workspace,
        actors["contributor"],
        title="Budget",
        participation_level="co_decide",
        participation_decided="Les habitant·es votent.",
    )
    client = client_for(None)
    results = client.get("/api/v1/sheets/?participation_level=co_decide").json()["results"]
    assert [(r["id"], r["participation_level"]) for r in results] == [(high.pk, "co_decide")]
    assert [
        r["id"] for r in client.get("/api/v1/sheets/?participation_level=").json()["results"]
    ] == [high.pk, low.pk]
    detail = client.get(f"/api/v1/sheets/{high.pk}/").json()
    assert detail["participation_level"] == "co_decide"
    assert detail["participation_decided"] == "Les habitant·es votent."
    assert detail["participation_changeable"] == ""


@pytest.mark.parametrize("value", ["vote", "CONSULT", "consult ", "x" * 5000, "inform,consult"])
def test_an_unknown_level_filter_is_a_clear_400(make_workspace, value):
    response = client_for(None).get("/api/v1/sheets/", {"participation_level": value})
    assert response.status_code == 400
    message = response.json()["participation_level"][0]
    assert "Niveau de participation inconnu" in message and "co_construct" in message


def test_the_api_refuses_a_lowering_without_a_note_with_a_clear_400(make_workspace):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    client = client_for(actors["editor"])
    url = f"/api/v1/sheets/{sheet.pk}/"
    refused = client.patch(url, {"base_version": 1, "participation_level": "inform"}, format="json")
    assert refused.status_code == 400
    assert "abaisser le niveau" in refused.json()["participation_note"][0]
    done = client.patch(
        url,
        {"base_version": 1, "participation_level": "inform", "participation_note": NOTE},
        format="json",
    )
    assert done.status_code == 200 and done.json()["participation_level"] == "inform"


@pytest.mark.parametrize(
    "payload",
    [
        {"participation_level": "vote"},
        {"participation_level": ["consult"]},
        {"participation_level": None},
        {"participation_level": "inform", "participation_note": "x" * 100_000},
        {"participation_level": "inform", "participation_note": "avant\x00après"},
        {"participation_decided": "x" * 2001},
        {"participation_changeable": "nul\x00"},
    ],
    ids=["unknown", "list", "null", "huge-note", "nul-note", "huge-text", "nul-text"],
)
def test_hostile_input_is_a_clear_400_never_a_500(make_workspace, payload):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    response = client_for(actors["editor"]).patch(
        f"/api/v1/sheets/{sheet.pk}/", {"base_version": 1, **payload}, format="json"
    )
    assert response.status_code == 400
    assert response.json()
    sheet.refresh_from_db()
    assert sheet.participation_level == "co_construct"
    assert SheetVersion.objects.filter(sheet=sheet).count() == 1


# --- the pages ---


def test_the_sheet_page_shows_the_promise_and_the_lowering_in_its_history(make_workspace):
    sheet, actors = _sheet(
        make_workspace,
        level="co_construct",
        participation_changeable="Le tracé de la piste entre l'école et la place.",
    )
    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        participation_level="consult",
        participation_note=NOTE,
    )
    html = Client().get(sheet.get_absolute_url()).content.decode()
    promise = html[html.index('id="participation-promise"') :]
    promise = promise[: promise.index("</section>")]
    assert "Participation promise : Consulter" in promise
    assert "la collectivité décide seule" in promise
    assert "<details>" in promise and "<dl" in promise
    assert "Pour ce projet : Le tracé de la piste entre l&#x27;école et la place." in promise
    history = html[html.index('id="historique"') :]
    assert "a changé le niveau de participation promis" in history
    assert "Co-construire → Consulter" in history
    assert NOTE.replace("'", "&#x27;") in history


def test_the_sheet_page_reads_in_english(make_workspace):
    sheet, _actors = _sheet(make_workspace, level="co_decide")
    html = Client().get(sheet.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Promised participation: Co-decide" in html
    assert "What is decided and by whom" in html


def test_the_edit_form_lowers_only_with_its_note(make_workspace):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    client = Client()
    client.force_login(actors["editor"])
    url = f"/fiches/{sheet.pk}/modifier/"
    assert 'name="participation_note"' in client.get(url).content.decode()
    data = {
        "title": sheet.current_version.title,
        "summary": sheet.current_version.summary,
        "body": sheet.current_version.body,
        "is_public": "on",
        "base_version": 1,
        "participation_level": "inform",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "abaisser le niveau" in refused.content.decode()
    sheet.refresh_from_db()
    assert sheet.participation_level == "co_construct"
    done = client.post(url, {**data, "participation_note": NOTE})
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.participation_level == "inform"


def test_the_create_form_sets_the_level_and_has_no_note(make_workspace):
    workspace, actors = make_workspace()
    client = Client()
    client.force_login(actors["contributor"])
    url = reverse("projects:create", args=[workspace.slug])
    page = client.get(url).content.decode()
    assert 'name="participation_level"' in page and 'name="participation_note"' not in page
    response = client.post(
        url, {"title": "Jardin", "summary": "Un jardin.", "participation_level": "concert"}
    )
    assert response.status_code == 302
    assert ProjectSheet.objects.get(workspace=workspace).participation_level == "concert"


def test_the_list_page_filters_by_level_and_ignores_an_unknown_one(make_workspace):
    workspace, actors = make_workspace()
    make_sheet(
        workspace, actors["contributor"], title="Informer seulement", participation_level="inform"
    )
    make_sheet(
        workspace, actors["contributor"], title="Décider ensemble", participation_level="co_decide"
    )
    client = Client()
    only = client.get("/fiches/", {"participation_level": "co_decide"}).content.decode()
    assert "Décider ensemble" in only and "Informer seulement" not in only
    assert '<option value="co_decide" selected>' in only
    assert "participation : Co-décider" in only
    unknown = client.get("/fiches/", {"participation_level": "vote"})
    assert unknown.status_code == 200
    html = unknown.content.decode()
    assert "Décider ensemble" in html and "Informer seulement" in html


def test_the_version_diff_shows_a_change_of_promise(make_workspace):
    from projects.selectors import sheet_version_diff

    sheet, actors = _sheet(make_workspace, level="consult")
    # Version 1 as written before the promise existed: no participation keys in its meta.
    meta = {k: v for k, v in sheet.current_version.meta.items() if "participation" not in k}
    SheetVersion.objects.filter(pk=sheet.current_version_id).update(meta=meta)
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, participation_level="co_decide"
    )
    _old, _new, fields = sheet_version_diff(sheet=sheet, from_number=1, to_number=2)
    assert [(f.code, f.old, f.new) for f in fields] == [
        ("participation_level", "Consulter", "Co-décider")
    ]


@pytest.mark.parametrize(
    "overrides, status",
    [
        ({"participation_level": "vote"}, 200),
        ({"participation_level": "inform", "participation_note": "x" * 5000}, 200),
        ({"participation_level": "inform", "participation_note": "nul\x00"}, 400),
        ({"participation_decided": "x" * 2001}, 200),
    ],
    ids=["unknown", "huge-note", "nul-note", "huge-text"],
)
def test_hostile_input_through_the_form_is_refused_never_a_500(make_workspace, overrides, status):
    sheet, actors = _sheet(make_workspace, level="co_construct")
    client = Client()
    client.force_login(actors["editor"])
    data = {
        "title": sheet.current_version.title,
        "summary": sheet.current_version.summary,
        "is_public": "on",
        "base_version": 1,
        **overrides,
    }
    response = client.post(f"/fiches/{sheet.pk}/modifier/", data)
    assert response.status_code == status
    if status == 200:
        assert 'class="error-summary"' in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.participation_level == "co_construct"
    assert SheetVersion.objects.filter(sheet=sheet).count() == 1
