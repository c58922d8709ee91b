"""Web: the workflow panel on the sheet page, transition and attestation forms, the staff board."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from projects.models import ProjectSheet
from workflow.models import Attestation, TransitionLog

from .factories import make_framing, make_ready, make_sheet

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def detail(sheet):
    return f"/fiches/{sheet.pk}/"


def test_panel_on_sheet_page_shows_completeness_and_missing_to_everyone(ready):
    sheet, _ = ready
    html = browser().get(detail(sheet)).content.decode()
    assert "Démarche qualité" in html
    assert "100 % complet" in html
    assert "Une note de cadrage d&#x27;un·e élu·e est publiée" in html
    assert "il manque encore" in html
    assert "Ouvrir la concertation" not in html  # no button for visitors


def test_panel_shows_buttons_and_attest_forms_to_staff(ready):
    sheet, actors = ready
    html = browser(actors["staff"]).get(detail(sheet)).content.decode()
    assert "Ouvrir la concertation" in html
    assert "disabled" in html  # gated by the framing note
    assert "retirer l'attestation" in html  # plain_language is attested
    assert f"/suivi/fiches/{sheet.pk}/attestations/plain_language/" in html


def test_transition_form_success_message_and_redirect(ready):
    sheet, actors = ready
    make_framing(sheet)
    client = browser(actors["staff"])
    response = client.post(
        f"/suivi/fiches/{sheet.pk}/transitions/open_consultation/",
        {"note": "", "stage": "initiative", "next": detail(sheet)},
    )
    assert response.status_code == 302 and response["Location"] == detail(sheet)
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "consultation"
    page = client.get(detail(sheet)).content.decode()
    assert "La fiche est passée à l&#x27;étape « Concertation »" in page
    assert "Initiative → Concertation" in page


def test_transition_form_gated_shows_missing(ready):
    sheet, actors = ready
    client = browser(actors["staff"])
    response = client.post(
        f"/suivi/fiches/{sheet.pk}/transitions/open_consultation/",
        {"stage": "initiative"},
        follow=True,
    )
    assert "Une note de cadrage" in response.content.decode()
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "initiative"


def test_transition_form_stale_stage_is_refused(ready):
    sheet, actors = ready
    client = browser(actors["staff"])
    client.post(
        f"/suivi/fiches/{sheet.pk}/transitions/abandon/",
        {"stage": "consultation", "note": "Sur une page périmée"},
    )
    assert ProjectSheet.objects.get(pk=sheet.pk).stage == "initiative"


@pytest.mark.parametrize(
    ("actor", "status"), [("reader", 403), ("owner", 403), ("official", 403), ("outsider", 403)]
)
def test_transition_form_forbidden(ready, actor, status):
    sheet, actors = ready
    response = browser(actors[actor]).post(
        f"/suivi/fiches/{sheet.pk}/transitions/abandon/", {"note": "x", "stage": "initiative"}
    )
    assert response.status_code == status


def test_transition_form_anonymous_goes_to_login(ready):
    sheet, _ = ready
    response = browser().post(f"/suivi/fiches/{sheet.pk}/transitions/abandon/", {"note": "x"})
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_private_sheet_forms_are_404(make_workspace):
    workspace, actors = make_workspace(visibility="private")
    sheet = make_sheet(workspace=workspace)
    client = browser(actors["staff"])
    assert (
        client.post(f"/suivi/fiches/{sheet.pk}/transitions/abandon/", {"note": "x"}).status_code
        == 404
    )
    assert client.post(f"/suivi/fiches/{sheet.pk}/attestations/plain_language/").status_code == 404


def test_attest_and_withdraw_forms(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace)
    client = browser(actors["staff"])
    client.post(f"/suivi/fiches/{sheet.pk}/attestations/plain_language/", {"action": "attest"})
    assert Attestation.objects.filter(sheet=sheet, withdrawn_at__isnull=True).count() == 1
    client.post(f"/suivi/fiches/{sheet.pk}/attestations/plain_language/", {"action": "withdraw"})
    assert Attestation.objects.filter(sheet=sheet, withdrawn_at__isnull=True).count() == 0
    response = browser(actors["editor"]).post(
        f"/suivi/fiches/{sheet.pk}/attestations/plain_language/", {"action": "attest"}
    )
    assert response.status_code == 403


def test_next_must_be_local(ready):
    sheet, actors = ready
    response = browser(actors["staff"]).post(
        f"/suivi/fiches/{sheet.pk}/attestations/plain_language/",
        {"action": "withdraw", "next": "https://evil.example/"},
    )
    assert response["Location"] == sheet.get_absolute_url() == f"/fiches/{sheet.slug}/"


# --- board ---


@pytest.mark.parametrize(
    ("actor", "status"),
    [("outsider", 403), ("owner", 403), ("official", 403), ("staff", 200)],
)
def test_board_is_staff_only(make_workspace, actor, status):
    _, actors = make_workspace()
    assert browser(actors[actor]).get("/suivi/").status_code == status


def test_board_anonymous_goes_to_login():
    response = browser().get("/suivi/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_board_groups_by_stage_and_filters(make_workspace):
    from territories.models import Territory, Theme

    workspace, actors = make_workspace()
    other, _ = make_workspace()
    territory = Territory.objects.get(slug="strasbourg")
    theme = Theme.objects.get(slug="mobilite")
    complete = make_sheet(workspace=workspace, complete=True, territory=territory, themes=[theme])
    make_ready(complete, "initiative")
    empty = make_sheet(workspace=other, stage="consultation")
    old = make_sheet(workspace=other, stage="realisation")
    ProjectSheet.objects.filter(pk=old.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=90)
    )
    client = browser(actors["staff"])

    def titles(query=""):
        response = client.get(f"/suivi/?{query}")
        assert response.status_code == 200
        return [s.title for s in response.context["page_obj"].object_list]

    assert titles() == [complete.title, empty.title, old.title]
    assert titles("territory=strasbourg") == [complete.title]
    assert titles("theme=mobilite") == [complete.title]
    assert titles(f"workspace={other.slug}") == [empty.title, old.title]
    assert titles("completeness_at_least=100") == [complete.title]
    assert titles("completeness_below=50") == [empty.title, old.title]
    assert titles("stalled_days=30") == [old.title]
    assert titles("stage=consultation") == [empty.title]
    page = client.get("/suivi/").content.decode()
    assert "100 %" in page
    # A workspace's name narrows the board to it, keeping the other filters.
    narrowed = client.get("/suivi/?stage=realisation").content.decode()
    assert f'href="?stage=realisation&amp;workspace={other.slug}"' in narrowed
    assert titles(f"stage=realisation&workspace={other.slug}") == [old.title]


def test_board_query_count_constant_as_sheets_grow(make_workspace, django_assert_num_queries):
    from territories.models import Theme

    workspace, actors = make_workspace()
    client = browser(actors["staff"])
    theme = Theme.objects.first()
    for _ in range(3):
        make_sheet(workspace=workspace, complete=True, themes=[theme])
    client.get("/suivi/")  # warm caches (content types, documents table check)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/suivi/")
    for stage in ["initiative", "consultation", "realisation", "evaluation", "archived"]:
        for _ in range(6):
            make_sheet(workspace=workspace, stage=stage, complete=True, themes=[theme])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/suivi/")
    assert len(response.context["page_obj"].object_list) == 33


def test_sheet_page_panel_query_count_constant_as_log_grows(make_workspace):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflow.services import sheet_transition

    workspace, actors = make_workspace()
    sheet = make_sheet(workspace=workspace, stage="consultation")
    client = browser(actors["staff"])
    client.get(detail(sheet))
    with CaptureQueriesContext(connection) as before:
        client.get(detail(sheet))
    for _ in range(3):
        sheet = sheet_transition(actor=actors["staff"], sheet=sheet, name="step_back", note="a")
        sheet = ProjectSheet.objects.get(pk=sheet.pk)
        ProjectSheet.objects.filter(pk=sheet.pk).update(stage="consultation")
        sheet = ProjectSheet.objects.get(pk=sheet.pk)
    assert TransitionLog.objects.filter(sheet=sheet).count() == 3
    with CaptureQueriesContext(connection) as after:
        client.get(detail(sheet))
    workflow_queries = [q for q in after.captured_queries if "workflow_" in q["sql"]]
    assert len(after.captured_queries) <= len(before.captured_queries) + 2
    assert len(workflow_queries) <= 3
