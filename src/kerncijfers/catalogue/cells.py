"""The cells of Tabel 1-4 and the values of the charts' data tables, as figures of the catalogue.

Each kind of cell is a family of figures keyed by (table, row, column, peildatum) with one
computation: a count as delivered, a Wi2021 count in hundreds, a share of counts in hundreds,
an average per loan. `report/tables.py` and `report/charts.py` lay out and format what these
compute; they compute nothing themselves. Every cell comes with its record (`model.Record`),
whose id is the cell's stable id in provenance.csv, `diff` and `check-published`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.model import Record, record
from kerncijfers.provenance import Ref, cell_id, ref
from kerncijfers.rounding import average_half_up, share_of_hundreds, to_hundreds
from kerncijfers.store import rows_where

W21 = "wi2021_kerncijfers"

# Labels as the letter's tables print them; the cells' ids are made of them.
TABEL_2_GROEPEN = {"totaal": "Totaal", "asielstatushouder": "Asiel", "gezinsmigrant_overig": "Gezin & Overig"}
TABEL_2_STATUSSEN = {"voldaan": "Voldaan", "ontheven": "Ontheven", "nog_plichtig": "Nog plichtig"}
TABEL_4_RIJEN = {
    "toegekend": "Toegekende leningen / opgenomen bedrag",
    "kwijtgescholden": "Kwijtgescholden leningen",
    "teniet_gegaan": "Teniet gegane leningen",
    "terugbetalingsfase": "Leningen in terugbetalingsfase",
    "volledig_terugbetaald": "Volledig terugbetaalde leningen",
}


class MissingDelivery(LookupError):
    """A table of the letter needs a delivery that the validated stage does not hold."""


@dataclass(frozen=True)
class Cel:
    """One published cell: its value (for the tidy exports and the chart's data) and its record."""

    waarde: int | Decimal | None
    record: Record

    @property
    def shown(self) -> str:
        return self.record.shown


def lookup(frame: pd.DataFrame, table: str, column: str, **key) -> int:
    """The one value of `column` in the row matching `key`; refuses a missing row."""
    rows = rows_where(frame, **key)
    if len(rows) != 1:
        where = ", ".join(f"{k}={v}" for k, v in key.items())
        raise MissingDelivery(f"{table}: expected one row with {where}, found {len(rows)}. Ask DUO to deliver it.")
    return int(frame[column].iloc[rows[0]])


# --- as delivered: a count or amount, and a count with its delivered percentage -----------------------

_FORMAT = {"aantal": fmt.aantal, "bedrag": fmt.bedrag}


def geleverd(place: str, labels: tuple[str, ...], n: int, operation: str, cell: Ref) -> Cel:
    """A count ('aantal') or amount ('bedrag') as delivered, at (place, labels...)."""
    return Cel(int(n), record(cell_id(place, *labels), _FORMAT[operation](int(n)), operation, n=cell))


def geleverd_met_procent(place: str, labels: tuple[str, ...], n: int, pct: int, cells: tuple[Ref, Ref], *, haakjes: bool = False) -> Cel:
    """A count with the percentage DUO delivered beside it: '12.212 68%' (a table), '12.212 (68%)' (a chart's data)."""
    n, pct = int(n), Decimal(int(pct))
    shown = f"{fmt.aantal(n)} ({fmt.procent(pct)})" if haakjes else f"{fmt.aantal(n)} {fmt.procent(pct)}"
    params = {"_haakjes": True} if haakjes else {}
    return Cel(n, record(cell_id(place, *labels), shown, "aantal_en_procent", n=cells[0], pct=cells[1], **params))


def in_miljoenen(bedrag: int) -> float:
    """An amount in millions of euros, as the loans chart draws it (to the thousand euro)."""
    return round(bedrag / 1_000_000, 3)


# --- Wi2021: counts published in hundreds, the share of the rounded counts --------------------------


def in_hundreds(n: int) -> int:
    """A Wi2021 count as the letter publishes it: in hundreds (its footnote 5)."""
    return to_hundreds(n)


@dataclass(frozen=True)
class PipStand:
    """Tabel 1's figures on one peildatum: both counts in hundreds and the share of the rounded counts."""

    peildatum: dt.date
    plichtig: int
    pip: int
    pct: Decimal

    def refs(self) -> dict[str, object]:
        return {i: ref(W21, self.peildatum, "aantal", indicator=i, doelgroep="totaal") for i in ("inburgeringsplichtigen", "pip_vastgesteld")}


def pip_stand(peildatum: dt.date, frame: pd.DataFrame) -> PipStand:
    """The one computation of the PIP share: Tabel 1, the PIP chart and its data table all show it."""
    plichtig = in_hundreds(lookup(frame, W21, "aantal", indicator="inburgeringsplichtigen", doelgroep="totaal"))
    pip = in_hundreds(lookup(frame, W21, "aantal", indicator="pip_vastgesteld", doelgroep="totaal"))
    return PipStand(peildatum, plichtig, pip, share_of_hundreds(pip, plichtig))


def tabel_1_cellen(stand: PipStand, kolom: str, rijen: tuple[str, str]) -> tuple[Cel, Cel]:
    """Tabel 1's column `kolom`: inburgeringsplichtigen, and vastgestelde PIP's with their share in brackets."""
    w21 = stand.refs()
    plichtig = fmt.aantal(stand.plichtig)
    pip = f"{fmt.aantal(stand.pip)} ({fmt.procent(stand.pct)})"
    return (
        Cel(stand.plichtig, record(cell_id("tabel_1", rijen[0], kolom), plichtig, "honderdtallen", n=w21["inburgeringsplichtigen"])),
        Cel(stand.pip, record(cell_id("tabel_1", rijen[1], kolom), pip, "honderdtallen_en_aandeel",
                              teller=w21["pip_vastgesteld"], noemer=w21["inburgeringsplichtigen"])),
    )


def grafiek_pip_cellen(stand: PipStand, rij: str, kolommen: tuple[str, str, str]) -> tuple[Cel, Cel, Cel]:
    """A row of the PIP chart's data table: inburgeringsplichtigen, vastgestelde PIP's, their share."""
    w21 = stand.refs()
    plichtig, pip, aandeel = kolommen
    return (
        Cel(stand.plichtig, record(cell_id("grafiek_pip", rij, plichtig), fmt.aantal(stand.plichtig), "honderdtallen", n=w21["inburgeringsplichtigen"])),
        Cel(stand.pip, record(cell_id("grafiek_pip", rij, pip), fmt.aantal(stand.pip), "honderdtallen", n=w21["pip_vastgesteld"])),
        Cel(stand.pct, record(cell_id("grafiek_pip", rij, aandeel), fmt.procent(stand.pct), "aandeel_honderdtallen",
                              teller=w21["pip_vastgesteld"], noemer=w21["inburgeringsplichtigen"])),
    )


# --- Wi2013 and ELIP: counts and percentages as delivered ---------------------------------------


def tabel_2_cellen(peildatum: dt.date, frame: pd.DataFrame, cohort: int, doelgroep: str, statussen) -> tuple[Cel, list[tuple[Cel, int]]]:
    """Tabel 2's cells of one cohort and doelgroep: the total, then per status the count with its delivered percentage."""
    key = {"cohort": cohort, "doelgroep": doelgroep}
    groep = TABEL_2_GROEPEN[doelgroep]
    totaal = lookup(frame, "wi2013_cohorten", "totaal", **key)
    cells = []
    for status in statussen:
        n = lookup(frame, "wi2013_cohorten", status, **key)
        pct = lookup(frame, "wi2013_cohorten", f"{status}_pct", **key)
        refs = (ref("wi2013_cohorten", peildatum, status, **key), ref("wi2013_cohorten", peildatum, f"{status}_pct", **key))
        cells.append((geleverd_met_procent("tabel_2", (str(cohort), groep, TABEL_2_STATUSSEN[status]), n, pct, refs), pct))
    total = geleverd("tabel_2", (str(cohort), groep, groep), totaal, "aantal", ref("wi2013_cohorten", peildatum, "totaal", **key))
    return total, cells


def tabel_3_cel(peildatum: dt.date, frame: pd.DataFrame, cohort: str, kolom: str) -> Cel:
    """Tabel 3's cell of one ELIP peildatum and cohort, as delivered."""
    n = lookup(frame, "elip", "aantal", cohort=cohort)
    return geleverd("tabel_3", (peildatum.strftime("%d-%m-%Y"), kolom), n, "aantal", ref("elip", peildatum, "aantal", cohort=cohort))


# --- Wi2013 loans: counts and amounts as delivered, the average per loan derived ----------------------


def tabel_4_rij(peildatum: dt.date, frame: pd.DataFrame, categorie: str, kolommen: tuple[str, str, str]) -> tuple[Cel, Cel, Cel]:
    """Tabel 4's row of `categorie`: aantal, bedrag, and the average per loan (half-up to whole euros; '–' without loans)."""
    aantal = lookup(frame, "wi2013_leningen", "aantal", categorie=categorie)
    bedrag = lookup(frame, "wi2013_leningen", "bedrag_eur", categorie=categorie)
    gemiddeld = average_half_up(bedrag, aantal) if aantal else None
    cells = {c: ref("wi2013_leningen", peildatum, c, categorie=categorie) for c in ("aantal", "bedrag_eur")}
    rij = TABEL_4_RIJEN[categorie]
    return (
        geleverd("tabel_4", (rij, kolommen[0]), aantal, "aantal", cells["aantal"]),
        geleverd("tabel_4", (rij, kolommen[1]), bedrag, "bedrag", cells["bedrag_eur"]),
        Cel(gemiddeld, record(cell_id("tabel_4", rij, kolommen[2]), fmt.bedrag(gemiddeld) if gemiddeld is not None else "–",
                              "gemiddelde", bedrag=cells["bedrag_eur"], aantal=cells["aantal"])),
    )
