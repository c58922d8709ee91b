"""The EcoIndex of a web page and its per-view estimates, written here from the method's public
description (used at runtime by /impact/ and by `make ecoindex`, bench/ecoindex.py).

EcoIndex (GreenIT.fr / the Collectif Conception Numérique Responsable, ecoindex.fr) places three
measures of a page, loaded in a browser, among the pages of the HTTP Archive (500,000 URLs):
the number of DOM elements, the number of HTTP requests and the kilobytes transferred. Each is
given a position between 0 and 20 along the 20 intervals of its distribution (with linear
interpolation inside an interval); the three positions are weighted 3 (DOM), 2 (requests) and
1 (size), and the score is 100 − 5 × weighted mean: 100 for an empty page, 0 for the worst
page of the archive. Grades go from A (score ≥ 80) down to G.

The interval bounds below are the published parameters of the method (ecoindex.fr, "how it
works"; the same figures appear in the cnumr/ecoindex_reference data file). No code of the
EcoIndex projects is used: their Python implementation is under a licence that forbids
derivative works, so Fabrique depends on none of them. The positions are on the 0..20 scale
that makes the score span 0..100 (the correction made in GreenIT-Analysis in 2022; older tools
counted from 1 and gave 95 to an empty page).

Per view, the method's published linear estimates: greenhouse gases 2 + 2 × (50 − score) / 100
grams of CO₂ equivalent, water 3 + 3 × (50 − score) / 100 centilitres (an empty page: 1 g and
1.5 cl; a page of score 50: 2 g and 3 cl; the worst page: 3 g and 4.5 cl).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

DOM_BOUNDS = (
    0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603,
    674, 753, 843, 949, 1076, 1237, 1459, 1801, 2479, 594601,
)  # fmt: skip
REQUEST_BOUNDS = (
    0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78,
    86, 95, 105, 117, 130, 147, 170, 205, 281, 3920,
)  # fmt: skip
SIZE_KB_BOUNDS = (
    0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32,
    1648.27, 1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26,
)  # fmt: skip
# Lowest score of each grade, best first.
GRADES = (("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10), ("G", 0))


def position(value: float, bounds: tuple[float, ...]) -> float:
    """Where `value` falls among the 20 intervals of `bounds`: 0 at the first bound, 20 at
    (and past) the last, linear inside an interval."""
    if value <= bounds[0]:
        return 0.0
    if value >= bounds[-1]:
        return float(len(bounds) - 1)
    i = bisect_right(bounds, value)  # bounds[i - 1] <= value < bounds[i]
    low, high = bounds[i - 1], bounds[i]
    return (i - 1) + (value - low) / (high - low)


def score(dom: int, requests: int, size_kb: float) -> float:
    weighted = (
        3 * position(dom, DOM_BOUNDS)
        + 2 * position(requests, REQUEST_BOUNDS)
        + position(size_kb, SIZE_KB_BOUNDS)
    ) / 6
    return 100 - 5 * weighted


def grade(value: float) -> str:
    for letter, lowest in GRADES:
        if value >= lowest:
            return letter
    return GRADES[-1][0]


def ghg_grams(value: float) -> float:
    """Grams of CO₂ equivalent per view of a page of EcoIndex `value`."""
    return 2 + 2 * (50 - value) / 100


def water_centilitres(value: float) -> float:
    """Centilitres of water per view of a page of EcoIndex `value`."""
    return 3 + 3 * (50 - value) / 100


@dataclass(frozen=True)
class PageMeasure:
    """What the browser saw of one page: elements, requests, bytes received (headers and
    compressed bodies, as they crossed the network) and bytes of the bodies once decoded."""

    dom: int
    requests: int
    transferred: int
    decoded: int = 0

    @property
    def size_kb(self) -> float:
        # Kilobytes of 1,000 bytes: the stricter reading (1,024 would give a slightly better score).
        return self.transferred / 1000

    @property
    def decoded_kb(self) -> float:
        return self.decoded / 1000

    @property
    def score(self) -> float:
        return score(self.dom, self.requests, self.size_kb)

    @property
    def grade(self) -> str:
        return grade(self.score)

    @property
    def ghg(self) -> float:
        return ghg_grams(self.score)

    @property
    def water(self) -> float:
        return water_centilitres(self.score)
