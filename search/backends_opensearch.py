"""OpenSearch for haystack: the project's own backend, REST over urllib3, French analysis.

Selected by environment only (HAYSTACK_OPENSEARCH_URL, see docs/search.md); haystack imports
it only when that engine is configured. Why not `opensearch-py` or `django-haystack-opensearch`:
docs/decisions.md (the client's `Events` dependency is a top-level `events` module, the name of
Fabrique's own app).

What it does, like the embedded engines:
- one index (HAYSTACK_INDEX_NAME) whose settings declare `fabrique_french`, the twin of
  `search.analysis.FrenchAnalyzer` (same token pattern, elision articles, folding, the
  project's own stop-word list, the Snowball French stemmer and the plural rule); every indexed
  text field uses it, index and query side;
- `CharField(indexed=False)` and multi-valued fields are exact `keyword` terms (slugs), the
  visibility fields (`public`, `workspace_id`, `key`) indexed terms the search service filters
  on; texts are indexed but not kept in `_source`: titles and snippets come from the database;
- `candidate_keys` (the search service's fast path): the ids of the best hits only, the
  visibility part as a non-scoring filter; `apply_batch` (the indexer's): a whole outbox batch
  in one `_bulk` request, visible to searches when it returns (`refresh=wait_for`).

Every request goes through `OpenSearchTransport.request`, the one place that talks HTTP
(tests/search/test_opensearch.py replays recorded exchanges at the urllib3 level).
"""

from __future__ import annotations

import base64
import datetime
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import certifi
import urllib3
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.exceptions import SkipDocument
from haystack.inputs import Clean, Exact, PythonData, Raw
from haystack.models import SearchResult
from haystack.utils import get_identifier
from haystack.utils.app_loading import haystack_get_model

from .analysis import ELISION_RE, FRENCH_STOP_WORDS, TOKEN_PATTERN

logger = logging.getLogger(__name__)

ANALYZER = "fabrique_french"
# The elided articles of search.analysis.ELISION_RE ("l", "d", "qu", "jusqu"…), in its order.
ELISION_ARTICLES = re.search(r"\(\?:([^)]*)\)", ELISION_RE.pattern).group(1).split("|")  # type: ignore[union-attr]

# tokenise (apostrophes kept inside words) → lowercase → elision → fold accents and ligatures
# → the project's stop words (folded) → Snowball French → the plural -s/-x Snowball leaves
# after vowels on roots of four letters or more: search.analysis.FrenchAnalyzer, step by step.
ANALYSIS: dict[str, Any] = {
    "char_filter": {
        # search.analysis.fold reads the typographic apostrophe as the straight one.
        "fabrique_apostrophe": {"type": "mapping", "mappings": ["’ => '"]},
    },
    "tokenizer": {
        "fabrique_words": {
            "type": "pattern",
            "pattern": TOKEN_PATTERN,
            "group": 0,
            # Python's \w is Unicode; Java's only with this flag.
            "flags": "UNICODE_CHARACTER_CLASS",
        },
    },
    "filter": {
        "fabrique_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": ELISION_ARTICLES,
        },
        "fabrique_stop": {"type": "stop", "stopwords": sorted(FRENCH_STOP_WORDS)},
        # "french" is Lucene's Snowball French (the algorithm PyStemmer runs), not
        # "light_french" (Savoy's, another algorithm).
        "fabrique_stemmer": {"type": "stemmer", "language": "french"},
        "fabrique_plural": {
            "type": "pattern_replace",
            "pattern": "^(.{3,})[sx]$",
            "replacement": "$1",
        },
    },
    "analyzer": {
        ANALYZER: {
            "type": "custom",
            "char_filter": ["fabrique_apostrophe"],
            "tokenizer": "fabrique_words",
            "filter": [
                "lowercase",
                "fabrique_elision",
                "asciifolding",
                "fabrique_stop",
                "fabrique_stemmer",
                "fabrique_plural",
            ],
        },
    },
}

# haystack field types → OpenSearch mapping types (exact terms unless indexed as text).
FIELD_TYPES = {
    "integer": "long",
    "long": "long",
    "float": "double",
    "decimal": "double",
    "boolean": "boolean",
    "date": "date",
    "datetime": "date",
}


class OpenSearchError(Exception):
    """An answer the backend cannot use (status ≥ 400, or an item of a bulk that failed)."""

    def __init__(self, status: int, body: Any, method: str = "", path: str = ""):
        self.status = status
        self.body = body
        super().__init__(f"OpenSearch {method} {path}: {status} {str(body)[:300]}")


class OpenSearchUnavailable(OpenSearchError):
    """No node answered."""


class OpenSearchTransport:
    """JSON over HTTP(S) to one or several nodes: round robin, the next node on a connection
    error or a 502/503/504, basic authentication, certificates checked (certifi's bundle or
    CA_CERTS)."""

    RETRY_STATUSES = frozenset({502, 503, 504})

    def __init__(
        self,
        urls: str | Iterable[str],
        *,
        username: str = "",
        password: str = "",
        ca_certs: str = "",
        verify_certs: bool = True,
        timeout: float = 10.0,
    ):
        if isinstance(urls, str):
            urls = urls.split(",")
        self.nodes: list[str] = []
        for raw in urls:
            raw = raw.strip()
            if not raw:
                continue
            parts = urlsplit(raw)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an OpenSearch node address: {raw!r}")
            if parts.username and not username:
                username, password = unquote(parts.username), unquote(parts.password or "")
            host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
            netloc = host if parts.port is None else f"{host}:{parts.port}"
            self.nodes.append(f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}")
        if not self.nodes:
            raise ValueError("HAYSTACK_OPENSEARCH_URL names no node")
        self.headers = {"Accept": "application/json"}
        if username:
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"
        self.timeout = urllib3.Timeout(connect=min(timeout, 5.0), read=timeout)
        self.pool = urllib3.PoolManager(
            cert_reqs="CERT_REQUIRED" if verify_certs else "CERT_NONE",
            ca_certs=(ca_certs or certifi.where()) if verify_certs else None,
            maxsize=4,
        )
        self._next = itertools.count()
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        ndjson: list[dict] | None = None,
        ignore: Iterable[int] = (),
    ) -> tuple[int, Any]:
        """(status, decoded JSON or None). Raises OpenSearchError for a status ≥ 400 not in
        `ignore`, OpenSearchUnavailable when no node answers."""
        if params:
            path = f"{path}?{urlencode(params)}"
        headers = dict(self.headers)
        data = None
        if ndjson is not None:
            data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in ndjson)
            headers["Content-Type"] = "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False)
            headers["Content-Type"] = "application/json"
        with self._lock:
            start = next(self._next) % len(self.nodes)
        order = self.nodes[start:] + self.nodes[:start]
        failure: Any = None
        for node in order:
            try:
                response = self.pool.request(
                    method,
                    node + path,
                    body=data.encode() if data is not None else None,
                    headers=headers,
                    timeout=self.timeout,
                    retries=False,
                )
            except urllib3.exceptions.HTTPError as exc:
                logger.warning("OpenSearch node %s: %s", node, exc)
                failure = exc
                continue
            status = response.status
            try:
                decoded = json.loads(response.data) if response.data else None
            except ValueError:  # a proxy's HTML page, a truncated answer
                decoded = response.data[:300].decode("utf-8", "replace")
            if status in self.RETRY_STATUSES:
                failure = decoded
                logger.warning("OpenSearch node %s answered %s", node, status)
                continue
            if status >= 400 and status not in set(ignore):
                raise OpenSearchError(status, decoded, method, path)
            return status, decoded
        raise OpenSearchUnavailable(503, failure, method, path)


class FrenchOpenSearchBackend(BaseSearchBackend):
    # Lucene's query syntax, as haystack's Elasticsearch backend escapes it.
    RESERVED_WORDS = ("AND", "NOT", "OR", "TO")
    RESERVED_CHARACTERS = (
        "\\",
        "+",
        "-",
        "&&",
        "||",
        "!",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "^",
        '"',
        "~",
        "*",
        "?",
        ":",
        "/",
    )

    def __init__(self, connection_alias: str, **connection_options: Any):
        super().__init__(connection_alias, **connection_options)
        if not connection_options.get("URL"):
            raise ValueError("the OpenSearch engine needs a URL (HAYSTACK_OPENSEARCH_URL)")
        self.index_name: str = connection_options.get("INDEX_NAME") or "fabrique"
        self.shards = int(connection_options.get("SHARDS", 1))
        self.replicas = int(connection_options.get("REPLICAS", 1))
        self.transport = OpenSearchTransport(
            connection_options["URL"],
            username=connection_options.get("USERNAME", ""),
            password=connection_options.get("PASSWORD", ""),
            ca_certs=connection_options.get("CA_CERTS", ""),
            verify_certs=connection_options.get("VERIFY_CERTS", True),
            timeout=float(connection_options.get("TIMEOUT", 10)),
        )
        self.setup_complete = False
        self._content_field: str | None = None

    # --- the index: settings, mapping, creation ---

    @property
    def _index_path(self) -> str:
        return "/" + quote(self.index_name, safe="")

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        content_field_name = ""
        properties: dict[str, Any] = {
            DJANGO_CT: {"type": "keyword"},
            DJANGO_ID: {"type": "keyword"},
        }
        for field_class in fields.values():
            name = field_class.index_fieldname
            if field_class.document is True:
                content_field_name = name
            if field_class.field_type in FIELD_TYPES:
                mapping = {"type": FIELD_TYPES[field_class.field_type]}
            elif field_class.is_multivalued or field_class.indexed is False:
                mapping = {"type": "keyword"}
            else:
                mapping = {"type": "text", "analyzer": ANALYZER}
            properties[name] = mapping
        return content_field_name, properties

    @property
    def content_field_name(self) -> str:
        """The document field (`text`): what a query without a field name searches."""
        if self._content_field is None:
            self._content_field, _ = self.build_schema(self._unified_index().all_searchfields())
        return self._content_field

    def index_body(self) -> dict[str, Any]:
        """The settings and mappings the index is created with."""
        _, properties = self.build_schema(self._unified_index().all_searchfields())
        texts = sorted(n for n, m in properties.items() if m["type"] == "text")
        return {
            "settings": {
                "index": {"number_of_shards": self.shards, "number_of_replicas": self.replicas},
                "analysis": ANALYSIS,
            },
            "mappings": {
                # A field the code does not declare is an error, not a guess (search_rebuild
                # after a schema change).
                "dynamic": "strict",
                # Texts are searched, never shown from the index.
                "_source": {"excludes": texts},
                "properties": properties,
            },
        }

    def _unified_index(self) -> Any:
        from haystack import connections

        return connections[self.connection_alias].get_unified_index()

    def setup(self) -> None:
        """Create the index if it does not exist (never touches an existing one)."""
        status, _ = self.transport.request("HEAD", self._index_path, ignore=(404,))
        if status == 404:
            logger.warning(
                "search index %s did not exist: created empty (manage.py search_rebuild fills it)",
                self.index_name,
            )
            self._create()
        self.setup_complete = True

    def _create(self) -> None:
        self.transport.request("PUT", self._index_path, body=self.index_body())

    # --- writes ---

    @staticmethod
    def _doc_value(value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, set | tuple):
            return sorted(value) if isinstance(value, set) else list(value)
        return value

    def apply_batch(
        self, updates: Iterable[tuple[Any, Any]], removals: Iterable[str], *, clear: bool = False
    ) -> tuple[int, int]:
        """A whole outbox batch in ONE `_bulk` request, searchable when it returns.

        `updates` are (SearchIndex, instance) pairs, `removals` haystack identifiers. Raises
        OpenSearchError if any item failed: the caller keeps its outbox rows and the next drain
        replays the batch (index and delete are idempotent).
        """
        if not self.setup_complete:
            self.setup()
        if clear:
            self.clear()
        lines: list[dict] = []
        removed = updated = 0
        for identifier in removals:
            lines.append({"delete": {"_id": identifier}})
            removed += 1
        for search_index, obj in updates:
            try:
                doc = search_index.full_prepare(obj)
            except SkipDocument:
                continue
            identifier = doc.pop("id")
            doc.pop("boost", None)
            lines.append({"index": {"_id": identifier}})
            lines.append({key: self._doc_value(value) for key, value in doc.items()})
            updated += 1
        if not lines:
            return 0, 0
        _, answer = self.transport.request(
            "POST",
            f"{self._index_path}/_bulk",
            params={"refresh": "wait_for"},
            ndjson=lines,
        )
        if answer and answer.get("errors"):
            failed = [
                item
                for entry in answer.get("items", [])
                for item in entry.values()
                if "error" in item
            ]
            if failed:
                raise OpenSearchError(400, failed[:5], "POST", f"{self._index_path}/_bulk")
        return updated, removed

    def apply_planned(
        self, plan: Callable[[], tuple[Iterable[Any], Iterable[str]]], *, clear: bool = False
    ) -> tuple[int, int]:
        """`plan` is called just before the bulk request. OpenSearch has no writer lock to take
        first: the outbox lease alone orders batches (a drainer that lost it stops before its
        next batch; docs/search.md names the window that is left)."""
        updates, removals = plan()
        return self.apply_batch(updates, removals, clear=clear)

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        self.apply_batch([(index, obj) for obj in iterable], [])

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        self.apply_batch([], [get_identifier(obj_or_string)])

    def clear(self, models: Iterable[Any] | None = None, commit: bool = True) -> None:
        """Everything: drop the index and create it anew (so a rebuild also applies changed
        analysis settings). Some models: delete their entries."""
        if models:
            cts = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in models)
            self.transport.request(
                "POST",
                f"{self._index_path}/_delete_by_query",
                params={"refresh": "true", "conflicts": "proceed"},
                body={"query": {"terms": {DJANGO_CT: cts}}},
            )
            return
        self.transport.request("DELETE", self._index_path, ignore=(404,))
        self._create()
        self.setup_complete = True

    def document_count(self) -> int:
        _, answer = self.transport.request("GET", f"{self._index_path}/_count")
        return int(answer["count"])

    # --- reads ---

    def _query(self, query_string: str, filters: Iterable[str] = ()) -> dict[str, Any]:
        if query_string.strip() in ("*", "*:*"):
            match: dict[str, Any] = {"match_all": {}}
        else:
            match = {
                "query_string": {
                    "query": query_string,
                    "default_field": self.content_field_name,
                    "default_operator": "AND",
                }
            }
        filter_clauses = [
            {"query_string": {"query": f, "default_operator": "AND"}} for f in filters if f
        ]
        if not filter_clauses:
            return match
        return {"bool": {"must": [match], "filter": filter_clauses}}

    @staticmethod
    def _key(hit: dict[str, Any]) -> tuple[str, str]:
        django_ct, _, django_id = hit["_id"].rpartition(".")
        return django_ct, django_id

    def candidate_keys(
        self, query_string: str, limit: int, filter_string: str | None = None
    ) -> tuple[list[tuple[str, str]], bool]:
        """(django_ct, django_id) of the `limit` best hits, best first, and whether more matched:
        ids only (no `_source`, no total), the visibility part as a cached, non-scoring filter.
        A visibility filter that is empty admits nothing (never "everything")."""
        if filter_string is not None and not filter_string.strip():
            return [], False
        body = {
            "query": self._query(query_string, [filter_string] if filter_string else []),
            "size": limit + 1,
            "_source": False,
            "track_total_hits": False,
        }
        _, answer = self.transport.request("POST", f"{self._index_path}/_search", body=body)
        keys = [self._key(hit) for hit in answer["hits"]["hits"]]
        return keys[:limit], len(keys) > limit

    @log_query
    def search(self, query_string: str, **kwargs: Any) -> dict[str, Any]:
        """haystack's generic search (SearchQuerySet, `/healthz`): hits as SearchResults
        without stored fields. Sorting, facets, highlighting and spelling are not offered: the
        search service does not use them (it re-reads and excerpts from the database)."""
        if not query_string:
            return {"results": [], "hits": 0}
        start = int(kwargs.get("start_offset") or 0)
        end = kwargs.get("end_offset")
        size = max(0, int(end) - start) if end is not None else 20
        filters = sorted(kwargs.get("narrow_queries") or ())
        models = kwargs.get("models")
        query = self._query(query_string, filters)
        if models:
            cts = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in models)
            query = {"bool": {"must": [query], "filter": [{"terms": {DJANGO_CT: cts}}]}}
        body = {
            "query": query,
            "from": start,
            "size": size,
            "_source": False,
            "track_total_hits": True,
        }
        _, answer = self.transport.request("POST", f"{self._index_path}/_search", body=body)
        result_class = kwargs.get("result_class") or SearchResult
        indexed = set(self._unified_index().get_indexed_models())
        results = []
        for hit in answer["hits"]["hits"]:
            django_ct, django_id = self._key(hit)
            app_label, _, model_name = django_ct.partition(".")
            model = haystack_get_model(app_label, model_name)
            if model is None or model not in indexed:
                continue
            results.append(result_class(app_label, model_name, django_id, hit.get("_score")))
        return {"results": results, "hits": int(answer["hits"]["total"]["value"])}

    def more_like_this(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError("more_like_this is not offered by the OpenSearch backend")

    # --- values in query strings ---

    def _from_python(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, set | list | tuple):
            return [self._from_python(v) for v in value]
        return value

    def _to_python(self, value: Any) -> Any:
        return value


class FrenchOpenSearchQuery(BaseSearchQuery):
    """haystack filters as Lucene query-string fragments (haystack's Elasticsearch rules)."""

    FILTER_TYPES = {
        "content": "%s",
        "contains": "*%s*",
        "endswith": "*%s",
        "startswith": "%s*",
        "exact": "%s",
        "gt": "{%s TO *}",
        "gte": "[%s TO *]",
        "lt": "{* TO %s}",
        "lte": "[* TO %s]",
        "fuzzy": "%s~",
    }

    def matching_all_fragment(self) -> str:
        return "*:*"

    def build_query_fragment(self, field: str, filter_type: str, value: Any) -> str:
        from haystack import connections

        if not hasattr(value, "input_type_name"):
            if hasattr(value, "values_list"):
                value = list(value)
            value = Clean(value) if isinstance(value, str) else PythonData(value)
        prepared = value.prepare(self)
        if not isinstance(prepared, set | list | tuple):
            prepared = self.backend._from_python(prepared)
        if field == "content":
            prefix = ""
        else:
            unified = connections[self._using].get_unified_index()
            prefix = f"{unified.get_index_fieldname(field)}:"

        if value.post_process is False:
            fragment = prepared
        elif filter_type in ("content", "contains", "startswith", "endswith", "fuzzy"):
            if value.input_type_name == "exact":
                fragment = prepared
            else:
                pattern = self.FILTER_TYPES[filter_type]
                words = prepared.split(" ") if isinstance(prepared, str) else [prepared]
                terms = [pattern % self.backend._from_python(w) for w in words]
                fragment = terms[0] if len(terms) == 1 else f"({' AND '.join(terms)})"
        elif filter_type == "in":
            if not prepared:
                fragment = "(!*:*)"  # an empty IN admits nothing
            else:
                options = [f'"{self.backend._from_python(v)}"' for v in prepared]
                fragment = f"({' OR '.join(options)})"
        elif filter_type == "range":
            start, end = (self.backend._from_python(v) for v in prepared)
            fragment = f'["{start}" TO "{end}"]'
        else:
            if value.input_type_name != "exact":
                prepared = Exact(prepared).prepare(self)
            fragment = self.FILTER_TYPES[filter_type] % prepared

        fragment = str(fragment)
        if (
            fragment
            and not isinstance(value, Raw)
            and not fragment.startswith("(")
            and not fragment.endswith(")")
        ):
            fragment = f"({fragment})"
        return f"{prefix}{fragment}"


class FrenchOpenSearchEngine(BaseEngine):
    backend = FrenchOpenSearchBackend
    query = FrenchOpenSearchQuery
