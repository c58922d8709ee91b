"""Markdown of sheets and sections rendered to HTML that is safe to show: an explicit allowlist."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "ins", "sub", "sup",
        "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "a", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
# Schemes a link may use; relative links (same site, anchors) pass, javascript:/data: do not.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
_EXTENSIONS = ["extra", "sane_lists"]


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _safe_href(tag: str, attribute: str, value: str) -> str | None:
    """Second line of defence behind nh3's scheme check: browsers ignore whitespace and control
    characters inside a scheme ("java\tscript:"), so compare with them removed."""
    if attribute != "href":
        return value
    compact = "".join(ch for ch in value if ch > " " and ch != "\x7f")
    match = _SCHEME.match(compact)
    if match and match.group(1).lower() not in ALLOWED_SCHEMES:
        return None
    if not match and ":" in compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None
    return value


def _shift_headings(html: str) -> str:
    # The page owns <h1>; a sheet's "# Title" becomes an <h2> so the outline stays valid.
    return html.replace("<h1", "<h2").replace("</h1>", "</h2>")


_local = threading.local()


def _converter() -> md.Markdown:
    # Building a Markdown instance (extension setup) costs more than converting a page; keep one
    # per thread and reset it between documents.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=_EXTENSIONS, output_format="html")
    return converter


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    # Versions are immutable, so the same text always gives the same HTML: cache by text.
    html = _converter().reset().convert(text)
    return nh3.clean(
        _shift_headings(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_safe_href,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown to sanitised HTML: no scripts, no styles, no event handlers, no unsafe links."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    return mark_safe(_render(text))  # noqa: S308 - sanitised by nh3 with the allowlist above
