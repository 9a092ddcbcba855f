"""Rounding as the letter rounds, never Python's or Babel's half-to-even.

Worked out from Kamerstuk 32 824 nr. 408 (see docs/corrections.md):

- Tabel 2 rounds the three status percentages of a row with the largest-remainder
  method, so every row sums to exactly 100: this reproduces 98 of its 99 printed
  percentages, plain half-up only 93.
- Single shares (Tabel 1, the aanbod, the text breakdown of 5.2 at one decimal) and
  Tabel 4's averages are rounded half-up.
- Wi2021 counts are published rounded to hundreds (footnote 5), half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
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


def to_hundreds(value: int) -> int:
    """Round a count to hundreds, half-up, as the letter publishes Wi2021 figures."""
    return int(half_up(Decimal(value) / 100) * 100)
