"""Publishing a framing note cannot be undone, so the form asks first (issue 11, item 6): the
"Publier" button answers a confirmation page that keeps every field, whose red button publishes
and whose second button keeps the text as a draft; a draft, or a refusal, is never asked."""

import re

import pytest
from django.test import Client

from projects.models import FramingNote

from .factories import make_sheet

pytestmark = pytest.mark.django_db

DATA = {
    "political_intent": "Apaiser la rue <sans voitures>",
    "participation_level": "consult",
    "use_of_contributions": "Chaque avis reçoit une réponse.",
}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hidden_fields(html: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        fields.setdefault(name, []).append(value)
    return fields


@pytest.fixture
def writing(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    return sheet, client_of(actors["official"]), f"/fiches/{sheet.pk}/cadrage/nouveau/"


def test_publish_asks_and_keeps_what_was_typed(writing):
    sheet, official, url = writing
    response = official.post(url, {**DATA, "action": "publish"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Publier la note de cadrage" in html and "Cette action est définitive." in html
    carried = hidden_fields(html)
    assert carried["political_intent"] == ["Apaiser la rue &lt;sans voitures&gt;"]
    assert carried["participation_level"] == ["consult"] and carried["confirmed"] == ["1"]
    assert "action" not in carried  # the buttons say which: publish or keep a draft
    assert 'name="action" value="publish">Oui, publier la note' in html
    assert 'name="action" value="draft">Non, l&#x27;enregistrer comme brouillon' in html
    assert not FramingNote.objects.exists()

    assert official.post(url, {**DATA, "confirmed": "1", "action": "publish"}).status_code == 302
    note = FramingNote.objects.get()
    assert note.status == "published" and note.political_intent == DATA["political_intent"]


def test_the_second_button_keeps_a_draft(writing):
    _sheet, official, url = writing
    assert official.post(url, {**DATA, "confirmed": "1", "action": "draft"}).status_code == 302
    assert FramingNote.objects.get().status == "draft"


def test_a_draft_or_an_invalid_form_is_not_asked(writing):
    _sheet, official, url = writing
    invalid = official.post(url, {"action": "publish"})
    assert "Cette action est définitive." not in invalid.content.decode()
    assert official.post(url, {**DATA, "action": "draft"}).status_code == 302
    assert FramingNote.objects.get().status == "draft"


def test_who_may_not_frame_is_refused_before_being_asked(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    for role in ("owner", "contributor", "staff"):
        response = client_of(actors[role]).post(
            f"/fiches/{sheet.pk}/cadrage/nouveau/", {**DATA, "action": "publish"}
        )
        assert response.status_code == 403, role
