"""The amendment page: its word diff, its author's withdrawal (confirmed), and visibility."""

from __future__ import annotations

import pytest
from django.test import Client

from amendments.models import Amendment, Ballot
from amendments.services import amendment_submit, ballot_cast, round_close

from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db


def page(user, path, method="get", data=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(path, data or {})


def test_the_page_shows_the_word_diff_and_the_rationale():
    round_ = open_round(SheetFactory(stage="consultation", summary="Un parking de 500 places."))
    author = UserFactory()
    a = amendment_submit(
        actor=author,
        sheet=round_.sheet,
        field="summary",
        text="Un parking de 1 000 places.",
        base_version=1,
        rationale="La demande est forte.",
    )
    html = page(None, f"/amendements/{a.pk}/").content.decode()
    assert "<del" in html and "500" in html and "<ins" in html and "1 000" in html
    assert "La demande est forte." in html
    assert "Retirer mon amendement" not in html
    assert "Retirer mon amendement" in page(author, f"/amendements/{a.pk}/").content.decode()


def test_withdrawal_asks_first_then_withdraws():
    round_ = open_round()
    author = UserFactory()
    a = amendment_submit(
        actor=author, sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    asked = page(author, f"/amendements/{a.pk}/retirer/", "post")
    assert asked.status_code == 200 and "Oui, retirer mon amendement" in asked.content.decode()
    assert Amendment.objects.get(pk=a.pk).state == "submitted"
    done = page(author, f"/amendements/{a.pk}/retirer/", "post", {"confirmed": "1"})
    assert done.status_code == 302
    assert Amendment.objects.get(pk=a.pk).state == "withdrawn"
    assert page(UserFactory(), f"/amendements/{a.pk}/retirer/", "post").status_code == 403


def test_no_withdrawal_once_judging():
    round_ = open_round()
    author = UserFactory()
    a = amendment_submit(
        actor=author, sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    to_judgment(round_)
    assert "Retirer mon amendement" not in page(author, f"/amendements/{a.pk}/").content.decode()
    page(author, f"/amendements/{a.pk}/retirer/", "post", {"confirmed": "1"})
    assert Amendment.objects.get(pk=a.pk).state == "submitted"


def test_a_private_sheets_amendment_is_not_found_by_outsiders():
    private = WorkspaceFactory(visibility="private")
    sheet = SheetFactory(workspace=private, stage="consultation")
    insider = member(private)
    round_ = open_round(sheet, actor=UserFactory(is_superuser=True, is_staff=True))
    a = amendment_submit(
        actor=insider, sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    assert page(None, f"/amendements/{a.pk}/").status_code == 404
    assert page(UserFactory(), f"/amendements/{a.pk}/").status_code == 404
    assert page(insider, f"/amendements/{a.pk}/").status_code == 200


def test_the_sheet_page_announces_the_round_with_its_rule():
    round_ = open_round(min_grade=4, quorum=12)
    a = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    html = page(None, round_.sheet.get_absolute_url()).content.decode()
    assert "jugement majoritaire" in html and "« Bien »" in html and "12 votant·es" in html
    assert f'href="/amendements/{a.pk}/"' in html and "Résumé" in html
    assert "Tour d'amendements : dépôt des amendements" in html


def _judging_round_with_one():
    round_ = open_round(SheetFactory(stage="consultation", summary="Un parking de 500 places."))
    a = amendment_submit(
        actor=UserFactory(),
        sheet=round_.sheet,
        field="summary",
        text="Un parking de 1 000 places.",
        base_version=1,
    )
    return to_judgment(round_), a


def test_the_ballot_is_a_native_form_of_fieldsets_and_radios():
    round_, a = _judging_round_with_one()
    judge = UserFactory()
    html = page(judge, f"/amendements/tours/{round_.pk}/bulletin/").content.decode()
    assert html.count("<fieldset") == 2 and html.count('type="radio"') == 14
    assert "Texte actuel · Résumé" in html and f"Amendement n° {a.pk} · Résumé" in html
    assert "<script" not in html.split("<main", 1)[-1]
    incomplete = page(
        judge, f"/amendements/tours/{round_.pk}/bulletin/", "post",
        {"grade-status_quo-summary": "3"},
    )  # fmt: skip
    assert incomplete.status_code == 400
    assert "Rien n'a été enregistré" in incomplete.content.decode()
    assert not Ballot.objects.exists()
    done = page(
        judge, f"/amendements/tours/{round_.pk}/bulletin/", "post",
        {"grade-status_quo-summary": "3", f"grade-{a.pk}": "5"},
    )  # fmt: skip
    assert done.status_code == 302
    assert dict(Ballot.objects.get().grades.values_list("candidate", "grade")) == {
        "status_quo:summary": 3,
        str(a.pk): 5,
    }
    again = page(judge, f"/amendements/tours/{round_.pk}/bulletin/").content.decode()
    assert f'name="grade-{a.pk}" value="5" required id="id_grade-{a.pk}_5" checked' in again


def test_results_show_only_after_the_close_with_a_table_and_bars():
    round_, a = _judging_round_with_one()
    for grades in (
        {"status_quo:summary": 2, str(a.pk): 5},
        {"status_quo:summary": 3, str(a.pk): 6},
    ):
        ballot_cast(actor=UserFactory(), round_=round_, grades=grades)
    before = page(None, f"/amendements/tours/{round_.pk}/").content.decode()
    assert "Résultats" not in before and "Juger les amendements" in before
    round_close(actor=staff(), round_=round_)
    html = page(None, f"/amendements/tours/{round_.pk}/").content.decode()
    assert "<table" in html and "<caption" in html and "<svg" in html
    assert "Très bien" in html and "retenu" in html
    assert "2 votant·es" in html
