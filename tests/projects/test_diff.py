"""Field-by-field diff between versions: multi-line text, words, settings, HTML escaping; and
the page's diff of the text a reader sees (rendered Markdown, word by word, marked in text)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects import diff as diff_module
from projects.diff import (
    DELETE,
    EQUAL,
    INSERT,
    MAX_DIFF_WORK,
    PAIR_WINDOW,
    DiffBudget,
    diff_ops,
    reading_diff,
)
from projects.models import SheetVersion
from projects.selectors import sheet_version_diff
from projects.services import sheet_update
from territories.models import Theme

from .factories import make_sheet

pytestmark = pytest.mark.django_db


def _rebuild(ops, keep):
    return "".join(text for op, text in ops if op in keep)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\nd\n"),
        ("", "nouveau\ntexte\n"),
        ("tout\nsupprimé\n", ""),
        ("l1\nl2\nl3\nl4\nl5\n", "l0\nl1\nl3\nl4 modifiée\nl5\nl6"),
        ("sans fin de ligne", "sans fin de ligne\n"),
    ],
)
def test_line_ops_rebuild_both_texts(old, new):
    ops = diff_ops(old, new, "lines")
    assert _rebuild(ops, {EQUAL, DELETE}) == old
    assert _rebuild(ops, {EQUAL, INSERT}) == new


def test_multiline_change_marks_exactly_the_changed_lines():
    old = "Contexte\nLa rue est dangereuse.\nLes enfants vont à l'école.\nFin\n"
    new = "Contexte\nLa rue est très dangereuse.\nLes enfants vont à l'école.\nAjout\nFin\n"
    ops = diff_ops(old, new, "lines")
    assert ops == [
        (EQUAL, "Contexte\n"),
        (DELETE, "La rue est dangereuse.\n"),
        (INSERT, "La rue est très dangereuse.\n"),
        (EQUAL, "Les enfants vont à l'école.\n"),
        (INSERT, "Ajout\n"),
        (EQUAL, "Fin\n"),
    ]


def test_word_ops_for_short_fields():
    ops = diff_ops("Piste cyclable rue du Jura", "Piste cyclable protégée rue du Jura", "words")
    assert (INSERT, "protégée ") in ops or (INSERT, " protégée") in ops
    assert _rebuild(ops, {EQUAL, INSERT}) == "Piste cyclable protégée rue du Jura"


def test_version_diff_field_by_field_and_html_is_escaped(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"], sections={"context": "c1\nc2\n"})
    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        title="Piste <b>cyclable</b>",
        body="Première ligne\nLigne <script>x</script>\n",
        sections={"context": "c1\nc2 bis\n"},
        themes=list(Theme.objects.filter(slug__in=["mobilite", "environnement"])),
    )
    old, new, fields = sheet_version_diff(sheet=sheet, from_number=1, to_number=2)
    assert (old.number, new.number) == (1, 2)
    by_code = {f.code: f for f in fields}
    assert set(by_code) == {"title", "body", "context", "themes"}
    body = by_code["body"]
    assert body.ops == [
        (EQUAL, "Première ligne\n"),
        (DELETE, "Deuxième ligne\n"),
        (INSERT, "Ligne <script>x</script>\n"),
    ]
    html = str(body.as_html())
    assert "<script>" not in html
    assert "<ins>Ligne &lt;script&gt;x&lt;/script&gt;\n</ins>" in html
    assert "<del>Deuxième ligne\n</del>" in html
    assert "Environnement" in by_code["themes"].new
    # Reverse direction swaps insertions and deletions.
    _o, _n, back = sheet_version_diff(sheet=sheet, from_number=2, to_number=1)
    back_body = {f.code: f for f in back}["body"]
    assert (INSERT, "Deuxième ligne\n") in back_body.ops
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2


# The page's diff: the text a reader sees ----------------------------------------------------

HIDDEN = re.compile(r'<span class="visually-hidden">[^<]*</span>')


def _visible(html) -> str:
    """The HTML without the words only screen readers get."""
    return HIDDEN.sub("", str(html))


def _text(html) -> str:
    return re.sub(r"<[^>]+>", "", _visible(html))


def test_reading_diff_shows_rendered_text_not_markdown():
    old = (
        "# Contexte\n\nUne rue **très** fréquentée, voir [le plan](https://example.org).\n\n"
        "- première\n- deuxième\n\n1. un\n2. deux\n\n> Une citation\n\n```\ncode\n```\n\n"
        "| Lieu | Places |\n|--|--:|\n| Gare | 1 000 |\n"
    )
    new = old.replace("**très**", "_très_").replace("- deuxième", "- troisième")
    result = reading_diff(old, new, markdown=True)
    html = str(result.html)
    for markup in ("**", "_très_", "# ", "- ", "1. ", "](", "https://", "> ", "```", "|", "--"):
        assert markup not in _text(html), markup
    assert "<h3>Contexte</h3>" in html
    assert "<p>Une rue très fréquentée, voir le plan.</p>" in html
    assert "<li>première</li>" in _visible(html)
    assert "<li><del>deuxième</del><ins>troisième</ins></li>" in _visible(html)
    assert "<ol><li>un</li><li>deux</li></ol>" in html
    assert "<blockquote><p>Une citation</p></blockquote>" in html
    assert "<p>Lieu · Places</p><p>Gare · 1 000</p>" in html
    assert result.marked and not result.truncated


def test_a_changed_word_is_marked_alone_with_its_words_for_screen_readers():
    old = "La porte **rouge** ouvre sur la cour.\n\nUn autre paragraphe.\n"
    new = "La porte **verte** ouvre sur la cour.\n\nUn autre paragraphe.\n"
    html = str(reading_diff(old, new, markdown=True).html)
    assert _visible(html) == (
        "<p>La porte <del>rouge</del><ins>verte</ins> ouvre sur la cour.</p>"
        "<p>Un autre paragraphe.</p>"
    )
    # Not by colour alone: each mark says what it is, in the reader's language.
    assert '<del><span class="visually-hidden">[suppression : ] </span>rouge</del>' in html
    assert '<ins><span class="visually-hidden">[ajout : ] </span>verte</ins>' in html
    with translation.override("en"):
        english = str(reading_diff(old, new, markdown=True).html)
    assert "[removed: ] </span>rouge</del>" in english and "[added: ] </span>verte</ins>" in english


def test_blocks_are_aligned_before_words():
    old = "Premier.\n\nLa rue est dangereuse le matin.\n\nFin.\n"
    new = "Premier.\n\nUn paragraphe tout neuf.\n\nLa rue est très dangereuse le matin.\n\nFin.\n"
    html = _visible(reading_diff(old, new, markdown=True).html)
    assert html == (
        "<p>Premier.</p><p><ins>Un paragraphe tout neuf.</ins></p>"
        "<p>La rue est <ins>très</ins> dangereuse le matin.</p><p>Fin.</p>"
    )
    # A paragraph turned into a heading reads differently: the old one goes, the new one comes.
    html = _visible(reading_diff("Calendrier\n", "## Calendrier\n", markdown=True).html)
    assert html == "<p><del>Calendrier</del></p><h3><ins>Calendrier</ins></h3>"


def test_plain_fields_diff_by_words_with_their_line_breaks():
    result = reading_diff(
        "Piste cyclable rue du Jura", "Piste cyclable **protégée** rue du Jura", markdown=False
    )
    assert _visible(result.html) == "<p>Piste cyclable <ins>**protégée**</ins> rue du Jura</p>"
    summary = _visible(
        reading_diff("Ligne un\nLigne deux", "Ligne un\nLigne trois", markdown=False).html
    )
    assert summary == "<p>Ligne un<br>Ligne <del>deux</del><ins>trois</ins></p>"


def test_a_change_of_markup_only_marks_nothing():
    result = reading_diff("Un **mot**.", "Un *mot*.", markdown=True)
    assert not result.marked and "<ins>" not in result.html and "<del>" not in result.html


@pytest.mark.parametrize("markdown", [True, False])
def test_hostile_text_is_escaped_or_removed(markdown):
    old = "Texte sûr."
    new = (
        'Texte <script>alert(1)</script> "><img src=x onerror=alert(2)> <ins>faux</ins> '
        "\x00nul & <b>gras</b> [lien](javascript:alert(3)) sûr."
    )
    result = reading_diff(old, new, markdown=markdown)
    html = str(result.html)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "\x00" not in html
    # The only tags are ours: one <ins> for the change, none typed by the author.
    assert set(re.findall(r"</?(\w+)", html)) <= {"p", "ins", "del", "span"}
    assert html.count("<ins>") == 1
    if markdown:
        assert "alert(1)" not in html  # the sanitiser drops a script's content
        assert "javascript:" not in html  # and an unsafe link (a link's target is not shown)
    else:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;ins&gt;faux" in html


def test_markdown_bombs_stay_bounded():
    bombs = [
        "[" * 20_000,
        ">" * 20_000 + " x",
        "<blockquote>" * 5_000 + "x",
        "- " * 10_000 + "x",
        "*a **" * 5_000,
        "|a|\n|-|\n" + "|b|\n" * 5_000,
    ]
    for bomb in bombs:
        result = reading_diff("avant", bomb, markdown=True)
        assert result.marked
        assert len(result.html) < 80 * len(bomb) + 1_000, bomb[:20]


def test_large_inputs_cost_a_bounded_work(monkeypatch):
    """Counted, not timed: the steps of the edit graph stay within the page's budget (plus the
    last round), blocks are compared with a few neighbours only, the page is linear in size."""
    compared = []
    alike = diff_module._alike
    monkeypatch.setattr(diff_module, "_alike", lambda a, b: compared.append(1) or alike(a, b))
    n = 3_000
    cases = [
        # Paragraphs with nothing in common: the block alignment runs out of budget.
        ("x\n\n" * n, "y\n\n" * n),
        # The same paragraphs, every one slightly changed: word by word until the budget is spent.
        ("".join(f"Paragraphe {i} sur la rue.\n\n" for i in range(n)),
         "".join(f"Paragraphe {i} sur la place.\n\n" for i in range(n))),
        # List items interleaved, a classic worst case for a quadratic matcher.
        ("- a\n- b\n" * n, "- b\n- a\n" * n),
        # One huge paragraph of repeated words.
        (" ".join(["mot"] * 2 * n), " ".join(["mot", "autre"] * n)),
    ]  # fmt: skip
    for old, new in cases:
        compared.clear()
        budget = DiffBudget()
        result = reading_diff(old, new, markdown=True, budget=budget)
        assert MAX_DIFF_WORK - budget.steps <= MAX_DIFF_WORK + 4 * (len(old) + len(new))
        blocks = old.count("\n\n") + new.count("\n\n") + 2
        assert len(compared) <= 2 * PAIR_WINDOW * blocks
        assert len(result.html) < 80 * (len(old) + len(new))
    # Past the budget, the differing blocks are deleted and inserted whole, and flagged.
    result = reading_diff("x\n\n" * n, "y\n\n" * n, markdown=True)
    assert result.truncated
    assert _visible(result.html) == "<p><del>x</del></p>" * n + "<p><ins>y</ins></p>" * n


def test_one_budget_for_the_page_not_for_each_field():
    budget = DiffBudget()
    assert reading_diff("x\n\n" * 3_000, "y\n\n" * 3_000, markdown=True, budget=budget).truncated
    assert budget.steps <= 0
    assert reading_diff("un mot", "un autre", markdown=False, budget=budget).truncated
    assert not reading_diff("un mot", "un autre", markdown=False).truncated


def test_diff_page_shows_the_read_text_and_the_api_the_source(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(
        workspace,
        actors["contributor"],
        title="Piste cyclable",
        body="## Le lieu\n\nUne friche de **800 m²**.\n\n- arbres\n",
        sections={"context": "Un *constat*.", "objectives": "Des **objectifs**."},
    )
    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=1,
        title="Piste cyclable <protégée>",
        body="## Le lieu\n\nUne friche de **1 200 m²**.\n\n- arbres\n- bancs\n",
        sections={"context": "Un **constat**.", "objectives": "Des **objectifs**."},
    )
    page = Client().get(reverse("projects:diff", args=[sheet.pk]), {"from": 1, "to": 2})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<pre class="diff">' not in html and "**" not in html and "## " not in html
    assert "texte ajouté (souligné)" in html and "texte supprimé (barré)" in html
    assert "Une friche de <del>" in html and "800</del><ins>" in html
    assert "<li>arbres</li><li><ins>" in html and "bancs</ins></li>" in html
    assert "Piste cyclable <ins>" in html and "&lt;protégée&gt;</ins>" in html
    # Only the markup of the context changed: said so, nothing marked.
    assert "Seule la mise en forme a changé" in html
    # The API keeps its fields and its ops on the stored text.
    data = Client().get(f"/api/v1/sheets/{sheet.pk}/diff/", {"from": 1, "to": 2}).json()
    by_field = {f["field"]: f for f in data["fields"]}
    assert set(by_field) == {"title", "body", "context"}
    assert set(by_field["body"]) == {"field", "label", "granularity", "ops", "truncated"}
    assert {"op": "delete", "text": "Une friche de **800 m²**.\n"} in by_field["body"]["ops"]
