"""Denial of service: what a user types never costs a request more than a bounded, linear work.

Every budget is a ratio to a normal input of the same size measured in the same test (the best
of a few runs each, so that machine noise does not decide), never an absolute time. A quadratic
algorithm blows such a ratio up by orders of magnitude at these sizes (Python-Markdown took
~15 s on 8 KB of "[" against ~0.06 s for 8 KB of ordinary Markdown; difflib took minutes on
two bodies of repeated lines), while a linear one keeps it within a small constant.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from projects.diff import DELETE, EQUAL, INSERT, DiffBudget, diff_texts, text_diff
from projects.markdown import _render, render_markdown
from projects.services import sheet_update
from search.analysis import highlight
from tests.conftest import client_for
from tests.projects.factories import make_sheet

MARKDOWN_SIZE = 8_000
# The linear renderer stays under ~6x on these inputs (brackets and table rows make more tokens
# per character than prose); Python-Markdown reached 70x to 160x at this size.
MARKDOWN_RATIO = 15
DIFF_LINES = 5_000
DIFF_RATIO = 10

_NORMAL_MARKDOWN_UNIT = (
    "## Contexte\n\nLe **projet** de [piste](https://www.strasbourg.eu) cyclable *rue du Jura*, "
    "`code`.\n\n- un\n- deux\n\n> cité\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
)


def _sized(unit: str, size: int, prefix: str = "") -> str:
    return prefix + (unit * (size // len(unit) + 1))[: size - len(prefix)]


NORMAL_MARKDOWN = _sized(_NORMAL_MARKDOWN_UNIT, MARKDOWN_SIZE)

# Unclosed or nested constructs that make a backtracking or rescanning parser quadratic.
HOSTILE_MARKDOWN = {
    "open brackets": _sized("[", MARKDOWN_SIZE),
    "open images": _sized("![", MARKDOWN_SIZE),
    "open footnotes": _sized("[^", MARKDOWN_SIZE),
    "reference links": _sized("[x][", MARKDOWN_SIZE),
    "open link targets": _sized("[a](", MARKDOWN_SIZE),
    "link titles": _sized('[a](b "', MARKDOWN_SIZE),
    "open tags": _sized("<a ", MARKDOWN_SIZE),
    "lone lt": _sized("<", MARKDOWN_SIZE),
    "mixed emphasis": _sized("*_", MARKDOWN_SIZE),
    "strong runs": _sized("**a", MARKDOWN_SIZE),
    "underscores": _sized("_a", MARKDOWN_SIZE),
    "backticks": _sized("`a``", MARKDOWN_SIZE),
    "quotes": _sized(">", MARKDOWN_SIZE),
    "nested quotes": "".join("> " * i + "x\n" for i in range(1, 60)),
    "nested lists": _sized("".join("  " * i + "- x\n" for i in range(60)), MARKDOWN_SIZE),
    "table cells": _sized("|\n", MARKDOWN_SIZE, prefix="a|b\n-|-\n"),
    "definitions": _sized(":\n", MARKDOWN_SIZE),
    "entities": _sized("&#", MARKDOWN_SIZE),
    "escapes": _sized("\\[", MARKDOWN_SIZE),
    "autolinks": _sized("<http://", MARKDOWN_SIZE),
}


def _elapsed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _ratio(normal, hostile, *, limit: float, runs: int = 7) -> tuple[float, float]:
    """Best times of the normal and the hostile input, measured in turn so that a burst of load
    on the machine hits both alike. Stops as soon as the best times are within the limit; gives
    up early only when the hostile input is clearly over twice in a row (a quadratic parser is
    over every time, a burst of load on a shared machine only once)."""
    best_normal = best_hostile = float("inf")
    for run in range(runs):
        best_normal = min(best_normal, _elapsed(normal))
        best_hostile = min(best_hostile, _elapsed(hostile))
        if best_hostile <= limit * best_normal:
            break
        if run >= 1 and best_hostile > 3 * limit * best_normal:
            break
    return best_normal, best_hostile


def _uncached_render(text: str):
    def run():
        _render.cache_clear()
        render_markdown(text)

    return run


@pytest.mark.parametrize("name", list(HOSTILE_MARKDOWN))
def test_hostile_markdown_renders_in_time_linear_in_its_size(name):
    """GIVEN Markdown built to make a parser backtrack (8 KB of "[" took 15 s to render)
    WHEN it is rendered
    THEN it costs at most a small multiple of ordinary Markdown of the same size."""
    normal, hostile = _ratio(
        _uncached_render(NORMAL_MARKDOWN),
        _uncached_render(HOSTILE_MARKDOWN[name]),
        limit=MARKDOWN_RATIO,
    )
    assert hostile <= normal * MARKDOWN_RATIO, f"{name}: {hostile:.3f}s, normal text {normal:.3f}s"


@pytest.mark.parametrize("address_chars", [2_000, 40_000])
def test_one_reference_used_thousands_of_times_does_not_multiply_the_page(address_chars):
    """GIVEN one reference definition with a long address, used over and over ("[b][a] "…:
    90 KB of text made 280 MB of HTML and a 94 s page)
    WHEN it is rendered
    THEN the HTML stays within a small multiple of the text: the first links keep their
    target, the rest keep their words; an address past 2,048 characters is no link at all."""
    text = f"[a]: https://e.example/{'a' * address_chars}\n\n" + "[b][a] " * 1_000
    html = str(render_markdown(text))
    assert len(html) < 2 * len(text) + 60_000, len(html)
    assert html.count("b") >= 1_000  # every use still reads
    if address_chars <= 2_048:
        assert 1 <= html.count("<a ") < 1_000
    else:
        assert "<a " not in html
    # Ordinary links are untouched.
    assert 'href="https://www.strasbourg.eu"' in str(render_markdown(NORMAL_MARKDOWN))


def test_hostile_markdown_is_still_rendered_and_sanitised():
    html = str(render_markdown("[" * 2000 + "<script>x()</script>" + "![" * 2000))
    assert html.count("[") == 2000 + 2000 and "<script" not in html


@pytest.mark.django_db
def test_sheet_page_with_hostile_markdown_costs_about_a_normal_page(make_workspace):
    """The anonymous page view that took 5.6 s: the body and a section full of brackets."""
    workspace, actors = make_workspace()
    normal = make_sheet(
        workspace,
        actors["contributor"],
        title="Normale",
        body=NORMAL_MARKDOWN,
        # Another text than the body's, or the render cache would serve it for free.
        sections={"context": "Autre texte. " + NORMAL_MARKDOWN[13:]},
    )
    hostile = make_sheet(
        workspace,
        actors["contributor"],
        title="Crochets",
        body=HOSTILE_MARKDOWN["open brackets"],
        sections={"context": HOSTILE_MARKDOWN["open images"]},
    )
    client = Client()

    def view(sheet):
        def run():
            _render.cache_clear()
            assert client.get(sheet.get_absolute_url()).status_code == 200

        return run

    view(normal)()  # warm the templates and URL caches alike for both
    base, spent = _ratio(view(normal), view(hostile), limit=MARKDOWN_RATIO, runs=3)
    assert spent <= base * MARKDOWN_RATIO, f"{spent:.3f}s against {base:.3f}s"


# Diffs -----------------------------------------------------------------------------------------

_LINES = [
    f"Ligne {i} : la piste cyclable rue du Jura, phrase numéro {i * 7 % 13}.\n"
    for i in range(DIFF_LINES)
]
NORMAL_OLD = "".join(_LINES)
# A thorough revision: one line in fifty rewritten, all along the text.
NORMAL_NEW = "".join(
    line.replace("piste", "voie") if i % 50 == 0 else line for i, line in enumerate(_LINES)
)

HOSTILE_DIFFS = {
    "repeated lines replaced": ("x\n" * DIFF_LINES, "y\n" * DIFF_LINES, "lines"),
    "repeated lines interleaved": ("x\n" * DIFF_LINES, "x\ny\n" * (DIFF_LINES // 2), "lines"),
    "alternated lines": ("a\nb\n" * (DIFF_LINES // 2), "b\na\n" * (DIFF_LINES // 2), "lines"),
    "rotated triples": ("a\nb\nc\n" * (DIFF_LINES // 3), "c\nb\na\n" * (DIFF_LINES // 3), "lines"),
    "nothing in common": (
        "".join(f"{i}\n" for i in range(DIFF_LINES)),
        "".join(f"z{i}\n" for i in range(DIFF_LINES)),
        "lines",
    ),
    "reversed": (NORMAL_OLD, "".join(reversed(_LINES)), "lines"),
    "one huge line, words": (
        " ".join(["mot"] * DIFF_LINES * 2),
        " ".join(["mot", "autre"] * DIFF_LINES),
        "words",
    ),
}


def _rebuilds(ops, old, new):
    return (
        "".join(t for op, t in ops if op in (EQUAL, DELETE)) == old
        and "".join(t for op, t in ops if op in (EQUAL, INSERT)) == new
    )


@pytest.mark.parametrize("name", list(HOSTILE_DIFFS))
def test_hostile_diff_costs_about_a_normal_diff(name):
    """GIVEN two long texts built to make a diff quadratic (repeated lines took 7 to 60 s)
    WHEN they are compared
    THEN it costs at most a small multiple of a normal revision of the same size, and the ops
    still rebuild both texts (cut short as one deletion and one insertion if need be)."""
    old, new, granularity = HOSTILE_DIFFS[name]
    base, spent = _ratio(
        lambda: diff_texts(NORMAL_OLD, NORMAL_NEW, "lines"),
        lambda: diff_texts(old, new, granularity),
        limit=DIFF_RATIO,
    )
    assert spent <= base * DIFF_RATIO, f"{name}: {spent:.3f}s against {base:.3f}s normally"
    ops, _truncated = diff_texts(old, new, granularity)
    assert _rebuilds(ops, old, new)


def test_normal_revision_is_diffed_in_detail():
    ops, truncated = diff_texts(NORMAL_OLD, NORMAL_NEW, "lines")
    assert not truncated
    assert sum(1 for op, _t in ops if op == DELETE) == DIFF_LINES // 50
    assert _rebuilds(ops, NORMAL_OLD, NORMAL_NEW)


def test_past_the_cap_the_middle_is_deleted_and_inserted_whole():
    old = "début\n" + "x\n" * DIFF_LINES + "fin\n"
    new = "début\n" + "y\n" * DIFF_LINES + "fin\n"
    ops, truncated = diff_texts(old, new, "lines")
    assert truncated
    assert ops == [
        (EQUAL, "début\n"),
        (DELETE, "x\n" * DIFF_LINES),
        (INSERT, "y\n" * DIFF_LINES),
        (EQUAL, "fin\n"),
    ]


def test_one_budget_is_shared_by_the_fields_of_a_page():
    budget = DiffBudget()
    first = text_diff("x\n" * DIFF_LINES, "y\n" * DIFF_LINES, budget=budget)
    assert first.truncated and budget.steps < 0
    # Once the page's budget is spent, even a small field is shown whole rather than diffed.
    assert text_diff("a\nb\n", "a\nc\n", budget=budget).truncated
    assert not text_diff("a\nb\n", "a\nc\n").truncated


TOO_MANY = "Trop de modifications pour les afficher en détail"


@pytest.mark.django_db
def test_diff_page_and_api_flag_a_diff_cut_short(make_workspace):
    workspace, actors = make_workspace()
    # Paragraphs, not lines: the page compares what a reader sees, and lines of one paragraph
    # read as one paragraph (deleted and inserted whole, a cheap and complete diff).
    sheet = make_sheet(workspace, actors["contributor"], body="x\n\n" * DIFF_LINES)
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=1, body="y\n\n" * DIFF_LINES
    )
    sheet = sheet_update(
        actor=actors["editor"], sheet=sheet, base_version=2, body="y\n\n" * (DIFF_LINES - 1)
    )
    url = reverse("projects:diff", args=[sheet.pk])
    page = Client().get(url, {"from": 1, "to": 2})
    assert page.status_code == 200
    assert TOO_MANY in page.content.decode()
    assert Client().get(url, {"from": 2, "to": 3}).content.decode().count(TOO_MANY) == 0

    api = client_for(None)
    data = api.get(f"/api/v1/sheets/{sheet.pk}/diff/", {"from": 1, "to": 2}).json()
    assert data["truncated"] is True
    [body] = data["fields"]
    assert body["field"] == "body" and body["truncated"] is True
    assert body["ops"] == [
        {"op": "delete", "text": "x\n\n" * (DIFF_LINES - 1) + "x\n"},
        {"op": "insert", "text": "y\n\n" * (DIFF_LINES - 1) + "y\n"},
        {"op": "equal", "text": "\n"},
    ]
    detailed = api.get(f"/api/v1/sheets/{sheet.pk}/diff/", {"from": 2, "to": 3}).json()
    assert detailed["truncated"] is False and detailed["fields"][0]["truncated"] is False


# Search snippets -------------------------------------------------------------------------------


def test_snippet_of_a_huge_text_costs_about_a_snippet_of_a_short_one():
    """A document's extracted text may be a megabyte; each of a page's hits is highlighted."""
    sentence = "Le projet de piste cyclable rue du Jura est porté par les habitants. "
    short = sentence * 100
    huge = sentence * 15_000 + "chicane"
    base, spent = _ratio(
        lambda: highlight(short, "chicane"), lambda: highlight(huge, "chicane"), limit=10
    )
    assert spent <= base * 10, f"{spent:.4f}s against {base:.4f}s"
    assert "<mark>piste</mark>" in highlight(huge, "piste")
