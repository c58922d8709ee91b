"""GET /healthz: are the database, the file storage, the search index and the worker usable?

Each check returns extra fields (and may relabel its part, e.g. "worker": "idle"), or raises:
any exception means "down" (503), and ComponentDown carries the fields that say why.
"""

import logging
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from background.health import ComponentDown

logger = logging.getLogger(__name__)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _storage() -> dict:
    default_storage.exists("healthz-probe")
    return {}


def _search() -> dict:
    from search.health import search_health

    return search_health()


def _worker() -> dict:
    from background.health import worker_health
    from search.health import outbox_oldest

    # Index changes wait in the outbox, not in the task queue: they count as waiting work.
    return worker_health(also_waiting_since=outbox_oldest())


CHECKS: dict[str, Callable[[], dict]] = {
    "database": _database,
    "storage": _storage,
    "search": _search,
    "worker": _worker,
}


@never_cache
@require_GET
def healthz(request):
    body: dict = {"status": "ok"}
    for name, check in CHECKS.items():
        try:
            extra = check()
            body[name] = "ok"
            body.update(extra)
        except ComponentDown as down:
            logger.warning("health check %s: down %s", name, down.fields)
            body.update(down.fields)
            body[name] = "down"
            body["status"] = "down"
        except Exception as exc:  # any failure means "down", and says which part
            logger.warning("health check %s failed: %s", name, exc)
            body[name] = "down"
            body["status"] = "down"
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
