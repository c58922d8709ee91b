"""The database's re-check of a search page, compiled once per process and run with parameters.

Building and compiling the ORM query of a page's check (a policy's tree of conditions, a member's
subqueries) cost more than running it: 2–4 ms a search against 0.1 ms of SQL. Each index says,
for a kind of viewer (anonymous, or signed in and not a superuser), which rows the viewer may
see with the viewer's workspaces and grants as *parameters* (`FabriqueIndex.page_visibility`);
that query is compiled once per process and thread, then only run, with the page's keys, the
workspaces and the grants read once per request (`search_viewer`). The condition states the
same rule as the policies' own filter, which tests/search/test_prepared_check.py holds it to on
generated worlds (every kind of user, every indexed type); a superuser, or a search with filters,
takes the policies' filter itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL

from policies import active
from workspace.permissions import ROLE_PERMISSIONS, workspace_roles

ANONYMOUS = "anonymous"
SIGNED_IN = "signed_in"
# The vendors whose list parameters these queries know how to pass.
VENDORS = ("sqlite", "postgresql")


class Param:
    """A value the prepared query receives at each run (a list of ids), in place of one."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class _AnyOfParam(Lookup):
    """`column = ANY(%s::bigint[])` (PostgreSQL): an index condition on the ids passed."""

    lookup_name = "any_of_param"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


def ids_in(path: str, name: str) -> Q:
    """The column at `path` holds one of the ids passed as parameter `name`: one bound value (a
    JSON list on SQLite, an array on PostgreSQL) whatever the number of ids."""
    vendor = connections["default"].vendor
    if vendor == "postgresql":
        return Q(_AnyOfParam(F(path), Param(name)))
    return Q(**{f"{path}__in": RawSQL("SELECT value FROM json_each(%s)", [Param(name)])})


def workspaces_param(perm: str) -> str:
    """The parameter naming the viewer's workspaces whose role carries `perm`."""
    return f"ws:{perm}"


GRANTED = "granted"  # the documents granted to the viewer personally (view_document)
PKS = "pks"  # the keys of the page being checked


@dataclass(frozen=True)
class Viewer:
    """Who searches, as the prepared checks need it, read once per request."""

    kind: str
    roles: tuple[tuple[int, str], ...] = ()  # (workspace id, role) of each membership
    granted: tuple[int, ...] = ()

    def value(self, name: str, pks: list[int]) -> list[int]:
        if name == PKS:
            return pks
        if name == GRANTED:
            return list(self.granted)
        if name.startswith("ws:"):
            # role_perm's rule: the workspaces where the user's role carries the permission.
            perm = name[3:]
            return sorted(ws for ws, role in self.roles if perm in ROLE_PERMISSIONS[role])
        raise KeyError(name)


ANONYMOUS_VIEWER = Viewer(ANONYMOUS)
_VIEWER_ATTR = "_fabrique_search_viewer"


def search_viewer(user: Any) -> Viewer | None:
    """The viewer `user` is for the prepared checks: anonymous for visitors and inactive
    accounts (the policies' `active`), signed in otherwise; None for a superuser (every row,
    said by the policies' own filter). A signed-in viewer's memberships and grants are read
    once and kept on the user object for the request (`search_viewer_forget` drops them)."""
    if not active(user):
        return ANONYMOUS_VIEWER
    if user.is_superuser:
        return None
    viewer = getattr(user, _VIEWER_ATTR, None)
    if viewer is None:
        viewer = Viewer(
            SIGNED_IN,
            roles=tuple(sorted(workspace_roles(user).items())),
            granted=granted_document_ids(user.pk),
        )
        setattr(user, _VIEWER_ATTR, viewer)
    return viewer


def search_viewer_forget(user: Any) -> None:
    if user is not None and hasattr(user, _VIEWER_ATTR):
        delattr(user, _VIEWER_ATTR)


_GRANTS_SQL: dict[str, str] = {}


def granted_document_ids(user_id: int) -> tuple[int, ...]:
    """The documents granted to the user for viewing (guardian's per-object rows): the rows the
    document policy's GRANTED rule reads, in one plain query on the grants' user index."""
    from django.contrib.auth.models import Permission

    from documents.models import DocumentUserObjectPermission

    connection = connections["default"]
    sql = _GRANTS_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        grants = DocumentUserObjectPermission._meta
        permissions = Permission._meta

        def column(meta: Any, name: str) -> str:
            return quote(meta.get_field(name).column)

        sql = _GRANTS_SQL[connection.vendor] = (
            f"SELECT g.{column(grants, 'content_object')} FROM {quote(grants.db_table)} g"  # noqa: S608 - names from the models, values bound
            f" INNER JOIN {quote(permissions.db_table)} p"
            f" ON p.{quote(permissions.pk.column)} = g.{column(grants, 'permission')}"
            f" WHERE g.{column(grants, 'user')} = %s AND p.{column(permissions, 'codename')} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, "view_document"])
        return tuple(sorted({int(row[0]) for row in cursor.fetchall()}))


class Prepared:
    """One queryset compiled once: its SQL, where its parameters go, and (for rows) how a row
    becomes the model instances a queryset would give (Django's own `ModelIterable` steps,
    with the compiler kept from the one compilation)."""

    def __init__(self, queryset: QuerySet, rows: bool) -> None:
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        self.connection = compiler.connection
        self.sql = sql
        self.params = list(params)
        self.slots = [(i, p.name) for i, p in enumerate(self.params) if isinstance(p, Param)]
        self.compiler = compiler if rows else None
        if rows:
            self.tree = _Node(compiler.klass_info, compiler.select, self.db)
            self.annotations = dict(compiler.annotation_col_map or {})
            # The columns' converters (dates, JSON), looked up once rather than for each page.
            fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
            self.converters = (
                None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)
            )

    def _encode(self, ids: list[int]) -> Any:
        return ids if self.connection.vendor == "postgresql" else json.dumps(ids)

    def _fetch(self, viewer: Viewer, pks: list[int]) -> list[tuple]:
        params = list(self.params)
        for i, name in self.slots:
            params[i] = self._encode(viewer.value(name, pks))
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def pks(self, viewer: Viewer, pks: list[int]) -> set[int]:
        return {row[0] for row in self._fetch(viewer, pks)}

    def instances(self, viewer: Viewer, pks: list[int]) -> list[Any]:
        assert self.compiler is not None
        found = []
        build = self.tree.build
        rows = self._fetch(viewer, pks)
        if self.converters is None:
            rows = self.compiler.results_iter(results=[rows])
        elif self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            obj = build(row)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def read_only_instances(queryset: QuerySet) -> list[Any]:
    """The model instances `queryset` gives, made as `Prepared.instances` makes them (no model
    `__init__`): for rows that are only read, such as a rebuild's chunks, where building each
    entry's four instances through `__init__` cost a fifth of the indexing time."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    tree = _Node(compiler.klass_info, compiler.select, queryset.db)
    annotations = dict(compiler.annotation_col_map or {})
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in compiler.results_iter(results=[rows]):
        obj = tree.build(row)
        for name, position in annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


class _Node:
    """How a row's columns become one model instance and those `select_related` joined to it
    (Django's `ModelIterable` and `RelatedPopulator`), for instances that are only read: each
    made without the model's `__init__` (its per-field defaults and signals were a third of a
    page's check), as `Model.from_db` leaves a loaded one — the columns in its `__dict__`, the
    others deferred, its state "loaded from `db`" — and linked to its relations' caches."""

    def __init__(self, klass_info: dict, select: list, db: str) -> None:
        if klass_info.get("from_parent"):
            raise ValueError("multi-table inheritance: not prepared")
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.attnames = [f[0].target.attname for f in select[self.start : self.end]]
        self.pk_index = self.attnames.index(self.model._meta.pk.attname)
        self.db = db
        self.local_setter = klass_info.get("local_setter")
        self.remote_setter = klass_info.get("remote_setter")
        field = klass_info.get("field")
        if field is not None and not klass_info.get("reverse") and field.remote_field.hidden:
            # A one-to-one without a reverse accessor (related_name "+"): nothing can read the
            # cache Django's iterable fills on the related instance, and filling it links the
            # two in a cycle that only the garbage collector frees — two fifths of a search
            # page's garbage, collected within the next requests.
            self.remote_setter = None
        self.children = [
            _Node(info, select, db) for info in klass_info.get("related_klass_infos", ())
        ]

    def build(self, row: tuple) -> Any:
        values = row[self.start : self.end]
        if values[self.pk_index] is None:
            return None
        obj = self.model.__new__(self.model)
        obj.__dict__.update(zip(self.attnames, values, strict=True))
        state = obj._state = ModelState()
        state.adding = False
        state.db = self.db
        for child in self.children:
            related = child.build(row)
            child.local_setter(obj, related)
            if related is not None and child.remote_setter is not None:
                child.remote_setter(related, obj)
        return obj


_LOCAL = threading.local()


def prepared(index: Any, kind: str, rows: bool) -> Prepared | None:
    """The compiled check of `index` for viewers of `kind` (the rows for results, or only
    their keys), compiled on first use in this thread; None where there is none (an index
    without `page_visibility`, another database)."""
    connection = connections["default"]
    if connection.vendor not in VENDORS:
        return None
    cache: dict = _LOCAL.__dict__.setdefault("prepared", {})
    key = (type(index), kind, rows)
    found = cache.get(key)
    if found is not None and found.connection is connection:
        return found
    visibility = index.page_visibility(kind)
    if visibility is None:
        return None
    if rows:
        queryset = index.results_queryset()
    else:
        queryset = index.get_model()._default_manager.values_list("pk", flat=True)
    queryset = queryset.filter(visibility, ids_in("pk", PKS)).order_by()
    found = cache[key] = Prepared(queryset, rows)
    return found


def as_ints(pks: Iterable[Any]) -> list[int]:
    return [int(pk) for pk in pks]
