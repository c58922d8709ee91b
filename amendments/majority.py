"""Majority judgment, exactly as Balinski and Laraki define it, on exact fractions.

A candidate's merit profile is the number of judges who gave it each grade (0 "à rejeter" … 6
"excellent"). From it:

- the majority grade α is the lower median: the ⌈n/2⌉-th grade in increasing order;
- p is the share of grades strictly above α, q the share strictly below;
- the sign is "+" when p > q, else "−" (p = q is "−": the majority grade is not exceeded);
- candidates are ordered by α (higher first); at equal α, "+" before "−"; among "+", larger p
  first; among "−", smaller q first; when that gauge is still equal, by their majority values:
  take the lower median of the remaining grades, remove one occurrence of it, again, … and
  compare the two sequences lexicographically (higher first). Identical sequences are a true
  tie: the same rank, shown "ex æquo".

The shortcut some libraries use ("A before B if p_A > max(q_A, p_B, q_B) or …") declares ties
the rule decides (tests/amendments/test_majority.py shows one); it is not used here. No
floating point: p and q are `Fraction`s, the comparison never rounds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

GRADES = tuple(range(7))  # 0 … 6


@dataclass(frozen=True)
class Merit:
    """A candidate's profile and what the rule reads from it."""

    candidate: Any
    profile: tuple[int, ...]  # judges per grade, index = grade
    judges: int
    majority_grade: int | None  # None: nobody judged it
    p: Fraction
    q: Fraction
    sign: str  # "+" or "-"
    rank: int = 0
    tied: bool = False  # shares its rank ("ex æquo")
    _key: tuple = field(default=(), repr=False, compare=False)


def lower_median(profile: Sequence[int]) -> int | None:
    """The ⌈n/2⌉-th grade in increasing order (None for an empty profile)."""
    n = sum(profile)
    if n == 0:
        return None
    position = (n + 1) // 2  # ⌈n/2⌉, 1-based
    seen = 0
    for grade, count in enumerate(profile):
        seen += count
        if seen >= position:
            return grade
    raise AssertionError("unreachable: counts add up to n")


def majority_values(profile: Sequence[int]) -> Iterator[int]:
    """The lower median, then the lower median of what remains once one occurrence of it is
    removed, and so on until no grade remains (n values, computed from the counts)."""
    counts = list(profile)
    while True:
        grade = lower_median(counts)
        if grade is None:
            return
        yield grade
        counts[grade] -= 1


def merit(candidate: Any, profile: Sequence[int]) -> Merit:
    if len(profile) != len(GRADES) or any(c < 0 for c in profile):
        raise ValueError("a profile counts the judges of each of the 7 grades")
    profile = tuple(int(c) for c in profile)
    n = sum(profile)
    alpha = lower_median(profile)
    if alpha is None:
        return Merit(candidate, profile, 0, None, Fraction(0), Fraction(0), "-")
    above = sum(profile[alpha + 1 :])
    below = sum(profile[:alpha])
    p, q = Fraction(above, n), Fraction(below, n)
    return Merit(candidate, profile, n, alpha, p, q, "+" if p > q else "-")


def _gauge(m: Merit) -> tuple:
    """A sort key, smaller first, for everything but the majority values."""
    if m.majority_grade is None:
        return (1, 0, 0, Fraction(0))  # never judged: after every judged candidate
    if m.sign == "+":
        return (0, -m.majority_grade, 0, -m.p)
    return (0, -m.majority_grade, 1, m.q)


def compare(a: Merit, b: Merit) -> int:
    """-1 when `a` ranks before `b`, 1 after, 0 for a true tie."""
    ga, gb = _gauge(a), _gauge(b)
    if ga != gb:
        return -1 if ga < gb else 1
    for va, vb in zip(majority_values(a.profile), majority_values(b.profile), strict=False):
        if va != vb:
            return -1 if va > vb else 1
    # Equal up to the shorter one: candidates judged by different numbers of judges (not a
    # round's case, where every ballot grades every candidate) are told apart by their size.
    if a.judges != b.judges:
        return -1 if a.judges > b.judges else 1
    return 0


def rank(profiles: Mapping[Any, Sequence[int]]) -> list[Merit]:
    """Every candidate with its rank (1 = first), best first; true ties share a rank and are
    marked `tied`; the next rank skips as many places ("1, 1, 3")."""
    merits = [merit(candidate, profile) for candidate, profile in profiles.items()]
    ordered = sorted(merits, key=functools.cmp_to_key(compare))
    ranked: list[Merit] = []
    for index, m in enumerate(ordered):
        position = ranked[-1].rank if ranked and compare(ranked[-1], m) == 0 else index + 1
        ranked.append(_with_rank(m, position))
    for i, m in enumerate(ranked):
        tied = any(other.rank == m.rank for j, other in enumerate(ranked) if j != i)
        if tied:
            ranked[i] = _with_rank(m, m.rank, tied=True)
    return ranked


def _with_rank(m: Merit, position: int, tied: bool = False) -> Merit:
    return Merit(
        m.candidate, m.profile, m.judges, m.majority_grade, m.p, m.q, m.sign, position, tied
    )
