"""A snippet's first match is found a chunk at a time past the head of a text (search.analysis):
the same span as scanning every token, whatever the text, the query and the head's size."""

import random

import pytest

from search import analysis
from search.analysis import _first_span, _matching_chunks, _term_spans, analyze, highlight

WORDS = [
    "l'école",
    "écoles",
    "Ecole",
    "vélo",
    "vélos",
    "d'aménagement",
    "aménagements",
    "le",
    "la",
    "des",
    "quartier\xa0jardin",
    "partagé\u2028l'eau",
    "eaux",
    "aujourd'hui",
    "«",
    "école",
    "»",
    "(vélo)",
    "vélo,",
    "12",
    "x_y",
    "Strasbourg",
]
GLUE = [" ", "  ", "\n", "\t", "", "\u00a0", "-", "'"]
QUERIES = ["ecole", "velo", "amenagement", "eau", "jardin partage", "quartier", "l'", "12"]


@pytest.mark.parametrize("head", [0, 1, 7, 40, analysis.FIRST_SPAN_HEAD_CHARS])
def test_the_first_span_is_the_first_token_that_matches(monkeypatch, head):
    monkeypatch.setattr(analysis, "FIRST_SPAN_HEAD_CHARS", head)
    rng = random.Random(head)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(WORDS) + rng.choice(GLUE) for _ in range(rng.randint(0, 120)))
        terms = set(analyze(rng.choice(QUERIES)))
        expected = next(_term_spans(text, terms), None)
        assert _first_span(text, terms) == expected, (text, terms)
        found += expected is not None
    assert 1000 < found < 3000  # both outcomes, many times


def test_a_match_far_into_a_long_text_is_marked():
    text = "Le budget de la ville. " * 400 + "Une piste pour les vélos du quartier."
    snippet = highlight(text, "velo")
    assert "<mark>vélos</mark>" in snippet and snippet.startswith("…")
    assert highlight("<b>vélo</b> & co", "velo") == "&lt;b&gt;<mark>vélo</mark>&lt;/b&gt; &amp; co"


def test_the_matching_chunks_hold_exactly_the_matching_tokens():
    """`highlight` marks its excerpt a chunk at a time (the chunks whose terms match, located,
    then their tokens): the same spans as matching every token of the text — repeated chunks, a
    chunk inside a longer one, punctuation and elisions included."""
    rng = random.Random(7)
    spans = 0
    for _ in range(3000):
        text = "".join(rng.choice(WORDS) + rng.choice(GLUE) for _ in range(rng.randint(0, 80)))
        terms = set(analyze(rng.choice(QUERIES)))
        offset = rng.randint(0, 5)
        by_chunk = [
            span
            for position, chunk in _matching_chunks(text, terms, offset)
            for span in _term_spans(chunk, terms, offset=position)
        ]
        assert by_chunk == list(_term_spans(text, terms, offset=offset)), (text, terms)
        spans += len(by_chunk)
    assert spans > 5000  # many matches, several per text
