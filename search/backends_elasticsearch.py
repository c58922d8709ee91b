"""haystack's Elasticsearch 7 engine with the same French analysis as the Whoosh one.

Selected by environment only (HAYSTACK_ELASTICSEARCH_URL, see docs/search.md); haystack imports
it only when that engine is configured. The `elasticsearch` 7 client is a locked dependency.
"""

from __future__ import annotations

import copy

from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
)

_SETTINGS = copy.deepcopy(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
_analysis = _SETTINGS["settings"]["analysis"]
_analysis["filter"].update(
    {
        "fabrique_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": [
                "l",
                "m",
                "t",
                "qu",
                "n",
                "s",
                "j",
                "d",
                "c",
                "jusqu",
                "quoiqu",
                "lorsqu",
                "puisqu",
                "presqu",
            ],
        },
        "fabrique_french_stop": {"type": "stop", "stopwords": "_french_"},
        "fabrique_french_stemmer": {"type": "stemmer", "language": "light_french"},
    }
)
# tokenise → elision → lowercase → fold accents → stop words → stem: the Whoosh chain's twin.
_analysis["analyzer"]["fabrique_french"] = {
    "tokenizer": "standard",
    "filter": [
        "fabrique_elision",
        "lowercase",
        "asciifolding",
        "fabrique_french_stop",
        "fabrique_french_stemmer",
    ],
}


class FrenchElasticsearchSearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = _SETTINGS
    DEFAULT_FIELD_MAPPING = {"type": "text", "analyzer": "fabrique_french"}


class FrenchElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = FrenchElasticsearchSearchBackend
