"""The search part of /healthz: the configured search engine can be reached."""

import os

from django.conf import settings
from haystack import connections


def search_health() -> dict:
    options = settings.HAYSTACK_CONNECTIONS["default"]
    path = options.get("PATH")
    if path:
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise OSError(f"search index directory {path} is not writable")
        return {}
    connections["default"].get_backend().search("*", end_offset=1)
    return {}
