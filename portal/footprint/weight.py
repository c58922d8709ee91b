"""The footer's "Poids de cette page": the HTML as the server produced it, plus the style
sheets, scripts and images of the site it calls, before compression.

The footer (templates/components/footer.html) carries a marker; `PageWeightMiddleware`, inside
the page cache and the gzip middleware and before `CommonMiddleware` sets Content-Length,
replaces it with the figure once the page is rendered. A kept copy of a page (interface/
page_cache.py) is stored after the replacement, so it carries its own figure; gzip compresses
the final text; no ETag is computed before this point. The sizes of static files are read once
per process from the collected files (or the source files in development).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponseBase
from django.utils import formats

MARKER = "<!--page-weight-->"
_MARKER = MARKER.encode()
# An attribute naming a file of the site's (a literal prefix: the scan runs at memory speed).
_STATIC_REFERENCE = re.compile(rb'="(/static/[^"?#]+)"')


@lru_cache(maxsize=512)
def static_size(url: str) -> int:
    """Bytes of the static file at `url` (0 for anything else or a file not found)."""
    prefix = settings.STATIC_URL
    if not url.startswith(prefix):
        return 0
    name = url[len(prefix) :]
    if ".." in name.split("/"):
        return 0
    collected = os.path.join(settings.STATIC_ROOT, name)
    path = collected if os.path.isfile(collected) else finders.find(name)
    if not isinstance(path, str):
        return 0
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def static_bytes(content: bytes) -> int:
    seen = {m.group(1).decode("utf-8", "replace") for m in _STATIC_REFERENCE.finditer(content)}
    return sum(static_size(url) for url in seen)


def kilobytes(nbytes: int) -> str:
    value = max(1, round(nbytes / 1000))
    # Below 1,000 there is nothing to group: no locale lookup (the common case, per response).
    return str(value) if value < 1000 else formats.number_format(value, force_grouping=True)


def with_weight(content: bytes) -> bytes | None:
    """`content` with its last marker replaced by its weight in kB; None without a marker."""
    at = content.rfind(_MARKER)
    if at < 0:
        return None
    rest = len(content) - len(_MARKER) + static_bytes(content)
    text = kilobytes(rest)
    for _ in range(2):  # the figure's own characters count too
        text = kilobytes(rest + len(text.encode()))
    return content[:at] + text.encode() + content[at + len(_MARKER) :]


class PageWeightMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = with_weight(response.content)  # type: ignore[attr-defined]
        if content is not None:
            response.content = content  # type: ignore[attr-defined]
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(content))
        return response
