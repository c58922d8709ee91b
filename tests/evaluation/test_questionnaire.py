"""Who may answer the questionnaire, one answer per account, the results by pillar and role with
small groups left out, and the API contract of /api/v1/sheets/{id}/evaluation/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from evaluation.models import Answer
from evaluation.selectors import answers_summary
from evaluation.services import answer_submit
from projects.models import Stage
from workflow.checklist import checklist_state
from workspace.models import Workspace

from ..factories import SheetFactory, UserFactory
from .factories import built, scores, to_stage

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _url(sheet) -> str:
    return f"/api/v1/sheets/{sheet.pk}/evaluation/"


ANSWER = {"role": "resident", "scores": scores(3)}


@pytest.mark.parametrize(
    ("who", "stage", "status"),
    [
        ("anonymous", Stage.EVALUATION, 401),
        ("stranger", Stage.EVALUATION, 403),
        ("a", Stage.EVALUATION, 201),  # wrote a comment
        ("f", Stage.EVALUATION, 201),  # wrote a comment hidden since: took part all the same
        ("h", Stage.EVALUATION, 201),  # submitted an amendment
        ("i", Stage.EVALUATION, 201),  # voted
        ("editor", Stage.EVALUATION, 201),  # a member of the sheet's workspace
        ("official", Stage.EVALUATION, 201),  # answered requests about the sheet
        ("a", Stage.ARCHIVED, 409),  # evaluation closed
        ("stranger", Stage.ARCHIVED, 409),
    ],
)
def test_who_may_answer(who, stage, status):
    w = built()
    if stage != Stage.EVALUATION:
        w.sheet = to_stage(w.sheet, stage)
    user = {"anonymous": None, "official": w.official.user}.get(who, getattr(w, who, None))
    response = _api(user).post(_url(w.sheet), ANSWER, format="json")
    assert response.status_code in ((401, 403) if status == 401 else (status,)), response.json()
    assert Answer.objects.count() == (1 if status == 201 else 0)


def test_before_evaluation_the_questionnaire_is_closed_even_to_a_contributor():
    w = built()
    w.sheet = to_stage(w.sheet, Stage.REALISATION)
    response = _api(w.a).post(_url(w.sheet), ANSWER, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "evaluation_closed"
    assert _api().get(_url(w.sheet)).json()["available"] is False


def test_a_second_answer_is_a_409_and_the_first_stays():
    w = built()
    assert _api(w.a).post(_url(w.sheet), ANSWER, format="json").status_code == 201
    again = _api(w.a).post(_url(w.sheet), {"role": "elected", "scores": scores(1)}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_answered"
    assert list(Answer.objects.values_list("role", flat=True)) == ["resident"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"role": "mayor", "scores": scores(3)},
        {"role": "resident", "scores": scores(5)},
        {"role": "resident", "scores": scores(0)},
        {"role": "resident", "scores": {"diversity": 3}},
        {"role": "resident", "scores": {**scores(3), "extra": 2}},
        {"role": "resident", "scores": "4444"},
        {"role": "resident", "scores": scores(3, voice="x" * 10_000)},
        {"role": ["resident"], "scores": None},
    ],
)
def test_bad_input_is_a_400_in_french_and_in_english(body):
    w = built()
    french = _api(w.a).post(_url(w.sheet), body, format="json")
    assert french.status_code == 400
    english = _api(w.a).post(_url(w.sheet), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert Answer.objects.count() == 0


def test_the_messages_are_translated():
    w = built()
    body = {"role": "resident", "scores": {"diversity": 3}}
    french = _api(w.a).post(_url(w.sheet), body, format="json").json()
    english = _api(w.a).post(_url(w.sheet), body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Répondez à chaque question" in str(french)
    assert "Answer every question" in str(english)


def test_the_database_refuses_a_second_answer_even_past_the_service():
    from django.db import IntegrityError, transaction

    w = built()
    answer_submit(actor=w.a, sheet=w.sheet, role="resident", scores=scores(2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(sheet=w.sheet, user=w.a, role="agent", scores=scores(1))


def _answers(w, roles: dict[str, list[str]]):
    """Answers by fresh members of the sheet's workspace (participants), per role."""
    from ..factories import member

    for role, values in roles.items():
        for value in values:
            user = member(w.sheet.workspace)
            answer_submit(actor=user, sheet=w.sheet, role=role, scores=scores(int(value)))


def test_results_by_pillar_and_role_leave_out_small_groups():
    w = built()
    _answers(w, {"resident": "44332", "agent": "1"})
    summary = answers_summary(w.sheet)
    # 6 answers: shown for all; residents (5) alone would give the lone agent away: no role.
    assert summary["answers"] == 6
    assert summary["pillars"]["representation"] == round((4 + 4 + 3 + 3 + 2 + 1) / 6, 2)
    assert summary["by_role"] == []
    _answers(w, {"agent": "2222", "association": "4"})
    summary = answers_summary(w.sheet)
    # Residents 5, agents 5, association 1 and elected 0: one left out, alone, yet fewer than 5
    # in all: roles still hidden.
    assert summary["by_role"] == []
    _answers(w, {"association": "3333"})
    summary = answers_summary(w.sheet)
    roles = {row["role"]: row for row in summary["by_role"]}
    assert set(roles) == {"resident", "agent", "association"}
    assert roles["agent"]["pillars"]["cooperation"] == round((1 + 2 * 4) / 5, 2)
    assert roles["association"]["answers"] == 5


def test_below_five_answers_nothing_is_shown():
    w = built()
    _answers(w, {"resident": "4444"})
    summary = answers_summary(w.sheet)
    assert summary["answers"] == 4
    assert summary["pillars"] is None
    assert summary["by_role"] == []


def test_the_checklist_counts_the_answers():
    w = built()
    _answers(w, {"resident": "4444"})
    assert checklist_state(w.sheet)["participants_evaluation"] is False
    _answers(w, {"agent": "3"})
    assert checklist_state(w.sheet)["participants_evaluation"] is True


def test_get_by_visibility_and_its_shape(django_assert_max_num_queries):
    w = built()
    _api(w.a).post(_url(w.sheet), ANSWER, format="json")
    with django_assert_max_num_queries(16):
        body = _api().get(_url(w.sheet)).json()
    assert body["available"] is True and body["open"] is True
    assert body["participation_level"]["promised"] == "co_construct"
    assert body["participation_level"]["delivered"] == "co_decide"  # i voted
    assert body["participation_level"]["flags"] == []
    assert body["questionnaire"]["answers"] == 1
    assert body["questionnaire"]["pillars"] is None  # one answer: nothing shown
    assert body["questionnaire"]["can_answer"] is False
    mine = _api(w.a).get(_url(w.sheet)).json()["questionnaire"]
    assert mine["my_answer"] == {"role": "resident", "scores": scores(3)}
    assert _api(w.b).get(_url(w.sheet)).json()["questionnaire"]["can_answer"] is True
    assert _api(w.stranger).get(_url(w.sheet)).json()["questionnaire"]["can_answer"] is False


def test_a_private_sheet_answers_404_to_whoever_cannot_see_it():
    private = Workspace.objects.create(
        name="Privé", slug="prive", kind="citizen_group", visibility="private"
    )
    sheet = to_stage(SheetFactory(workspace=private), Stage.EVALUATION)
    assert _api().get(_url(sheet)).status_code == 404
    assert _api(UserFactory()).get(_url(sheet)).status_code == 404
    assert _api(UserFactory()).post(_url(sheet), ANSWER, format="json").status_code == 404
    assert _api().get("/api/v1/sheets/999999/evaluation/").status_code == 404
