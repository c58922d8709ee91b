"""GET /healthz: is the database, the file storage and the search index usable right now?"""

import logging
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


CHECKS: dict[str, Callable[[], dict]] = {
    "database": _database,
    "storage": _storage,
    "search": _search,
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
        except Exception as exc:  # any failure means "down", and says which part
            logger.warning("health check %s failed: %s", name, exc)
            body[name] = "down"
            body["status"] = "down"
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
