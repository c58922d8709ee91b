"""Search tests start from an empty index (its directory outlives each test's rollback)."""

import pytest
from django.conf import settings
from haystack import connections

from search.indexer import outbox_drain

# Tests of an embedded engine's mechanics (its write lock, index directory, document count):
# they run on tantivy and on Whoosh (CI runs tests/search once per engine); the service,
# visibility and API tests run against any engine.
embedded_only = pytest.mark.skipif(
    "PATH" not in settings.HAYSTACK_CONNECTIONS["default"], reason="embedded engines only"
)


@pytest.fixture(autouse=True)
def empty_index(db):
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


@pytest.fixture
def drain():
    """Run the indexer as the worker would, and insist the outbox ends empty."""

    def run():
        report = outbox_drain()
        assert not report.skipped_locked and not report.errors, report
        return report

    return run


@pytest.fixture(params=["engine-count", "engine-keys", "haystack-generic"])
def candidate_path(request, monkeypatch):
    """Run a test through each way the search service asks the engine for hits: our embedded
    backend's count and page keys (the database re-checking the page and the entries awaiting
    the indexer), its key listing of up to MAX_CANDIDATES candidates (all re-checked), and the
    plain haystack query any other engine (Elasticsearch) gets."""
    backend = type(connections["default"].get_backend())
    names = {"engine-keys": ["ranked_keys"], "haystack-generic": ["ranked_keys", "candidate_keys"]}
    for name in names.get(request.param, []):
        if hasattr(backend, name):
            monkeypatch.delattr(backend, name)
    return request.param
