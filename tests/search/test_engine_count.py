"""The engine counts, the database decides what is shown (issue 12, item 2).

With our embedded engines the search service asks the engine for the page's keys and the
number of hits (visibility applied as indexed terms), and re-checks in the database every hit
up to the end of the page shown plus every entry awaiting the indexer. These tests hold it to
that: entries changed through the services but not yet re-indexed are neither shown nor
counted, wherever they rank; a page is exact; the database is asked about the page, not about
a thousand candidates; and the service falls back to re-checking every candidate when the
engine's count could say more than the database (filters copied from a sheet, a long outbox).
"""

import pytest

import search.services
from search.models import IndexOutbox
from search.services import search_query
from workspace.services import workspace_update

from .factories import document_set, make_document, make_framing_note, make_sheet, sheet_set

pytestmark = pytest.mark.django_db

WORD = "tilleul"


@pytest.fixture(autouse=True)
def engine_counts():
    from haystack import connections

    if not hasattr(connections["default"].get_backend(), "ranked_keys"):
        pytest.skip("an engine that counts for the search service (tantivy, Whoosh)")


@pytest.fixture
def asked(monkeypatch):
    """Every primary key the database re-check is asked about."""
    from search import search_indexes

    seen: list = []
    for cls in (
        search_indexes.ProjectSheetIndex,
        search_indexes.FramingNoteIndex,
        search_indexes.DocumentIndex,
    ):
        for name in ("visible_pks", "visible_rows"):  # the check alone, or with the rows
            original = getattr(cls, name)

            def spy(self, *, user, pks, filters=None, _original=original):
                pks = list(pks)
                seen.extend(pks)
                return _original(self, user=user, pks=pks, filters=filters)

            monkeypatch.setattr(cls, name, spy)
    return seen


def all_pages(user, per_page: int, **kwargs) -> tuple[list[tuple[str, int]], list[int]]:
    """The hits of every page in order, and the count each page gave."""
    hits, counts, page = [], [], 1
    while True:
        result = search_query(user=user, q=WORD, page=page, per_page=per_page, **kwargs)
        counts.append(result.count)
        hits += [(h.type, h.id) for h in result.results]
        if not result.has_next:
            return hits, counts
        page += 1


def test_the_database_is_asked_about_the_page_not_every_candidate(make_workspace, drain, asked):
    workspace, _ = make_workspace()
    for i in range(30):
        make_sheet(workspace, title=f"Le {WORD} {i}")
    drain()
    page = search_query(user=None, q=WORD)
    assert (page.count, len(page.results)) == (30, 20)
    assert len(asked) == 20
    asked.clear()
    second = search_query(user=None, q=WORD, page=2)
    assert (second.count, len(second.results)) == (30, 10)
    # Everything up to the end of the page shown: the page's place is the database's word.
    assert len(asked) == 30
    assert {h.id for h in page.results}.isdisjoint({h.id for h in second.results})


@pytest.mark.parametrize("who", ["anonymous", "outsider", "reader"])
def test_entries_awaiting_the_indexer_are_neither_shown_nor_counted_on_any_page(
    make_workspace, drain, who
):
    """A sheet made members-only (its framing note with it; the attached public document stays
    public) and a document made members-only, not yet re-indexed: whatever their rank, the
    count and every page leave them out for non-members — members still see them."""
    workspace, actors = make_workspace()
    visible = [make_sheet(workspace, title=f"Le {WORD} {i}") for i in range(5)]
    hidden_sheet = make_sheet(workspace, title=f"Un {WORD} privé")
    note = make_framing_note(hidden_sheet, intent=f"Le cadrage du {WORD}")
    attached = make_document(workspace, title=f"Plan du {WORD}", sheet=hidden_sheet)
    loose = make_document(workspace, title=f"Photo du {WORD}")
    drain()
    sheet_set(hidden_sheet, is_public=False)
    document_set(loose, visibility="members")
    assert IndexOutbox.objects.exists()  # not drained: the index still says "public"
    user = actors[who]
    hits, counts = all_pages(user, per_page=2)
    expected = {("sheet", s.pk) for s in visible} | {("document", attached.pk)}
    if who == "reader":
        expected |= {("sheet", hidden_sheet.pk), ("framing_note", note.pk), ("document", loose.pk)}
    assert len(hits) == len(set(hits)) and set(hits) == expected
    assert set(counts) == {len(expected)}


def test_a_workspace_made_private_is_not_counted_before_the_indexer_runs(make_workspace, drain):
    """The outbox names the workspace's sheets: their framing notes and attached documents,
    which the indexer refreshes with them, are suspects too."""
    workspace, actors = make_workspace()
    other, _ = make_workspace()
    for i in range(3):
        sheet = make_sheet(workspace, title=f"Le {WORD} {i}")
        make_framing_note(sheet, intent=f"Le cadrage du {WORD} {i}")
        make_document(workspace, title=f"Plan du {WORD} {i}", sheet=sheet)
        # Ranked first (the word twice): the first page never reaches the private entries.
        make_sheet(other, title=f"{WORD} {WORD} {WORD} {i}", summary=f"{WORD} {WORD}")
    drain()
    assert search_query(user=None, q=WORD).count == 12
    workspace_update(actor=actors["owner"], workspace=workspace, visibility="private")
    assert IndexOutbox.objects.exists()
    page = search_query(user=None, q=WORD, per_page=1)
    assert (page.count, [h.type for h in page.results]) == (3, ["sheet"])
    assert search_query(user=actors["reader"], q=WORD, per_page=1).count == 12


def test_rows_changed_behind_the_services_are_never_shown_and_a_last_page_counts_exactly(
    make_workspace, drain
):
    """A raw UPDATE leaves no outbox row: the index keeps the entry public. The page re-check
    still hides it, pages stay in order without gaps or repeats, and a page that reaches the
    last hit has checked them all, so its count is the database's."""
    workspace, _ = make_workspace()
    sheets = [make_sheet(workspace, title=f"Le {WORD} {i}") for i in range(6)]
    drain()
    hidden = sheets[1:3]
    type(sheets[0]).objects.filter(pk__in=[s.pk for s in hidden]).update(is_public=False)
    assert not IndexOutbox.objects.exists()
    hits, counts = all_pages(None, per_page=2)
    assert len(hits) == len(set(hits))
    assert set(hits) == {("sheet", s.pk) for s in sheets if s not in hidden}
    assert search_query(user=None, q=WORD, per_page=20).count == 4


def test_filters_copied_from_a_sheet_fall_back_to_checking_every_candidate(
    make_workspace, drain, asked
):
    """A public document copies the stage of its members-only sheet into the index: counting
    by the engine would tell that stage. With a stage filter every candidate is re-checked."""
    workspace, _ = make_workspace()
    secret = make_sheet(workspace, title="Brouillon", is_public=False, stage="consultation")
    for i in range(3):
        make_document(workspace, title=f"Plan du {WORD} {i}", sheet=secret)
    drain()
    page = search_query(user=None, q=WORD, stage="consultation", per_page=1)
    assert (page.count, page.results) == (0, [])
    assert len(asked) == 3  # every candidate, not the page's one


def test_a_long_outbox_falls_back_to_checking_every_candidate(
    make_workspace, drain, asked, monkeypatch
):
    workspace, _ = make_workspace()
    sheets = [make_sheet(workspace, title=f"Le {WORD} {i}") for i in range(4)]
    drain()
    sheet_set(sheets[0], is_public=False)
    sheet_set(sheets[1], is_public=False)
    monkeypatch.setattr(search.services, "STALE_LIMIT", 1)
    page = search_query(user=None, q=WORD, per_page=1)
    assert (page.count, len(page.results)) == (2, 1)
    assert len(asked) == 4


def test_past_the_cap_the_count_stops_and_no_page_is_served(make_workspace, drain, monkeypatch):
    workspace, _ = make_workspace()
    for i in range(5):
        make_sheet(workspace, title=f"Le {WORD} {i}")
    drain()
    monkeypatch.setattr(search.services, "MAX_CANDIDATES", 3)
    first = search_query(user=None, q=WORD, per_page=2)
    assert (first.count, first.capped, first.num_pages, len(first.results)) == (3, True, 2, 2)
    second = search_query(user=None, q=WORD, page=2, per_page=2)
    assert len(second.results) == 1
    assert search_query(user=None, q=WORD, page=3, per_page=2).results == []
