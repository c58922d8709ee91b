"""Elasticsearch is chosen by environment variables alone, with the French analysis chain."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .settings_probe import settings_probe

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from haystack import connections
from search.backends_elasticsearch import FrenchElasticsearchSearchBackend
conn = connections["default"]
backend = conn.get_backend()
_, mapping = backend.build_schema(conn.get_unified_index().all_searchfields())
analysis = backend.DEFAULT_SETTINGS["settings"]["analysis"]["analyzer"]["fabrique_french"]
print(json.dumps({
    "backend": type(backend).__name__,
    "is_french": isinstance(backend, FrenchElasticsearchSearchBackend),
    "url": conn.options["URL"],
    "index": conn.options["INDEX_NAME"],
    "text_analyzers": sorted({f.get("analyzer") for f in mapping.values() if f["type"] == "text"}),
    "filters": analysis["filter"],
}))
"""


def _probe(**env: str) -> dict:
    return settings_probe(PROBE, **env)


def test_an_elasticsearch_url_selects_the_french_elasticsearch_engine():
    found = _probe(
        HAYSTACK_ELASTICSEARCH_URL="http://search.internal:9200/", HAYSTACK_INDEX_NAME="ems"
    )
    assert found["is_french"]
    assert found["url"] == "http://search.internal:9200/"
    assert found["index"] == "ems"
    # Every text field of every index is analysed in French, as with Whoosh.
    assert found["text_analyzers"] == ["fabrique_french"]
    assert found["filters"] == [
        "fabrique_elision",
        "lowercase",
        "asciifolding",
        "fabrique_french_stop",
        "fabrique_french_stemmer",
    ]


ENGINE_PROBE = """
import json, django
django.setup()
from django.conf import settings
from haystack import connections
conn = settings.HAYSTACK_CONNECTIONS["default"]
print(json.dumps({
    "backend": type(connections["default"].get_backend()).__name__,
    "path": conn["PATH"],
}))
"""


def _engine_probe(**env: str) -> dict:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HAYSTACK_") and k != "FABRIQUE_VAR_DIR"
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.dev", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", ENGINE_PROBE], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tantivy_is_the_default_engine_and_whoosh_stays_selectable():
    default = _engine_probe()
    assert default["backend"] == "FrenchTantivySearchBackend"
    assert Path(default["path"]).parts[-2:] == ("var", "tantivy")
    whoosh = _engine_probe(HAYSTACK_ENGINE="search.backends.FrenchWhooshEngine")
    assert whoosh["backend"] == "FrenchWhooshSearchBackend"
    assert Path(whoosh["path"]).parts[-2:] == ("var", "whoosh")
