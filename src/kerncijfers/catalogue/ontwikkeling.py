"""The figures of the page "Ontwikkeling sinds de vorige peildatum": a value in the delivery a brief uses against the one before.

The page (`report/changes.py`) reads the two deliveries and words the sentences; the figures it
words are made here: each value as the letter publishes it (a Wi2021 count in hundreds), sums over
cohorts, and which cohort rose or fell most. The change of *nog inburgeringsplichtig* and the
diplomas since the previous delivery are the text's own figures (`catalogue/wi2013.py`).

`Verandering` is the one definition of the change of a figure between two peildata: absolute
(`verschil`), relative in percent half-up to one decimal (`relatief_pct`), and both as shown,
signed (`getoond`). The page's "Verschil" and "Relatief" columns and `kerncijfers diff` take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.cells import in_hundreds
from kerncijfers.rounding import half_up

#: The relative change is shown in percent with this many decimals (66,7%).
RELATIEF_DECIMALEN = 1


@dataclass(frozen=True)
class Verandering:
    """One figure in two deliveries, as published: then (`toen`) and now (`nu`)."""

    toen: int | Decimal
    nu: int | Decimal

    @property
    def verschil(self) -> int | Decimal:
        """nu − toen."""
        return self.nu - self.toen

    @property
    def relatief(self) -> Decimal | None:
        """(nu − toen) / toen as an exact fraction; None from 0, where a relative change does not exist."""
        return None if not self.toen else Decimal(self.verschil) / Decimal(self.toen)

    @property
    def relatief_pct(self) -> Decimal | None:
        """The relative change in percent, half-up to `RELATIEF_DECIMALEN` decimals: 15.600 -> 26.000 is Decimal('66.7')."""
        rel = self.relatief
        return None if rel is None else half_up(rel * 100, RELATIEF_DECIMALEN)

    def getoond(self) -> tuple[str, str]:
        """Both changes as shown, signed, in Dutch: ('+10.400', '+66,7%'); the relative one '' from 0.

        The absolute change keeps the decimals of the values (52.5 -> 60.0 is '+7,5').
        """
        verschil = Decimal(self.verschil)
        decimals = max(0, -verschil.as_tuple().exponent)
        absolute = _teken(verschil) + (fmt.aantal(abs(verschil)) if decimals == 0 else fmt.decimaal(abs(verschil), decimals))
        pct = self.relatief_pct
        return absolute, "" if pct is None else _teken(pct) + fmt.procent(abs(pct), RELATIEF_DECIMALEN)


def _teken(value: Decimal) -> str:
    return "+" if value > 0 else "-" if value < 0 else ""


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
