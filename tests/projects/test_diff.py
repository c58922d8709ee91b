"""Field-by-field diff between versions: multi-line text, words, settings, HTML escaping."""

import pytest

from projects.diff import DELETE, EQUAL, INSERT, diff_ops
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
