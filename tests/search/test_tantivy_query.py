"""The tantivy engine asks one boolean query of the words and the visibility filter (issue 12).

Nested, the words' own conjunction was a scorer inside the filter's; flattened, tantivy
intersects every clause in one pass. What the flattening must not change is what a search
answers: the same entries, in the same order, with the same scores and the same count, for
words, exact phrases and excluded words, under each kind of visibility filter.
"""

import pytest
from haystack.inputs import AutoQuery
from haystack.query import SQ, SearchQuerySet

from workspace.models import Workspace

from .factories import make_sheet

pytestmark = pytest.mark.django_db

WORDS = ["tilleul", "fontaine", "passerelle", "quartier", "vélos", "jardin"]


@pytest.fixture
def backend():
    from haystack import connections

    found = connections["default"].get_backend()
    if not hasattr(found, "_clauses"):
        pytest.skip("the tantivy engine's query building")
    return found


def nested(backend, spec, filter_spec):
    """The query as it was built before: the words' query, then the filter around it."""
    from search.backends_tantivy import Occur, Q

    return Q.boolean_query(
        [
            (Occur.Must, backend.compile(spec)),
            (Occur.Must, Q.const_score_query(backend.compile(filter_spec), 0.0)),
        ]
    )


def answer(searcher, query):
    found = searcher.search(query, limit=100, count=True)
    return found.count, [(round(score, 5), a.segment_ord, a.doc) for score, a in found.hits]


def test_flattened_query_answers_as_the_nested_one(backend, make_workspace, drain):
    public, _ = make_workspace()
    private, _ = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    for i in range(40):
        # Varied lengths and word counts, so that scores differ and some tie.
        words = " ".join(WORDS[j % len(WORDS)] for j in range(i % 7 + 1))
        make_sheet(
            public if i % 3 else private,
            title=f"Fiche {i} {words}",
            summary=f"La {WORDS[i % len(WORDS)]} du quartier " * (i % 4 + 1),
            is_public=i % 5 != 0,
        )
    drain()
    filters = [
        SQ(public=True),
        SQ(public=True) | SQ(workspace_id__in=[private.pk]),
        ~SQ(public=True),
        SQ(public=True) & ~SQ(workspace_id__in=[private.pk]),
    ]
    queries = ["quartier", "fontaine quartier", "velo jardin tilleul", "quartier -fontaine"]
    queries.append('"du quartier"')
    searcher = backend._searcher()
    compared = 0
    for text in queries:
        spec = SearchQuerySet().filter(content=AutoQuery(text)).query.build_query()
        for condition in filters:
            filter_spec = SearchQuerySet().filter(condition).query.build_query()
            expected = answer(searcher, nested(backend, spec, filter_spec))
            assert answer(searcher, backend._query(spec, filter_spec)) == expected, (
                text,
                condition,
            )
            compared += expected[0] > 0
    # The comparisons were about hits, not empty answers on both sides.
    assert compared >= 15
