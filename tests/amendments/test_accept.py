"""Accepting retained amendments: a merge into a new version naming the amendment, in rank
order, refused on conflict with nothing changed; pending amendments rebased or marked
"à mettre à jour"; rejection with a public motivation."""

from __future__ import annotations

import pytest

from amendments.models import Amendment
from amendments.services import amendment_submit, ballot_cast, round_close
from projects.models import ProjectSheet
from projects.services import sheet_update

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory, member
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db

SUMMARY = "La piste longe la rue du Jura sur le côté pair."


def closed_round_with(*texts, grades_for=None, sheet=None):
    """A round on a sheet in consultation whose amendments of the summary are judged (each
    better than the current text unless `grades_for` says otherwise), then closed."""
    sheet = sheet or SheetFactory(stage="consultation", summary=SUMMARY)
    round_ = open_round(sheet)
    amendments = [
        amendment_submit(
            actor=UserFactory(), sheet=sheet, field="summary", text=text, base_version=1
        )
        for text in texts
    ]
    to_judgment(round_)
    grades = grades_for or {str(a.pk): 6 - i for i, a in enumerate(amendments)}
    for _ in range(3):
        ballot_cast(actor=UserFactory(), round_=round_, grades={"status_quo:summary": 1, **grades})
    round_close(actor=staff(), round_=round_)
    for a in amendments:
        a.refresh_from_db()
    return sheet, round_, amendments


def test_accept_merges_into_a_new_version_that_names_the_amendment():
    sheet, _round, (a,) = closed_round_with("La piste longe la rue du Jura des deux côtés.")
    assert a.state == Amendment.State.RETAINED
    preview = client_for(None).get(f"/api/v1/amendments/{a.pk}/merge/").json()
    assert preview["merged"] == a.text and preview["conflicts"] == []
    assert client_for(UserFactory()).post(f"/api/v1/amendments/{a.pk}/accept/").status_code == 403
    done = client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/")
    assert done.status_code == 200, done.content
    assert done.json()["version"] == 2
    sheet = ProjectSheet.objects.select_related("current_version").get(pk=sheet.pk)
    assert sheet.current_version.summary == a.text
    note = sheet.current_version.change_note
    assert f"Amendement n° {a.pk}" in note and "rang 1" in note and a.author.display_name in note
    a.refresh_from_db()
    assert (a.state, a.merged_version_id) == ("accepted", sheet.current_version_id)
    again = client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/")
    assert again.status_code == 409


def test_a_later_change_is_kept_and_a_conflict_changes_nothing():
    sheet, _round, (a,) = closed_round_with("La piste longe la rue du Jura sur le côté impair.")
    owner = member(sheet.workspace, "editor")
    sheet_update(
        actor=owner,
        sheet=sheet,
        base_version=1,
        summary="La piste longe la rue du Jura sur le côté ouest.",
    )
    response = client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/")
    assert response.status_code == 409
    (conflict,) = response.json()["conflicts"]
    assert (conflict["ours"], conflict["theirs"]) == ("ouest.", "impair.")
    sheet.refresh_from_db()
    assert sheet.current_version.number == 2
    a.refresh_from_db()
    assert a.state == "retained"


def test_a_stale_amendment_merges_with_later_changes():
    sheet, _round, (a,) = closed_round_with("Une piste longe la rue du Jura sur le côté pair.")
    sheet_update(
        actor=member(sheet.workspace, "editor"),
        sheet=sheet,
        base_version=1,
        summary="La piste longe la rue du Jura sur le côté pair, éclairée la nuit.",
    )
    assert client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/").status_code == 200
    sheet.refresh_from_db()
    assert sheet.current_version.summary == (
        "Une piste longe la rue du Jura sur le côté pair, éclairée la nuit."
    )


def test_several_on_one_field_merge_in_rank_order():
    sheet, _round, (first, second) = closed_round_with(
        "Une piste longe la rue du Jura sur le côté pair.",
        "La piste longe la rue du Jura sur le côté pair et impair.",
    )
    assert (first.state, second.state) == ("retained", "retained")
    agent = client_for(staff())
    assert agent.post(f"/api/v1/amendments/{second.pk}/accept/").status_code == 409
    assert agent.post(f"/api/v1/amendments/{first.pk}/accept/").status_code == 200
    assert agent.post(f"/api/v1/amendments/{second.pk}/accept/").status_code == 200
    sheet.refresh_from_db()
    assert sheet.current_version.number == 3
    assert sheet.current_version.summary == (
        "Une piste longe la rue du Jura sur le côté pair et impair."
    )


def test_pending_amendments_are_rebased_or_marked_outdated():
    sheet, _round, (a,) = closed_round_with("Une piste longe la rue du Jura sur le côté pair.")
    later = open_round(sheet)
    clean = amendment_submit(
        actor=UserFactory(),
        sheet=sheet,
        field="summary",
        text="La piste longe la rue du Jura sur le côté pair, éclairée.",
        base_version=1,
    )
    clash = amendment_submit(
        actor=UserFactory(),
        sheet=sheet,
        field="summary",
        text="Aucune piste longe la rue du Jura sur le côté pair.",
        base_version=1,
    )
    assert later.pk != _round.pk
    assert client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/").status_code == 200
    clean.refresh_from_db()
    clash.refresh_from_db()
    assert clean.state == "submitted" and clean.base_version.number == 2
    assert clean.text == "Une piste longe la rue du Jura sur le côté pair, éclairée."
    assert clash.state == "outdated"


def test_not_retained_amendments_cannot_be_accepted():
    sheet = SheetFactory(stage="consultation", summary=SUMMARY)
    round_ = open_round(sheet)
    a = amendment_submit(
        actor=UserFactory(), sheet=sheet, field="summary", text="Pire.", base_version=1
    )
    to_judgment(round_)
    ballot_cast(actor=UserFactory(), round_=round_, grades={"status_quo:summary": 5, str(a.pk): 1})
    round_close(actor=staff(), round_=round_)
    response = client_for(staff()).post(f"/api/v1/amendments/{a.pk}/accept/")
    assert response.status_code == 409


def test_the_history_names_the_amendments_each_version_merged(django_assert_max_num_queries):
    sheet, _round, (first, second) = closed_round_with(
        "Une piste longe la rue du Jura sur le côté pair.",
        "La piste longe la rue du Jura sur le côté pair et impair.",
    )
    agent = client_for(staff())
    agent.post(f"/api/v1/amendments/{first.pk}/accept/")
    agent.post(f"/api/v1/amendments/{second.pk}/accept/")
    anonymous = client_for(None)
    with django_assert_max_num_queries(4):  # one per relation, not one per version
        versions = anonymous.get(f"/api/v1/sheets/{sheet.pk}/versions/").json()["results"]
    merged = {v["number"]: [a["id"] for a in v["amendments"]] for v in versions}
    assert merged == {3: [second.pk], 2: [first.pk], 1: []}
    detail = anonymous.get(f"/api/v1/sheets/{sheet.pk}/versions/2/").json()
    assert [a["id"] for a in detail["amendments"]] == [first.pk]
