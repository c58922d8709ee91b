"""Bad input never answers 500: it gets a clear 4xx in the caller's language and changes nothing.

Covers NUL bytes everywhere a request carries text (URL, query, headers, cookies, JSON, form and
multipart bodies, web and API), JSON nested past any sane depth and bodies past the size limit,
numbers and dates that overflow their field, members demoted or removed concurrently, and the
download of a revision whose file has gone missing from storage.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

import workspace.api as workspace_api
from accounts.models import PlatformRole
from documents.models import Document, DocumentRevision, ShareLink
from documents.services import document_create, document_revision_add
from documents.services.sharing import share_link_create
from projects.models import FramingNote, ProjectSheet, SheetVersion
from projects.services import framing_note_create
from tests.conftest import client_for
from tests.documents import samples
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.projects.factories import make_sheet
from workspace.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db

NUL_FR = "caractère nul"
NUL_EN = "NUL character"


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def world(media):
    owner = UserFactory(platform_role=PlatformRole.OFFICIAL)
    workspace = WorkspaceFactory()
    MembershipFactory(workspace=workspace, user=owner, role=Role.OWNER)
    sheet = make_sheet(workspace, owner)
    document = document_create(
        actor=owner,
        workspace=workspace,
        file=ContentFile(samples.pdf("une"), name="rapport.pdf"),
        name="rapport.pdf",
        visibility="public",
    )
    return {"owner": owner, "workspace": workspace, "sheet": sheet, "document": document}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Workspace,
            Membership,
            ProjectSheet,
            SheetVersion,
            FramingNote,
            Document,
            DocumentRevision,
            ShareLink,
        )
    }


def assert_nul_refused(response, *, json_body: bool) -> None:
    assert response.status_code == 400, response.content[:300]
    if json_body:
        body = response.json()
        assert NUL_FR in body["detail"]
        assert body["code"] == "invalid_characters"
    else:
        assert NUL_FR in response.content.decode()


# --- 1. NUL bytes, everywhere a request carries text ----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sheets/?workspace=a%00b",
        "/api/v1/sheets/?territory=%00",
        "/api/v1/sheets/?theme=x%00&q=y",
        "/api/v1/sheets/?q=%00",
        "/api/v1/search/?q=v%00lo",
        "/api/v1/workspaces/{slug}/documents/?q=%00",
        "/api/v1/workspaces/{slug}/documents/?type=%00",
        "/api/v1/sheets/?%00=1",
    ],
)
def test_nul_in_an_api_query_parameter_answers_400(world, url):
    client = client_for(world["owner"])
    response = client.get(url.format(slug=world["workspace"].slug))
    assert_nul_refused(response, json_body=True)


@pytest.mark.parametrize(
    "url",
    [
        "/fiches/?q=%00",
        "/fiches/?territory=a%00b",
        "/recherche/?q=%00",
        "/documents/espace/{slug}/?q=%00",
        "/espaces/?q=%00",
    ],
)
def test_nul_in_a_page_query_parameter_answers_400_in_french(world, url):
    response = Client().get(url.format(slug=world["workspace"].slug))
    assert_nul_refused(response, json_body=False)


def test_the_refusal_speaks_the_callers_language(world):
    response = Client().get("/fiches/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert NUL_EN in response.content.decode()
    api = APIClient().get("/api/v1/sheets/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert NUL_EN in api.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["/documents/partage/a%00b/", "/espaces/invitation/%00/", "/api/v1/workspaces/a%00b/"],
)
def test_nul_in_a_path_segment_answers_400(world, path):
    response = Client().get(path)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Token a\x00b"},
        {"HTTP_COOKIE": 'sessionid="\\000abc"'},
        {"HTTP_COOKIE": "csrftoken=\x00"},
        {"HTTP_ACCEPT_LANGUAGE": "fr\x00"},
        {"HTTP_X_FORWARDED_FOR": "1.2.3.4\x00"},
    ],
)
def test_nul_in_a_header_or_cookie_answers_400(world, headers):
    response = APIClient().get("/api/v1/workspaces/", **headers)
    assert response.status_code == 400
    assert Client().get("/fiches/", **headers).status_code == 400


def test_nul_in_json_bodies_answers_400_and_changes_nothing(world):
    client = client_for(world["owner"])
    sheet, slug = world["sheet"], world["workspace"].slug
    before = counts()
    cases = [
        (
            "post",
            "/api/v1/workspaces/",
            {"name": "Espace", "kind": "citizen_group", "territory": "a\x00"},
        ),
        ("post", "/api/v1/workspaces/", {"name": "Esp\x00ace", "kind": "citizen_group"}),
        ("patch", f"/api/v1/workspaces/{slug}/", {"territory": "\x00"}),
        ("post", f"/api/v1/workspaces/{slug}/members/", {"email": "a\x00@b.fr", "role": "reader"}),
        (
            "post",
            f"/api/v1/workspaces/{slug}/sheets/",
            {"title": "T", "summary": "S", "themes": ["\x00"]},
        ),
        (
            "patch",
            f"/api/v1/sheets/{sheet.pk}/",
            {"base_version": 1, "sections": {"context\x00": "x"}},
        ),
        ("patch", f"/api/v1/sheets/{sheet.pk}/", {"base_version": 1, "territory": "x\x00"}),
        ("post", "/api/v1/auth/token/", {"email": "a\x00@b.fr", "password": "x"}),
    ]
    for method, url, payload in cases:
        response = getattr(client, method)(
            url, json.dumps(payload), content_type="application/json"
        )
        assert_nul_refused(response, json_body=True)
    assert counts() == before


def test_a_lone_surrogate_in_json_answers_400(world):
    client = client_for(world["owner"])
    response = client.post(
        "/api/v1/workspaces/",
        '{"name": "Espace", "kind": "citizen_group", "territory": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert not Workspace.objects.filter(name="Espace").exists()


def test_nul_in_form_bodies_answers_400_and_changes_nothing(world):
    slug = world["workspace"].slug
    api = client_for(world["owner"])
    before = counts()
    response = api.patch(
        f"/api/v1/workspaces/{slug}/",
        "territory=a%00b&name=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_nul_refused(response, json_body=True)
    web = Client()
    web.force_login(world["owner"])
    response = web.post("/espaces/nouveau/", {"name": "Nouvel\x00espace", "kind": "citizen_group"})
    assert_nul_refused(response, json_body=False)
    response = web.post(f"/espaces/{slug}/modifier/", {"name": "x", "territory": "\x00"})
    assert_nul_refused(response, json_body=False)
    assert counts() == before


def test_nul_in_multipart_uploads_answers_400_and_stores_nothing(world, media):
    slug, document = world["workspace"].slug, world["document"]
    before = counts()
    stored = sorted(p for p in Path(media).rglob("*") if p.is_file())
    api = client_for(world["owner"])
    for fields in (
        {"title": "Rap\x00port"},
        {"visibility": "\x00"},
        {"sheet": "1\x00"},
    ):
        upload = ContentFile(samples.pdf(), name="rapport.pdf")
        response = api.post(f"/api/v1/workspaces/{slug}/documents/", {"file": upload, **fields})
        assert_nul_refused(response, json_body=True)
    web = Client()
    web.force_login(world["owner"])
    upload = ContentFile(samples.pdf(), name="rapport.pdf")
    response = web.post(
        f"/documents/espace/{slug}/deposer/",
        {"file": upload, "title": "Rap\x00port", "visibility": "public"},
    )
    assert_nul_refused(response, json_body=False)
    response = web.post(
        f"/documents/{document.pk}/versions/",
        {"file": ContentFile(samples.pdf(), name="rapport.pdf"), "note\x00": "x"},
    )
    assert_nul_refused(response, json_body=False)
    assert counts() == before
    assert sorted(p for p in Path(media).rglob("*") if p.is_file()) == stored


def test_a_nul_in_an_uploaded_file_name_never_reaches_the_database(world):
    """Django's multipart parser drops non-printable characters from file names (NUL, and the
    right-to-left override that disguises an extension): the name is stored without them."""
    api = client_for(world["owner"])
    document = world["document"]
    for name in ("rap\x00port.pdf", "rapport\u202efdp.exe.pdf"):
        response = api.post(
            f"/api/v1/documents/{document.pk}/revisions/",
            {"file": ContentFile(samples.pdf(), name=name)},
        )
        assert response.status_code == 201, response.content
        assert response.json()["original_name"] in ("rapport.pdf", "rapportfdp.exe.pdf")


def test_a_clean_request_still_goes_through(world):
    """The refusal is about NUL bytes only: the same requests without them succeed."""
    client = client_for(world["owner"])
    response = client.post(
        "/api/v1/workspaces/",
        json.dumps({"name": "Espace propre", "kind": "citizen_group", "territory": "strasbourg"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/sheets/?q=v%C3%A9lo&territory=strasbourg").status_code == 200
    assert Client().get("/fiches/?q=%25_").status_code == 200
    upload = ContentFile(samples.pdf(), name="rapport.pdf")
    slug = world["workspace"].slug
    response = client.post(f"/api/v1/workspaces/{slug}/documents/", {"file": upload, "title": "Ok"})
    assert response.status_code == 201, response.content


# --- 2. JSON nested past any sane depth, bodies past the size limit ---------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '{"a":' * 100_000,
        "[" * 100 + "]" * 100,  # valid JSON, deeper than any payload of ours
        json.dumps(
            {
                "name": "x",
                "kind": "citizen_group",
                "description": [
                    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
                ],
            }
        ),
    ],
)
def test_deeply_nested_json_answers_400(world, body):
    client = client_for(world["owner"])
    before = counts()
    response = client.post("/api/v1/workspaces/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"
    assert "imbriquées" in response.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("application/json", json.dumps({"name": "x" * 30_000, "kind": "citizen_group"})),
        ("application/x-www-form-urlencoded", "name=" + "x" * 30_000),
    ],
)
def test_an_api_body_past_the_limit_answers_413(world, settings, content_type, body):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    client = client_for(world["owner"])
    response = client.post("/api/v1/workspaces/", body, content_type=content_type)
    assert response.status_code == 413
    assert "trop volumineuse" in response.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 40_000
    response = client.post("/api/v1/workspaces/", body, content_type=content_type)
    assert response.status_code in (201, 400)  # read whole: the field's own rules answer


@pytest.mark.parametrize(
    "body",
    ['{"name": NaN}', '{"name": 1e999}', '{"name": ' + "9" * 5_000 + "}", '{"name": "x"', "\xff"],
)
def test_malformed_json_answers_400_in_french(world, body):
    response = client_for(world["owner"]).post(
        "/api/v1/workspaces/", body.encode("latin-1"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"] or "texte" in response.json()["detail"]


# --- 3. Numbers and dates past what their field holds ----------------------------------------

OVERFLOWING = ["1e30", "-1e30", "NaN", "Infinity", "-Infinity", 2**63, 10**40, "-1", "1e-30", -5]


@pytest.mark.parametrize("value", OVERFLOWING)
def test_framing_note_amount_out_of_range_is_a_field_error(world, value):
    client = client_for(world["owner"])
    sheet = world["sheet"]
    payload = {
        "political_intent": "Le sens de la demande.",
        "participation_level": "consult",
        "use_of_contributions": "Une réponse à chacun.",
        "budget_amount": value,
    }
    response = client.post(
        f"/api/v1/sheets/{sheet.pk}/framing-notes/",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["budget_amount"]
    assert not FramingNote.objects.exists()
    note = framing_note_create(
        actor=world["owner"],
        sheet=sheet,
        political_intent="Intention",
        participation_level="consult",
        use_of_contributions="Réponses",
    )
    response = client.patch(
        f"/api/v1/sheets/{sheet.pk}/framing-notes/{note.pk}/",
        json.dumps({"budget_amount": value}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    note.refresh_from_db()
    assert note.budget_amount is None


@pytest.mark.parametrize("value", ["1e30", "1E+12", "NaN", "-1", "99999-01-01"])
def test_framing_note_web_form_refuses_an_amount_out_of_range(world, value):
    web = Client()
    web.force_login(world["owner"])
    response = web.post(
        f"/fiches/{world['sheet'].pk}/cadrage/nouveau/",
        {
            "political_intent": "Intention",
            "participation_level": "consult",
            "use_of_contributions": "Réponses",
            "budget_amount": value,
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "budget_amount" in response.context["form"].errors
    assert not FramingNote.objects.exists()


@pytest.mark.parametrize("value", ["1e30", 10**40, "9" * 13, "1e12"])
def test_sheet_budget_amount_out_of_range_is_a_field_error(world, value):
    """The realisation section's amount: "1e30" overflowed the decimal context (500)."""
    sheet = world["sheet"]
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="realisation")
    client = client_for(world["owner"])
    for payload in ({"budget_amount": value}, {"sections": {"budget_amount": value}}):
        response = client.patch(
            f"/api/v1/sheets/{sheet.pk}/",
            json.dumps({"base_version": 1, **payload}),
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        assert "budget_amount" in response.json()
        assert "Montant" in response.json()["budget_amount"][0]
    assert SheetVersion.objects.filter(sheet=sheet).count() == 1
    ok = client.patch(
        f"/api/v1/sheets/{sheet.pk}/",
        json.dumps({"base_version": 1, "budget_amount": "999999999999.99"}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content


@pytest.mark.parametrize(
    "field,value",
    [
        ("calendar_start", "99999-01-01"),
        ("calendar_end", "0000-01-01"),
        ("calendar_start", "2024-13-45"),
        ("calendar_start", 2**63),
        ("calendar_end", ["2024-01-01"]),
    ],
)
def test_sheet_dates_out_of_range_are_field_errors(world, field, value):
    sheet = world["sheet"]
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage="consultation")
    response = client_for(world["owner"]).patch(
        f"/api/v1/sheets/{sheet.pk}/",
        json.dumps({"base_version": 1, field: value}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    "value", ["99999-01-01T00:00:00Z", "0001-01-01T00:00:00-14:00", "1e30", 2**63, "NaN"]
)
def test_share_link_expiry_out_of_range_is_a_field_error(world, value):
    document = world["document"]
    response = client_for(world["owner"]).post(
        f"/api/v1/documents/{document.pk}/share-links/",
        json.dumps({"expires_at": value}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("value", ["99999-01-01", "0000-01-01", "1e30"])
def test_share_link_web_form_refuses_an_expiry_out_of_range(world, value):
    web = Client()
    web.force_login(world["owner"])
    response = web.post(f"/documents/{world['document'].pk}/liens/", {"expires_on": value})
    assert response.status_code in (200, 302, 400)
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("value", [2**63, 10**40, -1, 0, "1e30", "NaN"])
def test_integers_out_of_range_are_refused(world, value):
    client = client_for(world["owner"])
    sheet, document = world["sheet"], world["document"]
    response = client.patch(
        f"/api/v1/sheets/{sheet.pk}/",
        json.dumps({"base_version": value, "title": "T"}),
        content_type="application/json",
    )
    assert response.status_code in (400, 409), response.content
    response = client.patch(
        f"/api/v1/documents/{document.pk}/",
        json.dumps({"sheet": value}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    for url in (
        f"/api/v1/documents/{document.pk}/download/?revision={value}",
        f"/api/v1/sheets/?page={value}",
        f"/api/v1/sheets/{sheet.pk}/diff/?from={value}&to=1",
    ):
        assert client.get(url).status_code in (400, 404), url


# --- 4. Members demoted or removed at the same moment ----------------------------------------


def _race(monkeypatch, calls: list[tuple], *, first: int | None = None) -> list:
    """Run API calls on members in threads that all pass the view's checks with what they read
    then; they enter the service together, or, with `first`, after that call has answered.

    The service's own locking and re-reading is then all that stands between them.
    """
    views_passed = threading.Barrier(len(calls))
    services_entered = threading.Barrier(len(calls))
    first_done = threading.Event()
    local = threading.local()
    original_get = workspace_api.MemberDetail.get_membership

    def get_membership(self, request, slug, user_id):
        membership = original_get(self, request, slug, user_id)
        views_passed.wait(timeout=20)
        return membership

    monkeypatch.setattr(workspace_api.MemberDetail, "get_membership", get_membership)
    for name in ("membership_change_role", "membership_remove"):
        service = getattr(workspace_api, name)

        def synchronised(_service=service, **kwargs):
            if first is None:
                services_entered.wait(timeout=20)
            elif local.index != first:
                first_done.wait(timeout=20)
            return _service(**kwargs)

        monkeypatch.setattr(workspace_api, name, synchronised)
    results: list = [None] * len(calls)

    def run(index, actor, method, url, payload):
        local.index = index
        try:
            client = APIClient()
            client.force_authenticate(actor)
            response = getattr(client, method)(url, payload, format="json")
            results[index] = (response.status_code, response.json() if response.content else {})
        except Exception as error:  # a 500: the test client re-raises it; the assertions show it
            results[index] = (repr(error), {})
        finally:
            if index == first:
                first_done.set()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _statuses(results: list) -> list[str]:
    return [str(status) for status, _body in results]


def _team(*roles: str):
    workspace = WorkspaceFactory()
    users = [MembershipFactory(workspace=workspace, role=Role(role)).user for role in roles]
    return workspace, users


def _member_url(workspace, user) -> str:
    return f"/api/v1/workspaces/{workspace.slug}/members/{user.pk}/"


def _owners(workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).count()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("first", [None, 0], ids=["together", "one-after-the-other"])
def test_two_owners_demoting_each_other_keep_one_owner(monkeypatch, first):
    workspace, (alice, bob) = _team("owner", "owner")
    results = _race(
        monkeypatch,
        [
            (alice, "patch", _member_url(workspace, bob), {"role": "editor"}),
            (bob, "patch", _member_url(workspace, alice), {"role": "editor"}),
        ],
        first=first,
    )
    assert sorted(_statuses(results)) == ["200", "409"], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "last_owner" and "propriétaire" in loser["detail"]
    assert _owners(workspace) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("first", [None, 0], ids=["together", "one-after-the-other"])
def test_two_owners_removing_each_other_keep_one_owner(monkeypatch, first):
    workspace, (alice, bob) = _team("owner", "owner")
    results = _race(
        monkeypatch,
        [
            (alice, "delete", _member_url(workspace, bob), None),
            (bob, "delete", _member_url(workspace, alice), None),
        ],
        first=first,
    )
    assert sorted(_statuses(results)) == ["204", "409"], results
    assert _owners(workspace) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_both_last_owners_leaving_at_once_keep_one_owner(monkeypatch):
    workspace, (alice, bob) = _team("owner", "owner")
    results = _race(
        monkeypatch,
        [
            (alice, "delete", _member_url(workspace, alice), None),
            (bob, "delete", _member_url(workspace, bob), None),
        ],
    )
    assert sorted(_statuses(results)) == ["204", "409"], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "last_owner" and "propriétaire" in loser["detail"]
    assert _owners(workspace) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_member_removed_meanwhile_is_gone_for_the_second_owner(monkeypatch):
    """GIVEN two owners acting on the same editor, alice removing her, bob promoting her
    WHEN the removal commits first
    THEN bob is told the member is gone (404, not a 500 from a vanished row)."""
    workspace, (alice, bob, carol) = _team("owner", "owner", "editor")
    results = _race(
        monkeypatch,
        [
            (alice, "delete", _member_url(workspace, carol), None),
            (bob, "patch", _member_url(workspace, carol), {"role": "owner"}),
        ],
        first=0,
    )
    assert _statuses(results) == ["204", "404"], results
    assert results[1][1]["detail"]
    assert not Membership.objects.filter(workspace=workspace, user=carol).exists()
    assert _owners(workspace) == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_member_removed_twice_at_once_is_removed_once(monkeypatch):
    workspace, (alice, bob, carol) = _team("owner", "owner", "editor")
    url = _member_url(workspace, carol)
    results = _race(monkeypatch, [(alice, "delete", url, None), (bob, "delete", url, None)])
    assert sorted(_statuses(results)) == ["204", "404"], results
    assert workspace.activities.filter(verb="membership.removed").count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_owner_demoted_meanwhile_can_no_longer_manage_members(monkeypatch):
    """GIVEN three owners; bob passed the view's check as an owner to demote carol
    WHEN alice's demotion of bob commits first
    THEN bob's change is refused (403): a stale role never manages members."""
    workspace, (alice, bob, carol) = _team("owner", "owner", "owner")
    results = _race(
        monkeypatch,
        [
            (alice, "patch", _member_url(workspace, bob), {"role": "editor"}),
            (bob, "patch", _member_url(workspace, carol), {"role": "editor"}),
        ],
        first=0,
    )
    assert _statuses(results) == ["200", "403"], results
    assert Membership.objects.get(workspace=workspace, user=carol).role == Role.OWNER
    assert _owners(workspace) == 2


# --- 5. A revision whose file is missing from storage ----------------------------------------


def test_download_of_a_missing_file_answers_404_with_a_message(world, media):
    owner, document = world["owner"], world["document"]
    document = document_revision_add(
        actor=owner,
        document=document,
        file=ContentFile(samples.pdf("deux"), name="rapport-v2.pdf"),
        name="rapport-v2.pdf",
    ).document
    first, second = document.revisions.order_by("number")
    (Path(media) / first.storage_key).unlink()
    (Path(media) / second.storage_key).unlink()
    _link, token = share_link_create(
        actor=owner, document=document, expires_at=timezone.now() + timedelta(days=2)
    )
    api = client_for(owner)
    web = Client()
    web.force_login(owner)
    for url in (
        f"/api/v1/documents/{document.pk}/download/",
        f"/api/v1/documents/{document.pk}/download/?revision=1",
    ):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "file_missing"
        assert "introuvable" in response.json()["detail"]
    for client, url in (
        (web, f"/documents/{document.pk}/telecharger/"),
        (web, f"/documents/{document.pk}/versions/1/telecharger/"),
        (Client(), f"/documents/partage/{token}/?download=1"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "introuvable" in response.content.decode(), url
    assert api.get("/api/v1/documents/999999/download/").status_code == 404
