"""The search index follows every change of what is visible (issue #9, item 10).

- What becomes visible is re-indexed through the outbox, written in the same transaction as the
  change (a private workspace made public becomes searchable once the indexer has run).
- What becomes invisible disappears at once, before the indexer runs: the search service
  intersects every hit with the database.
- The Whoosh query never drops an empty visibility filter (an empty allowed set is "nothing").
- Presigned S3 download URLs live for AWS_QUERYSTRING_EXPIRE seconds.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from haystack import connections
from haystack.inputs import AutoQuery
from haystack.query import SearchQuerySet

from documents.models import Document
from documents.services import document_grant_view, document_revoke_view, document_update
from projects.models import FramingNote, ProjectSheet, SheetVersion
from projects.services import sheet_update
from search.indexer import outbox_drain
from search.models import IndexOutbox
from search.outbox import index_enqueue_workspace
from search.services import _visibility_sq, search_query
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.search.factories import make_document, make_framing_note, make_sheet
from workspace.models import Membership, Workspace
from workspace.services import membership_remove, workspace_update

pytestmark = pytest.mark.django_db

WORD = "lavandière"
MEMBERS = ["reader", "contributor", "editor", "owner"]
NON_MEMBERS = ["anonymous", "outsider", "staff", "official"]


@pytest.fixture(autouse=True)
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


def drain() -> None:
    report = outbox_drain()
    assert not report.skipped_locked and not report.errors, report


def hits(user, **filters) -> set[tuple[str, int]]:
    page = search_query(user=user, q=WORD, **filters)
    found = {(h.type, h.id) for h in page.results}
    assert page.count == len(found)
    return found


def publicly_indexed(workspace) -> set[tuple[str, int]]:
    """What the engine itself holds as public for the workspace (before any database check)."""
    sqs = SearchQuerySet().filter(content=AutoQuery(WORD)).filter(public=True)
    sqs = sqs.filter(workspace_id=workspace.pk)
    return {(r.model_name, int(r.pk)) for r in sqs}


def content(workspace) -> dict[str, tuple[str, int]]:
    """A public sheet (consultation, Strasbourg, mobility) with a published framing note and a
    public document attached, plus a public document attached to nothing; all indexed."""
    sheet = make_sheet(
        workspace,
        title=f"Le {WORD} du quartier",
        summary="Un résumé.",
        stage="consultation",
        territory="strasbourg",
        themes=("mobilite",),
    )
    note = make_framing_note(sheet, intent=f"Le cadrage du {WORD}")
    attached = make_document(workspace, title=f"Plan du {WORD}", sheet=sheet)
    loose = make_document(workspace, title=f"Photo du {WORD}")
    # As a sheet created through the service would be, so that the services can edit it.
    type(sheet).objects.filter(pk=sheet.pk).update(
        created_by=workspace.memberships.filter(role="owner").first().user
    )
    sheet.refresh_from_db()
    drain()
    return {
        "sheet": ("sheet", sheet.pk),
        "note": ("framing_note", note.pk),
        "attached": ("document", attached.pk),
        "loose": ("document", loose.pk),
        "objects": (sheet, note, attached, loose),
    }


def keys(c) -> set[tuple[str, int]]:
    return {c["sheet"], c["note"], c["attached"], c["loose"]}


def make_public(workspace, owner, via: str) -> None:
    if via == "service":
        workspace_update(actor=owner, workspace=workspace, visibility="public")
    elif via == "api":
        response = client_for(owner).patch(
            f"/api/v1/workspaces/{workspace.slug}/", {"visibility": "public"}, format="json"
        )
        assert response.status_code == 200, response.content
    else:
        client = Client()
        client.force_login(owner)
        response = client.post(
            f"/espaces/{workspace.slug}/modifier/",
            {
                "name": workspace.name,
                "kind": workspace.kind,
                "visibility": "public",
                "territory": "",
                "description": workspace.description,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]


# --- workspace visibility ---


@pytest.mark.parametrize("via", ["service", "api", "web"])
def test_private_workspace_made_public_becomes_searchable(make_workspace, via):
    workspace, actors = make_workspace(visibility="private")
    c = content(workspace)
    assert hits(None) == set()
    make_public(workspace, actors["owner"], via)
    assert IndexOutbox.objects.exists()  # written with the change, drained by the worker
    drain()
    for actor in NON_MEMBERS:
        assert hits(actors[actor]) == keys(c), actor
    assert publicly_indexed(workspace) == {
        ("projectsheet", c["sheet"][1]),
        ("framingnote", c["note"][1]),
        ("document", c["attached"][1]),
        ("document", c["loose"][1]),
    }


def test_public_workspace_made_private_disappears_at_once_then_from_the_index(make_workspace):
    workspace, actors = make_workspace(visibility="public")
    c = content(workspace)
    assert hits(None) == keys(c)
    workspace_update(actor=actors["owner"], workspace=workspace, visibility="private")
    # Before the indexer runs: the database check already hides everything.
    for actor in NON_MEMBERS:
        assert hits(actors[actor]) == set(), actor
        assert hits(actors[actor], stage="consultation") == set(), actor
        body = client_for(actors[actor]).get("/api/v1/search/", {"q": WORD}).json()
        assert body["count"] == 0 and body["results"] == [], actor
    for actor in MEMBERS:
        assert hits(actors[actor]) == keys(c), actor
    drain()
    assert publicly_indexed(workspace) == set()
    for actor in MEMBERS:
        assert hits(actors[actor]) == keys(c), actor


def test_visibility_reindex_is_written_in_the_same_transaction(make_workspace):
    workspace, actors = make_workspace(visibility="private")
    content(workspace)
    with pytest.raises(RuntimeError), transaction.atomic():
        workspace_update(actor=actors["owner"], workspace=workspace, visibility="public")
        assert IndexOutbox.objects.exists()
        raise RuntimeError("the request fails after the update")
    assert not IndexOutbox.objects.exists()
    workspace.refresh_from_db()
    assert workspace.visibility == "private"


def test_a_stale_copy_of_the_workspace_still_reindexes(make_workspace):
    """The change is judged against the stored row, not the caller's (possibly stale) copy."""
    workspace, actors = make_workspace(visibility="private")
    c = content(workspace)
    stale = Workspace.objects.get(pk=workspace.pk)
    stale.visibility = "public"  # e.g. a form already wrote the new value on the instance
    workspace_update(actor=actors["owner"], workspace=stale, visibility="public")
    drain()
    assert hits(None) == keys(c)


def test_other_workspace_edits_do_not_reindex(make_workspace):
    workspace, actors = make_workspace(visibility="public")
    content(workspace)
    workspace_update(actor=actors["owner"], workspace=workspace, description="Autre texte")
    assert not IndexOutbox.objects.exists()


def _bulk_documents(workspace, n: int) -> None:
    Document.objects.bulk_create(
        Document(workspace=workspace, title=f"Doc {i}", visibility="public") for i in range(n)
    )


def test_reindexing_a_big_workspace_is_bulk(make_workspace):
    """GIVEN two private workspaces, one with 3 documents, one with 600
    WHEN each is made public
    THEN both cost about the same number of queries (rows enqueued in bulk, no object loaded), and
    every document of the big one is enqueued once."""
    warm_up, warm_up_actors = make_workspace(visibility="private")  # caches (content types)
    small, small_actors = make_workspace(visibility="private")
    big, big_actors = make_workspace(visibility="private")
    _bulk_documents(warm_up, 1)
    _bulk_documents(small, 3)
    _bulk_documents(big, 600)
    counts = {}
    for name, (workspace, actors) in {
        "warm_up": (warm_up, warm_up_actors),
        "small": (small, small_actors),
        "big": (big, big_actors),
    }.items():
        IndexOutbox.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            workspace_update(actor=actors["owner"], workspace=workspace, visibility="public")
        counts[name] = len(queries)
    # One INSERT per batch of rows (SQLite takes fewer rows per INSERT than PostgreSQL), far
    # from one query per object.
    assert counts["big"] - counts["small"] <= 600 // 100, counts
    enqueued = set(IndexOutbox.objects.values_list("object_id", flat=True))
    assert enqueued == {
        str(pk) for pk in Document.objects.filter(workspace=big).values_list("pk", flat=True)
    }


# --- sheets, documents, memberships, grants ---


def test_sheet_made_members_only_and_back(make_workspace):
    workspace, actors = make_workspace(visibility="public")
    c = content(workspace)
    sheet = c["objects"][0]
    editor = actors["editor"]
    sheet_update(actor=editor, sheet=sheet, base_version=1, is_public=False)
    # At once: the sheet and its note are gone, and the public documents no longer match
    # through the sheet's stage.
    assert hits(None) == {c["attached"], c["loose"]}
    assert hits(None, stage="consultation") == set()
    assert hits(actors["reader"], stage="consultation") == {c["sheet"], c["note"], c["attached"]}
    drain()
    assert hits(None) == {c["attached"], c["loose"]}
    sheet_update(actor=editor, sheet=sheet, base_version=2, is_public=True)
    drain()
    assert hits(None) == keys(c)
    assert hits(None, stage="consultation") == {c["sheet"], c["note"], c["attached"]}


def test_document_visibility_follows_at_once_and_after_the_indexer(make_workspace):
    workspace, actors = make_workspace(visibility="public")
    c = content(workspace)
    loose = c["objects"][3]
    document_update(actor=actors["editor"], document=loose, visibility="members")
    assert c["loose"] not in hits(None)
    drain()
    document_update(actor=actors["editor"], document=loose, visibility="public")
    assert c["loose"] not in hits(None)  # not yet indexed as public
    drain()
    assert c["loose"] in hits(None)


def test_attaching_and_detaching_a_document(make_workspace):
    workspace, actors = make_workspace(visibility="public")
    c = content(workspace)
    sheet, _note, attached, loose = c["objects"]
    document_update(actor=actors["editor"], document=attached, sheet=None)
    assert c["attached"] not in hits(None, stage="consultation")  # at once
    document_update(actor=actors["editor"], document=loose, sheet=sheet)
    drain()
    assert hits(None, stage="consultation", type="document") == {c["loose"]}
    assert hits(None, theme="mobilite", type="document") == {c["loose"]}


def test_membership_changes_apply_at_once(make_workspace):
    workspace, actors = make_workspace(visibility="private")
    c = content(workspace)
    newcomer = UserFactory()
    assert hits(newcomer) == set()
    membership = MembershipFactory(workspace=workspace, user=newcomer)
    assert hits(newcomer) == keys(c)  # no re-index needed: memberships are read per query
    membership_remove(actor=actors["owner"], membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    newcomer.refresh_from_db()
    assert hits(newcomer) == set()


def test_grants_apply_at_once(make_workspace):
    workspace, actors = make_workspace(visibility="private")
    c = content(workspace)
    guest = UserFactory()
    loose = c["objects"][3]
    document_grant_view(actor=actors["owner"], document=loose, user=guest)
    guest = type(guest).objects.get(pk=guest.pk)  # a new request: no permission cache
    assert hits(guest) == {c["loose"]}
    document_revoke_view(actor=actors["owner"], document=loose, user=guest)
    guest = type(guest).objects.get(pk=guest.pk)
    assert hits(guest) == set()


def test_workspace_removal_enqueues_every_entry(make_workspace):
    """The hook a workspace deletion calls in its transaction: every entry is removed."""
    workspace, _actors = make_workspace(visibility="public")
    content(workspace)
    other, _ = make_workspace(visibility="public")
    kept = make_document(other, title=f"Ailleurs, un {WORD}")
    drain()
    with transaction.atomic():
        index_enqueue_workspace(workspace, delete=True)
        # …then the rows go (what a workspace deletion cascades to).
        Document.objects.filter(workspace=workspace).delete()
        FramingNote.objects.filter(sheet__workspace=workspace).delete()
        ProjectSheet.objects.filter(workspace=workspace).update(current_version=None)
        SheetVersion.objects.filter(sheet__workspace=workspace).delete()
        ProjectSheet.objects.filter(workspace=workspace).delete()
    drain()
    assert hits(None) == {("document", kept.pk)}
    indexed = {(r.model_name, int(r.pk)) for r in SearchQuerySet().filter(content=AutoQuery(WORD))}
    assert indexed == {("document", kept.pk)}


# --- an empty visibility filter means "nothing" ---


@pytest.fixture
def only_private_content(make_workspace):
    """An index holding only private entries: the public filter admits no document."""
    workspace, actors = make_workspace(visibility="private")
    content(workspace)
    lonely = UserFactory()  # member of nothing, granted nothing
    elsewhere, _ = make_workspace(
        visibility="private"
    )  # member of a workspace with nothing indexed
    member_elsewhere = MembershipFactory(workspace=elsewhere).user
    return {"anonymous": None, "member of nothing": lonely, "no grants": member_elsewhere}


@pytest.mark.parametrize("who", ["anonymous", "member of nothing", "no grants"])
def test_engine_returns_no_candidate_through_an_empty_visibility_filter(only_private_content, who):
    backend = connections["default"].get_backend()
    if not hasattr(backend, "candidate_keys"):
        pytest.fail("the Whoosh backend lists candidate keys")
    user = only_private_content[who]
    query = SearchQuerySet().filter(content=AutoQuery(WORD)).query.build_query()
    visibility = SearchQuerySet().filter(_visibility_sq(user)).query.build_query()
    keys_found, capped = backend.candidate_keys(query, 100, filter_string=visibility)
    assert (keys_found, capped) == ([], False)
    # Without a filter the same query does find the private entries: the filter did the work.
    assert len(backend.candidate_keys(query, 100)[0]) == 4


@pytest.mark.parametrize("who", ["anonymous", "member of nothing", "no grants"])
def test_no_private_candidate_reaches_the_database_check(only_private_content, who, monkeypatch):
    """The database re-check is the last line, not the only one: it is never even asked about
    entries the index-side filter should have left out."""
    from search import search_indexes

    asked: list = []
    for cls in (
        search_indexes.ProjectSheetIndex,
        search_indexes.FramingNoteIndex,
        search_indexes.DocumentIndex,
    ):
        for name in ("visible_pks", "visible_rows"):  # the check alone, or with the rows
            original = getattr(cls, name)

            def spy(self, *, user, pks, filters=None, _original=original):
                pks = list(pks)
                asked.extend(pks)
                return _original(self, user=user, pks=pks, filters=filters)

            monkeypatch.setattr(cls, name, spy)
    page = search_query(user=only_private_content[who], q=WORD)
    assert (page.count, page.results, asked) == (0, [], [])


# --- presigned URL lifetime ---


@pytest.mark.s3
def test_presigned_download_lives_aws_querystring_expire_seconds(make_workspace, s3_endpoint):
    import boto3

    from tests.documents import samples

    bucket = "fabrique-expire"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=bucket)
    base = {
        "bucket_name": bucket,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "signature_version": "s3v4",
        "addressing_style": "path",
        "querystring_auth": True,
        "file_overwrite": False,
        "default_acl": None,
    }
    from django.conf import settings
    from django.test import override_settings

    workspace, actors = make_workspace()
    try:
        for options, setting in (
            ({**base, "querystring_expire": 42}, 300),  # as config/settings/base.py passes it
            (base, 77),  # django-storages' own reading of the setting
        ):
            storages = {
                **settings.STORAGES,
                "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            }
            expected = options.get("querystring_expire", setting)
            with override_settings(STORAGES=storages, AWS_QUERYSTRING_EXPIRE=setting):
                response = client_for(actors["editor"]).post(
                    f"/api/v1/workspaces/{workspace.slug}/documents/",
                    {"file": ContentFile(samples.pdf(), name="plan.pdf"), "visibility": "public"},
                    format="multipart",
                )
                assert response.status_code == 201, response.content
                document_id = response.json()["id"]
                for path in (
                    f"/api/v1/documents/{document_id}/download/",
                    f"/documents/{document_id}/telecharger/",
                ):
                    download = Client().get(path)
                    assert download.status_code == 302, path
                    assert f"X-Amz-Expires={expected}&" in download["Location"] + "&", (
                        path,
                        download["Location"],
                    )
    finally:
        for obj in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=obj["Key"])
        client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
