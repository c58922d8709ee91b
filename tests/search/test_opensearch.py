"""The OpenSearch backend, against recorded request/response pairs checked exactly.

No OpenSearch server runs here: each test replays a cassette (tests/search/opensearch_support.py)
through the real backend, the real search service, outbox, indexer and API. What this proves
and what it does not: docs/search.md.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from haystack import connections

from search.analysis import ELISION_RE, FRENCH_STOP_WORDS, TOKEN_PATTERN, analyze, stem
from search.backends_opensearch import ANALYSIS, FrenchOpenSearchBackend, OpenSearchError
from search.indexer import outbox_drain
from search.models import IndexOutbox
from search.services import search_query
from tests.conftest import client_for

from .factories import make_sheet, sheet_delete
from .opensearch_support import Cassette
from .settings_probe import settings_probe

ROOT = Path(__file__).resolve().parents[2]
NODE = "https://search.internal:9200"
OPENSEARCH = {
    "ENGINE": "search.backends_opensearch.FrenchOpenSearchEngine",
    "URL": NODE,
    "INDEX_NAME": "fabrique-test",
    "USERNAME": "fabrique",
    "PASSWORD": "s3cret",
}


@pytest.fixture
def opensearch(db):
    """The default search connection is OpenSearch for the test; `play(name, **subs)` puts a
    cassette in place of the HTTP pool. Every cassette must be played to its end."""
    played: list[Cassette] = []
    saved = connections.connections_info
    config = {"default": dict(OPENSEARCH)}

    def play(name, options=None, **subs):
        if options is not None:
            config["default"].update(options)
            connections.reload("default")
        cassette = Cassette(name, **subs)
        connections["default"].get_backend().transport.pool = cassette
        played.append(cassette)
        return cassette

    with override_settings(HAYSTACK_CONNECTIONS=config):
        connections.connections_info = config
        connections.reload("default")
        try:
            yield play
        finally:
            connections.connections_info = saved
    connections.reload("default")
    for cassette in played:
        cassette.assert_done()


def _sheet_subs(prefix, sheet):
    return {
        f"{prefix}_id": sheet.pk,
        f"{prefix}_pk": str(sheet.pk),
        f"{prefix}_ws": sheet.workspace_id,
        f"{prefix}_slug": sheet.workspace.slug,
    }


def test_the_harness_refuses_a_request_it_has_no_recording_for(opensearch):
    cassette = opensearch("failover")
    backend = connections["default"].get_backend()
    with pytest.raises(AssertionError, match="failover"):
        backend.setup()  # a HEAD where a search was recorded
    cassette.position = len(cassette.interactions)


def test_first_write_creates_the_index_with_the_french_analysis(opensearch, make_workspace):
    workspace, _ = make_workspace()
    a = make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    opensearch("create_index", **_sheet_subs("a", a))
    report = outbox_drain()
    assert (report.updated, report.removed, report.errors) == (1, 0, [])
    assert not IndexOutbox.objects.exists()


def test_drain_search_visibility_and_delete(opensearch, make_workspace):
    workspace, actors = make_workspace()
    private, private_actors = make_workspace(visibility="private")
    a = make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    b = make_sheet(private, title="Vélos privés", summary="Un secret")
    opensearch("drain_and_search", **_sheet_subs("a", a), **_sheet_subs("b", b))
    assert outbox_drain().updated == 2

    # The engine returns the private sheet to a visitor (a stale or forged hit): the database
    # re-check drops it before counting, and its words never reach a snippet.
    anonymous = search_query(user=None, q="velo ecole")
    assert [(h.type, h.id) for h in anonymous.results] == [("sheet", a.pk)]
    assert anonymous.count == 1 and anonymous.index_state == "ok"
    assert "secret" not in anonymous.results[0].snippet

    member = search_query(user=private_actors["reader"], q="velo ecole")
    assert [(h.type, h.id) for h in member.results] == [("sheet", b.pk), ("sheet", a.pk)]

    body = client_for(None).get("/api/v1/search/", {"q": "velo ecole"}).json()
    assert (body["count"], [r["id"] for r in body["results"]]) == (1, [a.pk])

    sheet_delete(a)
    assert outbox_drain().removed == 1


def test_search_rebuild_and_healthz(opensearch, make_workspace, client):
    workspace, _ = make_workspace()
    a = make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    opensearch("rebuild_and_health", **_sheet_subs("a", a))
    call_command("search_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not IndexOutbox.objects.exists()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["search"] == "ok"


def test_a_refused_connection_or_a_bad_gateway_moves_to_the_next_node(opensearch, make_workspace):
    workspace, _ = make_workspace()
    a = make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    IndexOutbox.objects.all().delete()
    opensearch(
        "failover",
        options={
            "URL": "https://fabrique:s3cret@os1.internal:9200,https://os2.internal:9200/,"
            "https://os3.internal:9200"
        },
        **_sheet_subs("a", a),
    )
    page = search_query(user=None, q="velo ecole")
    assert [h.id for h in page.results] == [a.pk]


def test_an_unavailable_cluster_answers_without_results_never_500(opensearch, make_workspace):
    workspace, _ = make_workspace()
    make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    IndexOutbox.objects.all().delete()
    opensearch("unavailable")
    page = search_query(user=None, q="velo ecole")
    assert (page.count, page.results, page.index_state) == (0, [], "unavailable")


def test_a_refused_bulk_item_keeps_the_outbox_rows(opensearch, make_workspace):
    workspace, _ = make_workspace()
    a = make_sheet(workspace, title="Des vélos à l'école", summary="Pistes cyclables")
    rows = IndexOutbox.objects.count()
    opensearch("bulk_error", **_sheet_subs("a", a))
    with pytest.raises(OpenSearchError, match="strict_dynamic_mapping_exception"):
        outbox_drain()
    assert IndexOutbox.objects.count() == rows > 0


# --- the analysis declared in the index settings is the embedded one ---


def test_index_analysis_mirrors_search_analysis():
    filters = ANALYSIS["filter"]
    assert ANALYSIS["tokenizer"]["fabrique_words"]["pattern"] == TOKEN_PATTERN
    articles = filters["fabrique_elision"]["articles"]
    assert {a for a in articles} == {
        w for w in re.findall(r"[a-z]+", ELISION_RE.pattern.split("(?:")[1].split(")")[0])
    }
    for article in articles:
        assert analyze(f"{article}'aménagement") == analyze("aménagement")
    assert set(filters["fabrique_stop"]["stopwords"]) == FRENCH_STOP_WORDS
    # Lucene's Snowball French is the algorithm PyStemmer runs; "light_french" is another.
    assert filters["fabrique_stemmer"] == {"type": "stemmer", "language": "french"}
    # The plural rule as Java's regex replacement would apply it, on Snowball's roots.
    plural = filters["fabrique_plural"]
    java = re.compile(plural["pattern"])
    for word in ["velos", "velo", "jeux", "bois", "concertations", "ecoles", "pas", "taux", "gaz"]:
        import Stemmer

        root = Stemmer.Stemmer("french").stemWord(word)
        assert java.sub(plural["replacement"].replace("$1", r"\1"), root) == stem(word), word
    assert ANALYSIS["analyzer"]["fabrique_french"]["filter"] == [
        "lowercase",
        "fabrique_elision",
        "asciifolding",
        "fabrique_stop",
        "fabrique_stemmer",
        "fabrique_plural",
    ]


# --- chosen by environment variables alone ---

PROBE = """
import json, django
django.setup()
from haystack import connections
conn = connections["default"]
backend = conn.get_backend()
print(json.dumps({
    "backend": type(backend).__name__,
    "nodes": backend.transport.nodes,
    "auth": backend.transport.headers.get("Authorization"),
    "index": backend.index_name,
    "replicas": backend.replicas,
    "verify": backend.transport.pool.connection_pool_kw.get("cert_reqs"),
    "text_analyzers": sorted({
        m.get("analyzer") for m in backend.index_body()["mappings"]["properties"].values()
        if m["type"] == "text"
    }),
}))
"""


def _probe(**env: str) -> dict:
    return settings_probe(PROBE, **env)


def test_an_opensearch_url_selects_the_opensearch_engine():
    found = _probe(
        HAYSTACK_OPENSEARCH_URL="https://search1.internal:9200,https://search2.internal:9200/",
        HAYSTACK_OPENSEARCH_USERNAME="fabrique",
        HAYSTACK_OPENSEARCH_PASSWORD="s3cret",
        HAYSTACK_OPENSEARCH_REPLICAS="2",
        HAYSTACK_INDEX_NAME="ems",
        # Set as well: OpenSearch wins over the Elasticsearch 7 dead end.
        HAYSTACK_ELASTICSEARCH_URL="http://old.internal:9200/",
    )
    assert found == {
        "backend": FrenchOpenSearchBackend.__name__,
        "nodes": ["https://search1.internal:9200", "https://search2.internal:9200"],
        "auth": "Basic ZmFicmlxdWU6czNjcmV0",
        "index": "ems",
        "replicas": 2,
        "verify": "CERT_REQUIRED",
        "text_analyzers": ["fabrique_french"],
    }


def test_node_addresses_keep_their_path_and_credentials_leave_the_address():
    from search.backends_opensearch import OpenSearchTransport

    transport = OpenSearchTransport(
        "https://fabrique:p%40ss@[::1]:9200/search/, http://os2.internal"
    )
    assert transport.nodes == ["https://[::1]:9200/search", "http://os2.internal"]
    assert transport.headers["Authorization"] == "Basic ZmFicmlxdWU6cEBzcw=="
    with pytest.raises(ValueError, match="not an OpenSearch node"):
        OpenSearchTransport("search.internal:9200")
