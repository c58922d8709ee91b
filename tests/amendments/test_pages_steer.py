"""The pages that open a round, propose an amendment, close a window early, merge a retained
amendment after a preview and reject one with a motivation: who gets the form, what a bad
input answers (in French, nothing changed), and what each success changes."""

from __future__ import annotations

import datetime
import html
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import Amendment, AmendmentRound, RoundResult
from amendments.services import amendment_submit
from projects.models import ProjectSheet
from projects.services import sheet_update

from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member
from .factories import open_round, staff, to_judgment
from .test_accept import closed_round_with

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class Page:
    """A response whose text is read as a person reads it (entities decoded)."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        self.text = html.unescape(response.text)

    def __getitem__(self, header):
        return self.response[header]


def page(user, path, method="get", data=None, client=None):
    if client is None:
        client = Client()
        if user is not None:
            client.force_login(user)
    return Page(getattr(client, method)(path, data or {}))


def official():
    return UserFactory(platform_role=PlatformRole.OFFICIAL)


def moment(days: int, hour: int = 18) -> tuple[str, datetime.datetime]:
    """What a person types in the picker (Paris time) and the instant it means."""
    day = (timezone.now().astimezone(PARIS) + datetime.timedelta(days=days)).date()
    local = datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)
    return local.strftime("%Y-%m-%dT%H:%M"), local


# --- opening a round ---


def test_an_official_opens_a_round_in_paris_time():
    sheet = SheetFactory(stage="consultation")
    path = f"/amendements/fiches/{sheet.pk}/ouvrir-un-tour/"
    form = page(official(), path)
    assert form.status_code == 200
    html = form.text
    assert 'type="datetime-local"' in html and "Heure de Paris" in html and "À rejeter" in html
    (sub_typed, sub_at), (judge_typed, judge_at) = moment(10), moment(17, 12)
    data = {
        "submission_ends": sub_typed,
        "judgment_ends": judge_typed,
        "min_grade": "4",
        "quorum": "25",
    }
    done = page(official(), path, "post", data)
    assert done.status_code == 302
    round_ = AmendmentRound.objects.get(sheet=sheet)
    assert done["Location"] == round_.get_absolute_url()
    assert (round_.submission_ends, round_.judgment_ends) == (sub_at, judge_at)
    assert (round_.min_grade, round_.quorum, round_.state) == (4, 25, "submission")
    again = page(staff(), path)
    assert "déjà ouvert" in again.text and '<form method="post" class' not in (again.text)
    assert page(staff(), path, "post", data).status_code == 409
    assert AmendmentRound.objects.filter(sheet=sheet).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"judgment_ends": "sub"}, "judgment_ends", "après la fin du dépôt"),
        ({"submission_ends": "past"}, "submission_ends", "doit être à venir"),
        ({"submission_ends": "demain"}, "submission_ends", "par exemple 30/11/2026 18:00"),
        ({"quorum": "0"}, "quorum", "supérieure ou égale à 1"),
        ({"min_grade": "9"}, "min_grade", "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_round_is_refused_in_french_and_nothing_opens(change, field, message):
    sheet = SheetFactory(stage="consultation")
    sub, _ = moment(5)
    judge, _ = moment(9)
    data = {"submission_ends": sub, "judgment_ends": judge, "min_grade": "3", "quorum": "3"}
    for key, value in change.items():
        data[key] = {"sub": sub, "past": moment(-2)[0]}.get(value, value)
    response = page(staff(), f"/amendements/fiches/{sheet.pk}/ouvrir-un-tour/", "post", data)
    assert response.status_code == 400
    html = response.text
    assert message in html and f'id="id_{field}"' in html and 'aria-invalid="true"' in html
    assert "Rien n'a été enregistré" in html or "rien n'a été enregistré" in html
    assert not AmendmentRound.objects.exists()


def test_who_may_open_a_round():
    private = WorkspaceFactory(visibility="private")
    sheet = SheetFactory(stage="consultation")
    hidden = SheetFactory(stage="consultation", workspace=private)
    path = "/amendements/fiches/{}/ouvrir-un-tour/"
    assert page(None, path.format(sheet.pk)).status_code == 302  # to the login page
    assert page(UserFactory(), path.format(sheet.pk)).status_code == 403
    assert page(member(sheet.workspace, "editor"), path.format(sheet.pk)).status_code == 403
    assert page(official(), path.format(hidden.pk)).status_code == 404
    assert page(official(), path.format(sheet.pk)).status_code == 200
    assert page(official(), path.format(999999)).status_code == 404


def test_no_round_outside_the_consultation():
    sheet = SheetFactory(stage="initiative")
    path = f"/amendements/fiches/{sheet.pk}/ouvrir-un-tour/"
    assert "pendant la concertation" in page(staff(), path).text
    sub, judge = moment(5)[0], moment(9)[0]
    data = {"submission_ends": sub, "judgment_ends": judge, "min_grade": "3", "quorum": "3"}
    response = page(staff(), path, "post", data)
    assert response.status_code == 409 and "pendant la concertation" in response.text
    assert not AmendmentRound.objects.exists()


def test_the_sheet_page_offers_opening_and_proposing_to_those_who_may():
    sheet = SheetFactory(stage="consultation")
    url = sheet.get_absolute_url()
    assert "Ouvrir un tour d'amendements" in page(staff(), url).text
    assert "Ouvrir un tour d'amendements" not in page(UserFactory(), url).text
    assert "Ouvrir un tour d'amendements" not in page(None, url).text
    open_round(sheet)
    signed_in = page(UserFactory(), url).text
    assert f'href="/amendements/fiches/{sheet.pk}/proposer/"' in signed_in
    assert "Connectez-vous pour proposer un amendement" in page(None, url).text
    assert "Ouvrir un tour d'amendements" not in page(staff(), url).text


# --- proposing ---


def test_proposing_chooses_a_field_then_rewrites_its_text():
    sheet = SheetFactory(stage="consultation", summary="Un parking de 500 places.")
    round_ = open_round(sheet)
    author = UserFactory()
    path = f"/amendements/fiches/{sheet.pk}/proposer/"
    choose = page(author, path).text
    assert "?champ=summary" in choose and "?champ=body" in choose
    form = page(author, path + "?champ=summary").text
    assert "Un parking de 500 places.</textarea>" in form
    assert 'name="base_version" value="1"' in form
    data = {"base_version": "1", "text": "Un parking de 300 places.", "rationale": "Moins."}
    done = page(author, path + "?champ=summary", "post", data)
    assert done.status_code == 302
    amendment = Amendment.objects.get(sheet=sheet)
    assert done["Location"] == amendment.get_absolute_url()
    assert (amendment.field, amendment.text, amendment.rationale) == (
        "summary",
        "Un parking de 300 places.",
        "Moins.",
    )
    assert (amendment.author, amendment.round, amendment.base_version.number) == (author, round_, 1)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"text": "Un parking de 500 places."}, 400, "identique au texte de cette version"),
        ({"text": ""}, 400, "Ce champ est obligatoire"),
        ({"text": "Autre.", "rationale": "r" * 1001}, 400, "1000 caractères"),
        ({"text": "Autre.", "base_version": "42"}, 400, "n'existe pas"),
        ({"text": "Autre.", "base_version": "abc"}, 400, "nombre entier"),
    ],
)
def test_a_bad_amendment_is_refused_in_french_and_nothing_is_saved(data, status, message):
    sheet = SheetFactory(stage="consultation", summary="Un parking de 500 places.")
    open_round(sheet)
    response = page(
        UserFactory(),
        f"/amendements/fiches/{sheet.pk}/proposer/?champ=summary",
        "post",
        {"base_version": "1", **data},
    )
    assert response.status_code == status
    assert message in response.text
    assert not Amendment.objects.exists()


def test_proposing_outside_the_submission_window_or_an_unknown_field():
    sheet = SheetFactory(stage="consultation")
    path = f"/amendements/fiches/{sheet.pk}/proposer/"
    assert page(None, path).status_code == 302
    assert "Aucun dépôt" in page(UserFactory(), path).text
    round_ = open_round(sheet)
    unknown = page(UserFactory(), path + "?champ=<script>", "post", {"text": "x"})
    assert unknown.status_code == 400 and "<script>" not in unknown.text
    to_judgment(round_)
    late = page(UserFactory(), path + "?champ=summary", "post", {"base_version": "1", "text": "x"})
    assert late.status_code == 409 and "Aucun dépôt" in late.text
    assert not Amendment.objects.exists()
    hidden = SheetFactory(stage="consultation", workspace=WorkspaceFactory(visibility="private"))
    assert page(UserFactory(), f"/amendements/fiches/{hidden.pk}/proposer/").status_code == 404


# --- closing windows early ---


def test_staff_or_the_rounds_official_close_each_window_after_confirming():
    chair = official()
    round_ = open_round(actor=chair)
    amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    url = round_.get_absolute_url()
    assert "Clore le dépôt maintenant" in page(chair, url).text
    assert "Clore le dépôt maintenant" not in page(UserFactory(), url).text
    assert "Clore le dépôt maintenant" not in page(official(), url).text
    close_sub = f"/amendements/tours/{round_.pk}/clore-le-depot/"
    assert page(UserFactory(), close_sub, "post").status_code == 403
    assert page(official(), close_sub, "post").status_code == 403  # not this round's official
    asked = page(chair, close_sub, "post")
    assert asked.status_code == 200 and "Oui, clore le dépôt" in asked.text
    assert AmendmentRound.objects.get(pk=round_.pk).state == "submission"
    assert page(chair, close_sub, "post", {"confirmed": "1"}).status_code == 302
    assert AmendmentRound.objects.get(pk=round_.pk).state == "judgment"
    assert "Clore le jugement et publier" in page(chair, url).text
    close = f"/amendements/tours/{round_.pk}/clore/"
    assert page(staff(), close, "post", {"confirmed": "1"}).status_code == 302
    assert AmendmentRound.objects.get(pk=round_.pk).state == "closed"
    assert "Piloter le tour" not in page(chair, url).text
    assert "sans qu'aucun amendement" not in page(chair, url).text
    results = page(None, url).text
    assert "Résultats" in results and "Profils de mérite" in results


# --- merging after a preview, rejecting with a motivation ---


def test_the_merge_is_previewed_then_confirmed_by_pressing_its_button():
    sheet, _round, (a,) = closed_round_with("La piste longe la rue du Jura des deux côtés.")
    path = f"/amendements/{a.pk}/integrer/"
    detail = page(staff(), a.get_absolute_url()).text
    assert f'href="{path}"' in detail and "Rejeter avec une motivation" in detail
    assert path not in page(UserFactory(), a.get_absolute_url()).text
    preview = page(staff(), path)
    html = preview.text
    assert preview.status_code == 200 and "<del" in html and "<ins" in html and "deux" in html
    assert "Oui, intégrer l'amendement à la fiche" in html
    assert (
        ProjectSheet.objects.get(pk=sheet.pk).current_version.number == 1
    )  # a GET changes nothing
    assert page(UserFactory(), path).status_code == 403
    assert page(UserFactory(), path, "post").status_code == 403
    assert page(staff(), path, "post").status_code == 302
    sheet.refresh_from_db()
    assert sheet.current_version.summary == a.text and sheet.current_version.number == 2
    a.refresh_from_db()
    assert a.state == "accepted"
    assert "Intégré à la fiche dans sa version 2" in page(None, a.get_absolute_url()).text
    assert "Seul un amendement retenu" in page(staff(), path).text
    # The history links the version to the amendment it merged, in the list and on the version.
    link = f'<a href="/amendements/{a.pk}/">voir l\'amendement n° {a.pk}</a>'
    assert link in page(None, f"/fiches/{sheet.pk}/versions/").text
    assert link in page(None, f"/fiches/{sheet.pk}/versions/2/").text
    assert "voir l'amendement" not in page(None, f"/fiches/{sheet.pk}/versions/1/").text


def test_a_conflicting_merge_names_the_passages_and_changes_nothing():
    sheet, _round, (a,) = closed_round_with("La piste longe la rue du Jura sur le côté impair.")
    sheet_update(
        actor=member(sheet.workspace, "editor"),
        sheet=sheet,
        base_version=1,
        summary="La piste longe la rue du Jura sur le côté ouest.",
    )
    path = f"/amendements/{a.pk}/integrer/"
    html = page(staff(), path).text
    assert "Conflit" in html and "ouest." in html and "impair." in html
    assert "Oui, intégrer" not in html
    refused = page(staff(), path, "post")
    assert refused.status_code == 409 and "en conflit" in refused.text
    assert ProjectSheet.objects.get(pk=sheet.pk).current_version.number == 2
    assert Amendment.objects.get(pk=a.pk).state == "retained"


def test_a_rejection_needs_a_motivation_and_a_confirmation():
    round_ = open_round()
    a = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Hors sujet.",
        base_version=1,
    )  # fmt: skip
    path = f"/amendements/{a.pk}/rejeter/"
    assert page(UserFactory(), path).status_code == 403
    assert page(a.author, path).status_code == 403
    empty = page(staff(), path, "post", {"motivation": "  "})
    assert empty.status_code == 400 and "se motive publiquement" in empty.text
    motivation = "Sans rapport avec le projet : à porter dans le débat du quartier."
    asked = page(staff(), path, "post", {"motivation": motivation})
    assert asked.status_code == 200 and "Oui, rejeter l'amendement" in asked.text
    assert motivation in asked.text
    assert Amendment.objects.get(pk=a.pk).state == "submitted"
    done = page(staff(), path, "post", {"motivation": motivation, "confirmed": "1"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert (a.state, a.motivation) == ("rejected", motivation)
    public = page(None, a.get_absolute_url()).text
    assert "Motivation du rejet" in public and "à porter dans le débat" in public
    assert "ne peut pas être rejeté maintenant" in page(staff(), path).text
    assert not RoundResult.objects.exists()


def test_a_nul_byte_is_refused_before_any_form():
    sheet = SheetFactory(stage="consultation", summary="Un parking de 500 places.")
    open_round(sheet)
    for path, data in [
        (
            f"/amendements/fiches/{sheet.pk}/proposer/?champ=summary",
            {"base_version": "1", "text": "a\x00b"},
        ),
        (f"/amendements/fiches/{sheet.pk}/ouvrir-un-tour/", {"quorum": "1\x00"}),
    ]:
        response = page(staff(), path, "post", data)
        assert response.status_code == 400 and "Retirez-le puis réessayez" in response.text
    assert not Amendment.objects.exists() and AmendmentRound.objects.count() == 1


def test_a_round_closed_without_amendments_says_so():
    round_ = open_round()
    to_judgment(round_)
    page(staff(), f"/amendements/tours/{round_.pk}/clore/", "post", {"confirmed": "1"})
    text = page(None, round_.get_absolute_url()).text
    assert "clos sans qu'aucun amendement" in text and "Aucun amendement pour l'instant" not in text


def test_an_amendment_rejected_during_submissions_is_not_judged_and_none_under_judgment():
    round_ = open_round()
    kept, dropped = (
        amendment_submit(
            actor=UserFactory(), sheet=round_.sheet, field=field, text=text, base_version=1
        )
        for field, text in (("summary", "Autre résumé."), ("body", "Hors sujet."))
    )
    motivation = "Sans rapport avec le projet."
    page(
        staff(),
        f"/amendements/{dropped.pk}/rejeter/",
        "post",
        {"motivation": motivation, "confirmed": "1"},
    )
    to_judgment(round_)
    ballot = page(UserFactory(), f"/amendements/tours/{round_.pk}/bulletin/").text
    assert f"Amendement n° {kept.pk}" in ballot and f"Amendement n° {dropped.pk}" not in ballot
    assert "Texte actuel · Description" not in ballot  # no candidate left on that field
    assert "Rejeter avec une motivation" not in page(staff(), kept.get_absolute_url()).text
    late = page(
        staff(),
        f"/amendements/{kept.pk}/rejeter/",
        "post",
        {"motivation": motivation, "confirmed": "1"},
    )
    assert late.status_code == 409 and "ne peut pas être rejeté maintenant" in late.text
    assert Amendment.objects.get(pk=kept.pk).state == "submitted"


def test_merit_profiles_speak_the_readers_language():
    round_ = open_round()
    a = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    to_judgment(round_)
    from amendments.services import ballot_cast, round_close

    for grade in (6, 6, 5):
        ballot_cast(
            actor=UserFactory(), round_=round_, grades={"status_quo:summary": 1, str(a.pk): grade}
        )
    round_close(actor=staff(), round_=round_)
    french = page(None, round_.get_absolute_url()).text
    assert "Très bien : 1 (33,3 %) · Excellent : 2 (66,7 %)" in french
    english = html.unescape(
        Client().get(round_.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Excellent: 2 (66.7%)" in english and "Insufficient: 3 (100.0%)" in english
    assert '<rect class="grade-6" x="33.333" y="0" width="66.667" height="6"/>' in french


@pytest.mark.parametrize(
    "data",
    [
        {"submission_ends": "0001-01-01T00:00", "judgment_ends": "0001-01-02T00:00"},
        {"submission_ends": "9999-12-31T23:59", "judgment_ends": "9999-12-31T23:59"},
        {"quorum": "1" + "0" * 40},
        {"quorum": "-5", "min_grade": "-1"},
        {"submission_ends": "2026-02-30T18:00"},
        {"submission_ends": "x" * 10_000},
    ],
)
def test_hostile_round_values_are_refused_without_error(data):
    sheet = SheetFactory(stage="consultation")
    sub, judge = moment(5)[0], moment(9)[0]
    base = {"submission_ends": sub, "judgment_ends": judge, "min_grade": "3", "quorum": "3"}
    response = page(
        staff(), f"/amendements/fiches/{sheet.pk}/ouvrir-un-tour/", "post", {**base, **data}
    )
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in response.text or "rien n'a été enregistré" in response.text
    assert not AmendmentRound.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"base_version": str(2**63), "text": "Autre."},
        {"base_version": "-1", "text": "Autre."},
        {"base_version": "1", "text": "x" * 100_001},
        {"base_version": "1", "text": "# " * 20_000 + "[a](javascript:alert(1))"},
    ],
)
def test_hostile_amendments_are_refused_or_rendered_safely(data):
    sheet = SheetFactory(stage="consultation", summary="Un parking de 500 places.")
    open_round(sheet)
    response = page(
        UserFactory(), f"/amendements/fiches/{sheet.pk}/proposer/?champ=body", "post", data
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:  # a Markdown bomb is a text like another: shown, inert
        amendment = Amendment.objects.get()
        shown = page(None, amendment.get_absolute_url())
        assert shown.status_code == 200 and "javascript:" not in shown.response.content.decode()
    else:
        assert not Amendment.objects.exists()


def test_an_officials_amendment_wears_the_badge():
    round_ = open_round()
    elected = official()
    a = amendment_submit(
        actor=elected, sheet=round_.sheet, field="summary", text="Autre.", base_version=1
    )
    text = page(None, a.get_absolute_url()).text
    assert 'class="badge badge-role">élu·e</span>' in text
