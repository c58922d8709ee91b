"""What each search result says of itself: a snippet in plain words (never Markdown source),
the stage, the workspace and the day of its last change — and nothing the reader may not see."""

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from search.analysis import MARKDOWN_BUDGET_CHARS, MARKDOWN_EXCERPT_CHARS
from search.services import search_query
from tests.conftest import client_for

from .factories import make_document, make_framing_note, make_sheet

pytestmark = pytest.mark.django_db

MARKDOWN_BODY = (
    "## Un titre de section\n\n"
    "Le projet pose des **arceaux à vélo** et une *zone* calme, "
    "voir [le plan détaillé](https://example.org/plan-velo).\n\n"
    "- premier point\n"
    "- second point\n\n"
    "> une citation\n\n"
    "| colonne | autre |\n|---|---|\n| a | b |\n"
)
MARKDOWN_SOURCE = re.compile(r"\*\*|##|\]\(|^\s*[-*>|] |https?://|`", re.MULTILINE)
FRENCH_DAY = re.compile(
    r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre) \d{4}"
)


def _plain(snippet: str) -> str:
    """The snippet's text with the only markup it may carry, <mark>, taken out."""
    return snippet.replace("<mark>", "").replace("</mark>", "")


def test_snippet_of_a_markdown_body_shows_its_words_not_its_syntax(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Arceaux", summary="Stationnement.", body=MARKDOWN_BODY)
    drain()
    [hit] = search_query(user=None, q="arceaux velo plan").results
    text = _plain(hit.snippet)
    assert "<mark>arceaux</mark>" in hit.snippet.lower() and "<mark>vélo</mark>" in hit.snippet
    assert not MARKDOWN_SOURCE.search(text), text
    # The words a reader sees on the page are all there, the link's text included.
    for words in ("Un titre de section", "le plan détaillé", "premier point", "une citation"):
        assert words in text


def test_snippet_of_markdown_sections_is_plain_too(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(
        workspace,
        title="Cour",
        summary="Une cour d'école.",
        sections={"context": "### Constat\n\nLa cour est **minérale** : [photos](https://x.org)"},
    )
    drain()
    [hit] = search_query(user=None, q="minerale").results
    assert "<mark>minérale</mark>" in hit.snippet
    assert not MARKDOWN_SOURCE.search(_plain(hit.snippet)), hit.snippet


def test_snippet_of_a_long_markdown_body_finds_a_term_far_in(make_workspace, drain):
    """GIVEN a body longer than what is rendered per hit, whose only match lies far in
    THEN the snippet still shows that match, in plain words."""
    workspace, _ = make_workspace()
    filler = "Un paragraphe **ordinaire** sur la voirie et les trottoirs.\n\n" * 120
    assert len(filler) > 1.5 * MARKDOWN_EXCERPT_CHARS
    make_sheet(
        workspace,
        title="Long",
        summary="Résumé.",
        body=filler + "Les **nichoirs** du [parc](https://example.org/parc).\n\n" + filler,
    )
    drain()
    [hit] = search_query(user=None, q="nichoirs").results
    assert "<mark>nichoirs</mark> du parc" in hit.snippet
    assert not MARKDOWN_SOURCE.search(_plain(hit.snippet)), hit.snippet


def test_snippet_escaping_still_holds_after_markdown(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(
        workspace,
        title="Balises",
        summary="Résumé.",
        body="Le **kiosque** <img src=x onerror=alert(1)> &lt;b&gt; <script>alert(2)</script>",
    )
    drain()
    [hit] = search_query(user=None, q="kiosque").results
    assert "<mark>kiosque</mark>" in hit.snippet
    assert (
        "<img" not in hit.snippet and "<script" not in hit.snippet and "alert(2)" not in hit.snippet
    )
    assert "&lt;b&gt;" in hit.snippet  # typed as text, shown as text
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


def test_results_say_their_stage_workspace_and_last_change(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Halte vélo", summary="Un abri vélo.", stage="consultation")
    note = make_framing_note(sheet, intent="Le vélo d'abord")
    doc = make_document(workspace, title="Plan vélo", text="Carte vélo")
    drain()
    hits = {h.type: h for h in search_query(user=None, q="velo").results}
    assert hits["sheet"].stage == hits["framing_note"].stage == "consultation"
    assert hits["sheet"].stage_label == "Concertation"
    assert hits["document"].stage is None  # stages belong to sheets
    for hit in hits.values():
        assert (hit.workspace, hit.workspace_name) == (workspace.slug, workspace.name)
    sheet.refresh_from_db()
    note.refresh_from_db()
    doc.refresh_from_db()
    assert hits["sheet"].modified == sheet.updated
    assert hits["framing_note"].modified == note.published_at
    assert hits["document"].modified == doc.updated


def test_page_shows_stage_workspace_and_french_date(make_workspace, drain, client):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Halte vélo", summary="Un abri vélo.", stage="consultation")
    make_framing_note(sheet, intent="Le vélo d'abord")
    make_document(workspace, title="Plan vélo", text="Carte vélo")
    drain()
    html = client.get("/recherche/", {"q": "velo"}).content.decode()
    results = re.findall(r'<li class="search-result">(.*?)</li>', html, re.S)
    assert len(results) == 3
    sheet.refresh_from_db()
    day = date_format(timezone.localtime(sheet.updated), "DATE_FORMAT")
    assert FRENCH_DAY.fullmatch(day)
    by_badge = {re.search(r'class="badge">([^<]+)<', r).group(1): r for r in results}
    assert set(by_badge) == {"Fiches projet", "Notes de cadrage", "Documents"}
    for badge, result in by_badge.items():
        assert f"Espace : {workspace.name}" in result
        assert FRENCH_DAY.search(result) and '<time datetime="' in result
        assert ("Étape : Concertation" in result) == (badge != "Documents")
    assert f"modifiée le {day}" in by_badge["Fiches projet"]
    assert "publiée le " in by_badge["Notes de cadrage"]
    assert "modifié le " in by_badge["Documents"]


def test_page_in_english_says_the_same_in_english(make_workspace, drain, client):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Halte vélo", summary="Un abri vélo.", stage="consultation")
    drain()
    html = client.get("/recherche/", {"q": "velo"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stage: " in html and f"Workspace: {workspace.name}" in html
    assert re.search(r"edited on [A-Z][a-z]+\.? \d{1,2}, \d{4}", html)


def test_api_results_carry_stage_workspace_and_date(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Halte", summary="Un abri.", body="Un **vélo**")
    make_document(workspace, title="Plan vélo", text="Carte vélo")
    drain()
    body = client_for(None).get("/api/v1/search/", {"q": "velo"}).json()
    by_type = {r["type"]: r for r in body["results"]}
    assert set(by_type["sheet"]) >= {"type", "id", "title", "url", "snippet"}
    assert by_type["sheet"]["stage"] == "initiative" and by_type["document"]["stage"] is None
    assert by_type["sheet"]["workspace"] == by_type["document"]["workspace"] == workspace.slug
    assert by_type["sheet"]["workspace_name"] == workspace.name
    sheet.refresh_from_db()
    assert by_type["sheet"]["modified"] == timezone.localtime(sheet.updated).isoformat()
    assert "**" not in by_type["sheet"]["snippet"]


def test_api_result_links_are_absolute_on_the_host_and_scheme_asked(make_workspace, drain):
    """Each hit's link is the page's own address made absolute on the request's scheme and
    host (worked out once per page), as `build_absolute_uri` would."""
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace, title="Halte vélo", summary="Un abri vélo.")
    document = make_document(workspace, title="Plan vélo", text="Carte vélo")
    drain()
    body = (
        client_for(None)
        .get("/api/v1/search/", {"q": "velo"}, HTTP_HOST="localhost:8443", secure=True)
        .json()
    )
    links = {r["type"]: r["url"] for r in body["results"]}
    assert links["sheet"] == f"https://localhost:8443{sheet.get_absolute_url()}"
    assert links["document"] == f"https://localhost:8443{document.get_absolute_url()}"


def test_a_document_shared_with_one_person_does_not_name_its_hidden_workspace(
    make_workspace, drain, client
):
    """GIVEN a members-only document of a private workspace, granted to one outsider
    WHEN that outsider finds it THEN the result names neither the workspace nor its slug."""
    from documents.services import document_grant_view

    workspace, actors = make_workspace(visibility="private")
    doc = make_document(workspace, title="Note interne", text="le lavoir", visibility="members")
    drain()
    guest = actors["outsider"]
    document_grant_view(actor=actors["owner"], document=doc, user=guest)
    [hit] = search_query(user=guest, q="lavoir").results
    assert hit.id == doc.pk and hit.workspace is None and hit.workspace_name is None
    client.force_login(guest)
    html = client.get("/recherche/", {"q": "lavoir"}).content.decode()
    assert "Note interne" in html
    assert workspace.name not in html and workspace.slug not in html
    api = client_for(guest).get("/api/v1/search/", {"q": "lavoir"}).json()
    assert api["results"][0]["workspace"] is None and api["results"][0]["workspace_name"] is None
    # A member sees the same document with its workspace.
    [member_hit] = search_query(user=actors["reader"], q="lavoir").results
    assert member_hit.workspace_name == workspace.name


def test_page_queries_do_not_grow_with_workspaces(
    make_workspace, drain, client, django_assert_max_num_queries
):
    """Workspace names come with the hits (and one query checks them all), not per hit."""
    for _ in range(6):
        workspace, _actors = make_workspace()
        sheet = make_sheet(workspace, title="Tilleul", summary="tilleul", stage="consultation")
        make_framing_note(sheet, intent="tilleul")
        make_document(workspace, title="Tilleul", text="tilleul")
    drain()
    with django_assert_max_num_queries(12):
        response = client.get("/recherche/", {"q": "tilleul"})
    assert response.content.decode().count('<li class="search-result">') == 18


def test_markdown_rendered_per_hit_is_bounded(make_workspace, drain, monkeypatch):
    """GIVEN a sheet at the largest: a 100 000-character body and every Markdown section full
    THEN one hit's snippet renders no more than the per-hit budget of Markdown (a search page
    of such sheets costs about a page of ordinary ones), and still marks the match."""
    import search.analysis
    from projects.sections import FIELDS

    rendered = []
    real = search.analysis.markdown_to_text
    monkeypatch.setattr(
        search.analysis, "markdown_to_text", lambda text: rendered.append(len(text)) or real(text)
    )
    paragraph = "Le **projet** de [piste](https://example.org) *cyclable*.\n\n"
    workspace, _ = make_workspace()
    make_sheet(
        workspace,
        title="Énorme",
        summary="Résumé.",
        body=(paragraph * 2000)[:100_000],
        sections={
            code: (paragraph * 400)[:19_990]
            for code, field in FIELDS.items()
            if field.kind == "markdown"
        },
    )
    drain()
    [hit] = search_query(user=None, q="cyclable").results
    assert "<mark>cyclable</mark>" in hit.snippet
    assert not MARKDOWN_SOURCE.search(_plain(hit.snippet))
    assert 0 < sum(rendered) <= MARKDOWN_BUDGET_CHARS


@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC", "America/Cayenne"])
def test_the_apis_dates_are_those_drf_gives(zone, settings):
    """The search API writes its hits' dates itself (one step, not DateTimeField's four): the
    same text as DRF's field in the current time zone, for summer and winter time, UTC, a
    naive date and the last representable instant (DRF's own error)."""
    import datetime

    from rest_framework import serializers
    from rest_framework.exceptions import ValidationError

    from search.api import _dates

    paris = datetime.timezone(datetime.timedelta(hours=1))
    values = [
        datetime.datetime(2026, 7, 14, 10, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 29, 1, 59, tzinfo=paris),
        datetime.datetime(2026, 10, 25, 2, 30),  # naive
        datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime.max.replace(tzinfo=datetime.UTC),
        None,
    ]
    with timezone.override(zone):
        field = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
        date = _dates()
        for value in values:
            try:
                expected = field.to_representation(value)
            except ValidationError as error:
                with pytest.raises(ValidationError) as raised:
                    date(value)
                assert raised.value.detail == error.detail
                continue
            assert date(value) == expected, (zone, value)
