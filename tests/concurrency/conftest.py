"""The SQLite writer test runs in the SQLite job of `make test` only.

It makes its own SQLite file whatever the suite's database is, so running it again in the
PostgreSQL job (DATABASE_URL=postgres://…) would only repeat it: there it is deselected (counted
as such by pytest), not skipped.
"""

import os


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis")):
        return
    here = os.path.dirname(__file__)
    dropped = [
        i for i in items if i.get_closest_marker("sqlite_only") and str(i.path).startswith(here)
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]
