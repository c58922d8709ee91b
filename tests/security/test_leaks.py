"""Nothing crosses a visibility boundary through a relation (issue #9, item 6).

Two matrices, actors × relation × visibility of the related object:

- A — from a document to what it is filed under: a public document attached to a members-only
  sheet (or a document of a private workspace shared with one person) shows no sheet and no
  workspace to those who may not see them: API detail and list, the web page, share-link
  pages, search results, and the search filters that read the sheet's stage, territory and
  themes (a filter must not match through a sheet the searcher cannot see).
- B — from a visible sheet or workspace to what hangs off it: members-only documents and their
  activity, framing-note drafts, a sheet that later became private (its title is in the
  activity log), checklist figures, board counts, transition lists and search counts.

The expectations are written from the rules (who may see what), not from the code under test.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from haystack import connections

from accounts.models import PlatformRole
from documents.models import Document
from documents.services import (
    document_create,
    document_grant_view,
    document_update,
    share_link_create,
)
from projects.services import framing_note_create, sheet_create, sheet_update
from search.indexer import outbox_drain
from search.services import search_query
from tests.conftest import client_for
from tests.documents import samples
from tests.factories import UserFactory
from tests.search.factories import make_document, make_sheet

pytestmark = pytest.mark.django_db

MEMBERS = {"reader", "contributor", "editor", "owner"}
ACTORS = [
    "anonymous",
    "outsider",
    "grantee",  # the document alone was shared with them
    "reader",
    "contributor",
    "editor",
    "owner",
    "staff",
    "official",
    "superuser",
]

# Words found nowhere else, so that a page or a response "mentions" them or not.
SHEET_TITLE = "Quokkafiche confidentielle"
WORKSPACE_NAME = "Atelier Wombatcour"
DOC_TITLE = "Compte rendu public"
DOC_WORD = "ornithorynque"

# Visibility cases of matrix A: what the document is related to, and how visible it is.
CASES = {
    # A public document of a public workspace, filed under a members-only sheet.
    "members_only_sheet": {"workspace": "public", "sheet_public": False, "doc": "public"},
    # The control: everything public, everyone sees the sheet.
    "public_sheet": {"workspace": "public", "sheet_public": True, "doc": "public"},
    # A private workspace (its sheet flagged public, as sheets are by default); the document
    # is members-only and shared with one outsider.
    "private_workspace": {"workspace": "private", "sheet_public": True, "doc": "members"},
}


def sees_workspace(actor: str, case: str) -> bool:
    return CASES[case]["workspace"] == "public" or actor in MEMBERS | {"superuser"}


def sees_sheet(actor: str, case: str) -> bool:
    public = CASES[case]["sheet_public"] and CASES[case]["workspace"] == "public"
    return public or actor in MEMBERS | {"superuser"}


def sees_document(actor: str, case: str) -> bool:
    public = CASES[case]["doc"] == "public" and CASES[case]["workspace"] == "public"
    return public or actor in MEMBERS | {"grantee", "superuser"}


@pytest.fixture(autouse=True)
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


def drain() -> None:
    report = outbox_drain()
    assert not report.skipped_locked and not report.errors, report


def _actors(make_workspace, visibility: str):
    workspace, actors = make_workspace(visibility=visibility)
    type(workspace).objects.filter(pk=workspace.pk).update(name=WORKSPACE_NAME)
    workspace.refresh_from_db()
    actors["grantee"] = UserFactory()
    actors["superuser"] = UserFactory(is_superuser=True)
    return workspace, actors


@pytest.fixture
def world(make_workspace):
    """Matrix A's objects for one case, indexed."""

    def build(case: str):
        spec = CASES[case]
        workspace, actors = _actors(make_workspace, spec["workspace"])
        sheet = make_sheet(
            workspace,
            title=SHEET_TITLE,
            summary="Le résumé de la fiche.",
            is_public=spec["sheet_public"],
            stage="consultation",
            territory="strasbourg",
            themes=("mobilite",),
        )
        document = make_document(
            workspace,
            title=DOC_TITLE,
            description="Les notes de la réunion.",
            text=f"Le texte parle d'un {DOC_WORD}.",
            visibility=spec["doc"],
            sheet=sheet,
        )
        document_grant_view(actor=actors["owner"], document=document, user=actors["grantee"])
        drain()
        return workspace, actors, sheet, document

    return build


def web_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- matrix A: document → sheet and workspace ---


def relation_api_document_detail(actors, actor, case, workspace, sheet, document):
    response = client_for(actors[actor]).get(f"/api/v1/documents/{document.pk}/")
    if not sees_document(actor, case):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert body["sheet"] == (sheet.pk if sees_sheet(actor, case) else None)
    assert body["workspace"] == (workspace.slug if sees_workspace(actor, case) else None)
    assert (SHEET_TITLE in response.content.decode()) is False  # never the title in the API


def relation_api_document_list(actors, actor, case, workspace, sheet, document):
    response = client_for(actors[actor]).get(f"/api/v1/workspaces/{workspace.slug}/documents/")
    if not sees_workspace(actor, case):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    if not sees_document(actor, case):
        assert document.pk not in rows
        return
    assert rows[document.pk]["sheet"] == (sheet.pk if sees_sheet(actor, case) else None)


def relation_web_document_page(actors, actor, case, workspace, sheet, document):
    response = web_client(actors[actor]).get(f"/documents/{document.pk}/")
    if not sees_document(actor, case):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    shown = sees_sheet(actor, case)
    assert (SHEET_TITLE in html) is shown
    assert (f'href="{sheet.get_absolute_url()}"' in html) is shown
    assert (WORKSPACE_NAME in html) is sees_workspace(actor, case)


def relation_share_link_page(actors, actor, case, workspace, sheet, document):
    """Whoever holds a share link sees the document, and nothing it is related to."""
    _link, token = share_link_create(
        actor=actors["owner"],
        document=document,
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    response = web_client(actors[actor]).get(f"/documents/partage/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert DOC_TITLE in html
    assert SHEET_TITLE not in html and sheet.get_absolute_url() not in html
    assert WORKSPACE_NAME not in html and workspace.slug not in html


SHEET_FILTERS = [
    {"stage": "consultation"},
    {"territory": "strasbourg"},
    {"theme": "mobilite"},
    {"stage": "consultation", "territory": "strasbourg", "theme": "mobilite"},
]


def relation_search_filters(actors, actor, case, workspace, sheet, document):
    """A document matches its sheet's stage/territory/themes only for those who see the sheet."""
    user = actors[actor]
    key = ("document", document.pk)
    plain = search_query(user=user, q=DOC_WORD, type="document")
    assert ({(h.type, h.id) for h in plain.results} == {key}) is sees_document(actor, case)
    for filters in SHEET_FILTERS:
        page = search_query(user=user, q=DOC_WORD, type="document", **filters)
        expected = sees_document(actor, case) and sees_sheet(actor, case)
        assert ({(h.type, h.id) for h in page.results} == {key}) is expected, filters
        assert page.count == (1 if expected else 0), filters
        body = client_for(user).get("/api/v1/search/", {"q": DOC_WORD, **filters}).json()
        assert body["count"] == (1 if expected else 0), filters
    # A filter the sheet does not match never matches, whoever asks.
    assert search_query(user=user, q=DOC_WORD, stage="initiative").count == 0
    # The workspace filter names the workspace only to those who may see it.
    page = search_query(user=user, q=DOC_WORD, type="document", workspace=workspace.slug)
    assert page.count == int(sees_document(actor, case) and sees_workspace(actor, case))


def relation_search_result(actors, actor, case, workspace, sheet, document):
    """The document's result (title, url, snippet) never carries its sheet or workspace."""
    user = actors[actor]
    for page in (
        search_query(user=user, q=DOC_WORD),
        search_query(user=user, q="compte rendu"),
    ):
        for hit in page.results:
            if (hit.type, hit.id) != ("document", document.pk):
                continue
            text = f"{hit.title} {hit.url} {hit.snippet}"
            assert SHEET_TITLE not in text and WORKSPACE_NAME not in text
    web = web_client(user).get("/recherche/", {"q": DOC_WORD}).content.decode()
    assert (DOC_TITLE in web) is sees_document(actor, case)
    assert (SHEET_TITLE in web) is False


def relation_workspace_listings(actors, actor, case, workspace, sheet, document):
    """Home, workspace lists (page and API), profile, officials and the search page's workspace
    filter name a workspace only to those who may see it."""
    client = web_client(actors[actor])
    pages = ["/", "/espaces/", "/elus/", "/recherche/?q=rapport"]
    if actors[actor] is not None:
        pages.append("/comptes/profil/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if not sees_workspace(actor, case):
            assert WORKSPACE_NAME not in response.content.decode(), path
    listed = client.get("/espaces/").content.decode()
    assert (WORKSPACE_NAME in listed) is sees_workspace(actor, case)
    api = client_for(actors[actor]).get("/api/v1/workspaces/", {"page_size": 100}).json()
    slugs = {row["slug"] for row in api["results"]}
    assert (workspace.slug in slugs) is sees_workspace(actor, case)


DOCUMENT_RELATIONS = {
    "workspace_listings": relation_workspace_listings,
    "api_document_detail": relation_api_document_detail,
    "api_document_list": relation_api_document_list,
    "web_document_page": relation_web_document_page,
    "share_link_page": relation_share_link_page,
    "search_filters": relation_search_filters,
    "search_result": relation_search_result,
}


def for_every_actor(check, *args) -> None:
    """Run `check` for each actor, naming the actor in a failure."""
    for actor in ACTORS:
        try:
            check(actor, *args)
        except AssertionError as error:
            raise AssertionError(f"actor {actor!r}: {error}") from error


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("relation", list(DOCUMENT_RELATIONS))
def test_document_shows_no_sheet_or_workspace_to_who_may_not_see_them(world, relation, case):
    workspace, actors, sheet, document = world(case)
    for_every_actor(
        lambda actor: DOCUMENT_RELATIONS[relation](actors, actor, case, workspace, sheet, document)
    )


def test_api_document_written_by_a_member_still_names_its_sheet(make_workspace):
    """The write answers (upload, update) carry the request: a member sees the sheet there."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, title=SHEET_TITLE, is_public=False)
    client = client_for(actors["editor"])
    created = client.post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {
            "file": ContentFile(samples.pdf(), name="cr.pdf"),
            "visibility": "public",
            "sheet": sheet.pk,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert created.json()["sheet"] == sheet.pk
    updated = client.patch(
        f"/api/v1/documents/{created.json()['id']}/", {"title": "Nouveau titre"}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["sheet"] == sheet.pk
    # …and an anonymous reader of that public document does not.
    anonymous = client_for(None).get(f"/api/v1/documents/{created.json()['id']}/")
    assert anonymous.status_code == 200 and anonymous.json()["sheet"] is None


# --- matrix B: a visible sheet / workspace → what hangs off it ---

HIDDEN_DOC = "Procèsverbal interne"
DRAFT_INTENT = "Intention brouillonnée secrète"
FORMER_TITLE = "Ancienne fiche devenue privée"
LATER_DOC = "Calendrierchantier devenu interne"


@pytest.fixture
def sheet_world(make_workspace, django_capture_on_commit_callbacks, settings, tmp_path):
    """A public sheet of a public workspace with a members-only document (uploaded through the
    service, so its activity exists), a public document made members-only after it was indexed,
    an official's draft framing note, and a second sheet that was public when created and later
    became members-only."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    workspace, actors = _actors(make_workspace, "public")
    sheet = make_sheet(workspace, title="Fiche publique", summary="Résumé public du projet")
    with django_capture_on_commit_callbacks(execute=True):
        hidden = document_create(
            actor=actors["editor"],
            workspace=workspace,
            file=ContentFile(samples.pdf(), name="pv.pdf"),
            name="pv.pdf",
            title=HIDDEN_DOC,
            visibility="members",
            sheet=sheet,
        )
        later = document_create(
            actor=actors["editor"],
            workspace=workspace,
            file=ContentFile(samples.pdf(), name="note.pdf"),
            name="note.pdf",
            title=LATER_DOC,
            visibility="public",
            sheet=sheet,
        )
    draft = framing_note_create(
        actor=actors["official"],
        sheet=sheet,
        political_intent=DRAFT_INTENT,
        participation_level="consult",
        use_of_contributions="Lues et prises en compte.",
    )
    former = sheet_create(
        actor=actors["editor"], workspace=workspace, title=FORMER_TITLE, summary="Un résumé."
    )
    sheet_update(actor=actors["editor"], sheet=former, base_version=1, is_public=False)
    drain()  # the index holds `later` as public…
    document_update(actor=actors["editor"], document=later, visibility="members")  # …not now
    return workspace, actors, sheet, hidden, draft, former


def sees_members_only(actor: str) -> bool:
    return actor in MEMBERS | {"superuser"}


def relation_sheet_page(actors, actor, workspace, sheet, hidden, draft, former):
    html = web_client(actors[actor]).get(f"/fiches/{sheet.pk}/").content.decode()
    assert (HIDDEN_DOC in html) is sees_members_only(actor)  # documents list and timeline
    assert (LATER_DOC in html) is sees_members_only(actor)  # its upload is in the timeline
    if actor != "official":  # a draft: its author only
        assert DRAFT_INTENT not in html
    assert FORMER_TITLE not in html


def relation_sheet_history_api(actors, actor, workspace, sheet, hidden, draft, former):
    response = client_for(actors[actor]).get(f"/api/v1/sheets/{sheet.pk}/history/")
    assert response.status_code == 200
    text = response.content.decode()
    assert HIDDEN_DOC not in text and "pv.pdf" not in text and LATER_DOC not in text
    assert DRAFT_INTENT not in text
    verbs = {row["verb"] for row in response.json()["activity"]}
    assert not verbs & {"framing_note.drafted", "framing_note.updated", "document.uploaded"}
    former_history = client_for(actors[actor]).get(f"/api/v1/sheets/{former.pk}/history/")
    assert former_history.status_code == (200 if sees_members_only(actor) else 404)


def relation_framing_notes_api(actors, actor, workspace, sheet, hidden, draft, former):
    response = client_for(actors[actor]).get(f"/api/v1/sheets/{sheet.pk}/framing-notes/")
    assert response.status_code == 200
    assert (DRAFT_INTENT in response.content.decode()) is (actor == "official")
    detail = client_for(actors[actor]).get(f"/api/v1/sheets/{sheet.pk}/framing-notes/{draft.pk}/")
    assert detail.status_code == (200 if actor in {"official", "superuser"} else 404)


def relation_checklist(actors, actor, workspace, sheet, hidden, draft, former):
    """A members-only document is no 'public document' in the figures anybody reads."""
    response = client_for(actors[actor]).get(f"/api/v1/sheets/{sheet.pk}/checklist/")
    assert response.status_code == 200
    items = {item["code"]: item for stage in response.json() for item in stage["items"]}
    assert items["public_documents"]["satisfied"] is False


def relation_transitions(actors, actor, workspace, sheet, hidden, draft, former):
    client = client_for(actors[actor])
    assert client.get(f"/api/v1/sheets/{sheet.pk}/transitions/").status_code == 200
    expected = 200 if sees_members_only(actor) else 404
    assert client.get(f"/api/v1/sheets/{former.pk}/transitions/").status_code == expected
    assert client.get(f"/api/v1/sheets/{former.pk}/checklist/").status_code == expected


def relation_workspace_activity(actors, actor, workspace, sheet, hidden, draft, former):
    """The activity log keeps the titles of the time (target_repr): only members read it."""
    html = web_client(actors[actor]).get(f"/espaces/{workspace.slug}/").content.decode()
    assert (FORMER_TITLE in html) is (actor in MEMBERS)  # a superuser is no member
    assert (HIDDEN_DOC in html) is (actor in MEMBERS)
    assert (LATER_DOC in html) is (actor in MEMBERS)
    assert DRAFT_INTENT not in html


def relation_search_counts(actors, actor, workspace, sheet, hidden, draft, former):
    """Counts and results hold only what the searcher may see, filters or not."""
    user = actors[actor]
    for filters in ({}, {"workspace": workspace.slug}, {"stage": "initiative"}):
        page = search_query(user=user, q="fiche", **filters)
        hits = {(h.type, h.id) for h in page.results}
        assert (("sheet", former.pk) in hits) is sees_members_only(actor), filters
        assert page.count == len(hits), filters
        body = client_for(user).get("/api/v1/search/", {"q": "fiche", **filters}).json()
        assert body["count"] == page.count, filters
    intent = search_query(user=user, q="brouillonnée")
    assert intent.count == 0  # a draft is never indexed nor counted
    pv = search_query(user=user, q="procèsverbal")
    assert pv.count == int(sees_members_only(actor))
    later = search_query(user=user, q="calendrierchantier")  # the index still says public
    assert later.count == int(sees_members_only(actor))


def relation_board(actors, actor, workspace, sheet, hidden, draft, former):
    response = web_client(actors[actor]).get("/suivi/")
    if actor not in {"staff", "superuser"}:
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert (FORMER_TITLE in html) is (actor == "superuser")
    total = sum(response.context["counts"][i][2] for i in range(len(response.context["counts"])))
    visible = 2 if actor == "superuser" else 1
    assert total == visible


SHEET_RELATIONS = {
    "sheet_page": relation_sheet_page,
    "sheet_history_api": relation_sheet_history_api,
    "framing_notes_api": relation_framing_notes_api,
    "checklist": relation_checklist,
    "transitions": relation_transitions,
    "workspace_activity": relation_workspace_activity,
    "search_counts": relation_search_counts,
    "board": relation_board,
}


@pytest.mark.parametrize("relation", list(SHEET_RELATIONS))
def test_a_visible_sheet_shows_nothing_hidden_hanging_off_it(sheet_world, relation):
    workspace, actors, sheet, hidden, draft, former = sheet_world
    assert actors["staff"].platform_role == PlatformRole.STAFF
    for_every_actor(
        lambda actor: SHEET_RELATIONS[relation](
            actors, actor, workspace, sheet, hidden, draft, former
        )
    )


def test_the_document_selectors_answer_like_the_sheet_and_workspace_rules(world):
    """One permission path: the document's relations follow `can_view_sheet` and
    `can_view_workspace` for every actor and case (object check and the relation agree)."""
    from documents.selectors import document_sheet_for, document_workspace_for
    from projects.permissions import can_view_sheet
    from workspace.permissions import can_view_workspace

    for case in CASES:
        workspace, actors, sheet, document = world(case)
        document = Document.objects.select_related("sheet__workspace", "workspace").get(
            pk=document.pk
        )
        for actor in ACTORS:
            user = actors[actor]
            assert (document_sheet_for(user=user, document=document) is not None) is (
                can_view_sheet(user, sheet)
            )
            assert (document_workspace_for(user=user, document=document) is not None) is (
                can_view_workspace(user, workspace)
            )
            assert can_view_sheet(user, sheet) is sees_sheet(actor, case), (case, actor)
