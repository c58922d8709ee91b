"""`search_query`: the only door to the search engine for pages and API, visibility-checked."""

from __future__ import annotations

import datetime
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from haystack.inputs import AutoQuery
from haystack.query import SQ, SearchQuerySet

from documents.models import Document
from documents.selectors import document_visibility_q
from errors import DomainError
from meetings.models import Meeting
from projects.models import Stage
from workspace.permissions import can_view_workspace, workspace_roles, workspace_roles_forget

from .analysis import analyze, highlight
from .indexer import index_rebuild_request, index_schema_stale, index_state
from .prepared import search_viewer, search_viewer_forget
from .search_indexes import urls_of_one_page

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# Relevance-ranked hits re-checked against the database per query. The count is exact up to
# this many hits; past it the result list stops (refine the query) — see docs/search.md.
MAX_CANDIDATES = getattr(settings, "FABRIQUE_SEARCH_MAX_RESULTS", 1000)
RESULT_TYPES = ("sheet", "document", "framing_note", "debate", "amendment", "meeting")


class SearchError(DomainError):
    code = "invalid_search"


@dataclass(frozen=True)
class SearchHit:
    type: str
    id: int
    title: str
    url: str
    snippet: str  # HTML: escaped text, matched words in <mark>
    # What the result is about, from rows the user may see (None where it does not apply):
    # the stage of a sheet or of a framing note's sheet; the workspace, unless the user sees
    # the hit only through a personal grant in a workspace hidden from them; the last change.
    stage: str | None = None
    workspace: str | None = None  # slug
    workspace_name: str | None = None
    modified: datetime.datetime | None = None
    # A meeting's start, place, state (scheduled, cancelled, held) and kind (public_meeting,
    # workshop); None for other types.
    starts: datetime.datetime | None = None
    place: str | None = None
    state: str | None = None
    kind: str | None = None

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label) if self.stage in Stage.values else ""

    @property
    def kind_label(self) -> str:
        return str(Meeting.Kind(self.kind).label) if self.kind in Meeting.Kind.values else ""


@dataclass
class SearchPage:
    query: str
    results: list[SearchHit] = field(default_factory=list)
    count: int = 0
    page: int = 1
    per_page: int = PAGE_SIZE
    capped: bool = False  # more hits than MAX_CANDIDATES matched
    # "ok"; "rebuilding" (results may be incomplete); "missing" or "unavailable" (the index
    # cannot answer right now: no results, a notice, never an error page).
    index_state: str = "ok"

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    # The names Django's Page uses, so templates/components/pagination.html renders it.
    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> SearchPage:
        return self

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.page + 1

    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.per_page + 1


def _indexes() -> dict[str, Any]:
    """result type → its SearchIndex (the document index exists once documents do)."""
    from haystack import connections

    unified = connections["default"].get_unified_index()
    found = {}
    for model in unified.get_indexed_models():
        search_index = unified.get_index(model)
        type_name = getattr(search_index, "type_name", "")
        if type_name:
            found[type_name] = search_index
    return found


# What the index may return to a visitor (never changed: `SearchQuerySet.filter` wraps it),
# and the filter each engine's query class builds of it, built once (`_filter_string`).
PUBLIC_ONLY = SQ(public=True)
_PUBLIC_FILTERS: dict[type, Any] = {}


def _filter_string(sqs: SearchQuerySet, visibility: SQ | None) -> Any:
    """The engine's filter for `visibility` (None: no filter), as `sqs`'s engine builds it;
    a visitor's, the same for all, built once per engine rather than for each search."""
    if visibility is None:
        return None
    if visibility is PUBLIC_ONLY:
        kind = type(sqs.query)
        found = _PUBLIC_FILTERS.get(kind)
        if found is None:
            found = _PUBLIC_FILTERS[kind] = SearchQuerySet().filter(PUBLIC_ONLY).query.build_query()
        return found
    return SearchQuerySet().filter(visibility).query.build_query()


def _visibility_sq(user: User | AnonymousUser | None) -> SQ | None:
    """What the index may return to `user`: public content, their workspaces' content, and
    documents granted to them. None = no restriction (superuser). The database check that
    follows is the authority; this only keeps the candidate list relevant."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return PUBLIC_ONLY
    if user.is_superuser:
        return None
    condition = SQ(public=True)
    # The user's memberships and grants as they are now (a membership just granted widens this
    # very search), read once for the request: the roles the permission checks cache on the
    # user (the page's workspace names are checked against the same rows), and the viewer the
    # database's check of the page takes them from (search.prepared), without a second query.
    workspace_roles_forget(user)
    search_viewer_forget(user)
    viewer = search_viewer(user)
    member_ids = list(workspace_roles(user))
    if member_ids:
        condition |= SQ(workspace_id__in=member_ids)
    granted = _granted_document_keys(user, member_ids, viewer.granted if viewer else None)
    if granted:
        condition |= SQ(key__in=granted)
    return condition


def _granted_document_keys(
    user: User | AnonymousUser, member_ids: list[int], grants: tuple[int, ...] | None = None
) -> list[str]:
    """Documents visible to `user` only through a per-document grant (few, by nature).

    Read from the user's grants (a few rows on their index), then checked by the document
    policy: asking the policy alone which visible documents lie outside the user's workspaces
    scanned every document of the site (12 ms a search at 10,000 documents). The policy still
    decides which of the granted documents are visible."""
    from documents.models import DocumentUserObjectPermission

    user_id = user.pk
    if user_id is None:
        return []
    if grants is not None:  # read with the viewer (search.prepared.granted_document_ids)
        granted = list(grants)
    else:
        granted = list(
            DocumentUserObjectPermission.objects.filter(
                user_id=user_id, permission__codename="view_document"
            ).values_list("content_object_id", flat=True)
        )
    if not granted:  # most people: one query on the grants' index, no policy to compile
        return []
    pks = (
        Document.objects.filter(
            document_visibility_q(user), pk__in=granted, trashed_at__isnull=True
        )
        .exclude(visibility="public", workspace__visibility="public")
        .exclude(workspace_id__in=member_ids)
        .order_by("-updated", "-id")
        .values_list("pk", flat=True)[:MAX_CANDIDATES]
    )
    return [f"document:{pk}" for pk in pks]


def search_query(
    *,
    user: User | AnonymousUser,
    q: str,
    type: str | None = None,  # noqa: A002 - the API's parameter name
    stage: str | None = None,
    territory: str | None = None,
    theme: str | None = None,
    workspace: str | None = None,
    participation_level: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> SearchPage:
    """Full-text search in French over what `user` may see.

    The engine finds candidates (already restricted on indexed visibility and filters); the
    database then re-checks every candidate with each app's visibility selector BEFORE counting
    and paginating, so a stale index entry never shows up — not even in the count or a snippet.
    """
    q = (q or "").strip()
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    result = SearchPage(query=q, page=page, per_page=per_page)
    indexes_by_type = _indexes()
    if type and type not in RESULT_TYPES:
        raise SearchError(str(_("Type de résultat inconnu : %(type)s.")) % {"type": type})
    # A query of stop words only would match everything once the engine drops its words.
    if not analyze(q) or (type and type not in indexes_by_type):
        return result

    sqs = SearchQuerySet().filter(content=AutoQuery(q))
    visibility = _visibility_sq(user)
    if type:
        sqs = sqs.filter(result_type=type)
    if stage:
        sqs = sqs.filter(stage=stage)
    if participation_level:
        sqs = sqs.filter(participation_level=participation_level)
    if territory:
        sqs = sqs.filter(territory=territory)
    if theme:
        sqs = sqs.filter(themes=theme)
    if workspace:
        sqs = sqs.filter(workspace=workspace)

    result.index_state = index_state()
    if result.index_state == "missing":
        index_rebuild_request()  # the worker rebuilds it from the database
        return result
    # The filters are applied again by the database, through what the user may see: an index
    # entry copies its sheet's stage, territory and themes, and a document's sheet may be one
    # the user cannot see (its stage must not be learnt by filtering on it), or the entry may
    # be older than the last change.
    filters = {
        "stage": stage,
        "participation_level": participation_level,
        "territory": territory,
        "theme": theme,
        "workspace": workspace,
    }
    type_of = {
        _ct(search_index.get_model()): name for name, search_index in indexes_by_type.items()
    }

    # Rows the database check already loaded (those that may be on the page shown).
    loaded: dict[str, dict[int, Any]] = {}

    def visible_of(
        keys: list[tuple[str, int]], load: frozenset[tuple[str, int]] = frozenset()
    ) -> set[tuple[str, int]]:
        """The database's word on `keys`: one query per result type, which also loads the rows
        of those in `load`."""
        by_type: dict[tuple[str, bool], list[int]] = {}
        for key in keys:
            by_type.setdefault((key[0], key in load), []).append(key[1])
        seen: set[tuple[str, int]] = set()
        for (type_name, rows), pks in by_type.items():
            search_index = indexes_by_type[type_name]
            if rows:
                found = search_index.visible_rows(user=user, pks=pks, filters=filters)
                loaded.setdefault(type_name, {}).update(found)
            else:
                found = search_index.visible_pks(user=user, pks=pks, filters=filters)
            seen.update((type_name, pk) for pk in found)
        return seen

    start = (page - 1) * per_page
    # The engine counts when it can answer exactly what the database would (see
    # `_engine_counted`): not with filters on a sheet's stage, territory or themes or on a
    # workspace (a document copies them from a sheet the user may not see), nor while a
    # rebuild runs, nor when too many entries await the indexer.
    stale = None
    if (
        hasattr(sqs.query.backend, "ranked_keys")
        and result.index_state == "ok"
        and not any(filters.values())
    ):
        stale = _stale_keys(indexes_by_type)
    try:
        if stale is not None:
            ordered, total = _engine_counted(
                sqs, visibility, stale, start, per_page, type_of, visible_of
            )
        else:
            candidates, result.capped = _candidates_retrying(sqs, visibility, MAX_CANDIDATES)
    except Exception:
        logger.exception("search index unreadable; answering without results")
        result.index_state = "unavailable"
        if index_schema_stale():
            index_rebuild_request()  # an upgrade changed the indexed fields: the worker rebuilds
        return result
    if result.index_state == "ok":
        # A rebuild may have started while the engine answered: say so with these results.
        result.index_state = index_state()

    if stale is not None:
        result.count = min(total, MAX_CANDIDATES)
        result.capped = total > MAX_CANDIDATES
    else:
        # The database's word on every candidate, before counting.
        ordered = [(type_of[ct], int(pk)) for ct, pk in candidates if ct in type_of]
        visible = visible_of(ordered)
        ordered = [key for key in ordered if key in visible]
        result.count = len(ordered)

    # Past the first MAX_CANDIDATES results the list stops (refine the query).
    window = ordered[start : min(start + per_page, MAX_CANDIDATES)]
    missing: dict[str, list[int]] = {}
    for type_name, pk in window:
        if pk not in loaded.get(type_name, {}):
            missing.setdefault(type_name, []).append(pk)
    for type_name, pks in missing.items():
        loaded.setdefault(type_name, {}).update(indexes_by_type[type_name].load_for_results(pks))
    shown = [
        (indexes_by_type[type_name], loaded[type_name][pk])
        for type_name, pk in window
        if pk in loaded[type_name]  # else it vanished between the two queries: left out
    ]
    # A document granted to one person may sit in a workspace they may not see, whose name it
    # must not tell: the workspace policy's check on the row just loaded (its roles cached on
    # the user, read once per request).
    workspaces = [search_index.result_workspace(obj) for search_index, obj in shown]
    named = {w.pk for w in workspaces if w is not None and can_view_workspace(user, w)}
    with urls_of_one_page():
        _add_hits(result, shown, workspaces, named, q)
    return result


def _add_hits(
    result: SearchPage, shown: list[tuple[Any, Any]], workspaces: list, named: set[int], q: str
) -> None:
    """The page's hits, as each index tells of its row."""
    for (search_index, obj), workspace_row in zip(shown, workspaces, strict=True):
        visible_workspace = (
            workspace_row if workspace_row is not None and workspace_row.pk in named else None
        )
        result.results.append(
            SearchHit(
                type=search_index.type_name,
                id=obj.pk,
                title=search_index.result_title(obj),
                url=search_index.result_url(obj),
                snippet=highlight(search_index.snippet_text(obj, q), q),
                stage=search_index.result_stage(obj),
                workspace=visible_workspace.slug if visible_workspace else None,
                workspace_name=visible_workspace.name if visible_workspace else None,
                modified=search_index.result_modified(obj),
                **search_index.result_details(obj),
            )
        )


def _retrying(backend: Any, call: Any, attempts: int = 3) -> Any:
    """`call()` (an engine read), tried again on a fresh searcher when a writer's commit (or a
    rebuild) removed files under the one in hand — a race, not a broken index."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception:
            if attempt == attempts - 1:
                raise
            # Not setup() again: on a deleted directory it would create an empty index and
            # hide the loss; the next request sees it missing and asks for the rebuild.
            reset = getattr(backend, "reset_searcher", None)
            if reset is not None:
                reset()
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _candidates_retrying(
    sqs: SearchQuerySet, visibility: SQ | None, limit: int
) -> tuple[list[tuple[str, str]], bool]:
    return _retrying(sqs.query.backend, lambda: _candidates(sqs, visibility, limit))


# Entries awaiting the indexer (outbox rows and the entries they refresh) past which a search
# stops counting through the engine and re-checks its candidates instead (a workspace of
# thousands of sheets just made private, until the indexer has run).
STALE_LIMIT = 1000
OUTBOX_READ = "SELECT content_type_id, object_id FROM search_indexoutbox LIMIT %s"


def _stale_keys(indexes_by_type: dict[str, Any]) -> set[tuple[str, int]] | None:
    """(result type, pk) of every index entry that may differ from the database: each object
    with a pending outbox row, and the entries the indexer refreshes with it (a sheet's framing
    notes, documents, debates and amendments; a workspace's everything). None when there are
    more than STALE_LIMIT (or a row the indexer itself could not read).

    Read BEFORE the engine is asked: the indexer deletes its rows only after its commit, so an
    entry the engine answers from an older commit still has its row here."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from .search_indexes import dependent_keys

    # One plain read per search (the ORM building it cost 5 times the query itself).
    with connection.cursor() as cursor:
        cursor.execute(OUTBOX_READ, [STALE_LIMIT + 1])
        rows = cursor.fetchall()
    if not rows:
        return set()
    if len(rows) > STALE_LIMIT:
        return None
    type_of_model = {index.get_model(): name for name, index in indexes_by_type.items()}
    by_model: dict[type, set[Any]] = {}
    try:
        for content_type_id, object_id in rows:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None:
                by_model.setdefault(model, set()).add(model._meta.pk.to_python(object_id))
    except Exception:  # the indexer would stumble on it too: let the database check all
        return None
    found: set[tuple[str, int]] = set()
    for model, pks in by_model.items():
        if model in type_of_model:
            found.update((type_of_model[model], pk) for pk in pks)
        dependents = dependent_keys(model, list(pks), STALE_LIMIT - len(found))
        if dependents is None:
            return None
        found.update((type_of_model[m], pk) for m, pk in dependents if m in type_of_model)
        if len(found) > STALE_LIMIT:
            return None
    return found


def _engine_counted(
    sqs: SearchQuerySet,
    visibility: SQ | None,
    stale: set[tuple[str, int]],
    start: int,
    per_page: int,
    type_of: dict[str, str],
    visible_of: Any,
) -> tuple[list[tuple[str, int]], int]:
    """The hits up to the end of the page shown, best first, each re-checked in the database,
    and how many hits `user` may see in all.

    The engine applies the visibility terms indexed with each entry (public, workspace, key)
    and counts; an entry's terms are the database's word as of its last indexing, so they can
    differ from it only for entries awaiting the indexer (`stale`, read before the engine was
    asked). The database re-checks every hit up to the end of the page shown and every stale
    entry the engine matched; the count is the engine's less those the database refused. So a
    hit is shown only if the database says so, and a count never includes an entry changed
    through the services that the database refuses. What it cannot see: a row changed without
    the services (a raw SQL or shell `update()`, no outbox row), ranked past the page shown, is
    counted as the index last saw it until the next rebuild — docs/search.md, "Counts".
    """
    backend = sqs.query.backend
    query = sqs.query.build_query()
    filter_string = _filter_string(sqs, visibility)
    among = None
    if stale:
        among = SearchQuerySet().filter(key__in=sorted(f"{t}:{pk}" for t, pk in stale))
        among = among.query.build_query()
    need = start + per_page if start < MAX_CANDIDATES else per_page
    need = min(need, MAX_CANDIDATES)
    verdict: dict[tuple[str, int], bool] = {}
    limit = need
    while True:
        found, total, suspects = _retrying(
            backend,
            lambda limit=limit: backend.ranked_keys(
                query, limit, filter_string, among=among, among_limit=len(stale)
            ),
        )
        keys = [(type_of[ct], int(pk)) for ct, pk in found if ct in type_of]
        suspected = [(type_of[ct], int(pk)) for ct, pk in suspects if ct in type_of]
        unchecked = [key for key in dict.fromkeys(keys + suspected) if key not in verdict]
        if unchecked:
            # A hit ranked before `start` is never on the page: its key is enough. The others
            # may be: their rows are loaded by the same query.
            seen = visible_of(unchecked, frozenset(keys[start:]))
            verdict.update((key, key in seen) for key in unchecked)
        shown = [key for key in keys if verdict[key]]
        refused = sum(1 for key in set(keys) | set(suspected) if not verdict[key])
        if len(shown) >= need or len(found) < limit or len(found) >= total:
            return shown, max(0, total - refused)
        # Refused hits pushed the page down: ask for as many more.
        limit = need + len(found) - len(shown)


def _ct(model: Any) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _candidates(
    sqs: SearchQuerySet, visibility: SQ | None, limit: int
) -> tuple[list[tuple[str, str]], bool]:
    """("app.model", pk) of the best `limit` hits the index lets `visibility` see, best first,
    and whether more matched.

    Engines that can list keys cheaply (our tantivy and Whoosh backends) get the query haystack
    built, with visibility as a separate filter that does not score; any other engine gets one
    query through haystack.
    """
    fast = getattr(sqs.query.backend, "candidate_keys", None)
    if fast is not None:
        return fast(sqs.query.build_query(), limit, filter_string=_filter_string(sqs, visibility))
    if visibility is not None:
        sqs = sqs.filter(visibility)
    hits = list(sqs[:limit])
    capped = len(hits) >= limit and sqs.count() > limit
    return [(f"{h.app_label}.{h.model_name}", str(h.pk)) for h in hits], capped
