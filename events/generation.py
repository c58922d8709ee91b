"""The data generation: one short string that changes whenever something a page shows may have.

Every service records an event in the same transaction as its change (`event_record`), and the
log is append-only, so the latest entry's id grows with every change anyone can see. Work that
lands later than its event (the search index, fed by its outbox after commit) registers a part
of its own from the app that owns it (`generation_part_register`, from an `AppConfig.ready()`).

Read it before the data: whatever is computed after reading generation G is at least as new as
G, so a copy kept under G is never older than what G stands for (caches key on it, see
`interface.page_cache`). One query of scalar subqueries, written as SQL: the ORM's aggregate
compiler cost more than the rest of a cached page.
"""

from __future__ import annotations

from django.db import connection

from .models import Activity

_parts: list[str] = []


def generation_part_register(sql: str) -> None:
    """`sql`: a query returning one value that changes when the app's part of the pages does
    (e.g. `SELECT COUNT(*) FROM app_outbox`); it becomes a scalar subquery."""
    if sql not in _parts:
        _parts.append(sql)


def data_generation() -> str:
    table = connection.ops.quote_name(Activity._meta.db_table)
    queries = [f"SELECT MAX(id) FROM {table}", *_parts]  # noqa: S608 - tables, not input
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({q})" for q in queries))
        row = cursor.fetchone()
    return ".".join("" if value is None else str(value) for value in row)
