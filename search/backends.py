"""The haystack Whoosh engine with French analysis on every text field and batch writes."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from haystack.backends.whoosh_backend import (
    WhooshEngine,
    WhooshHtmlFormatter,
    WhooshSearchBackend,
)
from haystack.constants import ID
from haystack.exceptions import SkipDocument
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, TEXT
from whoosh.highlight import ContextFragmenter
from whoosh.highlight import highlight as whoosh_highlight
from whoosh.writing import CLEAR

from .analysis import FrenchAnalyzer, analyze

logger = logging.getLogger(__name__)

# What an outbox batch's plan gives a backend: (SearchIndex, instance) updates, identifier removals.
Planned = tuple[Iterable[tuple[Any, Any]], Iterable[str]]

# How long a batch waits for Whoosh's write lock (held by e.g. a running rebuild_index)
# before giving up; the outbox rows stay and the next drain retries.
WRITER_LOCK_TIMEOUT = 30.0
# Visibility filters kept per searcher (the public one, and one per recent member set).
FILTER_CACHE_SIZE = 64


class FrenchWhooshSearchBackend(WhooshSearchBackend):
    """Whoosh with the French analyzer.

    - every indexed text field uses `search.analysis.FrenchAnalyzer` (index and query side);
    - `CharField(indexed=False)` becomes an exact, filterable ID term (slugs, kinds), as in
      haystack's Elasticsearch backend where it is a `keyword`;
    - a field is stored only when the index field says so: titles and snippets come from the
      database, and small stored documents keep listing candidates cheap.
    """

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            if field_class.is_multivalued and field_class.indexed is not False:
                schema.remove(name)
                schema.add(name, KEYWORD(stored=field_class.stored, commas=True))
                continue
            if not isinstance(schema[name], TEXT):
                continue
            if field_class.indexed is False:
                schema.remove(name)
                schema.add(name, WHOOSH_ID(stored=field_class.stored))
                continue
            schema.remove(name)
            schema.add(
                name,
                TEXT(
                    stored=field_class.stored,
                    analyzer=FrenchAnalyzer(),
                    field_boost=field_class.boost,
                    # No spelling suggestions: they would analyse every text a second time.
                    spelling=False,
                ),
            )
        return content_field_name, schema

    def _process_results(self, raw_page, highlight=False, query_string="", **kwargs):
        # haystack's own highlighting hard-codes the English StemmingAnalyzer; use ours.
        results = super()._process_results(
            raw_page, highlight=False, query_string=query_string, **kwargs
        )
        if highlight:
            terms = analyze(query_string)
            for result in results["results"]:
                text = getattr(result, self.content_field_name, None) or ""
                result.highlighted = {
                    self.content_field_name: [
                        whoosh_highlight(
                            text,
                            terms,
                            FrenchAnalyzer(),
                            ContextFragmenter(),
                            WhooshHtmlFormatter("mark"),
                        )
                    ]
                }
        return results

    def build_models_list(self):
        # haystack would otherwise narrow every query with "django_ct:a OR django_ct:b",
        # run as a separate, unlimited search over the whole index (0.5 s at 100k entries);
        # this index only ever holds registered models, so there is nothing to narrow.
        return []

    def _current_searcher(self) -> tuple[Any, OrderedDict]:
        """A searcher kept from one query to the next, with its cache of filter doc sets.

        haystack keeps one backend per thread, so the searcher is never shared between threads.
        It is replaced as soon as the index on disk has another generation or other segments
        (a drain committed, a rebuild recreated the directory), so results are never older
        than the last commit; opening a searcher costs more than a query on a small index.
        """
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        toc = self.index._read_toc()
        key = (id(self.index), toc.generation, tuple(s.segment_id() for s in toc.segments))
        cached = getattr(self, "_searcher_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        if cached is not None:
            cached[1].close()
        searcher = self.index.searcher()
        self._searcher_cache = (key, searcher, OrderedDict())
        return searcher, self._searcher_cache[2]

    def reset_searcher(self) -> None:
        """Forget the kept searcher: the next query opens a fresh one."""
        self._searcher_cache = None

    def candidate_keys(
        self, query_string: str, limit: int, filter_string: str | None = None
    ) -> tuple[list[tuple[str, str]], bool]:
        """(django_ct, django_id) of the `limit` best hits, best first, and whether more matched.

        The search service's fast path: the query haystack built, without a SearchResult (and
        the conversion of every stored field) per hit. `filter_string` (the visibility part)
        restricts without scoring: its document set is computed once per searcher and kept,
        so the public set, or one person's workspaces, is not re-read from the postings at
        every query.
        """
        searcher, filters = self._current_searcher()
        parsed = self.parser.parse(query_string)
        if parsed is None:
            return [], False
        allow = self._allowed(searcher, filters, filter_string)
        # Whoosh reads an empty `filter=` set as "no filter" (`if allow`): a visibility
        # filter that admits nothing must return nothing, not every hit.
        if allow is not None and not allow:
            return [], False
        keys = self._hit_keys(searcher.search(parsed, limit=limit + 1, filter=allow))
        return keys[:limit], len(keys) > limit

    def ranked_keys(
        self,
        query_string: str,
        limit: int,
        filter_string: str | None = None,
        among: str | None = None,
        among_limit: int = 0,
    ) -> tuple[list[tuple[str, str]], int, list[tuple[str, str]]]:
        """The keys of the `limit` best hits, best first; how many hits match in all; and the
        keys of the hits that also match `among` (at most `among_limit`) — from one searcher
        (see the tantivy backend's `ranked_keys`)."""
        searcher, filters = self._current_searcher()
        parsed = self.parser.parse(query_string)
        if parsed is None:
            return [], 0, []
        allow = self._allowed(searcher, filters, filter_string)
        if allow is not None and not allow:
            return [], 0, []
        results = searcher.search(parsed, limit=max(1, limit), filter=allow)
        keys = self._hit_keys(results)[:limit]
        total = len(results)
        among_keys: list[tuple[str, str]] = []
        if among is not None and among_limit > 0:
            # Not kept in the cache: the suspects change with every drain.
            narrowed = self._filter_docs(searcher, among)
            if allow is not None:
                narrowed &= allow
            if narrowed:
                hits = searcher.search(parsed, limit=among_limit, filter=narrowed)
                among_keys = self._hit_keys(hits)
        return keys, total, among_keys

    @staticmethod
    def _hit_keys(results: Any) -> list[tuple[str, str]]:
        keys = []
        for hit in results:
            stored = hit.fields()
            keys.append((stored["django_ct"], stored["django_id"]))
        return keys

    def _allowed(self, searcher: Any, filters: OrderedDict, filter_string: str | None) -> Any:
        """The document numbers `filter_string` admits (None: no filter), kept per searcher."""
        if filter_string is None:
            return None
        allow = filters.get(filter_string)
        if allow is None:
            allow = self._filter_docs(searcher, filter_string)
            filters[filter_string] = allow
            while len(filters) > FILTER_CACHE_SIZE:
                filters.popitem(last=False)
        else:
            filters.move_to_end(filter_string)
        return allow

    def _filter_docs(self, searcher: Any, filter_string: str) -> set[int]:
        """The document numbers a visibility filter admits; none for a filter that parses to
        nothing (an empty filter never widens into "everything")."""
        parsed = self.parser.parse(filter_string) if filter_string.strip() else None
        if parsed is None:
            return set()
        return set(searcher.docs_for_query(parsed))

    def apply_batch(
        self, updates: Iterable[tuple[Any, Any]], removals: Iterable[str], *, clear: bool = False
    ) -> tuple[int, int]:
        """Apply a whole outbox batch with ONE writer and ONE commit.

        `updates` are (SearchIndex, instance) pairs, `removals` haystack identifiers
        ("app.model.pk"). Raises whoosh's LockError if the lock stays taken past the timeout,
        leaving the index untouched.
        """
        return self.apply_planned(lambda: (updates, removals), clear=clear)

    def apply_planned(self, plan: Callable[[], Planned], *, clear: bool = False) -> tuple[int, int]:
        """Take Whoosh's writer lock, THEN call `plan` (which reads the objects' state from the
        database), write and commit: batches are applied in the order their states were read, so
        a drainer that stalled past its lease can never commit an older state over a newer one.
        """
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = self.index.writer(timeout=WRITER_LOCK_TIMEOUT, delay=0.05)
        updated = removed = 0
        try:
            updates, removals = plan()
            for identifier in removals:
                writer.delete_by_term(ID, identifier)
                removed += 1
            for search_index, obj in updates:
                try:
                    doc = search_index.full_prepare(obj)
                except SkipDocument:
                    continue
                for key in doc:
                    doc[key] = self._from_python(doc[key])
                doc.pop("boost", None)
                writer.update_document(**doc)
                updated += 1
        except BaseException:
            writer.cancel()
            raise
        # clear: this commit also drops every older segment (a rebuild in place, atomic for
        # readers: they see the old index, then the new one, never an empty directory).
        if clear:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
        return updated, removed

    def document_count(self) -> int:
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        return self.index.doc_count()


class FrenchWhooshEngine(WhooshEngine):
    backend = FrenchWhooshSearchBackend
