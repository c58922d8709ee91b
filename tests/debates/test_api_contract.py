"""The debates part of the API contract (../shared/API.md): paths, verbs, statuses and the
fields it names; and hostile input answered 400 with nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from debates.models import Comment, Debate
from debates.services import comment_create, comment_delete, debate_close
from projects.models import Stage
from territories.models import Territory, Theme

from ..conftest import client_for
from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member
from .factories import comment, debate, seasoned

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "id",
    "title",
    "state",
    "sheet",
    "workspace",
    "territory",
    "themes",
    "comments_count",
    "opened",
    "closes",
}
COMMENT_FIELDS = {
    "id",
    "author",
    "body",
    "stance",
    "parent",
    "created",
    "edited",
    "state",
    "moderation",
}


def test_list_fields_and_filters():
    commune = Territory.objects.filter(kind="commune").order_by("pk").first()
    theme = Theme.objects.order_by("pk").first()
    workspace = WorkspaceFactory()
    sheet = SheetFactory(workspace=workspace, territory=commune, themes=[theme])
    on_sheet = debate(sheet=sheet)
    in_workspace = debate(workspace=workspace)
    about_theme = debate()
    closed = debate(territory=commune)
    debate_close(actor=closed.author, debate=closed, synthesis="Retenu : " + "ceci " * 12)
    comment(on_sheet)
    client = client_for(None)
    results = client.get("/api/v1/debates/").json()["results"]
    assert set(results[0]) >= LIST_FIELDS
    row = next(r for r in results if r["id"] == on_sheet.pk)
    assert (row["sheet"], row["workspace"], row["territory"], row["themes"]) == (
        sheet.pk,
        workspace.slug,
        commune.slug,
        [theme.slug],
    )
    assert row["comments_count"] == 1 and row["state"] == "open"

    def ids(query):
        return {r["id"] for r in client.get(f"/api/v1/debates/?{query}").json()["results"]}

    assert ids(f"sheet={sheet.pk}") == {on_sheet.pk}
    assert ids(f"workspace={workspace.slug}") == {on_sheet.pk, in_workspace.pk}
    assert ids(f"territory={commune.slug}") == {on_sheet.pk, closed.pk}
    assert about_theme.pk in ids(f"theme={theme.slug}")
    assert ids("state=closed") == {closed.pk}
    assert client.get("/api/v1/debates/?state=nope").status_code == 400
    assert client.get("/api/v1/debates/?sheet=abc").status_code == 400


def test_create_on_a_sheet_in_a_workspace_or_about_a_theme():
    workspace = WorkspaceFactory()
    sheet = SheetFactory(workspace=workspace)
    user = UserFactory()
    client = client_for(user)
    created = client.post(
        "/api/v1/debates/", {"title": "Et le stationnement ?", "sheet": sheet.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "open" and created.json()["workspace"] == workspace.slug
    theme = Theme.objects.order_by("pk").first()
    assert (
        client.post(
            "/api/v1/debates/", {"title": "Thème", "themes": [theme.slug]}, format="json"
        ).status_code
        == 201
    )
    assert (
        client_for(None).post("/api/v1/debates/", {"title": "x"}, format="json").status_code == 401
    )


def test_create_refusals_write_nothing():
    user = UserFactory()
    client = client_for(user)
    private = WorkspaceFactory(visibility="private")
    hidden_sheet = SheetFactory(workspace=private)
    archived = SheetFactory(stage=Stage.ARCHIVED)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    bad = [
        ({"title": "Nulle part"}, 400),  # attached to nothing
        ({"title": "", "themes": ["mobilite"]}, 400),
        ({"title": "x" * 201, "themes": ["mobilite"]}, 400),
        ({"title": "Passé", "themes": ["mobilite"], "closes": yesterday}, 400),
        ({"title": "Fiche cachée", "sheet": hidden_sheet.pk}, 400),
        ({"title": "Fiche inconnue", "sheet": 10**9}, 400),
        ({"title": "Espace privé", "workspace": private.slug}, 400),
        ({"title": "Archivé", "sheet": archived.pk}, 409),
        ({"title": {"nested": ["x"]}, "themes": ["mobilite"]}, 400),
        ({"title": "Thème inconnu", "themes": ["nulle-part"]}, 400),
        ({"title": "Corps énorme", "themes": ["mobilite"], "body": "x" * 20_001}, 400),
    ]
    for body, status in bad:
        response = client.post("/api/v1/debates/", body, format="json")
        assert response.status_code == status, (body, response.content)
    assert not Debate.objects.exists()
    # The hidden sheet and the unknown one get the same answer: nothing tells one exists.
    a = client.post("/api/v1/debates/", {"title": "a", "sheet": hidden_sheet.pk}, format="json")
    b = client.post("/api/v1/debates/", {"title": "a", "sheet": 10**9}, format="json")
    assert a.json() == b.json()


def test_private_workspace_debates_are_for_members_only():
    private = WorkspaceFactory(visibility="private")
    insider = member(private)
    response = client_for(insider).post(
        "/api/v1/debates/", {"title": "Entre nous", "workspace": private.slug}, format="json"
    )
    assert response.status_code == 201 and response.json()["private"] is True
    pk = response.json()["id"]
    assert client_for(UserFactory()).get(f"/api/v1/debates/{pk}/").status_code == 404
    assert client_for(None).get(f"/api/v1/debates/{pk}/comments/").status_code == 404


def test_close_needs_a_synthesis_of_fifty_characters():
    d = debate()
    client = client_for(d.author)
    short = client.post(f"/api/v1/debates/{d.pk}/close/", {"synthesis": "Trop court."})
    assert short.status_code == 400 and "synthesis" in short.json()
    assert client.get(f"/api/v1/debates/{d.pk}/").json()["synthesis"] is None
    text = "Nous retenons la piste cyclable côté pair et un abri vélo."
    assert client.post(f"/api/v1/debates/{d.pk}/close/", {"synthesis": text}).status_code == 200
    detail = client.get(f"/api/v1/debates/{d.pk}/").json()
    assert (detail["state"], detail["synthesis"]) == ("closed", text)
    refused = client_for(seasoned()).post(
        f"/api/v1/debates/{d.pk}/comments/", {"body": "Trop tard"}, format="json"
    )
    assert refused.status_code == 409


def test_comments_after_the_closing_day_are_refused():
    d = debate(closes_on=timezone.localdate())
    Debate.objects.filter(pk=d.pk).update(closes_on=timezone.localdate() - datetime.timedelta(1))
    response = client_for(seasoned()).post(
        f"/api/v1/debates/{d.pk}/comments/", {"body": "Hier"}, format="json"
    )
    assert response.status_code == 409


def test_comment_fields_threads_depth_edit_and_delete():
    d = debate()
    author = seasoned()
    client = client_for(author)
    first = client.post(
        f"/api/v1/debates/{d.pk}/comments/", {"body": "Pour.", "stance": "for"}, format="json"
    )
    assert first.status_code == 201 and set(first.json()) >= COMMENT_FIELDS
    first_id = first.json()["id"]
    reply = client_for(seasoned()).post(
        f"/api/v1/debates/{d.pk}/comments/",
        {"body": "Pourquoi ?", "parent": first_id},
        format="json",
    )
    assert reply.status_code == 201
    deeper = client.post(
        f"/api/v1/debates/{d.pk}/comments/",
        {"body": "Parce que.", "parent": reply.json()["id"]},
        format="json",
    )
    assert deeper.status_code == 400
    other = debate()
    foreign = comment(other)
    assert (
        client.post(
            f"/api/v1/debates/{d.pk}/comments/", {"body": "x", "parent": foreign.pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/v1/debates/{d.pk}/comments/", {"body": "x", "stance": "peut-être"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/v1/debates/{d.pk}/comments/", {"body": "x" * 5001}, format="json"
        ).status_code
        == 400
    )
    edited = client.patch(f"/api/v1/comments/{first_id}/", {"body": "Pour, finalement."})
    assert edited.status_code == 200 and edited.json()["edited"] is not None
    assert (
        client_for(seasoned())
        .patch(f"/api/v1/comments/{first_id}/", {"body": "Piraté"})
        .status_code
        == 403
    )
    stances = client.get(f"/api/v1/debates/{d.pk}/").json()["stances"]
    assert stances == {"for": 1, "against": 0, "nuanced": 0}
    assert client.delete(f"/api/v1/comments/{first_id}/").status_code == 204
    listed = client.get(f"/api/v1/debates/{d.pk}/comments/").json()["results"]
    placeholder = next(c for c in listed if c["id"] == first_id)
    assert (placeholder["state"], placeholder["body"], placeholder["author"]) == (
        "deleted",
        None,
        None,
    )
    assert [c["parent"] for c in listed] == [None, first_id]  # thread order
    lonely = comment_create(actor=author, debate=d, body="Seul.")
    comment_delete(actor=author, comment=lonely)
    listed = client.get(f"/api/v1/debates/{d.pk}/comments/").json()["results"]
    assert lonely.pk not in [c["id"] for c in listed]
    assert Comment.objects.get(pk=lonely.pk).body == ""  # the text is erased, not kept


def test_officials_and_staff_wear_a_badge():
    d = debate()
    official = UserFactory(platform_role="official")
    staff = UserFactory(platform_role="staff")
    comment(d, author=official)
    comment(d, author=staff)
    comment(d, author=UserFactory())
    listed = client_for(None).get(f"/api/v1/debates/{d.pk}/comments/").json()["results"]
    assert [c["author"]["badge"] for c in listed] == ["official", "staff", None]
