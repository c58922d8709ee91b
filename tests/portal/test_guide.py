"""« Comprendre la participation » (issue 18, item 4): every page opens with its easy-to-read
summary, the levels' page has an anchor per level that a sheet links to, and the majority
judgment example recomputes the result with the reader's ballot — by the rule the amendment
rounds use — without storing anything, refusing an incomplete or forged ballot."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from amendments import majority
from portal.guide import EXAMPLE_BALLOTS, LEVEL_ANCHORS, TOPICS
from projects.models import LEVEL_ORDER

pytestmark = pytest.mark.django_db

JUDGMENT = "/comprendre/jugement-majoritaire/"


def rows_of(html: str) -> list[str]:
    """The result table's rows, in the order shown (each row's header cell, shortened)."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [chunk.split("</th>")[0] for chunk in body.split('<th scope="row">')[1:]]


@pytest.mark.parametrize("name", ["portal:guide", *(name for name, _t, _d in TOPICS)])
def test_every_page_of_the_space_opens_with_its_easy_to_read_summary(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "En bref, facile à lire" in html
    summary = html[
        html.index('id="en-bref"') : html.index("</section>", html.index('id="en-bref"'))
    ]
    assert summary.count("<li>") >= 3
    # Every topic is reachable from every page.
    for other, _title, _description in TOPICS:
        assert f'href="{reverse(other)}"' in html


def test_the_levels_page_explains_each_level_under_the_anchor_sheets_link_to(client):
    html = client.get("/comprendre/niveaux/").content.decode()
    positions = [html.index(f'id="{LEVEL_ANCHORS[level]}"') for level in LEVEL_ORDER]
    assert positions == sorted(positions)  # from informing to co-deciding
    for heading in ("Qui décide", "Ce que vous pouvez changer", "Par exemple"):
        assert html.count(heading) == len(LEVEL_ORDER)
    assert "note publique" in html


def test_the_example_without_a_ballot_shows_the_six_example_ballots_result(client):
    html = client.get(JUDGMENT).content.decode()
    # By hand: the current text's grades 2 3 4 1 3 4 and the amendment's 5 4 1 4 3 2 both
    # have "Assez bien" (3) as lower median; the amendment has 3 of 6 above and 2 below (+),
    # the text 2 above and 2 below (−): the amendment ranks first.
    order = rows_of(html)
    assert "amendement" in order[0].lower() and "texte actuel" in order[1].lower()
    assert "Le résultat avec 6 bulletins" in html
    assert "En tête : L&#x27;amendement" in html or "En tête : L'amendement" in html
    assert "Assez bien" in html


def test_the_readers_ballot_can_turn_the_result(client):
    # Excellent to the current text, "À rejeter" to the amendment: the text's grades become
    # 1 2 3 3 4 4 6 (median 3, 3 above, 2 below: +, p = 3/7) and the amendment's
    # 0 1 2 3 4 4 5 (median 3, 3 above, 3 below: −): the current text now leads.
    response = client.get(JUDGMENT, {"texte": "6", "amendement": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    order = rows_of(html)
    assert "texte actuel" in order[0].lower()
    assert "Le résultat avec 7 bulletins" in html and "(dont le vôtre)" in html
    assert "votre mention" in html
    # The same verdict as the rule itself gives.
    ballots = [*EXAMPLE_BALLOTS, {"texte": 6, "amendement": 0}]
    profiles = {
        key: [sum(1 for b in ballots if b[key] == g) for g in majority.GRADES]
        for key in ("texte", "amendement")
    }
    assert majority.rank(profiles)[0].candidate == "texte"


@pytest.mark.parametrize(
    "query",
    [
        {"texte": "6"},  # incomplete
        {"texte": "7", "amendement": "1"},  # no such grade
        {"texte": "-1", "amendement": "1"},
        {"texte": "١", "amendement": "1"},  # a digit, but not one of ours
        {"texte": "9" * 5000, "amendement": "1"},
    ],
)
def test_an_incomplete_or_forged_ballot_is_refused_and_changes_nothing(client, query):
    response = client.get(JUDGMENT, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Votre bulletin n&#x27;est pas complet" in html
        or "Votre bulletin n'est pas complet" in html
    )
    assert "Le résultat avec 6 bulletins" in html  # the example's result, unchanged
    assert "(dont le vôtre)" not in html


def test_a_nul_byte_in_the_ballot_is_refused_before_the_page(client):
    response = client.get(JUDGMENT, {"texte": "1\x00", "amendement": "1"})
    assert response.status_code == 400
    assert "Le résultat avec" not in response.content.decode()


def test_the_pages_only_answer_get(client):
    assert client.post(JUDGMENT, {"texte": "1", "amendement": "1"}).status_code == 405


@override_settings(LANGUAGE_CODE="en")
def test_the_space_is_translated_into_english(client):
    html = client.get("/comprendre/jugement-majoritaire/", HTTP_ACCEPT_LANGUAGE="en").content
    text = html.decode()
    assert "Majority judgment" in text and "In short, easy to read" in text
    assert "En bref" not in text


def test_a_sheet_links_its_promised_level_to_its_explanation(client):
    from tests.factories import SheetFactory

    sheet = SheetFactory(participation_level="co_construct")
    html = client.get(sheet.get_absolute_url()).content.decode()
    assert 'href="/comprendre/niveaux/#co-construire"' in html
