"""What is indexed for sheets, framing notes and documents, and how each kind of result reads.

Each index also says, for the search service, how to re-check visibility in the database
(`visible_pks`), and how a result is titled, linked and excerpted — the index stores only what
is needed to match and to filter (workspace id, public flag, slugs), not the text itself.
"""

from __future__ import annotations

import json
import re
import threading
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Aggregate, CharField, F, Lookup, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier

from amendments.models import Amendment
from amendments.permissions import AMENDMENT_POLICY
from debates.models import Debate
from debates.permissions import DEBATE_POLICY
from documents.models import Document
from meetings.models import Meeting
from meetings.permissions import MEETING_POLICY
from projects.markdown import markdown_to_text
from projects.models import FramingNote, ProjectSheet
from projects.permissions import can_view_sheet
from projects.sections import FIELDS as SECTION_FIELDS
from projects.selectors import sheet_visibility_q
from workspace.models import Workspace
from workspace.selectors import workspace_visibility_q

from .analysis import (
    MARKDOWN_BUDGET_CHARS,
    MARKDOWN_EXCERPT_CHARS,
    SNIPPET_SCAN_CHARS,
    SNIPPET_SOURCE_CHARS,
    markdown_excerpt,
)
from .prepared import (
    ANONYMOUS,
    GRANTED,
    Prepared,
    Viewer,
    as_ints,
    ids_in,
    prepared,
    search_viewer,
    workspaces_param,
)


class _AnyOf(Lookup):
    """`column = ANY(%s::bigint[])`: the candidate keys as one PostgreSQL array. Unlike
    `IN (SELECT unnest(…))`, whose row count the planner cannot know, it is an index condition:
    the primary key's index finds the thousand rows instead of a scan of the whole table."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


def _pks_in(pks: Iterable[Any]) -> Any:
    """A filter on the primary key: among a thousand candidate keys, passed as one bound
    parameter (a JSON list on SQLite, an array on PostgreSQL) rather than a thousand: the
    database re-check of a search page costs a third of the time, nearly all of it Django
    preparing each parameter."""
    values = [int(pk) for pk in pks]
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)]))
    if connection.vendor == "postgresql":
        return _AnyOf(F("pk"), values)
    return Q(pk__in=values)


# A stand-in that every converter of a result's URL accepts (digits: slugs and ids alike), and
# the characters a value may hold to take its place unquoted.
_URL_MARK = "918273645546372819"
_URL_VALUE = re.compile(r"[-a-zA-Z0-9_]+")
_URL_PARTS: dict[tuple, tuple[str, str] | None] = {}


# The script prefix and URLconf while a page of results is built (`urls_of_one_page`).
_PAGE = threading.local()


@contextmanager
def urls_of_one_page() -> Iterator[None]:
    """While a page's links are made: the script prefix and URLconf read once for the page,
    not for each link (two context-local look-ups, 4 µs a link)."""
    _PAGE.where = (get_script_prefix(), get_urlconf())
    try:
        yield
    finally:
        _PAGE.where = None


def _reversed(name: str, value: Any) -> str:
    """`reverse(name, args=[value])` from the URL reversed once with a stand-in (per name,
    script prefix and URLconf; no result's URL is translated, which
    tests/search/test_prepared_check.py checks): reversing each of a page's twenty links cost a
    tenth of a search. A value with other characters than a slug's is reversed in full."""
    value = str(value)
    where = getattr(_PAGE, "where", None) or (get_script_prefix(), get_urlconf())
    key = (name, *where)
    parts = _URL_PARTS.get(key, False)
    if parts is False:
        split = reverse(name, args=[_URL_MARK]).split(_URL_MARK)
        parts = _URL_PARTS[key] = (split[0], split[1]) if len(split) == 2 else None
    if parts is None or not _URL_VALUE.fullmatch(value):
        return reverse(name, args=[value])
    return f"{parts[0]}{value}{parts[1]}"


def _join(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def _sections_text(sections: Any) -> str:
    if not isinstance(sections, dict):
        return ""
    return _join(*(v for v in sections.values() if isinstance(v, str)))


class FabriqueIndex(indexes.SearchIndex):
    """Fields every result type shares, so that one query filters them all alike."""

    # Nothing but the identifiers is stored: titles and snippets are read from the database.
    text = indexes.CharField(document=True, stored=False)
    result_type = indexes.CharField(indexed=False, stored=False)
    # Visibility: who may see it, as the database said when it was indexed. The search
    # service filters on these AND re-checks every hit against the database.
    workspace_id = indexes.IntegerField(stored=False)
    public = indexes.BooleanField(stored=False)
    key = indexes.CharField(indexed=False, stored=False)
    # Filters (slugs are exact terms).
    workspace = indexes.CharField(indexed=False, stored=False)
    stage = indexes.CharField(indexed=False, null=True, stored=False)
    # The promised participation level of the sheet (projects.ParticipationLevel's values).
    participation_level = indexes.CharField(indexed=False, null=True, stored=False)
    territory = indexes.CharField(indexed=False, null=True, stored=False)
    themes = indexes.MultiValueField(null=True, stored=False)

    type_name = ""

    def _plan(self) -> tuple[list[tuple[str, Any]], list[str], bool]:
        """What `prepare` and `full_prepare` do per entry, worked out once per index: each
        field's preparer, the fields left out when None, whether any field is a facet."""
        plan = self.__dict__.get("_prepare_plan")
        if plan is None:
            fields = self.fields.items()
            plan = self._prepare_plan = (
                [
                    (field.index_fieldname, getattr(self, f"prepare_{name}", None) or field.prepare)
                    for name, field in fields
                ],
                [field.index_fieldname for _name, field in fields if field.null is True],
                any(getattr(field, "facet_for", None) for _name, field in fields),
            )
        return plan

    def prepare(self, obj: Any) -> dict:
        """haystack's `prepare` (each field's `prepare_<name>` if the index has one, else the
        field's own) from `_plan`: haystack's looks every method up by name and runs the
        field's `prepare` even when a method replaces it, for every entry."""
        preparers, _nullable, _facets = self._plan()
        model = self.get_model()
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        data = {ID: get_identifier(obj), DJANGO_CT: label, DJANGO_ID: str(obj.pk)}
        for index_fieldname, preparer in preparers:
            data[index_fieldname] = preparer(obj)
        self.prepared_data = data
        return data

    def full_prepare(self, obj: Any, with_string_facet: bool = True) -> dict:
        """haystack's `full_prepare` for indexes without facet fields (these): `prepare`, then
        the fields declared null=True that hold None are left out."""
        _preparers, nullable, facets = self._plan()
        if facets:
            return super().full_prepare(obj, with_string_facet=with_string_facet)
        data = self.prepared_data = self.prepare(obj)
        for index_fieldname in nullable:
            if data[index_fieldname] is None:
                del data[index_fieldname]
        return data

    def prepare_result_type(self, obj: Any) -> str:
        return self.type_name

    def prepare_key(self, obj: Any) -> str:
        return f"{self.type_name}:{obj.pk}"

    # --- what the search service asks of each result type ---

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        """The rows `user` may see AND that match `filters` (stage, territory, theme, workspace
        slugs) by the database's current word."""
        raise NotImplementedError

    def visible_pks(
        self, *, user: Any, pks: Iterable[Any], filters: dict[str, str | None] | None = None
    ) -> set[int]:
        """Which of `pks` `user` may see AND match `filters` (`visible_q`)."""
        check = self._prepared(user, filters, rows=False)
        if check is not None:
            return check[0].pks(check[1], as_ints(pks))
        rows = self.get_model()._default_manager.filter(self.visible_q(user, filters), _pks_in(pks))
        return set(rows.order_by().values_list("pk", flat=True))

    def visible_rows(
        self, *, user: Any, pks: Iterable[Any], filters: dict[str, str | None] | None = None
    ) -> dict[int, Any]:
        """The rows of `pks` that `visible_pks` keeps, loaded as `load_for_results` loads them:
        the database's check of a page and its rows in one query."""
        check = self._prepared(user, filters, rows=True)
        if check is not None:
            return {obj.pk: obj for obj in check[0].instances(check[1], as_ints(pks))}
        if getattr(user, "is_authenticated", False) or any((filters or {}).values()):
            base = self.results_queryset().filter(self.visible_q(user, filters))
        else:
            # Anonymous and unfiltered: the same condition for every visitor, built once per
            # process (building it cost a third of the query); never evaluated, only cloned.
            base = self.__dict__.get("_anonymous_rows")
            if base is None:
                base = self._anonymous_rows = self.results_queryset().filter(
                    self.visible_q(None, None)
                )
        return {obj.pk: obj for obj in base.filter(pk__in=list(pks)).order_by()}

    def page_visibility(self, kind: str) -> Q | None:
        """`visible_q(user)` without filters for every user of `kind` (search.prepared: ANONYMOUS
        or SIGNED_IN), the user's workspaces and grants as parameters (`ids_in`): the same rule
        as the policies' filter, compiled once (tests/search/test_prepared_check.py holds them
        equal). None: no prepared check, the policies' filter each time."""
        return None

    def _prepared(
        self, user: Any, filters: dict[str, str | None] | None, rows: bool
    ) -> tuple[Prepared, Viewer] | None:
        if any((filters or {}).values()):
            return None
        viewer = search_viewer(user)
        if viewer is None:
            return None
        check = prepared(self, viewer.kind, rows)
        return None if check is None else (check, viewer)

    def load_for_results(self, pks: Iterable[Any]) -> dict[int, Any]:
        """The rows of the page shown, with only what a result reads (title, link, snippet,
        stage, workspace, last change): not the indexing queryset's territories and themes."""
        rows = self.results_queryset().filter(pk__in=list(pks)).order_by()
        return {obj.pk: obj for obj in rows}

    def results_queryset(self) -> QuerySet:
        return self.index_queryset()

    def result_title(self, obj: Any) -> str:
        return str(obj)

    # The URL name and the attribute `get_absolute_url` reverses for a result's link, which
    # `result_url` reverses once per process (`_reversed`); "" = `get_absolute_url` itself.
    url_name = ""
    url_arg = "pk"

    def result_url(self, obj: Any) -> str:
        if self.url_name:
            return _reversed(self.url_name, getattr(obj, self.url_arg))
        return obj.get_absolute_url()

    def snippet_text(self, obj: Any, query: str = "") -> str:
        """Plain text the snippet is cut from (`query` finds where, in a long Markdown text)."""
        return ""

    # What a result says of itself besides its title: None where it does not apply. The
    # workspace is shown only if the search service finds the user may see it.
    def result_stage(self, obj: Any) -> str | None:
        return None

    def result_workspace(self, obj: Any) -> Workspace:
        return obj.workspace

    def result_modified(self, obj: Any) -> Any:
        return None

    def result_details(self, obj: Any) -> dict[str, Any]:
        """What a result of this type says besides the shared fields (a meeting's date, place
        and state); keys of `SearchHit`."""
        return {}


def _sheet_filters(sheet: ProjectSheet | None, entry: Any) -> dict[str, Any]:
    """The filters an entry copies from its sheet; its themes as the indexing queryset read
    them onto `entry` (`_with_theme_slugs`)."""
    if sheet is None:
        return {"stage": None, "participation_level": None, "territory": None, "themes": []}
    return {
        "stage": sheet.stage,
        "participation_level": sheet.participation_level,
        "territory": sheet.territory.slug if sheet.territory_id else None,
        "themes": _index_themes(entry, sheet),
    }


# The indexing querysets read each entry's theme slugs with the row, as one comma-separated
# column (a correlated subquery): a prefetch built a Theme instance per theme of every entry,
# and cost a chunk of 2,000 sheets twice the time of reading the rows.
INDEX_THEMES = "index_theme_slugs"


class _SlugList(Aggregate):
    """The slugs of a group, comma-separated (a slug holds no comma), in no set order."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def _theme_slugs(through: Any, owner: str, outer: str) -> dict[str, Subquery]:
    """The annotation INDEX_THEMES: the slugs of the themes `through` links to the row's
    `outer` (its own primary key, or its sheet's)."""
    slugs = (
        through.objects.filter(**{owner: OuterRef(outer)})
        .order_by()
        .values(owner)
        .annotate(slugs=_SlugList("theme__slug"))
        .values("slugs")
    )
    return {INDEX_THEMES: Subquery(slugs)}


def _sheet_theme_slugs(outer: str = "sheet_id") -> dict[str, Subquery]:
    return _theme_slugs(ProjectSheet.themes.through, "projectsheet_id", outer)


def _index_themes(entry: Any, owner: Any) -> list[str]:
    """The theme slugs read onto `entry`, else (an entry loaded by other means) `owner`'s
    themes, one query."""
    if not hasattr(entry, INDEX_THEMES):
        return [t.slug for t in owner.themes.all()]
    slugs = getattr(entry, INDEX_THEMES)
    return slugs.split(",") if slugs else []


def _prefixed(relation: str, columns: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{relation}__{column}" for column in columns)


# What indexing and results read of each row and its relations (`QuerySet.only`): a model
# instance costs in proportion to its columns (dates above all), and a page of results or a
# chunk of a rebuild builds thousands. A column missing here costs a query per row, which
# tests/search/test_real_paths.py's query-count bounds would catch.
VERSION_TEXT_COLUMNS = ("title", "summary", "body", "sections")
SHEET_FILTER_COLUMNS = (
    "stage",
    "participation_level",
    "is_public",
    "workspace__slug",
    "workspace__visibility",
    "territory__slug",
)
# A result names its workspace when the workspace policy lets the user see it.
WORKSPACE_RESULT_COLUMNS = ("workspace__slug", "workspace__name", "workspace__visibility")
SHEET_INDEX_COLUMNS = (*SHEET_FILTER_COLUMNS, *_prefixed("current_version", VERSION_TEXT_COLUMNS))
SHEET_RESULT_COLUMNS = (
    "slug",
    "stage",
    "updated",
    *WORKSPACE_RESULT_COLUMNS,
    *_prefixed("current_version", ("title", "summary", "sections")),
)
NOTE_TEXT_COLUMNS = (
    "status",
    "political_intent",
    "legal_constraints",
    "budget_constraints",
    "use_of_contributions",
    "sheet__current_version__title",
)
DOCUMENT_RESULT_COLUMNS = (
    "title",
    "description",
    "visibility",
    "workspace__slug",
    "current_revision__mime_type",
)
DOCUMENT_COLUMNS = (*DOCUMENT_RESULT_COLUMNS, "current_revision__extracted_text")


class ProjectSheetIndex(FabriqueIndex, indexes.Indexable):
    type_name = "sheet"
    url_name, url_arg = "portal:sheet_slug", "slug"  # ProjectSheet.get_absolute_url

    def get_model(self):
        return ProjectSheet

    def index_queryset(self, using=None) -> QuerySet[ProjectSheet]:
        return (
            ProjectSheet.objects.filter(current_version__isnull=False)
            .select_related("workspace", "territory", "current_version")
            .only(*SHEET_INDEX_COLUMNS)
            .annotate(**_sheet_theme_slugs(outer="pk"))
            .order_by("pk")
        )

    def results_queryset(self) -> QuerySet[ProjectSheet]:
        # The body's head only (`snippet_body`), as for a document's text (`SNIPPET_SOURCE_CHARS`).
        return (
            ProjectSheet.objects.filter(current_version__isnull=False)
            .select_related("workspace", "current_version")
            .only(*SHEET_RESULT_COLUMNS)
            .annotate(snippet_body=Substr("current_version__body", 1, SNIPPET_SOURCE_CHARS))
        )

    def prepare(self, obj: ProjectSheet) -> dict:
        data = super().prepare(obj)
        data.update(_sheet_filters(obj, obj))
        return data

    def prepare_text(self, obj: ProjectSheet) -> str:
        v = obj.current_version
        return _join(v.title, v.summary, v.body, _sections_text(v.sections))

    def prepare_workspace_id(self, obj: ProjectSheet) -> int:
        return obj.workspace_id

    def prepare_workspace(self, obj: ProjectSheet) -> str:
        return obj.workspace.slug

    def prepare_public(self, obj: ProjectSheet) -> bool:
        # "Public" in the index is "visible to an anonymous visitor", as the sheet's rule says.
        return can_view_sheet(None, obj)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        return (
            sheet_visibility_q(user)
            & _sheet_filters_q(filters)
            & _workspace_filter_q(filters, "workspace__")
        )

    def page_visibility(self, kind: str) -> Q:
        return _sheet_seen(kind)

    def result_title(self, obj: ProjectSheet) -> str:
        return obj.current_version.title

    def snippet_text(self, obj: ProjectSheet, query: str = "") -> str:
        # The summary is plain text; the body and most sections are Markdown, shown rendered:
        # the snippet reads like the page, never "**gras**" or "[lien](https://…)".
        v = obj.current_version
        sections = v.sections if isinstance(v.sections, dict) else {}
        # A result's row holds the body's head (`results_queryset`), all the snippet reads of it.
        body = obj.snippet_body if hasattr(obj, "snippet_body") else v.body
        sources = [(body or "", True)] + [
            (value, getattr(SECTION_FIELDS.get(code), "kind", "markdown") == "markdown")
            for code, value in sections.items()
            if isinstance(value, str)
        ]
        parts, length, budget = [v.summary], len(v.summary), MARKDOWN_BUDGET_CHARS
        for source, is_markdown in sources:
            # The snippet comes from the first SNIPPET_SCAN_CHARS of the text, and each hit
            # renders at most MARKDOWN_BUDGET_CHARS of Markdown: a sheet with twenty long
            # sections costs a search no more than one with a long body.
            if not source or length >= SNIPPET_SCAN_CHARS or (is_markdown and budget <= 0):
                continue
            if is_markdown:
                limit = min(budget, MARKDOWN_EXCERPT_CHARS)
                budget -= min(len(source), limit)
                source = markdown_excerpt(source, query, limit=limit)
            parts.append(source)
            length += len(source) + 1
        return _join(*parts) or v.title

    def result_stage(self, obj: ProjectSheet) -> str | None:
        return obj.stage

    def result_modified(self, obj: ProjectSheet) -> Any:
        return obj.updated


class FramingNoteIndex(FabriqueIndex, indexes.Indexable):
    """Published framing notes, as visible as their sheet."""

    type_name = "framing_note"

    def get_model(self):
        return FramingNote

    def index_queryset(self, using=None) -> QuerySet[FramingNote]:
        return (
            FramingNote.objects.filter(
                status=FramingNote.Status.PUBLISHED, sheet__current_version__isnull=False
            )
            .select_related(
                "sheet", "sheet__workspace", "sheet__territory", "sheet__current_version"
            )
            .only(*NOTE_TEXT_COLUMNS, *_prefixed("sheet", SHEET_FILTER_COLUMNS))
            .annotate(**_sheet_theme_slugs())
            .order_by("pk")
        )

    def results_queryset(self) -> QuerySet[FramingNote]:
        return (
            FramingNote.objects.filter(
                status=FramingNote.Status.PUBLISHED, sheet__current_version__isnull=False
            )
            .select_related("sheet", "sheet__workspace", "sheet__current_version")
            .only(
                *NOTE_TEXT_COLUMNS,
                "published_at",
                *_prefixed("sheet", ("slug", "stage", *WORKSPACE_RESULT_COLUMNS)),
                "sheet__current_version__title",
            )
        )

    def prepare(self, obj: FramingNote) -> dict:
        data = super().prepare(obj)
        data.update(_sheet_filters(obj.sheet, obj))
        return data

    def prepare_text(self, obj: FramingNote) -> str:
        return _join(
            obj.sheet.current_version.title,
            obj.political_intent,
            obj.legal_constraints,
            obj.budget_constraints,
            obj.use_of_contributions,
        )

    def prepare_workspace_id(self, obj: FramingNote) -> int:
        return obj.sheet.workspace_id

    def prepare_workspace(self, obj: FramingNote) -> str:
        return obj.sheet.workspace.slug

    def prepare_public(self, obj: FramingNote) -> bool:
        return can_view_sheet(None, obj.sheet)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        return (
            sheet_visibility_q(user, prefix="sheet__")
            & _sheet_filters_q(filters, prefix="sheet__")
            & _workspace_filter_q(filters, "sheet__workspace__")
            & Q(status=FramingNote.Status.PUBLISHED)
        )

    def page_visibility(self, kind: str) -> Q:
        return _sheet_seen(kind, "sheet__") & Q(status=FramingNote.Status.PUBLISHED)

    def result_title(self, obj: FramingNote) -> str:
        return f"Note de cadrage · {obj.sheet.current_version.title}"

    def result_url(self, obj: FramingNote) -> str:
        return f"{_reversed(ProjectSheetIndex.url_name, obj.sheet.slug)}#cadrage-{obj.pk}"

    def result_stage(self, obj: FramingNote) -> str | None:
        return obj.sheet.stage

    def result_workspace(self, obj: FramingNote) -> Workspace:
        return obj.sheet.workspace

    def result_modified(self, obj: FramingNote) -> Any:
        # Published notes never change: the day of publication is their last change.
        return obj.published_at

    def snippet_text(self, obj: FramingNote, query: str = "") -> str:
        # Framing notes are plain text (the sheet page shows them with line breaks only).
        return _join(
            obj.political_intent,
            obj.legal_constraints,
            obj.budget_constraints,
            obj.use_of_contributions,
        )


def _sheet_filters_q(filters: dict[str, str | None] | None, prefix: str = "") -> Q:
    """The search filters that describe a sheet (at `prefix`), as the database holds them."""
    filters = filters or {}
    condition = Q()
    if filters.get("stage"):
        condition &= Q(**{f"{prefix}stage": filters["stage"]})
    if filters.get("participation_level"):
        condition &= Q(**{f"{prefix}participation_level": filters["participation_level"]})
    if filters.get("territory"):
        condition &= Q(**{f"{prefix}territory__slug": filters["territory"]})
    if filters.get("theme"):
        condition &= Q(**{f"{prefix}themes__slug": filters["theme"]})
    return condition


def _workspace_filter_q(filters: dict[str, str | None] | None, prefix: str) -> Q:
    slug = (filters or {}).get("workspace")
    return Q(**{f"{prefix}slug": slug}) if slug else Q()


def _sheet_seen(kind: str, prefix: str = "") -> Q:
    """The sheet policy's view rule (projects.permissions.SHEET_POLICY) at `prefix`, prepared:
    public sheets of public workspaces, and for a signed-in viewer the sheets of the workspaces
    where their role carries projects.view_projectsheet."""
    public = Q(
        **{
            f"{prefix}is_public": True,
            f"{prefix}workspace__visibility": Workspace.Visibility.PUBLIC,
        }
    )
    if kind == ANONYMOUS:
        return public
    return public | ids_in(f"{prefix}workspace_id", workspaces_param("projects.view_projectsheet"))


class DocumentIndex(FabriqueIndex, indexes.Indexable):
    """Documents not in the trash: title, description and the current file's text."""

    type_name = "document"
    url_name = "documents:detail"  # Document.get_absolute_url
    mime_type = indexes.CharField(indexed=False, null=True, stored=False)

    def get_model(self):
        return Document

    def index_queryset(self, using=None) -> QuerySet:
        return (
            Document.objects.filter(trashed_at__isnull=True)
            .select_related(
                "workspace",
                "current_revision",
                "sheet",
                "sheet__territory",
            )
            .only(
                *DOCUMENT_COLUMNS,
                "trashed_at",
                "sheet_id",
                "workspace__visibility",
                "current_revision__original_name",
                *_prefixed("sheet", ("stage", "participation_level", "territory__slug")),
            )
            .annotate(**_sheet_theme_slugs())
            .order_by("pk")
        )

    def results_queryset(self) -> QuerySet:
        # The extracted text's head only (`snippet_source`): a page of twenty PDFs of a million
        # characters each loaded 40 MB for snippets cut from their first eleven thousand.
        return (
            Document.objects.filter(trashed_at__isnull=True)
            .select_related("workspace", "current_revision")
            .only(*DOCUMENT_RESULT_COLUMNS, "updated", *WORKSPACE_RESULT_COLUMNS)
            .annotate(
                snippet_source=Substr("current_revision__extracted_text", 1, SNIPPET_SOURCE_CHARS)
            )
        )

    def prepare(self, obj) -> dict:
        data = super().prepare(obj)
        data.update(_sheet_filters(obj.sheet, obj))
        return data

    def prepare_text(self, obj) -> str:
        revision = obj.current_revision
        return _join(
            obj.title,
            obj.description,
            revision.original_name if revision else "",
            revision.extracted_text if revision else "",
        )

    def prepare_mime_type(self, obj) -> str | None:
        return obj.current_revision.mime_type if obj.current_revision_id else None

    def prepare_workspace_id(self, obj) -> int:
        return obj.workspace_id

    def prepare_workspace(self, obj) -> str:
        return obj.workspace.slug

    def prepare_public(self, obj) -> bool:
        from documents.permissions import can_view_document

        return can_view_document(None, obj)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        from documents.selectors import document_visibility_q

        sheet_filters = _sheet_filters_q(filters, prefix="sheet__")
        if sheet_filters:
            # A document matches a stage, territory or theme only through its sheet, and
            # only when `user` may see that sheet: a public document must not tell that
            # its members-only sheet is, say, in consultation.
            sheet_filters &= sheet_visibility_q(user, prefix="sheet__")
        workspace_filter = _workspace_filter_q(filters, "workspace__")
        if workspace_filter:
            # Likewise a document shared with one person names its workspace only to
            # those who may see that workspace.
            workspace_filter &= workspace_visibility_q(user, prefix="workspace__")
        return (
            document_visibility_q(user)
            & sheet_filters
            & workspace_filter
            & Q(trashed_at__isnull=True)
        )

    def page_visibility(self, kind: str) -> Q:
        # The document policy's view rule, trashed documents left out as the index leaves them:
        # public documents of public workspaces; for a signed-in viewer also those of the
        # workspaces where their role carries documents.view_document, and those granted to
        # them (the GRANTED rule's rows).
        from documents.models import Visibility

        seen = Q(visibility=Visibility.PUBLIC, workspace__visibility=Workspace.Visibility.PUBLIC)
        if kind != ANONYMOUS:
            seen |= ids_in("workspace_id", workspaces_param("documents.view_document"))
            seen |= ids_in("pk", GRANTED)
        return seen & Q(trashed_at__isnull=True)

    def result_title(self, obj) -> str:
        return obj.title

    def snippet_text(self, obj, query: str = "") -> str:
        revision = obj.current_revision
        if revision is None:
            text = ""
        elif hasattr(obj, "snippet_source"):  # a result's row: the head the snippet reads
            text = obj.snippet_source or ""
        else:
            text = revision.extracted_text
        if text and revision.mime_type == "text/markdown":
            text = markdown_excerpt(text, query)
        return _join(obj.description, text) or obj.title

    def result_modified(self, obj) -> Any:
        return obj.updated


DEBATE_COLUMNS = (
    "title",
    "body",
    "synthesis",
    "state",
    "created",
    "updated",
    "sheet__stage",
    "sheet__participation_level",
    "sheet__is_public",
    "sheet__workspace__visibility",
    "workspace__slug",
    "workspace__name",
    "workspace__visibility",
    "territory__slug",
)


class DebateIndex(FabriqueIndex, indexes.Indexable):
    """Debates: their title, presentation and synthesis — never their messages, so that no
    hidden message's text can be found by its words."""

    type_name = "debate"
    url_name = "debates:detail"  # Debate.get_absolute_url

    def get_model(self):
        return Debate

    def index_queryset(self, using=None) -> QuerySet[Debate]:
        return (
            Debate.objects.select_related("sheet", "sheet__workspace", "workspace", "territory")
            .only(*DEBATE_COLUMNS, "sheet_id", "workspace_id", "territory_id")
            .annotate(**_theme_slugs(Debate.themes.through, "debate_id", "pk"))
            .order_by("pk")
        )

    def prepare(self, obj: Debate) -> dict:
        data = super().prepare(obj)
        data.update(
            {
                "stage": obj.sheet.stage if obj.sheet_id else None,
                "participation_level": obj.sheet.participation_level if obj.sheet_id else None,
                "territory": obj.territory.slug if obj.territory_id else None,
                "themes": _index_themes(obj, obj),
            }
        )
        return data

    def prepare_text(self, obj: Debate) -> str:
        return _join(obj.title, obj.body, obj.synthesis)

    def prepare_workspace_id(self, obj: Debate) -> int:
        return obj.workspace_id or 0  # 0: no workspace, no member

    def prepare_workspace(self, obj: Debate) -> str:
        return obj.workspace.slug if obj.workspace_id else ""

    def prepare_public(self, obj: Debate) -> bool:
        return DEBATE_POLICY.check(None, obj)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        filters = filters or {}
        condition = Q()
        if filters.get("stage"):
            condition &= Q(sheet__stage=filters["stage"])
        if filters.get("participation_level"):
            condition &= Q(sheet__participation_level=filters["participation_level"])
        if filters.get("territory"):
            condition &= Q(territory__slug=filters["territory"])
        if filters.get("theme"):
            condition &= Q(themes__slug=filters["theme"])
        return (
            DEBATE_POLICY.visible_q(user) & condition & _workspace_filter_q(filters, "workspace__")
        )

    def page_visibility(self, kind: str) -> Q:
        # debates.permissions.DEBATE_POLICY: on a sheet, as visible as the sheet; off any sheet,
        # outside any workspace, in a public one, or in one where the viewer is a member.
        off_workspace = Q(workspace_id__isnull=True) | Q(
            workspace__visibility=Workspace.Visibility.PUBLIC
        )
        if kind != ANONYMOUS:
            off_workspace |= ids_in("workspace_id", workspaces_param("workspace.view_workspace"))
        return _sheet_seen(kind, "sheet__") | (Q(sheet_id__isnull=True) & off_workspace)

    def results_queryset(self) -> QuerySet[Debate]:
        return Debate.objects.select_related("sheet", "workspace").only(
            *DEBATE_COLUMNS, "sheet_id", "workspace_id", "territory_id"
        )

    def result_title(self, obj: Debate) -> str:
        return f"Débat · {obj.title}"

    def result_stage(self, obj: Debate) -> str | None:
        return obj.sheet.stage if obj.sheet_id else None

    def result_workspace(self, obj: Debate) -> Workspace | None:
        return obj.workspace if obj.workspace_id else None

    def result_modified(self, obj: Debate) -> Any:
        return obj.updated

    def snippet_text(self, obj: Debate, query: str = "") -> str:
        body = markdown_excerpt(obj.body, query, limit=MARKDOWN_EXCERPT_CHARS) if obj.body else ""
        return _join(obj.synthesis, body) or obj.title


class AmendmentIndex(FabriqueIndex, indexes.Indexable):
    """Amendments once submitted (withdrawn ones leave the index): the proposed text and its
    rationale, as visible as their sheet."""

    type_name = "amendment"
    url_name = "amendments:detail"  # Amendment.get_absolute_url

    def get_model(self):
        return Amendment

    def index_queryset(self, using=None) -> QuerySet[Amendment]:
        return (
            Amendment.objects.exclude(state=Amendment.State.WITHDRAWN)
            .select_related("sheet", "sheet__workspace", "sheet__territory")
            .only(
                "text",
                "rationale",
                "field",
                "state",
                "created",
                "sheet_id",
                *_prefixed("sheet", SHEET_FILTER_COLUMNS),
            )
            .annotate(**_sheet_theme_slugs())
            .order_by("pk")
        )

    def results_queryset(self) -> QuerySet[Amendment]:
        return Amendment.objects.exclude(state=Amendment.State.WITHDRAWN).select_related(
            "sheet", "sheet__workspace"
        )

    def prepare(self, obj: Amendment) -> dict:
        data = super().prepare(obj)
        data.update(_sheet_filters(obj.sheet, obj))
        return data

    def prepare_text(self, obj: Amendment) -> str:
        return _join(obj.text, obj.rationale)

    def prepare_workspace_id(self, obj: Amendment) -> int:
        return obj.sheet.workspace_id

    def prepare_workspace(self, obj: Amendment) -> str:
        return obj.sheet.workspace.slug

    def prepare_public(self, obj: Amendment) -> bool:
        return can_view_sheet(None, obj.sheet)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        return (
            AMENDMENT_POLICY.visible_q(user)
            & _sheet_filters_q(filters, prefix="sheet__")
            & _workspace_filter_q(filters, "sheet__workspace__")
            & ~Q(state=Amendment.State.WITHDRAWN)
        )

    def page_visibility(self, kind: str) -> Q:
        # amendments.permissions.AMENDMENT_POLICY: as visible as its round's sheet.
        return _sheet_seen(kind, "round__sheet__") & ~Q(state=Amendment.State.WITHDRAWN)

    def result_title(self, obj: Amendment) -> str:
        return f"Amendement · {obj.sheet.title}"

    def result_stage(self, obj: Amendment) -> str | None:
        return obj.sheet.stage

    def result_workspace(self, obj: Amendment) -> Workspace:
        return obj.sheet.workspace

    def result_modified(self, obj: Amendment) -> Any:
        return obj.created

    def snippet_text(self, obj: Amendment, query: str = "") -> str:
        text = obj.text
        if obj.field != "summary":  # the body and the sections are Markdown
            text = markdown_excerpt(text, query, limit=MARKDOWN_EXCERPT_CHARS)
        return _join(text, obj.rationale)


# A meeting's date as words, in French whatever the reader's language (the index is French):
# "mardi 12 mars 2027" finds it by its day, its month or its year.
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MEETING_COLUMNS = (
    "kind",
    "title",
    "description",
    "starts",
    "ends",
    "place",
    "address",
    "state",
    "presentation",
    "minutes",
    "updated",
    "sheet_id",
    "territory_id",
)


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _date_words(moment: Any) -> str:
    local = moment.astimezone(PARIS)
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def _territory_names(territory: Any) -> list[str]:
    """A territory's name, and a quartier's commune's (not the Eurométropole above a commune):
    "Neudorf" finds a meeting of the Neudorf quartier, "Strasbourg" one of its quartiers too.
    The parent and its `parent_id` come with the row (`MeetingIndex.index_queryset`)."""
    names = [territory.name]
    parent = territory.parent if territory.parent_id is not None else None
    if parent is not None and parent.parent_id is not None:
        names.append(parent.name)
    return names


class MeetingIndex(FabriqueIndex, indexes.Indexable):
    """Public meetings and neighbourhood workshops: title, description, place and address,
    territory (and its commune), date, and once held the restitution (presentation, minutes) —
    never a registrant. As visible as the meeting (a sheet's meeting as its sheet, a territory's
    meeting to everyone); a cancelled meeting stays findable, marked as cancelled."""

    type_name = "meeting"
    url_name = "meetings:detail"  # Meeting.get_absolute_url

    def get_model(self):
        return Meeting

    def index_queryset(self, using=None) -> QuerySet:
        return (
            Meeting.objects.select_related(
                "sheet",
                "sheet__workspace",
                "sheet__territory",
                "sheet__territory__parent",
                "territory",
                "territory__parent",
            )
            .only(
                *MEETING_COLUMNS,
                *_prefixed("sheet", SHEET_FILTER_COLUMNS),
                *_prefixed("sheet", ("territory__name", "territory__parent_id")),
                "sheet__territory__parent__name",
                "sheet__territory__parent__parent_id",
                "territory__slug",
                "territory__name",
                "territory__parent_id",
                "territory__parent__name",
                "territory__parent__parent_id",
            )
            .annotate(**_sheet_theme_slugs())
            .order_by("pk")
        )

    def results_queryset(self) -> QuerySet:
        return Meeting.objects.select_related("sheet", "sheet__workspace").only(
            *MEETING_COLUMNS, *_prefixed("sheet", WORKSPACE_RESULT_COLUMNS)
        )

    @staticmethod
    def _territory(obj: Any) -> Any:
        if obj.territory_id is not None:
            return obj.territory
        return obj.sheet.territory if obj.sheet_id and obj.sheet.territory_id else None

    def prepare(self, obj: Any) -> dict:
        data = super().prepare(obj)
        data.update(_sheet_filters(obj.sheet if obj.sheet_id else None, obj))
        territory = self._territory(obj)
        data["territory"] = territory.slug if territory is not None else None
        return data

    def prepare_text(self, obj: Any) -> str:
        territory = self._territory(obj)
        with translation.override("fr"):  # the index is French, whoever's change drains it
            kind = str(obj.get_kind_display())
        return _join(
            obj.title,
            kind,
            obj.description,
            obj.place,
            obj.address,
            *(_territory_names(territory) if territory is not None else ()),
            _date_words(obj.starts),
            obj.presentation,
            markdown_to_text(obj.minutes) if obj.minutes else "",
        )

    def prepare_workspace_id(self, obj: Any) -> int:
        return obj.sheet.workspace_id if obj.sheet_id else 0  # 0: no workspace, no member

    def prepare_workspace(self, obj: Any) -> str:
        return obj.sheet.workspace.slug if obj.sheet_id else ""

    def prepare_public(self, obj: Any) -> bool:
        # meetings.permissions.MEETING_POLICY for an anonymous visitor: a territory's meeting,
        # or a sheet's meeting whose sheet is public.
        return obj.sheet_id is None or can_view_sheet(None, obj.sheet)

    def visible_q(self, user: Any, filters: dict[str, str | None] | None = None) -> Q:
        filters = filters or {}
        condition = _sheet_filters_q({**filters, "territory": None}, prefix="sheet__")
        if filters.get("territory"):
            # The meeting's own territory, else its sheet's (as indexed).
            slug = filters["territory"]
            condition &= Q(territory__slug=slug) | Q(
                territory_id__isnull=True, sheet__territory__slug=slug
            )
        return (
            MEETING_POLICY.visible_q(user)
            & condition
            & _workspace_filter_q(filters, "sheet__workspace__")
        )

    def page_visibility(self, kind: str) -> Q:
        # meetings.permissions.MEETING_POLICY: a territory's meeting (no sheet) is public; a
        # sheet's meeting is as visible as its sheet.
        return Q(sheet_id__isnull=True) | _sheet_seen(kind, "sheet__")

    def result_title(self, obj: Any) -> str:
        # Its kind and state are said beside it (the page says « annulée »): a meeting's title
        # often names its kind already ("Réunion publique : …").
        return obj.title

    def result_workspace(self, obj: Any) -> Workspace | None:
        return obj.sheet.workspace if obj.sheet_id else None

    def result_modified(self, obj: Any) -> Any:
        return obj.updated

    def result_details(self, obj: Any) -> dict[str, Any]:
        return {"starts": obj.starts, "place": obj.place, "state": obj.state, "kind": obj.kind}

    def snippet_text(self, obj: Any, query: str = "") -> str:
        minutes = (
            markdown_excerpt(obj.minutes, query, limit=MARKDOWN_EXCERPT_CHARS)
            if obj.minutes
            else ""
        )
        return _join(obj.description, obj.presentation, minutes) or _join(obj.place, obj.address)


def _dependents(model: type) -> list[tuple[type, str]]:
    """(indexed model, lookup taking the changed objects' pks) of the entries that copy a
    changed `model`'s stage, slugs or visibility: a sheet's framing notes, documents, debates,
    amendments and meetings; everything in a workspace. Empty for any other model."""
    if model is ProjectSheet:
        return [
            (target, "sheet_id__in")
            for target in (FramingNote, Document, Debate, Amendment, Meeting)
        ]
    if model is Workspace:
        return [
            (
                target,
                "sheet__workspace_id__in"
                if target in (FramingNote, Amendment, Meeting)
                else "workspace_id__in",
            )
            for target in (ProjectSheet, FramingNote, Document, Debate, Amendment, Meeting)
        ]
    return []


def dependent_objects(model: type, pks: list[Any]) -> list[tuple[FabriqueIndex, Any]]:
    """What else to reindex when a sheet or a workspace changes: the entries that copy their
    stage, slugs and visibility (framing notes, documents, debates, amendments, meetings; a
    workspace's sheets too)."""
    from haystack import connections

    unified = connections["default"].get_unified_index()
    found = []
    for target, lookup in _dependents(model):
        search_index = unified.get_index(target)
        for obj in search_index.index_queryset().filter(**{lookup: pks}):
            found.append((search_index, obj))
    return found


def dependent_keys(model: type, pks: list[Any], limit: int) -> list[tuple[type, int]] | None:
    """(model, pk) of the entries `dependent_objects` would reindex, primary keys only; None
    if there are more than `limit`."""
    found: list[tuple[type, int]] = []
    for target, lookup in _dependents(model):
        rows = target.objects.filter(**{lookup: pks}).order_by().values_list("pk", flat=True)
        found.extend((target, pk) for pk in rows[: limit - len(found) + 1])
        if len(found) > limit:
            return None
    return found


def workspace_index_targets(workspace_id: int, *, delete: bool = False) -> list[tuple[type, Any]]:
    """(model, pk queryset) of the index entries a workspace-wide change touches, for
    `search.outbox.index_enqueue_workspace`; primary keys only, never the objects.

    A re-index enqueues the sheets (the indexer refreshes each one's framing notes and attached
    documents with it) and the documents attached to no sheet, so nothing is indexed twice. A
    removal before deletion names every entry: once the rows are gone, a sheet no longer leads
    the indexer to its notes and documents.
    """
    sheets = ProjectSheet.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True)
    notes = FramingNote.objects.filter(sheet__workspace_id=workspace_id).values_list(
        "pk", flat=True
    )
    documents = Document.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True)
    debates = Debate.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True)
    if delete:
        amendments = Amendment.objects.filter(sheet__workspace_id=workspace_id).values_list(
            "pk", flat=True
        )
        meetings = Meeting.objects.filter(sheet__workspace_id=workspace_id).values_list(
            "pk", flat=True
        )
        return [
            (ProjectSheet, sheets),
            (FramingNote, notes),
            (Document, documents),
            (Debate, debates),
            (Amendment, amendments),
            (Meeting, meetings),
        ]
    return [
        (ProjectSheet, sheets),
        (Document, documents.filter(sheet__isnull=True)),
        (Debate, debates.filter(sheet__isnull=True)),
    ]
