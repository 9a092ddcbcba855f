"""The validated deliveries one brief may use, read once each, and the Dutch wording of figures.

A brief takes each table at its peildatum or, for tables delivered on their own dates (ELIP,
overige cijfers), the latest delivery up to its cut-off (`brief.limit_for`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
from babel.dates import format_date

from kerncijfers import formatting as fmt
from kerncijfers.brief import Brief, limit_for
from kerncijfers.rounding import share_half_up, share_of_hundreds, to_hundreds
from kerncijfers.store import read_validated, rows_where, table_peildata

#: The letter writes small counts in words ("acht meldingen", "één keer") and larger ones in digits ("12").
_WOORDEN = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")


class NotDelivered(LookupError):
    """A figure needs a delivery, or a row of one, that the validated stage does not hold."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotComputable(NotDelivered):
    """A figure is delivered but cannot be computed, e.g. a share of a count that rounds to 0."""


def aandeel(part: int, whole: int, decimals: int = 0, *, wat: str, hundreds: bool = False) -> Decimal:
    """`part` as a percentage of `whole` (with `hundreds`, of both rounded to hundreds: rounding.share_of_hundreds);
    a whole of 0 is said, not divided by."""
    if (to_hundreds(whole) if hundreds else whole) == 0:
        raise NotComputable(f"{wat} is 0, dus een aandeel daarvan bestaat niet")
    return share_of_hundreds(part, whole) if hundreds else share_half_up(part, whole, decimals)


def fits_inside_fall(part: int, change: int) -> bool:
    """Whether `part` (diploma holders) fits inside a fall of `-change`: the one rule for "Daarvan"
    (the text's test `binnen_daling`, and the Ontwikkeling page)."""
    return 0 < part <= -change


def getal(n: int | Decimal) -> str:
    """A count as the letter writes it in running text: 'acht', 'één', but '12'."""
    if Decimal(n) != int(n):
        raise ValueError(f"{n} is not a whole count")
    return _WOORDEN[int(n)] if 0 <= int(n) < len(_WOORDEN) else fmt.aantal(int(n))


def meervoud(n: int | Decimal, enkel: str, meer: str) -> str:
    return enkel if int(n) == 1 else meer


def procent_woord(value: Decimal) -> str:
    """A percentage written out, with the decimals it has: Decimal('34.5') -> '34,5 procent'."""
    decimals = max(0, -value.normalize().as_tuple().exponent)
    return f"{fmt.decimaal(value, decimals)} procent"


def maand(peildatum: dt.date) -> str:
    """The month in Dutch: 'mei', 'oktober'."""
    return format_date(peildatum, format="MMMM", locale=fmt.LOCALE)


def waarde(value) -> Decimal:
    """An overige_cijfers value as Decimal with the decimals it was delivered with (34.5, 17)."""
    return Decimal(repr(float(value))).normalize()  # repr: the shortest text that reads back as the same float


class Sources:
    """The validated deliveries one brief may use; a delivery is read when a figure needs it, and once."""

    def __init__(self, validated_dir: Path, brief: Brief):
        self.validated_dir, self.brief = Path(validated_dir), brief
        self._peildata: dict[str, list[dt.date]] = {}
        self._frames: dict[tuple[str, dt.date], pd.DataFrame] = {}

    def limit(self, table: str) -> dt.date:
        return limit_for(self.brief, table)

    def peildata(self, table: str) -> list[dt.date]:
        """The peildata of `table`'s deliveries the brief may use, oldest first."""
        if table not in self._peildata:
            found = table_peildata(self.validated_dir, table, self.limit(table))
            self._peildata[table] = [dt.date.fromisoformat(p) for p in found]
        return self._peildata[table]

    def frame(self, table: str, peildatum: dt.date) -> pd.DataFrame:
        if (table, peildatum) not in self._frames:
            self._frames[table, peildatum] = read_validated(self.validated_dir, peildatum.isoformat(), table)
        return self._frames[table, peildatum]

    def newest_first(self, table: str):
        """(peildatum, frame) from the latest delivery back; stops reading where the caller stops."""
        for p in reversed(self.peildata(table)):
            yield p, self.frame(table, p)

    def delivery(self, table: str, back: int = 0) -> tuple[dt.date, pd.DataFrame]:
        """The latest delivery of `table`, or the one `back` deliveries before it."""
        peildata = self.peildata(table)
        if len(peildata) <= back:
            limit = fmt.datum(self.limit(table))
            raise NotDelivered(f"{table}: {back + 1} levering(en) tot en met {limit} nodig, {len(peildata)} gevalideerd")
        p = peildata[-1 - back]
        return p, self.frame(table, p)

    def naam(self, table: str, peildatum: dt.date) -> str:
        """How a figure's stable id names its peildatum: by month (pip_pct_mei).

        Figures compare the last two deliveries of a table; where those fall in one month, the
        month would give two figures one id, so both are named by their date (pip_pct_2024-05-15).
        """
        recent = self.peildata(table)[-2:]
        if len(recent) == 2 and maand(recent[0]) == maand(recent[1]):
            return peildatum.isoformat()
        return maand(peildatum)

    def aantal(self, table: str, back: int = 0, column: str = "aantal", **key) -> tuple[dt.date, int]:
        """One delivered count and its peildatum."""
        peildatum, frame = self.delivery(table, back)
        rows = rows_where(frame, **key)
        if len(rows) != 1:
            where = ", ".join(f"{k} {v}" for k, v in key.items())
            raise NotDelivered(f"{table} van {fmt.datum(peildatum)} heeft geen rij met {where}")
        return peildatum, int(frame[column].iloc[rows[0]])

    def overig(self, cijfer: str, peildatum: dt.date | None = None) -> tuple[dt.date, Decimal, str]:
        """The latest value of `cijfer` in overige_cijfers (or the one on `peildatum`), with its source."""
        for p, frame in self.newest_first("overige_cijfers"):
            if peildatum is not None and p != peildatum:
                continue
            rows = rows_where(frame, cijfer=cijfer)
            if len(rows) == 1:
                return p, waarde(frame["waarde"].iloc[rows[0]]), str(frame["bron"].iloc[rows[0]])
        op = f" op {fmt.datum(peildatum)}" if peildatum else ""
        raise NotDelivered(f"overige_cijfers{op} heeft geen cijfer {cijfer}")

    def overig_reeks(self, prefix: str) -> tuple[dt.date, dict[str, Decimal]]:
        """All cijfers starting with `prefix` from the latest delivery holding any, by suffix."""
        for p, frame in self.newest_first("overige_cijfers"):
            found = {c[len(prefix):]: w for c, w in zip(frame["cijfer"].tolist(), frame["waarde"].tolist()) if c.startswith(prefix)}
            if found:
                return p, {suffix: waarde(w) for suffix, w in found.items()}
        raise NotDelivered(f"overige_cijfers heeft geen cijfers {prefix}…")

    def vorige(self, table: str, peildatum: dt.date) -> dt.date | None:
        """The delivery of `table` before `peildatum`: the start of a reporting period."""
        earlier = [p for p in self.peildata(table) if p < peildatum]
        return earlier[-1] if earlier else None
