"""The workspace documents page (/documents/espace/<slug>/): name search, type and visibility
filters, sort order and pagination, read from the rendered HTML as a visitor would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import Document
from documents.services import document_trash
from documents.views import PAGE_SIZE

from . import samples
from .conftest import web_client

pytestmark = pytest.mark.django_db

DETAIL_LINK = re.compile(r'href="/documents/(\d+)/"')


def listed(user, workspace, **params) -> list[str]:
    """Titles of the documents the page lists, in page order."""
    response = web_client(user).get(f"/documents/espace/{workspace.slug}/", params)
    assert response.status_code == 200
    html = response.content.decode()
    pks = [int(pk) for pk in DETAIL_LINK.findall(html)]
    titles = dict(Document.objects.filter(pk__in=pks).values_list("pk", "title"))
    for title in titles.values():
        assert title in html
    return [titles[pk] for pk in pks]


# title → (file name, content, visibility); listed from oldest to most recently updated.
LIBRARY = {
    "Plan vélo Neudorf": ("plan-velo.pdf", samples.pdf("Plan"), "public"),
    "Comptage vélos": ("comptage-jura-2026.csv", b"date,velos\n2026-01-01,12\n", "members"),
    "Notes atelier": ("notes.txt", b"atelier " * 1000, "members"),
    "Affiche fête": ("affiche.png", samples.png(), "public"),
    "Budget annexe": ("budget.docx", samples.docx("Budget"), "public"),
}
OLDEST_FIRST = list(LIBRARY)


@pytest.fixture
def library(make_workspace, make_document):
    workspace, actors = make_workspace()
    base = timezone.now() - timedelta(days=1)
    documents = {}
    for minutes, (title, (name, content, visibility)) in enumerate(LIBRARY.items()):
        document = make_document(
            workspace, actors["owner"], name=name, content=content, visibility=visibility
        )
        Document.objects.filter(pk=document.pk).update(
            title=title, updated=base + timedelta(minutes=minutes)
        )
        documents[title] = document
    return workspace, actors, documents


def test_member_sees_every_document_most_recent_first(library):
    workspace, actors, _ = library
    assert listed(actors["reader"], workspace) == OLDEST_FIRST[::-1]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("vélo", {"Plan vélo Neudorf", "Comptage vélos"}),
        ("PLAN", {"Plan vélo Neudorf"}),  # any case
        ("jura-2026", {"Comptage vélos"}),  # the file name counts too
        ("atelier", {"Notes atelier"}),
        ("zeppelin", set()),
    ],
)
def test_name_search(library, q, expected):
    workspace, actors, _ = library
    assert set(listed(actors["reader"], workspace, q=q)) == expected


def test_name_search_without_match_says_so_and_keeps_the_query(library):
    workspace, actors, _ = library
    html = (
        web_client(actors["reader"])
        .get(f"/documents/espace/{workspace.slug}/", {"q": "zeppelin"})
        .content.decode()
    )
    assert "Aucun document ne correspond." in html
    assert 'value="zeppelin"' in html


@pytest.mark.parametrize(
    ("mime_type", "expected"),
    [
        ("application/pdf", ["Plan vélo Neudorf"]),
        ("text/csv", ["Comptage vélos"]),
        ("text/plain", ["Notes atelier"]),
        ("image/png", ["Affiche fête"]),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ["Budget annexe"],
        ),
        ("image/jpeg", []),
    ],
)
def test_type_filter(library, mime_type, expected):
    workspace, actors, _ = library
    assert listed(actors["reader"], workspace, type=mime_type) == expected


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("members", ["Notes atelier", "Comptage vélos"]),
        ("public", ["Budget annexe", "Affiche fête", "Plan vélo Neudorf"]),
    ],
)
def test_visibility_filter(library, visibility, expected):
    workspace, actors, _ = library
    assert listed(actors["reader"], workspace, visibility=visibility) == expected


def test_filters_combine(library):
    workspace, actors, _ = library
    assert listed(actors["reader"], workspace, q="vélo", visibility="public") == [
        "Plan vélo Neudorf"
    ]
    assert listed(actors["reader"], workspace, q="vélo", type="application/pdf") == [
        "Plan vélo Neudorf"
    ]
    assert listed(actors["reader"], workspace, q="vélo", type="image/png") == []


def test_sort_orders(library):
    workspace, actors, documents = library
    reader = actors["reader"]
    assert listed(reader, workspace, sort="recent") == OLDEST_FIRST[::-1]
    assert listed(reader, workspace, sort="oldest") == OLDEST_FIRST
    assert listed(reader, workspace, sort="title") == sorted(LIBRARY)
    assert listed(reader, workspace, sort="-title") == sorted(LIBRARY, reverse=True)
    sizes = {title: d.current_revision.size for title, d in documents.items()}
    assert len(set(sizes.values())) == len(sizes)  # distinct, so the order is unambiguous
    by_size = listed(reader, workspace, sort="size")
    assert by_size == sorted(LIBRARY, key=sizes.get, reverse=True)
    assert by_size[0] == "Notes atelier"  # 8000 bytes: by far the largest


def test_sort_applies_after_filtering(library):
    workspace, actors, _ = library
    assert listed(actors["reader"], workspace, visibility="public", sort="title") == [
        "Affiche fête",
        "Budget annexe",
        "Plan vélo Neudorf",
    ]


def test_trashed_documents_are_not_listed(library):
    workspace, actors, documents = library
    document_trash(actor=actors["editor"], document=documents["Plan vélo Neudorf"])
    titles = listed(actors["owner"], workspace)
    assert "Plan vélo Neudorf" not in titles and len(titles) == len(LIBRARY) - 1
    assert listed(actors["owner"], workspace, q="Plan") == []


def test_pagination(make_workspace, make_document):
    workspace, actors = make_workspace()
    total = PAGE_SIZE + 3
    base = timezone.now() - timedelta(days=1)
    for i in range(total):
        document = make_document(
            workspace, actors["owner"], name=f"doc-{i:02d}.txt", content=f"n{i}".encode()
        )
        Document.objects.filter(pk=document.pk).update(
            title=f"Document {i:02d}", updated=base + timedelta(minutes=i)
        )
    reader = actors["reader"]
    first = listed(reader, workspace)
    second = listed(reader, workspace, page=2)
    assert len(first) == PAGE_SIZE and len(second) == 3
    assert first == [f"Document {i:02d}" for i in range(total - 1, 2, -1)]
    assert second == ["Document 02", "Document 01", "Document 00"]
    # Past the end: the last page, not an error.
    assert listed(reader, workspace, page=99) == second

    # Pages follow the filters and the sort, and the links keep them.
    by_title = listed(reader, workspace, sort="title", page=2)
    assert by_title == [f"Document {i:02d}" for i in range(PAGE_SIZE, total)]
    html = (
        web_client(reader)
        .get(f"/documents/espace/{workspace.slug}/", {"q": "Document", "sort": "title"})
        .content.decode()
    )
    assert "q=Document&amp;sort=title&amp;page=2" in html
    assert listed(reader, workspace, q="Document 1") == [f"Document {i}" for i in range(19, 9, -1)]


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "staff"])
def test_non_member_of_public_workspace_sees_only_public_documents(library, actor):
    workspace, actors, _ = library
    public = ["Budget annexe", "Affiche fête", "Plan vélo Neudorf"]
    user = actors[actor]
    assert listed(user, workspace) == public
    # No filter reveals a members-only document, not even by its name or its type.
    assert listed(user, workspace, visibility="members") == []
    assert listed(user, workspace, q="Comptage") == []
    assert listed(user, workspace, q="jura-2026") == []
    assert listed(user, workspace, type="text/csv") == []
    assert listed(user, workspace, sort="size") == [
        t for t in listed(actors["reader"], workspace, sort="size") if t in public
    ]
    html = web_client(user).get(f"/documents/espace/{workspace.slug}/").content.decode()
    assert "Comptage" not in html and "Notes atelier" not in html
    assert "comptage-jura-2026.csv" not in html


@pytest.mark.parametrize("actor", ["anonymous", "outsider"])
def test_non_member_of_private_workspace_sees_no_page(make_workspace, make_document, actor):
    workspace, actors = make_workspace(visibility="private")
    make_document(workspace, actors["owner"], name="public.pdf", visibility="public")
    response = web_client(actors[actor]).get(f"/documents/espace/{workspace.slug}/")
    assert response.status_code == 404
