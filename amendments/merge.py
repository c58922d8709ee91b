"""A three-way merge of one field's text, word by word: the amendment's changes (base → theirs)
applied to the field as it is now (base → ours).

Changes of the two sides that touch different places of the base both apply; the same change
made on both sides applies once; different changes to the same place are a conflict, reported
with the passage of each side, and nothing is merged. Words are the tokens of
`projects.diff.word_runs` (spaces kept), so a merge rebuilds the text exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projects.diff import DiffBudget, word_runs


@dataclass(frozen=True)
class Conflict:
    base: str
    ours: str
    theirs: str


@dataclass
class Merged:
    text: str
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class _Change:
    lo: int  # base range [lo, hi) replaced
    hi: int
    side: str  # "ours" or "theirs"


def _changes(runs: list[tuple[bool, int, int, int, int]], side: str) -> list[_Change]:
    return [_Change(a_lo, a_hi, side) for equal, a_lo, a_hi, _b_lo, _b_hi in runs if not equal]


def _touch(x: _Change, lo: int, hi: int) -> bool:
    """Whether change `x` touches the region [lo, hi) of the base: overlapping ranges, or an
    insertion at one of its edges or inside it (two edits at one point cannot both be first)."""
    if x.lo == x.hi or lo == hi:
        return lo <= x.hi and x.lo <= hi
    return x.lo < hi and lo < x.hi


def _side_text(
    tokens: list[str], runs: list[tuple[bool, int, int, int, int]], lo: int, hi: int
) -> str:
    """What a side holds in place of the base's [lo, hi): region edges never fall inside one of
    its changes, so each edge maps through an equal run or a change's edge."""

    def position(base_index: int, at_end: bool) -> int:
        # Every run that reaches `base_index` gives a candidate; the region starts as early and
        # ends as late as they allow, so that a side's insertion at an edge belongs to it.
        found = []
        for equal, a_lo, a_hi, b_lo, b_hi in runs:
            if equal and a_lo <= base_index <= a_hi:
                found.append(b_lo + (base_index - a_lo))
            elif not equal and base_index == (a_hi if at_end else a_lo):
                found.append(b_hi if at_end else b_lo)
        if not found:
            return len(tokens) if at_end else 0
        return max(found) if at_end else min(found)

    return "".join(tokens[position(lo, False) : position(hi, True)])


def merge3(base: str, ours: str, theirs: str, *, budget: DiffBudget | None = None) -> Merged:
    budget = budget if budget is not None else DiffBudget()
    base_tokens, our_tokens, our_runs = word_runs(base, ours, budget=budget)
    _same, their_tokens, their_runs = word_runs(base, theirs, budget=budget)
    changes = sorted(
        _changes(our_runs, "ours") + _changes(their_runs, "theirs"), key=lambda c: (c.lo, c.hi)
    )
    out: list[str] = []
    conflicts: list[Conflict] = []
    cursor = 0
    i = 0
    while i < len(changes):
        # A region: the chain of changes (from either side) that touch one another.
        lo, hi = changes[i].lo, changes[i].hi
        sides = {changes[i].side}
        j = i + 1
        while j < len(changes) and _touch(changes[j], lo, hi):
            lo, hi = min(lo, changes[j].lo), max(hi, changes[j].hi)
            sides.add(changes[j].side)
            j += 1
        out.append("".join(base_tokens[cursor:lo]))
        ours_text = _side_text(our_tokens, our_runs, lo, hi)
        theirs_text = _side_text(their_tokens, their_runs, lo, hi)
        if sides == {"ours"}:
            out.append(ours_text)
        elif sides == {"theirs"} or ours_text == theirs_text:
            out.append(theirs_text)
        else:
            conflicts.append(Conflict("".join(base_tokens[lo:hi]), ours_text, theirs_text))
            out.append(ours_text)
        cursor = hi
        i = j
    out.append("".join(base_tokens[cursor:]))
    return Merged("".join(out), conflicts)
