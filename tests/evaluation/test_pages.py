"""The questionnaire page and the sheet page's evaluation card."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluation.models import Answer

from ..factories import PASSWORD
from .factories import QUESTIONS, built

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.login(email=user.email, password=PASSWORD)
    return client


def _form(role="resident", value="3", **overrides) -> dict[str, str]:
    data = {"role": role, **{f"q-{code}": value for code in QUESTIONS}}
    data.update(overrides)
    return data


def test_a_participant_answers_once_and_sees_the_message_the_second_time():
    w = built()
    url = f"/fiches/{w.sheet.pk}/evaluation/"
    page = _client(w.a).get(url)
    assert page.status_code == 200
    assert "Envoyer ma réponse" in page.content.decode()
    done = _client(w.a).post(url, _form())
    assert done.status_code == 302
    assert done["Location"].endswith("#evaluation")
    again = _client(w.a).post(url, _form(value="1"))
    assert again.status_code == 409
    assert "Vous avez déjà répondu" in again.content.decode()
    assert list(Answer.objects.values_list("scores", flat=True)) == [dict.fromkeys(QUESTIONS, 3)]


@pytest.mark.parametrize(
    "data",
    [
        {},
        _form(role="maire"),
        _form(value="9"),
        _form(value="\x00"),
        _form(value="3" * 5000),
        {"role": "resident"},
    ],
)
def test_a_bad_form_is_refused_with_its_errors_never_a_500(data):
    w = built()
    response = _client(w.a).post(f"/fiches/{w.sheet.pk}/evaluation/", data)
    assert response.status_code == 400
    assert Answer.objects.count() == 0


def test_an_outsider_and_a_visitor_are_told_who_may_answer():
    w = built()
    url = f"/fiches/{w.sheet.pk}/evaluation/"
    outsider = _client(w.stranger).post(url, _form())
    assert outsider.status_code == 403
    assert "Seules les personnes qui ont pris part" in outsider.content.decode()
    visitor = _client().get(url)
    assert "Connectez-vous pour répondre" in visitor.content.decode()
    assert Answer.objects.count() == 0


def test_the_sheet_page_shows_the_card_with_its_flags_to_everyone():
    from amendments.models import Amendment

    w = built("co_construct")
    Amendment.objects.filter(sheet=w.sheet).update(state=Amendment.State.REJECTED)
    html = _client().get(w.sheet.get_absolute_url()).content.decode()
    assert "Évaluation de la concertation" in html
    assert "Co-construire promis, aucun amendement intégré" in html
    assert "moins de 5" in html
    participant = _client(w.b).get(w.sheet.get_absolute_url()).content.decode()
    assert "Répondre au questionnaire d&#x27;évaluation" in participant or (
        "Répondre au questionnaire d'évaluation" in participant
    )
    english = _client().get(w.sheet.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Co-create promised, no amendment merged" in english.content.decode()


def test_no_card_before_the_evaluation():
    from ..factories import SheetFactory

    sheet = SheetFactory(stage="consultation")
    assert (
        "Évaluation de la concertation"
        not in _client().get(sheet.get_absolute_url()).content.decode()
    )
