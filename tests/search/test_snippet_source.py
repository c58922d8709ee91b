"""A document's snippet is cut from the head of its extracted text, and a sheet's from the head
of its body, which is all a search page loads of them (search.analysis.SNIPPET_SOURCE_CHARS):
the same snippet as from the whole text, wherever the first match lies, for a PDF's plain text,
a Markdown file and a sheet's Markdown body."""

import pytest

from documents.models import DocumentRevision
from search.analysis import SNIPPET_SCAN_CHARS, SNIPPET_SOURCE_CHARS, highlight
from search.search_indexes import DocumentIndex, ProjectSheetIndex
from search.services import search_query

from .factories import make_document, make_sheet

pytestmark = pytest.mark.django_db

FILLER = "Le conseil de quartier a examiné le budget de la ville. "
# Where the word searched for first appears: near the start, just before and after the end of
# the scanned head, past what a page loads, and nowhere.
POSITIONS = [0, 300, SNIPPET_SCAN_CHARS - 20, SNIPPET_SCAN_CHARS + 5, 40_000, None]


def _text(position: int | None, size: int = 60_000, words: str = "Des arceaux à vélos") -> str:
    text = FILLER * (size // len(FILLER) + 1)
    if position is not None:
        cut = text.rfind(" ", 0, position) + 1
        text = text[:cut] + words + " **sur la place**. " + text[cut:]
    return text[:size]


def _snippets_are_those_of_the_whole_text(index, type_name: str, queries, whole_text) -> None:
    """Each hit's snippet, from the head its row loaded, against the snippet of the whole text
    (the row as the indexer reads it: `whole_text(row)` is the full text, 60,000 characters)."""
    for query in queries:
        page = search_query(user=None, q=query, type=type_name)
        assert page.count == (len(POSITIONS) if query != "velo" else len(POSITIONS) - 1)
        for hit in page.results:
            whole = index.index_queryset().get(pk=hit.id)
            assert len(whole_text(whole)) == 60_000
            assert hit.snippet == highlight(index.snippet_text(whole, query), query), hit.title


@pytest.mark.parametrize("mime_type", ["application/pdf", "text/markdown"])
def test_a_long_document_s_snippet_comes_from_the_head_it_loads(make_workspace, drain, mime_type):
    workspace, _ = make_workspace()
    documents = []
    for position in POSITIONS:
        document = make_document(
            workspace,
            title=f"Compte rendu {position}",
            description="Réunion publique",
            text=_text(position),
        )
        DocumentRevision.objects.filter(pk=document.current_revision_id).update(mime_type=mime_type)
        documents.append(document)
    drain()
    index = DocumentIndex()
    _snippets_are_those_of_the_whole_text(
        index,
        "document",
        ("velo", "budget", "reunion"),
        lambda d: d.current_revision.extracted_text,
    )
    # What the page's rows hold: the text's head, never the rest.
    rows = index.load_for_results([d.pk for d in documents])
    assert {len(row.snippet_source) for row in rows.values()} == {SNIPPET_SOURCE_CHARS}
    assert all(
        "extracted_text" in row.current_revision.get_deferred_fields() for row in rows.values()
    )


def test_the_head_is_where_the_snippet_reads_past_the_scan(make_workspace, drain):
    """A match at the end of the scanned head: its window reaches past it and is still whole."""
    workspace, _ = make_workspace()
    text = _text(SNIPPET_SCAN_CHARS - 10, words="vélos")
    assert SNIPPET_SCAN_CHARS - 20 < text.index("vélos") < SNIPPET_SCAN_CHARS - 5
    make_document(workspace, title="Compte rendu", text=text)
    drain()
    (hit,) = search_query(user=None, q="velo").results
    assert "<mark>vélos</mark> **sur la place**." in hit.snippet
    shown = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert text[SNIPPET_SCAN_CHARS : SNIPPET_SCAN_CHARS + 150] in shown
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")


def test_a_long_sheet_body_s_snippet_comes_from_the_head_it_loads(make_workspace, drain):
    workspace, _ = make_workspace()
    sheets = [
        make_sheet(workspace, title=f"Fiche {position}", summary="Un projet.", body=_text(position))
        for position in POSITIONS
    ]
    drain()
    index = ProjectSheetIndex()
    _snippets_are_those_of_the_whole_text(
        index, "sheet", ("velo", "budget", "projet"), lambda s: s.current_version.body
    )
    rows = index.load_for_results([sheet.pk for sheet in sheets])
    assert {len(row.snippet_body) for row in rows.values()} == {SNIPPET_SOURCE_CHARS}
    assert all("body" in row.current_version.get_deferred_fields() for row in rows.values())
