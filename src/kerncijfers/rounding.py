"""Rounding as the letter rounds, never Python's or Babel's half-to-even.

Worked out from the printed letter in data/published/ (see docs/corrections.md):

- Tabel 2 rounds the three status percentages of a row with the largest-remainder
  method, so every row sums to exactly 100: this reproduces 98 of its 99 printed
  percentages, plain half-up only 93.
- Single shares (Tabel 1, the aanbod, the text breakdown of 5.2 at one decimal) and
  Tabel 4's averages are rounded half-up.
- Wi2021 counts are published rounded to hundreds (footnote 5), half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass
from typing import Sequence


def half_up(value: Decimal | int | float | str, decimals: int = 0) -> Decimal:
    """Round half away from zero to `decimals` places (5 up, as people round)."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def share_half_up(part: int, whole: int, decimals: int = 0) -> Decimal:
    """`part` as a percentage of `whole`, rounded half-up."""
    if whole == 0:
        raise ZeroDivisionError(f"share of {part} in a total of 0")
    return half_up(Decimal(part) * 100 / Decimal(whole), decimals)


def largest_remainder(parts: Sequence[int], whole: int, decimals: int = 0) -> list[Decimal]:
    """Percentages of `parts` in `whole` that sum to exactly 100.

    Floor every share, then give the missing units to the largest remainders
    (ties to the earlier part, so the result is deterministic). This is how
    Tabel 2 of the letter rounds its status percentages.
    """
    if whole == 0:
        raise ZeroDivisionError("percentages of a total of 0")
    if sum(parts) != whole:
        raise ValueError(f"parts {list(parts)} sum to {sum(parts)}, not to the total {whole}")
    scale = 100 * 10**decimals
    exact = [Decimal(p) * scale / Decimal(whole) for p in parts]
    floors = [int(e) for e in exact]
    missing = scale - sum(floors)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [Decimal(f).scaleb(-decimals) for f in floors]


def average_half_up(total: int, count: int) -> int:
    """`total / count` in whole units, half-up: Tabel 4's average loan (967.013.926 / 138.610 -> 6.977)."""
    if count == 0:
        raise ZeroDivisionError(f"average of {total} over 0")
    return int(half_up(Decimal(total) / Decimal(count)))


def sums_after_rounding(total: int, parts: Sequence[int], step: int) -> bool:
    """Whether `total` can be the sum of `parts` when each of them was rounded to `step` on its own.

    Each rounded figure lies within half a step of its exact value, so the rounded total and the sum
    of the rounded parts can differ by up to half a step per figure: 51.600 = 34.400 + 16.100 + 1.100
    exactly, but 32.400 may print beside parts that sum to 32.300.
    """
    return abs(total - sum(parts)) * 2 <= step * (len(parts) + 1)


def to_hundreds(value: int) -> int:
    """Round a count to hundreds, half-up, as the letter publishes Wi2021 figures."""
    return int(half_up(Decimal(value) / 100) * 100)


def share_of_hundreds(part: int, whole: int) -> Decimal:
    """The Wi2021 share the letter prints: of both counts rounded to hundreds, half-up to whole percent
    (Tabel 1's PIP share, its chart, and the text's PIP and aanbod shares: one definition)."""
    return share_half_up(to_hundreds(part), to_hundreds(whole))


# --- rounded figures in running text (5.4: "ruim 138.000", "bijna 1.900") ------------------

#: The step a figure in running text is rounded to, by its size: (from, step), largest first.
#: Worked out from 5.4: 138.610, 87.716 and 14.767 are written in thousands, 1.874 and 2.011
#: in hundreds (1.900, 2.000). Below 100 a count is written exactly.
TEXT_STEPS = ((1_000_000, 100_000), (10_000, 1_000), (1_000, 100), (100, 10), (0, 1))

#: Words that say a figure is rounded without saying in which direction.
NEUTRAL_QUALIFIERS = ("circa", "afgerond", "ongeveer")
#: Every word the letter puts before a rounded figure.
QUALIFIERS = ("ruim", "bijna", *NEUTRAL_QUALIFIERS)


@dataclass(frozen=True)
class Approximation:
    """A count as running text gives it: a qualifier ("" when exact) and a rounded figure."""

    value: int
    qualifier: str
    figure: int


def text_step(value: int) -> int:
    """The step that fits the size of `value` (TEXT_STEPS)."""
    magnitude = abs(int(value))
    return next(step for start, step in TEXT_STEPS if magnitude >= start)


def approximately(value: int, qualifier: str | None = None) -> Approximation:
    """The rounded figure running text gives for `value`, and its qualifier.

    Without `qualifier` (writing a sentence): round half-up to `text_step(value)` and say
    "ruim" when the value lies above the figure, "bijna" when below, nothing when equal.
    With the qualifier a text printed (checking a letter): "ruim X" means X is the value
    rounded down to its step and "bijna X" rounded up; "circa", "afgerond" and "ongeveer"
    round half-up. A directional qualifier that does not fit the value (a figure exactly on
    the step) gives the plain figure; a neutral one is kept.
    """
    value = int(value)
    if value < 0:
        raise ValueError(f"a rounded count in running text cannot be negative: {value}")
    step = text_step(value)
    if qualifier not in (None, *QUALIFIERS):
        raise ValueError(f"unknown qualifier {qualifier!r}; known: {', '.join(QUALIFIERS)}")
    if qualifier == "ruim":
        figure = value // step * step
    elif qualifier == "bijna":
        figure = -(-value // step) * step
    else:
        figure = int(half_up(Decimal(value) / step)) * step
    if qualifier in NEUTRAL_QUALIFIERS:
        return Approximation(value, qualifier, figure)
    side = "ruim" if value > figure else "bijna" if value < figure else ""
    return Approximation(value, side, figure)
