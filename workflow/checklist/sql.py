"""The checklist in SQL: item flags and completeness computed by the database, compiled once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from projects.models import STAGE_ORDER, ProjectSheet

from .registry import ITEMS, ITEMS_BY_CODE, ChecklistItem, items_for_stage


def _flag(code: str) -> str:
    return f"chk_{code}"


def checklist_annotate(queryset: QuerySet, items: Iterable[ChecklistItem] = ITEMS) -> QuerySet:
    """Annotate each sheet with one boolean per item (`chk_<code>`)."""
    return queryset.annotate(
        **{
            _flag(item.code): Case(
                When(item.satisfied_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for item in items
        }
    )


def _stage_score(stage: str) -> Any:
    total = None
    for item in items_for_stage(stage):
        point = Case(When(item.satisfied_q(), then=Value(1)), default=Value(0))
        total = point if total is None else total + point
    return total


def completeness_expression() -> Case:
    """Completeness (0–100, floor) of the stage the sheet is in; NULL once archived/abandoned."""
    return Case(
        *[
            When(
                stage=stage,
                then=Value(100) * _stage_score(stage) / Value(len(items_for_stage(stage))),
            )
            for stage in STAGE_ORDER
        ],
        default=Value(None),
        output_field=IntegerField(),
    )


_compiled: dict[tuple, tuple[str, tuple]] = {}


def _checklist_sql() -> tuple[str, tuple]:
    """The SQL (and its parameters) that gives every sheet's item flags, compiled once.

    Django takes far longer to resolve and compile this expression tree than the database
    takes to run it for a page of sheets, so the statement is built once per process and
    database, then filtered by id from the outside (both SQLite and PostgreSQL push the id
    condition down into the subquery).
    """
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _compiled:
        qs = checklist_annotate(ProjectSheet.objects.order_by()).values(
            "pk", *[_flag(item.code) for item in ITEMS]
        )
        _compiled[key] = qs.query.sql_with_params()
    return _compiled[key]


def completeness_filter_q(*, below: int | None = None, at_least: int | None = None) -> Q:
    """Q on ProjectSheet: current-stage completeness below / at least a percentage.

    Archived and abandoned sheets have no completeness and match neither bound.
    """
    key = ("completeness", connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _compiled:
        qs = (
            ProjectSheet.objects.order_by()
            .annotate(completeness_now=completeness_expression())
            .values("pk", "completeness_now")
        )
        _compiled[key] = qs.query.sql_with_params()
    sql, params = _compiled[key]
    q = Q()
    for operator, bound in (("<", below), (">=", at_least)):
        if bound is not None:
            # Only our compiled SQL and a fixed operator are interpolated; the bound is a parameter.
            subquery = RawSQL(  # noqa: S611
                f"SELECT c.pk FROM ({sql}) c WHERE c.completeness_now {operator} %s",  # noqa: S608
                (*params, int(bound)),
            )
            q &= Q(pk__in=subquery)
    return q


def checklist_states(pks: Iterable[int]) -> dict[int, dict[str, bool]]:
    """Every item's state for several sheets, in one query whatever their number."""
    pks = list(dict.fromkeys(int(pk) for pk in pks))
    if not pks:
        return {}
    sql, params = _checklist_sql()
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sql}) checklist WHERE checklist.pk IN ({placeholders})",  # noqa: S608
            (*params, *pks),
        )
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {row["pk"]: {item.code: bool(row[_flag(item.code)]) for item in ITEMS} for row in rows}


def checklist_state(sheet: ProjectSheet) -> dict[str, bool]:
    """Every item's state for one sheet, in one query."""
    return checklist_states([sheet.pk]).get(sheet.pk) or dict.fromkeys(ITEMS_BY_CODE, False)
