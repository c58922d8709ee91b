"""The search part of /healthz: the index answers, and how many changes wait in the outbox."""

import os

from django.conf import settings
from haystack import connections

from .selectors import index_document_count, outbox_backlog


def search_health() -> dict:
    options = settings.HAYSTACK_CONNECTIONS["default"]
    path = options.get("PATH")
    extra: dict = {}
    if path:
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise OSError(f"search index directory {path} is not writable")
        extra["search_documents"] = index_document_count()
    else:
        connections["default"].get_backend().search("*", end_offset=1)
    extra["search_backlog"] = outbox_backlog()
    return extra
