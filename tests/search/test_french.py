"""French analysis through the search service: accents, plurals, elision, case, stop words."""

import pytest

from search.analysis import analyze, analyzed_text, highlight
from search.services import search_query

from .factories import make_sheet

pytestmark = pytest.mark.django_db


def titles(user, q, **filters):
    return [r.title for r in search_query(user=user, q=q, **filters).results]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ecole", "Rénovation de l'École Jean Jaurès"),
        ("concertations", "Une concertation avec les habitants"),
        ("amenagement", "Étude pour l'aménagement des berges"),
        ("velo", "Un parking à vélo couvert"),
        ("VÉLOS", "Des arceaux pour les vélos"),
        ("PISTE CYCLABLE", "une piste cyclable sur le quai"),
        ("ecoles", "l'école du quartier"),
        ("oeuvre", "La main-d'œuvre locale"),
        ("jardins partages", "Des jardins partagés au pied des immeubles"),
        ("aujourd'hui", "Ce qu’on fait aujourd’hui"),
    ],
)
def test_french_query_finds_text(make_workspace, drain, query, text):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Fiche cible", summary=text)
    make_sheet(workspace, title="Fiche témoin", summary="Rien à voir : budget du marché de Noël.")
    drain()
    assert titles(None, query) == ["Fiche cible"]


def test_stop_words_alone_find_nothing(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Le projet", summary="la rue et les arbres")
    drain()
    assert search_query(user=None, q="le la les et").count == 0


def test_all_words_must_match(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Vélo", summary="Parking vélo à la gare")
    make_sheet(workspace, title="Gare", summary="Nouvelle gare routière")
    drain()
    assert titles(None, "velo gare") == ["Vélo"]


def test_title_body_and_sections_are_searched(make_workspace, drain):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Titre", summary="Résumé", body="Le **compostage** collectif")
    make_sheet(
        workspace,
        title="Sections",
        summary="Résumé",
        sections={"calendar": "Réunion à Schiltigheim"},
    )
    drain()
    assert titles(None, "compostage") == ["Titre"]
    assert titles(None, "schiltigheim") == ["Sections"]


def test_analyzer_chain():
    assert analyze("L'Écoles des Vélos d'aujourd’hui") == ["ecol", "velo", "aujourd'hui"]
    assert analyze("qu'il") == []


def test_highlight_uses_the_same_analysis_and_escapes_html():
    snippet = highlight("<script>x</script> L'aménagement des vélos.", "amenagement velo")
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "L&#x27;<mark>aménagement</mark>" in snippet
    assert "<mark>vélos</mark>" in snippet


def test_snippet_is_highlighted_in_results(make_workspace, drain):
    workspace, _ = make_workspace()
    sheet = make_sheet(
        workspace, title="Cour", summary="Végétaliser la cour de l'École des Tilleuls"
    )
    drain()
    [hit] = search_query(user=None, q="ecole").results
    assert "<mark>École</mark>" in hit.snippet
    # A sheet's hit links to its readable address (/fiches/<slug>/).
    assert hit.type == "sheet" and hit.id == sheet.pk and hit.url == f"/fiches/{sheet.slug}/"


def test_short_text_is_shown_whole_and_long_text_around_the_match():
    short = (
        "Compte rendu de la réunion publique : les riverains demandent une chicane près de l'école."
    )
    assert highlight(short, "chicane", width=120).startswith("Compte rendu")
    long = "Préambule. " * 40 + "La chicane est demandée par les riverains." + " Fin." * 40
    snippet = highlight(long, "chicane", width=80)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>chicane</mark>" in snippet


def test_fast_analysis_gives_exactly_the_analyzer_chains_terms():
    """`analyze` (what tantivy indexes and queries) is the Whoosh chain's twin, token for
    token, on French text and on random mixes of letters, accents, apostrophes and digits."""
    import random

    from search.analysis import FrenchAnalyzer

    chain = FrenchAnalyzer()
    samples = [
        "L'Écoles des Vélos d'aujourd’hui",
        "La main-d'œuvre locale, jusqu'à l'été ; qu'il",
        "İstanbul ÉCOLE l' d'' l'l'école ǅemal Straße ﬁn 2024_budget",
    ]
    # Spaces of every kind too: `analyze` splits on whitespace first (French puts a no-break
    # space before ";" and ":", a thin one before "!").
    alphabet = "abcdeéèêàçôœæ'’ -LDQUİßǅﬁ\u0301 12_\n\t\u00a0\u202f\u2009\x1c"
    rng = random.Random(12)
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)
    ]
    for text in samples:
        assert analyze(text) == [t.text for t in chain(text)], text
        # What tantivy indexes: the same terms, whitespace between (a space or several).
        assert analyzed_text(text).split() == analyze(text), text


def test_highlight_spans_are_the_analyzer_tokens_spans():
    """The snippet marks exactly the characters the analyzer's tokens span (elision moves the
    start past "l'"), without running the token pipeline."""
    import random

    from search.analysis import FrenchAnalyzer, _term_spans

    chain = FrenchAnalyzer()
    rng = random.Random(7)
    words = ["l'École", "vélos", "d'aujourd’hui", "qu'il", "ÉTÉ", "œuvre", "L'L'arbre", "x"]
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        terms = set(analyze(" ".join(rng.sample(words, 3))))
        expected = [
            (t.startchar, t.endchar)
            for t in chain(text, chars=True, positions=True)
            if t.text in terms
        ]
        assert list(_term_spans(text, terms)) == expected, text
