"""The paper ballot page: who may open it (anonymous, citizen, mediator, staff; a round one may
not see answers 404), two mediators typing the same paper, a disagreement shown with nothing
changed, hostile input, the one-person-one-ballot rule on the ballot page, counts per place on
the results."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services.mediation import mediator_grant
from amendments.models import Ballot, PaperBallotEntry
from amendments.services import amendment_submit, round_close

from ..factories import UserFactory
from .factories import open_round, staff, to_judgment

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged():
    round_ = open_round()
    amendment = amendment_submit(
        actor=UserFactory(), sheet=round_.sheet, field="summary", text="Mieux.", base_version=1
    )
    return to_judgment(round_), amendment


def mediator():
    person = UserFactory()
    mediator_grant(actor=staff(), user=person)
    return person


def form(amendment, **extra):
    data = {
        "identifier": "B-7",
        "place": "Médiathèque",
        "voted_on": timezone.localdate().isoformat(),
        "voter_label": "M. L.",
        "declared_no_online_ballot": "on",
        "grade-status_quo-summary": "2",
        f"grade-{amendment.pk}": "5",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("citizen", 403), ("mediator", 200), ("staff", 200)]
)
def test_who_opens_the_page(client, judged, who, status):
    round_, _amendment = judged
    if who != "anonymous":
        client.force_login({"citizen": UserFactory, "mediator": mediator, "staff": staff}[who]())
    response = client.get(reverse("amendments:paper_ballot", args=[round_.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Une personne, un bulletin" in response.content.decode()


def test_a_round_of_a_private_sheet_answers_404(client, judged):
    round_, _amendment = judged
    round_.sheet.workspace.visibility = "private"
    round_.sheet.workspace.save(update_fields=["visibility"])
    client.force_login(mediator())
    assert client.get(reverse("amendments:paper_ballot", args=[round_.pk])).status_code == 404


def test_two_mediators_count_a_paper_ballot_and_the_results_show_its_place(client, judged):
    round_, amendment = judged
    url = reverse("amendments:paper_ballot", args=[round_.pk])
    client.force_login(mediator())
    assert client.post(url, form(amendment)).status_code == 302
    page = client.get(url).content.decode()
    assert "première saisie enregistrée" in page and "n° B-7, Médiathèque" in page
    client.force_login(second := mediator())
    response = client.post(url, form(amendment, **{f"grade-{amendment.pk}": "1"}))
    assert response.status_code == 409
    assert "ne concorde pas" in response.content.decode()
    assert Ballot.objects.count() == 0 and PaperBallotEntry.objects.count() == 1
    assert client.post(url, form(amendment)).status_code == 302
    assert "les deux saisies concordent" in client.get(url).content.decode()
    assert Ballot.objects.filter(round=round_, voter=None).count() == 1
    round_close(actor=staff(), round_=round_)
    client.force_login(second)
    page = client.get(reverse("amendments:round", args=[round_.pk])).content.decode()
    assert "Médiathèque : 1 bulletin papier" in page


@pytest.mark.parametrize(
    "extra",
    [
        {"identifier": "x" * 500},
        {"identifier": ""},
        {"declared_no_online_ballot": ""},
        {"voted_on": "1990-01-01"},
        {"voted_on": "not a date"},
        {"grade-status_quo-summary": "9"},
        {"grade-status_quo-summary": ""},
        {"place": "p" * 5000},
    ],
)
def test_hostile_input_answers_4xx_and_changes_nothing(client, judged, extra):
    round_, amendment = judged
    client.force_login(mediator())
    response = client.post(
        reverse("amendments:paper_ballot", args=[round_.pk]), form(amendment, **extra)
    )
    assert response.status_code == 400
    assert PaperBallotEntry.objects.count() == 0


def test_the_ballot_page_states_the_rule(client, judged):
    round_, _amendment = judged
    client.force_login(UserFactory())
    page = client.get(reverse("amendments:ballot", args=[round_.pk])).content.decode()
    assert "Une personne, un bulletin" in page


def test_a_mediator_withdraws_their_waiting_entry_on_the_page(client, judged):
    round_, amendment = judged
    url = reverse("amendments:paper_ballot", args=[round_.pk])
    client.force_login(mediator())
    client.post(url, form(amendment))
    entry = PaperBallotEntry.objects.get()
    client.force_login(mediator())  # someone else's entry: no button, refused
    assert f'name="withdraw" value="{entry.pk}"' not in client.get(url).content.decode()
    client.post(url, {"withdraw": str(entry.pk)})
    entry.refresh_from_db()
    assert entry.withdrawn_at is None
    client.force_login(entry.entered_by)
    assert f'name="withdraw" value="{entry.pk}"' in client.get(url).content.decode()
    for hostile in ("abc", "-3", "9" * 30):
        assert client.post(url, {"withdraw": hostile}).status_code == 302
    assert client.post(url, {"withdraw": str(entry.pk)}).status_code == 302
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None
    assert "n° B-7, Médiathèque" not in client.get(url).content.decode()
