"""Field-by-field differences between two sheet versions, for the API (JSON) and pages (HTML)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .markdown import render_markdown
from .models import ParticipationLevel, SheetVersion
from .sections import SECTIONS

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_WORDS = re.compile(r"(\s+)")
# The page's words: a punctuation mark apart from its word ("souris." is "souris" and ".").
_READING = re.compile(r"(\s+|[^\w\s])")

# Steps of the edit graph one page may walk, over all its fields (about 0.1 s of CPU). Past it, a
# field shows its old text deleted and its new text inserted, flagged as too many changes to
# show in detail: two long bodies with nothing in common, or made of one repeated line, cost
# difflib seconds to minutes (its matcher is quadratic or worse on repeated lines).
MAX_DIFF_WORK = 200_000


class DiffBudget:
    """The work left for the diffs of one request, shared by its fields."""

    def __init__(self, steps: int = MAX_DIFF_WORK) -> None:
        self.steps = steps


@dataclass
class FieldDiff:
    """One field's change. `ops` (the API's, on the stored text) and `reading` (the page's, on
    the text a reader sees) are computed on first use, each against its own budget, shared by
    the fields of one comparison: the API never renders, the page never diffs the source."""

    code: str
    label: Any
    granularity: str  # "lines" or "words"
    old: str
    new: str
    # Rendered as Markdown on the sheet page (else shown as plain text).
    markdown: bool = False
    budget: DiffBudget | None = field(default=None, repr=False, compare=False)
    reading_budget: DiffBudget | None = field(default=None, repr=False, compare=False)
    _ops: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _truncated: bool = field(default=False, repr=False, compare=False)

    def _diff(self) -> None:
        if self._ops is None:
            self._ops, self._truncated = diff_texts(
                self.old, self.new, self.granularity, budget=self.budget
            )

    @property
    def ops(self) -> list[tuple[str, str]]:
        self._diff()
        assert self._ops is not None
        return self._ops

    @property
    def truncated(self) -> bool:
        """The work cap was reached: ops delete the old text and insert the new one, in full."""
        self._diff()
        return self._truncated

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @cached_property
    def reading(self) -> ReadingDiff:
        return reading_diff(self.old, self.new, markdown=self.markdown, budget=self.reading_budget)

    def as_dict(self) -> dict:
        return {
            "field": self.code,
            "label": str(self.label),
            "granularity": self.granularity,
            "ops": [{"op": op, "text": text} for op, text in self.ops],
            "truncated": self.truncated,
        }

    def as_html(self) -> SafeString:
        """Escaped source text with <ins>/<del> around what changed; wrap it in a pre-wrap block
        (the conflict page, where the source is what one edits)."""
        parts = []
        for op, text in self.ops:
            if op == INSERT:
                parts.append(f"<ins>{escape(text)}</ins>")
            elif op == DELETE:
                parts.append(f"<del>{escape(text)}</del>")
            else:
                parts.append(escape(text))
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def _tokens(text: str, granularity: str) -> list[str]:
    if granularity == "lines":
        return text.splitlines(keepends=True)
    if granularity == "reading":
        return [t for t in _READING.split(text) if t]
    return [t for t in _WORDS.split(text) if t]


def _edit_script(a: list[int], b: list[int], budget: DiffBudget) -> list[tuple[int, int]] | None:
    """The path of a shortest edit script from a to b (Myers, O((N+M)·D)), as the (x, y) points
    reached after each step, or None when it would cost more than the budget left."""
    n, m = len(a), len(b)
    v = [0] * (2 * (n + m) + 3)
    offset = n + m + 1
    trace: list[list[int]] = []
    for d in range(n + m + 1):
        # Round d reads v[k±1] for k in [-d, d]: keep that window for the way back.
        trace.append(v[offset - d - 1 : offset + d + 2])
        budget.steps -= d + 1
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            budget.steps -= x - start
            v[offset + k] = x
            if x >= n and y >= m:
                return _backtrack(trace, n, m)
        if budget.steps < 0:
            return None
    return None  # unreachable: d = n + m always reaches the end


def _backtrack(trace: list[list[int]], x: int, y: int) -> list[tuple[int, int]]:
    points = [(x, y)]
    for d in range(len(trace) - 1, -1, -1):
        window = trace[d]
        k = x - y

        def at(i: int, d: int = d, window: list[int] = window) -> int:
            return window[i + d + 1]

        prev_k = k + 1 if k == -d or (k != d and at(k - 1) < at(k + 1)) else k - 1
        prev_x = at(prev_k)
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y and x > 0 and y > 0:
            x, y = x - 1, y - 1
            points.append((x, y))
        if d > 0:
            x, y = prev_x, prev_y
            points.append((x, y))
    points.reverse()
    return points


def _hunks(
    a: list[Any], b: list[Any], budget: DiffBudget
) -> tuple[list[tuple[bool, int, int, int, int]], bool]:
    """How `a` becomes `b`, as (equal, a_lo, a_hi, b_lo, b_hi) runs: an equal run keeps
    a[a_lo:a_hi] (= b[b_lo:b_hi]), a change deletes a[a_lo:a_hi] and inserts b[b_lo:b_hi].
    Also whether the work cap cut the diff short (then the differing middle is one change)."""
    runs: list[tuple[bool, int, int, int, int]] = []

    def push(equal: bool, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> None:
        if a_lo == a_hi and b_lo == b_hi:
            return
        if runs and runs[-1][0] == equal:
            previous = runs.pop()
            a_lo, b_lo = previous[1], previous[3]
        runs.append((equal, a_lo, a_hi, b_lo, b_hi))

    # Edits are usually local: the common head and tail cost one comparison per item.
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_end, b_end = len(a) - tail, len(b) - tail
    push(True, 0, head, 0, head)
    ids: dict[Any, int] = {}
    path = _edit_script(
        [ids.setdefault(t, len(ids)) for t in a[head:a_end]],
        [ids.setdefault(t, len(ids)) for t in b[head:b_end]],
        budget,
    )
    if path is None:
        push(False, head, a_end, head, b_end)
    else:
        change = None  # the (x, y) where the pending change started
        for (x0, y0), (x1, y1) in zip(path, path[1:], strict=False):
            if x1 > x0 and y1 > y0:
                if change is not None:
                    push(False, head + change[0], head + x0, head + change[1], head + y0)
                    change = None
                push(True, head + x0, head + x1, head + y0, head + y1)
            elif change is None:
                change = (x0, y0)
        if change is not None:
            push(False, head + change[0], a_end, head + change[1], b_end)
    push(True, a_end, len(a), b_end, len(b))
    return runs, path is None


def diff_texts(
    old: str, new: str, granularity: str, *, budget: DiffBudget | None = None
) -> tuple[list[tuple[str, str]], bool]:
    """Ops whose equal+delete texts rebuild `old` and equal+insert texts rebuild `new`, and
    whether the work cap cut the diff short (then the differing middle is deleted and inserted
    as a whole). Time is linear in the texts plus the capped work, whatever the texts."""
    budget = budget if budget is not None else DiffBudget()
    a, b = _tokens(old, granularity), _tokens(new, granularity)
    runs, truncated = _hunks(a, b, budget)
    ops: list[tuple[str, str]] = []
    for equal, a_lo, a_hi, b_lo, b_hi in runs:
        if equal:
            ops.append((EQUAL, "".join(a[a_lo:a_hi])))
            continue
        if a_hi > a_lo:
            ops.append((DELETE, "".join(a[a_lo:a_hi])))
        if b_hi > b_lo:
            ops.append((INSERT, "".join(b[b_lo:b_hi])))
    return ops, truncated


def word_runs(
    old: str, new: str, *, budget: DiffBudget | None = None
) -> tuple[list[str], list[str], list[tuple[bool, int, int, int, int]]]:
    """The word tokens of `old` and `new` (spaces kept as tokens, so that joining them rebuilds
    each text) and how the first becomes the second, as `(equal, old_lo, old_hi, new_lo,
    new_hi)` runs covering both (the capped work of `diff_texts`): the ground of a three-way
    merge."""
    a, b = _tokens(old, "words"), _tokens(new, "words")
    runs, _truncated = _hunks(a, b, budget if budget is not None else DiffBudget())
    return a, b, runs


def diff_ops(old: str, new: str, granularity: str) -> list[tuple[str, str]]:
    """The ops of `diff_texts`, for callers that do not show the cut."""
    return diff_texts(old, new, granularity)[0]


# --- The diff a reader sees: rendered text, block by block, then word by word -------------------

# Blocks of rendered Markdown, by what they look like: a paragraph (also a term, a definition, a
# table row, a code block), a heading, an item of a bulleted or numbered list, a quotation.
P, HEADING, BULLET, NUMBER, QUOTE = "p", "h", "ul", "ol", "quote"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that end the block before them and start a new one.
_BLOCKS = _HEADINGS | {
    "p", "hr", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
    "tr",
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_LINE_SPACE = re.compile(r" *\n *")
_SPACES = re.compile(r" {2,}")
# A changed block is compared word by word with the old block it most resembles among the next
# few (a paragraph inserted before an edited one must not be paired with it).
PAIR_WINDOW = 4
PAIR_LIKENESS = 0.4  # Dice coefficient of their sets of words


@dataclass
class Block:
    kind: str
    text: str

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w.strip(".,;:!?()«»\"'’").lower() for w in self.text.split())


class _Blocks(HTMLParser):
    """The text of sanitised HTML as blocks: inline markup gone, spaces collapsed, <br> kept as a
    line break. Linear in the HTML, whatever its nesting (each element is pushed and popped
    once, and a block's kind is read from the top of the stack)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        # (tag, kind of the text inside, enclosing list tag)
        self._stack: list[tuple[str, str, str]] = [("", P, "")]
        self._open: dict[str, int] = {}
        self._pre = 0
        self._skip = 0  # inside a footnote marker or back-link: noise out of the page

    def _flush(self) -> None:
        text = "".join(self._text)
        if not self._pre:
            text = _SPACES.sub(" ", text)
        text = _LINE_SPACE.sub("\n", text).strip()
        self._text = []
        if text:
            self.blocks.append(Block(self._stack[-1][1], text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip or (tag == "a" and (dict(attrs).get("href") or "").startswith("#fn")):
            self._skip += tag == "a"
        elif tag == "br":
            self._text.append("\n")
        elif tag in ("td", "th") and "".join(self._text).strip():
            self._text.append(" · ")
        elif tag in _BLOCKS:
            self._flush()
            if tag == "hr":
                return
            _parent, kind, in_list = self._stack[-1]
            if tag in ("ul", "ol"):
                in_list = tag
            elif tag == "li":
                kind = NUMBER if in_list == "ol" else BULLET
            elif tag in _HEADINGS:
                kind = HEADING
            elif tag == "blockquote":
                kind = QUOTE
            self._stack.append((tag, kind, in_list))
            self._open[tag] = self._open.get(tag, 0) + 1
            self._pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= tag == "a"
        elif tag in _BLOCKS and self._open.get(tag):
            self._flush()
            while self._stack:
                top = self._stack.pop()[0]
                self._open[top] = self._open.get(top, 0) - 1
                self._pre -= top == "pre"
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data if self._pre else _SPACE.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._flush()


def text_blocks(text: str, *, markdown: bool) -> list[Block]:
    """What a reader sees of a field: Markdown rendered by the page's sanitising renderer, then
    its text by blocks; plain text is one paragraph (its line breaks kept, as on the page)."""
    text = _CONTROL.sub("\ufffd", text or "")
    if not markdown:
        plain = _LINE_SPACE.sub("\n", re.sub(r"[^\S\n]+", " ", text)).strip()
        return [Block(P, plain)] if plain else []
    parser = _Blocks()
    parser.feed(str(render_markdown(text)))
    parser.close()
    return parser.blocks


@dataclass
class ReadingDiff:
    html: SafeString
    # The work cap was reached: some old text is shown deleted and the new inserted, in full.
    truncated: bool
    # Something shows as added or deleted (not, when only the Markdown markup changed).
    marked: bool


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


class _Writer:
    """Builds the page's HTML: every text escaped, the only tags our own."""

    def __init__(self) -> None:
        self.prefix = {
            INSERT: f'<ins><span class="visually-hidden">{escape(_("[ajout : ]"))} </span>',
            DELETE: f'<del><span class="visually-hidden">{escape(_("[suppression : ]"))} </span>',
        }
        self.close = {INSERT: "</ins>", DELETE: "</del>"}
        self.blocks: list[tuple[str, str]] = []
        self.marked = False

    def mark(self, op: str, text: str) -> str:
        """`text` with <ins> or <del> around its words; the spaces around them stay outside."""
        core = text.strip()
        if not text:
            return ""
        if not core:
            return " " if op == DELETE else _text_html(text)
        self.marked = True
        start, end = text.index(core), text.index(core) + len(core)
        around = [" " if op == DELETE and text[:start] else _text_html(text[:start])]
        around.append(" " if op == DELETE and text[end:] else _text_html(text[end:]))
        return f"{around[0]}{self.prefix[op]}{_text_html(core)}{self.close[op]}{around[1]}"

    def whole(self, op: str, block: Block) -> None:
        self.blocks.append((block.kind, self.mark(op, block.text)))

    def words(self, old: Block, new: Block, budget: DiffBudget) -> bool:
        ops, truncated = diff_texts(old.text, new.text, "reading", budget=budget)
        html = []
        for equal, deleted, inserted in _readable(ops):
            if equal is not None:
                html.append(_text_html(equal))
            else:
                html.append(self.mark(DELETE, deleted) + self.mark(INSERT, inserted))
        self.blocks.append((new.kind, "".join(html)))
        return truncated

    def html(self) -> SafeString:
        out: list[str] = []
        group = ""  # the open <ul>, <ol> or <blockquote>
        closing = {BULLET: "</ul>", NUMBER: "</ol>", QUOTE: "</blockquote>"}
        for kind, html in self.blocks:
            if group != kind and group:
                out.append(closing[group])
                group = ""
            if kind in closing and group != kind:
                out.append({BULLET: "<ul>", NUMBER: "<ol>", QUOTE: "<blockquote>"}[kind])
                group = kind
            if kind in (BULLET, NUMBER):
                out.append(f"<li>{html}</li>")
            elif kind == HEADING:
                # The field's name is the <h2>: its headings come under it.
                out.append(f"<h3>{html}</h3>")
            else:
                out.append(f"<p>{html}</p>")
        if group:
            out.append(closing[group])
        return mark_safe("".join(out))  # noqa: S308 - texts escaped by _text_html, tags ours


def _readable(ops: list[tuple[str, str]]) -> list[tuple[str | None, str, str]]:
    """Ops as (equal text, None, None) and (None, deleted, inserted) runs, where a short equal
    stretch between two changes (a space, a word shorter than both) joins them: "de <del>800
    m²</del><ins>1 200 m², ensoleillée</ins>" reads better than a change per word. One pass."""
    runs: list[tuple[str | None, str, str]] = []

    def size(run: tuple[str | None, str, str]) -> int:
        return max(len(run[1]), len(run[2]))

    for op, text in ops:
        if op == EQUAL:
            runs.append((text, "", ""))
            continue
        change = (None, text, "") if op == DELETE else (None, "", text)
        if runs and runs[-1][0] is None:
            change = (None, runs[-1][1] + change[1], runs[-1][2] + change[2])
            runs.pop()
        while len(runs) >= 2 and runs[-1][0] is not None and runs[-2][0] is None:
            between = runs[-1][0]
            if between.strip() and len(between) > min(size(runs[-2]), size(change)):
                break
            before = runs[-2]
            runs[-2:] = []
            change = (None, before[1] + between + change[1], before[2] + between + change[2])
        runs.append(change)
    return runs


def _alike(old: Block, new: Block) -> bool:
    if old.kind != new.kind:
        return False
    common = len(old.words & new.words)
    return 2 * common >= PAIR_LIKENESS * (len(old.words) + len(new.words)) and common > 0


def reading_diff(
    old: str, new: str, *, markdown: bool, budget: DiffBudget | None = None
) -> ReadingDiff:
    """The change from `old` to `new` as a reader sees it: blocks (paragraphs, headings, list
    items) aligned first, then words inside a changed block and the old block it resembles; a
    block with no counterpart is deleted or inserted whole. Safe HTML with <ins>/<del>, each
    announcing itself to a screen reader. Bounded like `diff_texts`: linear in the texts plus
    the capped work; past the cap, the differing blocks are deleted and inserted whole."""
    budget = budget if budget is not None else DiffBudget()
    a, b = text_blocks(old, markdown=markdown), text_blocks(new, markdown=markdown)
    runs, truncated = _hunks([(x.kind, x.text) for x in a], [(y.kind, y.text) for y in b], budget)
    out = _Writer()
    for equal, a_lo, a_hi, b_lo, b_hi in runs:
        if equal:
            out.blocks += [(y.kind, _text_html(y.text)) for y in b[b_lo:b_hi]]
            continue
        i, j = a_lo, b_lo
        while i < a_hi and j < b_hi and budget.steps > 0:
            if _alike(a[i], b[j]):
                truncated |= out.words(a[i], b[j], budget)
                i, j = i + 1, j + 1
                continue
            # The old block reappears a little further (blocks inserted before it), or the new
            # block a little further among the old ones (blocks deleted before it)?
            ahead = next(
                (k for k in range(1, PAIR_WINDOW) if j + k < b_hi and _alike(a[i], b[j + k])), 0
            )
            if ahead:
                for y in b[j : j + ahead]:
                    out.whole(INSERT, y)
                j += ahead
                continue
            behind = next(
                (k for k in range(1, PAIR_WINDOW) if i + k < a_hi and _alike(a[i + k], b[j])), 0
            )
            if behind:
                for x in a[i : i + behind]:
                    out.whole(DELETE, x)
                i += behind
            elif a[i].kind == b[j].kind:
                # Nothing alike nearby: the block in its place was rewritten ("deux" → "trois"),
                # shown in one piece (a word diff would cost much to find a few "de" and "la").
                out.blocks.append(
                    (b[j].kind, out.mark(DELETE, a[i].text) + out.mark(INSERT, b[j].text))
                )
                i, j = i + 1, j + 1
            else:
                out.whole(DELETE, a[i])
                out.whole(INSERT, b[j])
                i, j = i + 1, j + 1
        truncated |= budget.steps <= 0 and (i < a_hi or j < b_hi)
        for x in a[i:a_hi]:
            out.whole(DELETE, x)
        for y in b[j:b_hi]:
            out.whole(INSERT, y)
    return ReadingDiff(html=out.html(), truncated=truncated, marked=out.marked)


def _yes_no(value: Any) -> str:
    if value is None:
        return ""
    return _("oui") if value else _("non")


def version_field_values(version: SheetVersion, names: dict[str, str] | None = None) -> list:
    """(code, label, granularity, markdown, text) for every compared field of a version, in page
    order: `markdown` when the page renders the text as Markdown.

    `names` maps territory/theme slugs to display names (one query for both versions).
    """
    names = names or {}
    sections = version.sections or {}
    meta = version.meta or {}
    rows = [
        ("title", gettext_lazy("Titre"), "words", False, version.title),
        ("summary", gettext_lazy("Résumé"), "lines", False, version.summary),
        ("body", gettext_lazy("Description"), "lines", True, version.body),
    ]
    for stage_section in SECTIONS:
        for f in stage_section.fields:
            markdown = f.kind == "markdown"
            granularity = "lines" if markdown else "words"
            rows.append((f.code, f.label, granularity, markdown, str(sections.get(f.code, ""))))
    territory = meta.get("territory") or ""
    themes = meta.get("themes") or []
    rows += [
        (
            "is_public",
            gettext_lazy("Fiche publique"),
            "words",
            False,
            _yes_no(meta.get("is_public")),
        ),
        ("territory", gettext_lazy("Territoire"), "words", False, names.get(territory, territory)),
        (
            "themes",
            gettext_lazy("Thèmes"),
            "words",
            False,
            ", ".join(names.get(t, t) for t in themes),
        ),
    ]
    # A version from before the promise existed was written under the migration's "consult".
    level = meta.get("participation_level") or ParticipationLevel.CONSULT
    rows += [
        (
            "participation_level",
            gettext_lazy("Niveau de participation promis"),
            "words",
            False,
            str(ParticipationLevel(level).label) if level in ParticipationLevel.values else level,
        ),
        (
            "participation_decided",
            gettext_lazy("Ce qui est décidé et par qui"),
            "words",
            False,
            str(meta.get("participation_decided") or ""),
        ),
        (
            "participation_changeable",
            gettext_lazy("Ce que les participant·es peuvent changer"),
            "words",
            False,
            str(meta.get("participation_changeable") or ""),
        ),
    ]
    return rows


def _slug_names(*versions: SheetVersion) -> dict[str, str]:
    from territories.models import Territory, Theme

    territories = {v.meta.get("territory") for v in versions if (v.meta or {}).get("territory")}
    themes = {t for v in versions for t in (v.meta or {}).get("themes", [])}
    names: dict[str, str] = {}
    if territories:
        names.update(Territory.objects.filter(slug__in=territories).values_list("slug", "name"))
    if themes:
        names.update(Theme.objects.filter(slug__in=themes).values_list("slug", "name"))
    return names


def version_diff(old: SheetVersion, new: SheetVersion, *, only_changed: bool = True) -> list:
    """The list of FieldDiff from `old` to `new` (changed fields only, unless asked); their diffs
    are computed on first use, against one budget for all the fields (one for each kind)."""
    names = _slug_names(old, new)
    budget, reading_budget = DiffBudget(), DiffBudget()
    result = []
    for (code, label, granularity, markdown, a), (*_same, b) in zip(
        version_field_values(old, names), version_field_values(new, names), strict=True
    ):
        if only_changed and a == b:
            continue
        diff = FieldDiff(
            code=code,
            label=label,
            granularity=granularity,
            old=a,
            new=b,
            markdown=markdown,
            budget=budget,
            reading_budget=reading_budget,
        )
        if a == b:
            diff._ops = [(EQUAL, a)] if a else []
        result.append(diff)
    return result


def text_diff(
    old: str,
    new: str,
    *,
    label: Any = "",
    code: str = "text",
    budget: DiffBudget | None = None,
) -> FieldDiff:
    """A diff of two free texts (the conflict page compares the current and the user's text);
    pass one `budget` to the diffs of one page."""
    diff = FieldDiff(code=code, label=label, granularity="lines", old=old, new=new, budget=budget)
    diff._diff()  # now, in the order of the page's fields, against its budget
    return diff
