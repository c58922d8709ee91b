"""Field-by-field differences between two sheet versions, for the API (JSON) and pages (HTML)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SheetVersion
from .sections import SECTIONS

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_WORDS = re.compile(r"(\s+)")

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
    code: str
    label: Any
    granularity: str  # "lines" or "words"
    old: str
    new: str
    ops: list[tuple[str, str]] = field(default_factory=list)
    # The work cap was reached: ops delete the old text and insert the new one, in full.
    truncated: bool = False

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def as_dict(self) -> dict:
        return {
            "field": self.code,
            "label": str(self.label),
            "granularity": self.granularity,
            "ops": [{"op": op, "text": text} for op, text in self.ops],
            "truncated": self.truncated,
        }

    def as_html(self) -> SafeString:
        """Escaped text with <ins>/<del> around what changed; wrap it in a pre-wrap block."""
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


def diff_texts(
    old: str, new: str, granularity: str, *, budget: DiffBudget | None = None
) -> tuple[list[tuple[str, str]], bool]:
    """Ops whose equal+delete texts rebuild `old` and equal+insert texts rebuild `new`, and
    whether the work cap cut the diff short (then the differing middle is deleted and inserted
    as a whole). Time is linear in the texts plus the capped work, whatever the texts."""
    budget = budget if budget is not None else DiffBudget()
    a, b = _tokens(old, granularity), _tokens(new, granularity)
    ops: list[tuple[str, str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    # Edits are usually local: the common head and tail cost one comparison per token.
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    push(EQUAL, "".join(a[:head]))
    ids: dict[str, int] = {}
    path = _edit_script(
        [ids.setdefault(t, len(ids)) for t in mid_a],
        [ids.setdefault(t, len(ids)) for t in mid_b],
        budget,
    )
    truncated = path is None
    if path is None:
        push(DELETE, "".join(mid_a))
        push(INSERT, "".join(mid_b))
    else:
        deleted: list[str] = []
        inserted: list[str] = []
        for (x0, y0), (x1, y1) in zip(path, path[1:], strict=False):
            if x1 > x0 and y1 > y0:
                push(DELETE, "".join(deleted))
                push(INSERT, "".join(inserted))
                deleted, inserted = [], []
                push(EQUAL, mid_a[x0])
            elif x1 > x0:
                deleted.append(mid_a[x0])
            else:
                inserted.append(mid_b[y0])
        push(DELETE, "".join(deleted))
        push(INSERT, "".join(inserted))
    push(EQUAL, "".join(a[len(a) - tail :]))
    return ops, truncated


def diff_ops(old: str, new: str, granularity: str) -> list[tuple[str, str]]:
    """The ops of `diff_texts`, for callers that do not show the cut."""
    return diff_texts(old, new, granularity)[0]


def _yes_no(value: Any) -> str:
    if value is None:
        return ""
    return _("oui") if value else _("non")


def version_field_values(version: SheetVersion, names: dict[str, str] | None = None) -> list:
    """(code, label, granularity, text) for every compared field of a version, in page order.

    `names` maps territory/theme slugs to display names (one query for both versions).
    """
    names = names or {}
    sections = version.sections or {}
    meta = version.meta or {}
    rows = [
        ("title", gettext_lazy("Titre"), "words", version.title),
        ("summary", gettext_lazy("Résumé"), "lines", version.summary),
        ("body", gettext_lazy("Description"), "lines", version.body),
    ]
    for stage_section in SECTIONS:
        for f in stage_section.fields:
            granularity = "lines" if f.kind == "markdown" else "words"
            rows.append((f.code, f.label, granularity, str(sections.get(f.code, ""))))
    territory = meta.get("territory") or ""
    themes = meta.get("themes") or []
    rows += [
        ("is_public", gettext_lazy("Fiche publique"), "words", _yes_no(meta.get("is_public"))),
        ("territory", gettext_lazy("Territoire"), "words", names.get(territory, territory)),
        ("themes", gettext_lazy("Thèmes"), "words", ", ".join(names.get(t, t) for t in themes)),
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
    """The list of FieldDiff from `old` to `new` (changed fields only, unless asked)."""
    names = _slug_names(old, new)
    budget = DiffBudget()
    result = []
    for (code, label, granularity, a), (_c, _l, _g, b) in zip(
        version_field_values(old, names), version_field_values(new, names), strict=True
    ):
        if only_changed and a == b:
            continue
        diff = FieldDiff(code=code, label=label, granularity=granularity, old=a, new=b)
        if a != b:
            diff.ops, diff.truncated = diff_texts(a, b, granularity, budget=budget)
        else:
            diff.ops = [(EQUAL, a)] if a else []
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
    diff = FieldDiff(code=code, label=label, granularity="lines", old=old, new=new)
    diff.ops, diff.truncated = diff_texts(old, new, "lines", budget=budget)
    return diff
