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


@pytest.fixture(params=["engine-keys", "haystack-generic"])
def candidate_path(request, monkeypatch):
    """Run a test through both ways the search service asks the engine for hits: our embedded
    backend's key listing with a visibility filter, and the plain haystack query any other
    engine (Elasticsearch) gets."""
    if request.param == "haystack-generic":
        backend = type(connections["default"].get_backend())
        if hasattr(backend, "candidate_keys"):
            monkeypatch.delattr(backend, "candidate_keys")
    return request.param
