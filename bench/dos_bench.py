"""Hostile inputs against the Markdown renderer, the version diff and search snippets.

Each hostile input is timed against a normal input of the same size in the same run (median of
five each); the figure that matters is the ratio, which a quadratic algorithm blows up as the
size grows and a linear one keeps flat. tests/security/test_dos.py asserts the same ratios.

    .venv/bin/python bench/dos_bench.py [--size 8000] [--lines 5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Always the test settings: `make` exports config.settings.dev, which a setdefault would keep.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from projects.diff import diff_texts  # noqa: E402
from projects.markdown import _render  # noqa: E402
from search.analysis import highlight  # noqa: E402


def best(func, runs: int = 5) -> float:
    # The median: a shared, noisy machine makes single runs (and minima) flattering or unfair.
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sized(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def markdown(size: int) -> None:
    def render(text):
        def run():
            _render.cache_clear()
            _render(text)

        return run

    unit = (
        "## Contexte\n\nLe **projet** de [piste](https://x.fr) cyclable *rue du Jura*, `code`.\n\n"
        "- un\n- deux\n\n> cité\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    )
    base = best(render(sized(unit, size)))
    print(f"Markdown, {size} characters: normal text {base * 1000:.1f} ms")
    for unit in ["[", "![", "[^", "[x][", "[a](", "<a ", "*_", "`a``", "|\n", ":\n", ">", "&#"]:
        spent = best(render(sized(unit, size)))
        print(f"  {unit!r:8} {spent * 1000:8.1f} ms  ratio {spent / base:5.1f}")


def diff(lines: int) -> None:
    rows = [
        f"Ligne {i} : la piste cyclable rue du Jura, phrase {i * 7 % 13}.\n" for i in range(lines)
    ]
    old = "".join(rows)
    new = "".join(r.replace("piste", "voie") if i % 50 == 0 else r for i, r in enumerate(rows))
    base = best(lambda: diff_texts(old, new, "lines"))
    print(f"Diff, {lines} lines: a revision changing one line in fifty {base * 1000:.1f} ms")
    cases = {
        "repeated lines replaced": ("x\n" * lines, "y\n" * lines, "lines"),
        "repeated lines interleaved": ("x\n" * lines, "x\ny\n" * (lines // 2), "lines"),
        "rotated triples": ("a\nb\nc\n" * (lines // 3), "c\nb\na\n" * (lines // 3), "lines"),
        "reversed": (old, "".join(reversed(rows)), "lines"),
        "one huge line, words": (" ".join(["mot"] * lines * 2), "mot autre " * lines, "words"),
    }
    for name, (a, b, granularity) in cases.items():
        spent = best(lambda a=a, b=b, g=granularity: diff_texts(a, b, g))
        truncated = diff_texts(a, b, granularity)[1]
        print(f"  {name:28} {spent * 1000:8.1f} ms  ratio {spent / base:5.1f}  cut={truncated}")


def snippets() -> None:
    sentence = "Le projet de piste cyclable rue du Jura est porté par les habitants. "
    base = best(lambda: highlight(sentence * 100, "chicane"))
    spent = best(lambda: highlight(sentence * 15_000, "chicane"))
    print(
        f"Snippet: 7 KB text {base * 1000:.1f} ms, 1 MB text {spent * 1000:.1f} ms, ratio {spent / base:.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=8000)
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args()
    markdown(args.size)
    diff(args.lines)
    snippets()
