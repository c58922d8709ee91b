"""The activity log as people read it: labelled verbs, what they are about, drafts kept private."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import User
from events.models import Activity
from events.registry import private_verbs, verb_label, verb_list
from projects.models import ProjectSheet
from projects.services.framing import framing_note_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo")


def _page(email: str, path: str) -> str:
    client = Client()
    client.force_login(User.objects.get(email=email))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    return response.content.decode()


def test_every_verb_the_services_write_has_a_label(demo):
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert len(verbs) >= 8  # the demo goes through workspaces, documents, sheets and workflow
    labelled = {verb.name for verb in verb_list() if verb.label is not None}
    assert verbs - labelled - set(private_verbs()) == set()


def test_workspace_page_reads_the_log_in_words_with_its_subject(demo):
    html = _page("alice@demo.fabrique.test", "/espaces/collectif-velo-neudorf/")
    assert "document.uploaded" not in html and "sheet.created" not in html
    with translation.override("fr"):
        assert verb_label("document.uploaded") in html
    assert "« Comptage vélo rue du Jura »" in html
    assert "votre rôle : Propriétaire" in html


def test_drafts_stay_out_of_the_workspace_log_and_the_sheet_history(demo):
    sheet = ProjectSheet.objects.get(slug="piste-cyclable-rue-du-jura")
    framing_note_create(
        actor=User.objects.get(email="elue@demo.fabrique.test"),
        sheet=sheet,
        political_intent="Brouillon confidentiel de l'élue",
        participation_level="consult",
        use_of_contributions="Réponse écrite.",
    )
    assert Activity.objects.filter(verb__in=private_verbs(), workspace=sheet.workspace).exists()
    html = _page("alice@demo.fabrique.test", "/espaces/collectif-velo-neudorf/")
    assert "framing_note.drafted" not in html
    assert "Brouillon" not in html
    history = Client().get(f"/api/v1/sheets/{sheet.pk}/history/").json()
    assert all(entry["verb"] not in private_verbs() for entry in history["activity"])


def test_sheet_history_names_the_attested_checklist_item(demo):
    sheet = ProjectSheet.objects.get(slug="stationnement-velos-gare-centrale")
    attested = Activity.objects.filter(verb="checklist.attested", target_id=sheet.pk).first()
    assert attested is not None
    from workflow.checklist import ITEMS_BY_CODE

    label = ITEMS_BY_CODE[attested.data["code"]].label
    client = Client()
    with translation.override("fr"):
        html = client.get(f"/fiches/{sheet.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert str(label) in html
    history = client.get(f"/api/v1/sheets/{sheet.pk}/history/").json()
    assert any(e["verb"] == "checklist.attested" and e["label"] for e in history["activity"])
