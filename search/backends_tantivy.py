"""A haystack engine of the project's own on tantivy (Rust, official Python bindings).

The default embedded engine (docs/search.md, docs/decisions.md). The project's French
analysis (`search.analysis.analyze`: elision, folding, stop words, stemming, the plural rule)
runs in Python on both sides: an analysed text field holds the analysed terms, separated by
spaces, under tantivy's `whitespace` tokenizer (positions stay consecutive, as Whoosh's stop
filter renumbers them, so phrases match alike); a query is analysed the same way and built as
tantivy query objects — never through a query parser, so no user input is ever syntax.

- `CharField(indexed=False)` and multi-valued fields are exact terms (`raw` tokenizer);
  integers and booleans are typed, indexed terms: visibility (`public`, `workspace_id`, `key`)
  filters as indexed terms, as with Whoosh.
- Each entry carries two numeric fast fields, its model (`_ct`, a CRC-32 of "app.model") and
  its primary key (`_pk`): the search service lists the keys of a thousand candidates from
  those columns without reading one stored document. Nothing else is stored.
- Writes: one `IndexWriter` per batch (tantivy's own lock file; the outbox lease makes this
  process the only writer), one commit; a rebuild writes everything with one writer and
  commits once, so readers see the old index until the new one is complete.
- Reads: a reader per backend (haystack keeps one per thread), reloaded when `meta.json`
  changed (meta.json read per query), so a search never sees an index older than the last commit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import tantivy
from django.core.exceptions import ImproperlyConfigured
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, SearchNode
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.inputs import AutoQuery
from haystack.models import SearchResult
from haystack.utils import get_identifier

from .analysis import analyze, analyzed_text

logger = logging.getLogger(__name__)

# What an outbox batch's plan gives a backend: (SearchIndex, instance) updates, identifier removals.
Planned = tuple[Iterable[tuple[Any, Any]], Iterable[str]]

# How long a batch waits for tantivy's writer lock (held by e.g. a manual rebuild_index in
# another process) before giving up; the outbox rows stay and the next drain retries.
WRITER_LOCK_TIMEOUT = 30.0
# The writer's memory budget (tantivy flushes a segment when it is reached) and its threads:
# one indexing thread beside the Python that prepares documents.
WRITER_HEAP_BYTES = 48_000_000
WRITER_THREADS = 1
PK_FIELD = "_pk"
CT_FIELD = "_ct"
META_FILE = "meta.json"

Occur = tantivy.Occur
Q = tantivy.Query
SQ_OR = SearchNode.OR
# haystack's AutoQuery: "exact phrase" in double quotes.
AutoQueryRe = AutoQuery.exact_match_re


class IndexBusy(Exception):
    """Another writer holds tantivy's lock on the index directory."""


def ct_code(django_ct: str) -> int:
    return zlib.crc32(django_ct.encode())


# --- queries: a small hashable tree, built by TantivySearchQuery, compiled by the backend ---
# ("all",) ("none",) ("term", field, value) ("terms", field, values) ("phrase", field, words)
# ("and", children) ("or", children) ("not", child)

ALL: tuple = ("all",)
NONE: tuple = ("none",)


def _and(children: list[tuple]) -> tuple:
    children = [c for c in children if c != ALL]
    if NONE in children:
        return NONE
    if not children:
        return ALL
    return children[0] if len(children) == 1 else ("and", tuple(children))


def _or(children: list[tuple]) -> tuple:
    children = [c for c in children if c != NONE]
    if ALL in children:
        return ALL
    if not children:
        return NONE
    return children[0] if len(children) == 1 else ("or", tuple(children))


def _not(child: tuple) -> tuple:
    if child == ALL:
        return NONE
    if child == NONE:
        return ALL
    return ("not", child)


def _text_spec(field: str, text: str) -> tuple:
    """Every analysed word of `text` must be in `field` (stop words alone: no condition)."""
    return _and([("term", field, term) for term in dict.fromkeys(analyze(text))])


def _phrase_spec(field: str, text: str) -> tuple:
    words = analyze(text)
    if not words:
        return ALL
    if len(words) == 1:
        return ("term", field, words[0])
    return ("phrase", field, tuple(words))


def _auto_spec(field: str, query: str) -> tuple:
    """haystack's AutoQuery, read as Whoosh reads it: "exact phrases", -excluded words, and
    every other word required — each analysed in French."""
    parts: list[tuple] = []
    exact = AutoQueryRe.findall(query)
    for rough in AutoQueryRe.split(query):
        if not rough:
            continue
        if rough in exact:
            parts.append(_phrase_spec(field, rough))
            continue
        for token in rough.split(" "):
            if token.startswith("-") and len(token) > 1:
                excluded = _text_spec(field, token[1:])
                if excluded != ALL:
                    parts.append(_not(excluded))
            elif token:
                parts.append(_text_spec(field, token))
    return _and(parts)


class TantivySearchQuery(BaseSearchQuery):
    """Builds the query tree above from haystack's SQ nodes (`build_query` returns it)."""

    def build_query(self) -> tuple:  # type: ignore[override]
        spec = self._node_spec(self.query_filter)
        return ALL if spec is None else spec

    def build_query_fragment(self, field, filter_type, value):  # pragma: no cover - unused
        raise NotImplementedError("the tantivy query is built by build_query")

    def matching_all_fragment(self):
        return ALL

    def _node_spec(self, node: SearchNode) -> tuple | None:
        specs = []
        for child in node.children:
            if isinstance(child, SearchNode):
                spec = self._node_spec(child)
                if spec is not None:
                    specs.append(spec)
            else:
                expression, value = child
                field, filter_type = node.split_expression(expression)
                specs.append(self._leaf(field, filter_type, value))
        if not specs:
            return None
        combined = _or(specs) if node.connector == SQ_OR else _and(specs)
        return _not(combined) if node.negated else combined

    def _leaf(self, field: str, filter_type: str, value: Any) -> tuple:
        from haystack import connections

        unified = connections[self._using].get_unified_index()
        name = unified.document_field if field == "content" else unified.get_index_fieldname(field)
        analysed = name in self.backend.text_fields()
        input_type = getattr(value, "input_type_name", None)
        if input_type is not None:
            raw = value.query_string
            if not analysed:
                return ("term", name, raw)
            if input_type == "auto_query":
                return _auto_spec(name, raw)
            if input_type == "exact":
                return _phrase_spec(name, raw)
            if input_type == "not":
                return _not(_text_spec(name, raw))
            return _text_spec(name, str(raw))
        if hasattr(value, "values_list"):
            value = list(value)
        if filter_type == "in":
            values = list(value)
            if analysed:
                return _or([_text_spec(name, str(v)) for v in values])
            return ("terms", name, tuple(values)) if values else NONE
        if filter_type in ("content", "exact", "contains"):
            if analysed:
                if filter_type == "exact":
                    return _phrase_spec(name, str(value))
                return _text_spec(name, str(value))
            return ("term", name, value)
        raise NotImplementedError(f"filter {filter_type!r} is not supported by this engine")


class FrenchTantivySearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias: str, **connection_options: Any) -> None:
        super().__init__(connection_alias, **connection_options)
        self.path = connection_options.get("PATH")
        if not self.path:
            raise ImproperlyConfigured(
                f"You must specify a 'PATH' in your settings for connection '{connection_alias}'."
            )
        self.setup_complete = False
        self.index: Any = None
        self._stamp: bytes | None = None
        self._schema_fields: dict[str, str] = {}

    # --- schema ---

    def build_schema(self, fields: dict) -> tuple[str, Any]:
        builder = tantivy.SchemaBuilder()
        kinds: dict[str, str] = {}
        for name in (ID, DJANGO_CT, DJANGO_ID):
            builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
            kinds[name] = "raw"
        builder.add_integer_field(PK_FIELD, fast=True)
        builder.add_unsigned_field(CT_FIELD, fast=True)
        content_field_name = ""
        for field_class in fields.values():
            name = field_class.index_fieldname
            stored = bool(field_class.stored)
            if field_class.document:
                content_field_name = name
            if field_class.field_type == "integer":
                builder.add_integer_field(name, stored=stored, indexed=True)
                kinds[name] = "integer"
            elif field_class.field_type == "boolean":
                builder.add_boolean_field(name, stored=stored, indexed=True)
                kinds[name] = "boolean"
            elif field_class.field_type == "float":
                builder.add_float_field(name, stored=stored, indexed=True)
                kinds[name] = "float"
            elif field_class.is_multivalued or field_class.indexed is False:
                builder.add_text_field(
                    name, stored=stored, tokenizer_name="raw", index_option="basic"
                )
                kinds[name] = "raw"
            else:
                builder.add_text_field(name, stored=stored, tokenizer_name="whitespace")
                kinds[name] = "text"
        self._schema_fields = kinds
        return content_field_name, builder.build()

    def text_fields(self) -> set[str]:
        if not self.setup_complete:
            self._build()
        return {name for name, kind in self._schema_fields.items() if kind == "text"}

    def _build(self) -> None:
        from haystack import connections

        unified = connections[self.connection_alias].get_unified_index()
        self.content_field_name, self.schema = self.build_schema(unified.all_searchfields())
        self._ct_names = {
            ct_code(f"{m._meta.app_label}.{m._meta.model_name}"): (
                m._meta.app_label,
                m._meta.model_name,
            )
            for m in unified.get_indexed_models()
        }
        self._ct_labels = {ct: f"{app}.{model}" for ct, (app, model) in self._ct_names.items()}
        if len(self._ct_names) != len(unified.get_indexed_models()):
            raise ImproperlyConfigured("two indexed models share a _ct code")

    def setup(self) -> None:
        """Open the index at PATH, creating it (and the directory) if there is none."""
        self._build()
        os.makedirs(self.path, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=self.path, reuse=True)
        self.index.config_reader(reload_policy="Manual")
        self._stamp = self._meta_stamp()
        self.setup_complete = True

    def schema_matches(self) -> bool:
        """The index on disk has the schema the code declares (else it must be recreated)."""
        self._build()
        try:
            tantivy.Index(self.schema, path=self.path, reuse=True)
        except (ValueError, OSError):
            return False
        return True

    def _meta_stamp(self) -> bytes:
        """meta.json's bytes: every commit rewrites it with a new opstamp (its inode, size and
        coarse mtime may repeat; its content does not). Reading it is ~10× cheaper than a
        reload."""
        with open(os.path.join(self.path, META_FILE), "rb") as fh:
            return fh.read()

    # --- reading ---

    def reset_searcher(self) -> None:
        """Forget the reader's state: the next query reloads from the directory."""
        self._stamp = None

    def _searcher(self) -> Any:
        """A searcher on the last commit. Never creates an index: a deleted directory raises
        (the search service then reports the index missing and asks for a rebuild)."""
        if not self.setup_complete:
            if not os.path.exists(os.path.join(self.path, META_FILE)):
                raise FileNotFoundError(self.path)
            self.setup()
        stamp = self._meta_stamp()
        if stamp != self._stamp:
            self.index.reload()
            self._stamp = stamp
        return self.index.searcher()

    def _typed(self, field: str, value: Any) -> Any:
        kind = self._schema_fields.get(field)
        if kind == "integer":
            return int(value)
        if kind == "boolean":
            if isinstance(value, str):
                return value.lower() in ("true", "1", "yes")
            return bool(value)
        if kind == "float":
            return float(value)
        return str(value)

    def compile(self, spec: tuple) -> Any:
        kind = spec[0]
        if kind == "all":
            return Q.all_query()
        if kind == "none":
            return Q.empty_query()
        if kind == "term":
            if spec[1] not in self._schema_fields:
                return Q.empty_query()
            return Q.term_query(self.schema, spec[1], self._typed(spec[1], spec[2]))
        if kind == "terms":
            if spec[1] not in self._schema_fields:
                return Q.empty_query()
            values = [self._typed(spec[1], v) for v in spec[2]]
            return Q.term_set_query(self.schema, spec[1], values)
        if kind == "phrase":
            return Q.phrase_query(self.schema, spec[1], list(spec[2]))
        if kind == "and":
            clauses = []
            positive = False
            for child in spec[1]:
                if child[0] == "not":
                    clauses.append((Occur.MustNot, self.compile(child[1])))
                else:
                    positive = True
                    clauses.append((Occur.Must, self.compile(child)))
            if not positive:
                clauses.append((Occur.Must, Q.all_query()))
            return Q.boolean_query(clauses)
        if kind == "or":
            return Q.boolean_query([(Occur.Should, self.compile(c)) for c in spec[1]])
        if kind == "not":
            return Q.boolean_query(
                [(Occur.Must, Q.all_query()), (Occur.MustNot, self.compile(spec[1]))]
            )
        raise ValueError(f"unknown query node {kind!r}")

    def _query(self, spec: Any, filter_spec: Any = None) -> Any:
        if not isinstance(spec, tuple):
            raise TypeError("the tantivy engine takes queries built by TantivySearchQuery")
        if filter_spec is None:
            return self.compile(spec)
        # The words and the filter as the clauses of one boolean query, which tantivy
        # intersects in one pass: nested, the words' own conjunction was a scorer inside the
        # filter's, and a search of several words took 0.3 ms more at 100,000 entries, for the
        # same hits and scores. The filter restricts without scoring: relevance comes from the
        # words alone.
        clauses = self._clauses(spec, scored=True) + self._clauses(filter_spec, scored=False)
        if all(occur == Occur.MustNot for occur, _query in clauses):
            clauses.append((Occur.Must, Q.all_query()))
        return Q.boolean_query(clauses)

    def _clauses(self, spec: tuple, scored: bool) -> list[tuple[Any, Any]]:
        """`spec` as clauses of a conjunction: each child of an "and" its own, a "not"
        excluded; unless `scored`, each one a filter that adds nothing to the score."""
        clauses = []
        for child in spec[1] if spec[0] == "and" else (spec,):
            if child[0] == "not":
                clauses.append((Occur.MustNot, self.compile(child[1])))
            elif scored:
                clauses.append((Occur.Must, self.compile(child)))
            else:
                clauses.append((Occur.Must, Q.const_score_query(self.compile(child), 0.0)))
        return clauses

    def candidate_keys(
        self, query_string: Any, limit: int, filter_string: Any = None
    ) -> tuple[list[tuple[str, str]], bool]:
        """(django_ct, django_id) of the `limit` best hits, best first, and whether more matched.

        The search service's fast path: the keys come from two fast-field columns, so
        listing a thousand candidates reads no stored document; tantivy counts nothing
        beyond the `limit + 1` hits it ranks.
        """
        searcher = self._searcher()
        if filter_string == NONE or query_string == NONE:
            return [], False
        query = self._query(query_string, filter_string)
        hits = searcher.search(query, limit=limit + 1, count=False).hits
        addresses = [address for _score, address in hits]
        if not addresses:
            return [], False
        pks = searcher.fast_field_values(PK_FIELD, addresses)
        cts = searcher.fast_field_values(CT_FIELD, addresses)
        labels = self._ct_labels
        keys = [(labels[ct], str(pk)) for ct, pk in zip(cts, pks, strict=True) if ct in labels]
        return keys[:limit], len(keys) > limit

    def _keys(self, searcher: Any, addresses: list[Any]) -> list[tuple[str, str]]:
        if not addresses:
            return []
        pks = searcher.fast_field_values(PK_FIELD, addresses)
        cts = searcher.fast_field_values(CT_FIELD, addresses)
        labels = self._ct_labels
        return [(labels[ct], str(pk)) for ct, pk in zip(cts, pks, strict=True) if ct in labels]

    def ranked_keys(
        self,
        query_string: Any,
        limit: int,
        filter_string: Any = None,
        among: Any = None,
        among_limit: int = 0,
    ) -> tuple[list[tuple[str, str]], int, list[tuple[str, str]]]:
        """The keys of the `limit` best hits, best first; how many hits match in all; and the
        keys of the hits that also match `among` (at most `among_limit`: the entries the
        search service suspects of being stale) — all from one searcher, so the count and the
        two lists describe the same commit. The count is tantivy's count collector (no score,
        no document read); the keys come from the fast-field columns."""
        searcher = self._searcher()
        if filter_string == NONE or query_string == NONE:
            return [], 0, []
        query = self._query(query_string, filter_string)
        found = searcher.search(query, limit=max(1, limit), count=True)
        keys = self._keys(searcher, [address for _score, address in found.hits])[:limit]
        among_keys: list[tuple[str, str]] = []
        if among is not None and among != NONE and among_limit > 0:
            narrowed = among if filter_string is None else _and([filter_string, among])
            query = self._query(query_string, narrowed)
            hits = searcher.search(query, limit=among_limit, count=False).hits
            among_keys = self._keys(searcher, [address for _score, address in hits])
        return keys, found.count, among_keys

    def search(
        self,
        query_string: Any,
        start_offset: int = 0,
        end_offset: int | None = None,
        result_class: Any = None,
        narrow_queries: Any = None,
        **kwargs: Any,
    ) -> dict:
        """haystack's generic search: hits as SearchResult (keys from the fast fields) and
        the exact count. Highlighting is the search service's (`search.analysis.highlight`)."""
        if not query_string:
            return {"results": [], "hits": 0}
        searcher = self._searcher()
        spec = query_string
        for narrow in narrow_queries or ():
            if isinstance(narrow, tuple):
                spec = _and([spec, narrow])
        if spec == NONE:
            return {"results": [], "hits": 0}
        query = self._query(spec)
        start_offset = max(0, start_offset or 0)
        if end_offset is None:
            end_offset = start_offset + max(1, searcher.num_docs)
        limit = max(1, end_offset - start_offset)
        found = searcher.search(query, limit=limit, count=True, offset=start_offset)
        addresses = [address for _score, address in found.hits]
        pks = searcher.fast_field_values(PK_FIELD, addresses) if addresses else []
        cts = searcher.fast_field_values(CT_FIELD, addresses) if addresses else []
        result_class = result_class or SearchResult
        results = []
        for (score, _address), ct, pk in zip(found.hits, cts, pks, strict=True):
            if ct not in self._ct_names:
                continue
            app_label, model_name = self._ct_names[ct]
            results.append(result_class(app_label, model_name, pk, score))
        return {
            "results": results,
            "hits": found.count,
            "facets": {},
            "spelling_suggestion": None,
        }

    def more_like_this(self, *args: Any, **kwargs: Any) -> dict:
        raise NotImplementedError("more_like_this is not offered by this engine")

    def document_count(self) -> int:
        return self._searcher().num_docs

    # --- writing ---

    def _writer(self) -> Any:
        if not self.setup_complete or not os.path.exists(os.path.join(self.path, META_FILE)):
            self.setup()
        deadline = time.monotonic() + WRITER_LOCK_TIMEOUT
        while True:
            try:
                return self.index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy(str(exc)) from exc
                time.sleep(0.05)

    def _document(self, prepared: dict) -> Any:
        doc = tantivy.Document()
        kinds = self._schema_fields
        for name, value in prepared.items():
            kind = kinds.get(name)
            if kind is None or value is None:
                continue
            values = value if isinstance(value, list | tuple | set) else [value]
            for item in values:
                if item is None:
                    continue
                if kind == "text":
                    terms = analyzed_text(str(item))
                    if terms and not terms.isspace():
                        doc.add_text(name, terms)
                elif kind == "raw":
                    doc.add_text(name, str(item))
                elif kind == "integer":
                    doc.add_integer(name, int(item))
                elif kind == "boolean":
                    doc.add_boolean(name, bool(item))
                elif kind == "float":
                    doc.add_float(name, float(item))
        doc.add_integer(PK_FIELD, int(prepared[DJANGO_ID]))
        doc.add_unsigned(CT_FIELD, ct_code(prepared[DJANGO_CT]))
        return doc

    def _write(self, writer: Any, updates: Iterable[tuple[Any, Any]], *, replace: bool) -> int:
        written = 0
        for search_index, obj in updates:
            try:
                prepared = search_index.full_prepare(obj)
            except SkipDocument:
                continue
            if replace:
                writer.delete_documents_by_term(ID, prepared[ID])
            writer.add_document(self._document(prepared))
            written += 1
        return written

    @contextlib.contextmanager
    def _writing(self):
        writer = self._writer()
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Releases the lock once the segment merges this commit started are done.
            writer.wait_merging_threads()
        self._stamp = None

    def apply_batch(
        self, updates: Iterable[tuple[Any, Any]], removals: Iterable[str], *, clear: bool = False
    ) -> tuple[int, int]:
        """Apply a whole outbox batch with ONE writer and ONE commit."""
        return self.apply_planned(lambda: (updates, removals), clear=clear)

    def apply_planned(self, plan: Callable[[], Planned], *, clear: bool = False) -> tuple[int, int]:
        """Take tantivy's writer lock, THEN call `plan` (which reads the objects' state from the
        database), write and commit: batches are applied in the order their states were read, so
        a drainer that stalled past its lease can never commit an older state over a newer one.

        Raises IndexBusy if another writer keeps tantivy's lock past the timeout, leaving
        the index untouched.
        """
        removed = 0
        with self._writing() as writer:
            updates, removals = plan()
            if clear:
                writer.delete_all_documents()
            for identifier in removals:
                writer.delete_documents_by_term(ID, identifier)
                removed += 1
            updated = self._write(writer, updates, replace=True)
            writer.commit()
        return updated, removed

    def apply_batches(self, batches: Iterable[list[tuple[Any, Any]]], *, clear: bool) -> int:
        """A rebuild: every batch through one writer and one commit at the end, so readers
        keep the old index (or none) until the new one is whole. Memory stays within the
        writer's heap: tantivy writes segments to disk as it fills. Each object comes once
        into an index that was emptied (`clear`) or just created, so no entry is deleted
        first: a hundred thousand pending deletes held until the commit cost memory and time."""
        total = 0
        with self._writing() as writer:
            if clear:
                writer.delete_all_documents()
            for batch in batches:
                total += self._write(writer, batch, replace=False)
            writer.commit()
        return total

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        self.apply_batch([(index, obj) for obj in iterable], [])

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        self.apply_batch([], [get_identifier(obj_or_string)])

    def clear(self, models: Any = None, commit: bool = True) -> None:
        with self._writing() as writer:
            if models:
                for model in models:
                    label = f"{model._meta.app_label}.{model._meta.model_name}"
                    writer.delete_documents_by_term(DJANGO_CT, label)
            else:
                writer.delete_all_documents()
            writer.commit()

    def optimize(self) -> None:
        """Wait for pending merges and remove files no commit uses any more."""
        with self._writing() as writer:
            writer.garbage_collect_files()


class FrenchTantivyEngine(BaseEngine):
    backend = FrenchTantivySearchBackend
    query = TantivySearchQuery
