"""The figures of the page "Ontwikkeling sinds de vorige peildatum": a value in the delivery a brief uses against the one before.

The page (`report/changes.py`) reads the two deliveries and words the sentences; the figures it
words are made here: each value as the letter publishes it (a Wi2021 count in hundreds), sums over
cohorts, and which cohort rose or fell most. The change of *nog inburgeringsplichtig* and the
diplomas since the previous delivery are the text's own figures (`catalogue/wi2013.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from kerncijfers.catalogue.cells import in_hundreds


@dataclass(frozen=True)
class Verandering:
    """One figure in two deliveries, as published: then (`toen`) and now (`nu`)."""

    toen: int | Decimal
    nu: int | Decimal

    @property
    def verschil(self) -> int | Decimal:
        return self.nu - self.toen


def wi2021(toen: int, nu: int) -> Verandering:
    """A Wi2021 count in both deliveries, in hundreds as the letter publishes it (its footnote 5)."""
    return Verandering(in_hundreds(toen), in_hundreds(nu))


def som(paren: Iterable[tuple[int, int]]) -> Verandering:
    """The sum over several rows (cohorts) of their (then, now) values."""
    paren = list(paren)
    return Verandering(sum(a for a, _ in paren), sum(b for _, b in paren))


def sterkste(per: dict[str, Verandering]) -> tuple[str | None, str | None]:
    """The key that rose most and the key that fell most (None where none rose or fell); on a tie, the first."""
    keys = list(per)
    up = max(keys, key=lambda k: (per[k].verschil, -keys.index(k)), default=None)
    down = min(keys, key=lambda k: (per[k].verschil, keys.index(k)), default=None)
    return (up if up is not None and per[up].verschil > 0 else None,
            down if down is not None and per[down].verschil < 0 else None)
