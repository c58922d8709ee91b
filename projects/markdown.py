"""Markdown of sheets and sections rendered to HTML that is safe to show: an explicit allowlist."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "ins", "sub", "sup",
        "ul", "ol", "li", "dl", "dt", "dd", "h3", "h4", "h5", "h6", "a", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
# Schemes a link may use; relative links (same site, anchors) pass, javascript:/data: do not.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


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


# Rendered Markdown always sits under a heading of level 2 of the page (a sheet's "Description",
# a section, the framing block); the page owns <h1>. So a writer's headings are renumbered to
# nest under it: a heading of the highest rank so far is an <h3>, one under it an <h4>… (capped
# at <h6>), never more than one level under the heading it belongs to — whether the writer
# started at "#" or at "##", or skipped a level, the page's outline stays whole. Raw HTML
# headings are renumbered alike; an <h1>/<h2> that escaped is not allowed (below).
PAGE_HEADING_LEVEL = 2
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s/>])", re.IGNORECASE)


def _shift_headings(html: str) -> str:
    # A stack of the open headings (the writer's level, the page's level): a heading nests one
    # level under the nearest open heading of a higher rank, or sits at the top (<h3>).
    stack: list[tuple[int, int]] = []
    opened = PAGE_HEADING_LEVEL + 1

    def renumber(match: re.Match[str]) -> str:
        nonlocal opened
        if match.group(1):  # a closing tag closes the heading just opened
            return f"</h{opened}"
        level = int(match.group(2))
        while stack and stack[-1][0] >= level:
            stack.pop()
        opened = min((stack[-1][1] if stack else PAGE_HEADING_LEVEL) + 1, 6)
        stack.append((level, opened))
        return f"<h{opened}"

    return _HEADING_TAG.sub(renumber, html)


_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


def _table_align(state) -> None:
    # Table cells carry their alignment as a style attribute, which the sanitiser drops (and the
    # Content-Security-Policy forbids); the allowed align attribute says the same thing.
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and (style := token.attrGet("style")):
            del token.attrs["style"]
            if match := _ALIGN.search(str(style)):
                token.attrSet("align", match.group(1))


# A link's address may be long, but the page should not be: one reference definition used
# thousands of times ("[a]: <40 KB address>" then "[b][a] [b][a] …") made a 90 KB text render
# to 280 MB of HTML. An address longer than this is not a link (its text stays), and past a
# budget of addresses per text (proportional to the text, plus some slack) links keep their
# words and lose their target: the output stays linear in the input.
MAX_URL_CHARS = 2048
URL_BUDGET_SLACK = 20_000


def _bound_links(state) -> None:
    budget = len(state.src) + URL_BUDGET_SLACK
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept, skipping = [], 0
        for token in block.children:
            if token.type == "link_open":
                cost = sum(len(str(token.attrGet(name) or "")) for name in ("href", "title"))
                if skipping or cost > budget:
                    skipping += 1
                    continue
                budget -= cost
            elif token.type == "link_close" and skipping:
                skipping -= 1
                continue
            elif token.type == "image":
                cost = len(str(token.attrGet("src") or "")) + len(token.content)
                if cost > budget:
                    token.type, token.tag, token.attrs, token.children = "text", "", {}, None
                else:
                    budget -= cost
            kept.append(token)
        block.children = kept


def _build() -> MarkdownIt:
    # markdown-it-py (CommonMark) runs in time linear in the input, whatever the input: Python-
    # Markdown was quadratic on unclosed brackets (8 KB of "[" took seconds), a denial of service
    # on every page that shows a sheet. Tables, footnotes and definition lists are kept from the
    # "extra" features used before; raw HTML is parsed and left to nh3, as it was.
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.use(footnote_plugin).use(deflist_plugin)
    parser.core.ruler.push("table_align", _table_align)
    # Link schemes are judged once, by the sanitiser below (which keeps the link text and drops
    # an unsafe href), rather than leaving "[text](javascript:...)" as literal source text.
    parser.validateLink = lambda url: len(url) <= MAX_URL_CHARS
    parser.core.ruler.push("bound_links", _bound_links)
    return parser


# Parsing state lives in each render() call, not in the parser: one parser serves every thread.
_PARSER = _build()


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    # Versions are immutable, so the same text always gives the same HTML: cache by text.
    html = _PARSER.render(text)
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


# Elements after which the text of the next one starts on a new line (and cells, items and
# terms are kept apart), so that "## Titre" followed by a paragraph does not read "TitreDu…".
_BLOCK_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
        "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    """The words of sanitised HTML. Footnote markers and back-links ("[1]", "↩︎") are links
    to "#fn…" anchors: noise out of the page, so they are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            self._skip_depth += tag == "a"
            return
        if tag == "a" and (dict(attrs).get("href") or "").startswith("#fn"):
            self._skip_depth = 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= tag == "a"
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


@lru_cache(maxsize=512)
def markdown_to_text(text: str | None) -> str:
    """The plain text a reader sees of rendered Markdown: no "**", "##", "- " or link targets.

    Goes through the same renderer and sanitiser as the page, so what is hidden there (a
    script's content, an unsafe link) is absent here too. Blocks are separated by one newline.
    """
    if not text:
        return ""
    extractor = _TextExtractor()
    extractor.feed(_render(text))
    extractor.close()
    plain = _SPACES.sub(" ", "".join(extractor.parts))
    return _BLANK_LINES.sub("\n", plain).strip()
