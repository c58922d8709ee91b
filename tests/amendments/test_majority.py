"""Majority judgment by hand: each expectation below was worked out on paper from the rule's
definition (amendments/majority.py), not read from the code under test."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from amendments.majority import compare, lower_median, majority_values, merit, rank


def profile(*grades: int) -> tuple[int, ...]:
    """Judges' grades → counts per grade 0…6."""
    counts = [0] * 7
    for grade in grades:
        counts[grade] += 1
    return tuple(counts)


def order(ranked):
    return [(m.candidate, m.rank) for m in ranked]


def test_odd_number_of_judges_majority_values_decide():
    # A: 1 2 4 5 6 → α = 4 (3rd of 5), p = 2/5, q = 2/5 → "−".
    # B: 3 3 4 4 6 → α = 4, p = 1/5, q = 2/5 → "−". Same α, same sign, same q:
    # majority values A = 4 2 5 1 6, B = 4 3 4 3 6 → B first (3 > 2 at the second value).
    a, b = merit("A", profile(1, 2, 4, 5, 6)), merit("B", profile(3, 3, 4, 4, 6))
    assert (a.majority_grade, a.p, a.q, a.sign) == (4, Fraction(2, 5), Fraction(2, 5), "-")
    assert (b.majority_grade, b.p, b.q, b.sign) == (4, Fraction(1, 5), Fraction(2, 5), "-")
    assert list(majority_values(a.profile)) == [4, 2, 5, 1, 6]
    assert list(majority_values(b.profile)) == [4, 3, 4, 3, 6]
    assert order(rank({"A": a.profile, "B": b.profile})) == [("B", 1), ("A", 2)]


def test_even_number_of_judges_takes_the_lower_median():
    # C: 2 3 5 6 → the 2nd of 4 is 3 (the upper median would be 5); p = 1/2, q = 1/4 → "3+".
    # D: 3 3 3 3 → "3−" (p = q = 0). E: 0 4 4 4 → α = 4. Order E, C, D.
    c = merit("C", profile(2, 3, 5, 6))
    assert (c.majority_grade, c.sign, c.p, c.q) == (3, "+", Fraction(1, 2), Fraction(1, 4))
    ranked = rank({"C": c.profile, "D": profile(3, 3, 3, 3), "E": profile(0, 4, 4, 4)})
    assert order(ranked) == [("E", 1), ("C", 2), ("D", 3)]


def test_a_single_judge():
    ranked = rank({"F": profile(5), "G": profile(6), "H": profile(0)})
    assert order(ranked) == [("G", 1), ("F", 2), ("H", 3)]
    assert all(m.sign == "-" and m.p == m.q == 0 for m in ranked)


def test_identical_profiles_are_a_true_tie():
    ranked = rank({"I": profile(2, 2, 4, 4), "J": profile(4, 2, 4, 2), "K": profile(1, 1, 1, 1)})
    assert [(m.candidate, m.rank, m.tied) for m in ranked] in (
        [("I", 1, True), ("J", 1, True), ("K", 3, False)],
        [("J", 1, True), ("I", 1, True), ("K", 3, False)],
    )


def test_all_candidates_equal():
    ranked = rank({name: profile(3, 3, 3) for name in "LMN"})
    assert {m.rank for m in ranked} == {1} and all(m.tied for m in ranked)


def test_plus_before_minus_where_the_shortcut_declares_a_tie():
    # n = 10. A: 2×2, 5×3, 3×4 → α = 3 (5th), p = 3/10, q = 2/10 → "3+".
    #         B: 3×2, 4×3, 3×4 → α = 3, p = 3/10, q = 3/10 → "3−". The rule: A first.
    a = profile(2, 2, 3, 3, 3, 3, 3, 4, 4, 4)
    b = profile(2, 2, 2, 3, 3, 3, 3, 4, 4, 4)
    ma, mb = merit("A", a), merit("B", b)
    assert (ma.sign, mb.sign) == ("+", "-")
    assert order(rank({"B": b, "A": a})) == [("A", 1), ("B", 2)]

    def shortcut(x, y):
        """The inequality some libraries use: x before y iff p_x > max(q_x, p_y, q_y) or
        q_y > max(p_x, q_x, p_y); tie otherwise."""
        if x.p > max(x.q, y.p, y.q) or y.q > max(x.p, x.q, y.p):
            return -1
        if y.p > max(y.q, x.p, x.q) or x.q > max(y.p, y.q, x.p):
            return 1
        return 0

    assert shortcut(ma, mb) == 0  # it would call this a tie
    assert compare(ma, mb) == -1


def test_among_plus_the_larger_p_first():
    # K: 0, 5×4, 4×6 → α = 4, p = 4/10, q = 1/10. L: 7×4, 3×5 → α = 4, p = 3/10, q = 0.
    k = profile(0, 4, 4, 4, 4, 4, 6, 6, 6, 6)
    l_ = profile(4, 4, 4, 4, 4, 4, 4, 5, 5, 5)
    assert [merit("K", k).sign, merit("L", l_).sign] == ["+", "+"]
    assert order(rank({"L": l_, "K": k})) == [("K", 1), ("L", 2)]


def test_among_minus_the_smaller_q_first():
    # M: 4×1, 4×2, 2×3 → α = 2 (5th), p = 2/10, q = 4/10. N: 3×1, 4×2, 3×3 → α = 2, p = q = 3/10.
    m = profile(1, 1, 1, 1, 2, 2, 2, 2, 3, 3)
    n = profile(1, 1, 1, 2, 2, 2, 2, 3, 3, 3)
    assert (merit("M", m).q, merit("N", n).q) == (Fraction(2, 5), Fraction(3, 10))
    assert order(rank({"M": m, "N": n})) == [("N", 1), ("M", 2)]


def test_equal_gauge_decided_far_down_the_majority_values():
    # O: 3×1, 4×2, 3×6 and P: 3×1, 4×2, 3×3: both "2−" with p = q = 3/10.
    # O's values: 2 2 2 2 1 6 1 6 1 6; P's: 2 2 2 2 1 3 1 3 1 3 → O first (6 > 3, 6th value).
    o = profile(1, 1, 1, 2, 2, 2, 2, 6, 6, 6)
    p = profile(1, 1, 1, 2, 2, 2, 2, 3, 3, 3)
    assert list(majority_values(o)) == [2, 2, 2, 2, 1, 6, 1, 6, 1, 6]
    assert list(majority_values(p)) == [2, 2, 2, 2, 1, 3, 1, 3, 1, 3]
    assert order(rank({"P": p, "O": o})) == [("O", 1), ("P", 2)]


def test_nobody_judged():
    ranked = rank({"judged": profile(0), "unjudged": (0,) * 7})
    assert order(ranked) == [("judged", 1), ("unjudged", 2)]
    assert ranked[1].majority_grade is None and ranked[1].judges == 0
    assert lower_median((0,) * 7) is None


def test_bad_profiles_are_refused():
    with pytest.raises(ValueError):
        merit("x", (1, 2, 3))
    with pytest.raises(ValueError):
        merit("x", (1, -1, 0, 0, 0, 0, 0))


def _sorted_grades(counts):
    return [g for g, c in enumerate(counts) for _ in range(c)]


def test_lower_median_is_the_ceil_half_th_grade_on_random_profiles():
    rng = random.Random(7)
    for _ in range(500):
        grades = sorted(rng.randint(0, 6) for _ in range(rng.randint(1, 40)))
        counts = profile(*grades)
        assert lower_median(counts) == grades[(len(grades) + 1) // 2 - 1]


def test_the_order_is_a_consistent_ranking_on_random_profiles():
    """Antisymmetric and transitive on random profiles of one round (same number of judges),
    and ties only between candidates with identical profiles."""
    rng = random.Random(11)
    for _ in range(60):
        judges = rng.randint(1, 12)
        profiles = [
            profile(*(rng.choice([rng.randint(0, 6), 3, 4]) for _ in range(judges)))
            for _ in range(6)
        ]
        merits = [merit(i, p) for i, p in enumerate(profiles)]
        for a, b in itertools.permutations(merits, 2):
            assert compare(a, b) == -compare(b, a)
            assert (compare(a, b) == 0) == (a.profile == b.profile)
        for a, b, c in itertools.permutations(merits, 3):
            if compare(a, b) <= 0 and compare(b, c) <= 0:
                assert compare(a, c) <= 0
