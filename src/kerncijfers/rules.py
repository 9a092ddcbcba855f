"""Derived columns the expectation suites check: sums, percentages, bounds, previous values.

Great Expectations compares columns; these functions put the value each rule
expects next to the delivered value, so that a suite in `expectations/` can say
"aantal equals check_som_doelgroepen" and a failure points at one cell.
A `check_*` column is empty (NA) where its rule does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kerncijfers.rounding import largest_remainder
from kerncijfers.schema import DOELGROEPEN_WI2021, STATUSSEN_TABEL2, STATUSSEN_WI2013, TABLES

#: Rows of cumulative tables that may legitimately shrink between deliveries.
NOT_CUMULATIVE = {
    "wi2013_status": {"status": ("nog_plichtig",)},
    "wi2013_leningen": {"categorie": ("terugbetalingsfase",)},
}

#: The parts whose sum is the total: the schema's codes after the first ("totaal", "opgelegd").
WI2021_PARTS = DOELGROEPEN_WI2021[1:]
WI2013_STATUS_PARTS = STATUSSEN_WI2013[1:]
#: The columns the add_checks_* functions below derive, per table; the suites check each (kerncijfers.suites).
DERIVED_COLUMNS = {
    "wi2021_kerncijfers": ["check_som_doelgroepen", "check_bovengrens", "vorige_aantal"],
    "wi2013_cohorten": ["check_som_statussen"]
    + [f"check_som_doelgroepen_{c}" for c in ("totaal",) + STATUSSEN_TABEL2]
    + [f"check_{s}_pct" for s in STATUSSEN_TABEL2]
    + ["vorige_voldaan", "vorige_ontheven"],
    "wi2013_status": ["check_som_statussen", "vorige_aantal"],
    "elip": ["check_som_cohorten"],
    "wi2013_leningen": ["check_max_aantal", "check_max_bedrag_eur", "vorige_aantal", "vorige_bedrag_eur"],
    "overige_cijfers": ["check_max_waarde"],
}

#: Wi2021 indicators bounded by another indicator of the same doelgroep.
WI2021_BOUNDS = {"pip_vastgesteld": "inburgeringsplichtigen", "aanbod": "pip_vastgesteld"}


def _na(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=frame.index, dtype="Int64")


# --- sums: one relation between cells, for deliveries and for a printed letter --------------

Cell = tuple[int, str]  # (row in the frame's index, column)


@dataclass(frozen=True)
class SumRule:
    """One sum a table must satisfy: the cell `total` equals the sum of the cells `parts`.

    `rule` is the suite's rule id, so a finding about the sum and this relation name the same rule.
    The delivery checks (the `check_*` columns below) and `check-published` both derive from these.
    """

    rule: str
    total: Cell
    parts: tuple[Cell, ...]

    def expected(self, frame: pd.DataFrame) -> int:
        return int(sum(int(frame.at[row, col]) for row, col in self.parts))

    def holds(self, frame: pd.DataFrame) -> bool:
        return int(frame.at[self.total]) == self.expected(frame)

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)

    def value_for(self, cell: Cell, frame: pd.DataFrame) -> int:
        """The value `cell` must have for this sum to hold, the other cells as they are."""
        if cell == self.total:
            return self.expected(frame)
        return int(frame.at[self.total]) - sum(int(frame.at[c]) for c in self.parts if c != cell)


def _sums_of_parts(frame: pd.DataFrame, rule: str, group_col: str, total_code: str, columns, by: list[str], parts) -> list[SumRule]:
    """On each total row, for each column: total = sum of its parts, where every part is present."""
    out = []
    for _, group in frame.groupby(by, sort=False, dropna=False) if by else [(None, frame)]:
        present = group[group[group_col].isin(parts)]
        totals = group[group[group_col] == total_code]
        if len(totals) and set(present[group_col]) == set(parts):
            for row in totals.index:
                for col in columns:
                    out.append(SumRule(rule.format(col=col), (row, col), tuple((r, col) for r in present.index)))
    return out


def sum_rules(name: str, frame: pd.DataFrame) -> list[SumRule]:
    """Every sum table `name` must satisfy, cell by cell (empty for a table without sums)."""
    if name == "wi2021_kerncijfers":
        return _sums_of_parts(frame, "totaal-is-som-doelgroepen", "doelgroep", "totaal", ["aantal"], ["indicator"], WI2021_PARTS)
    if name == "wi2013_cohorten":
        rows = [SumRule("totaal-is-som-statussen", (row, "totaal"), tuple((row, s) for s in STATUSSEN_TABEL2)) for row in frame.index]
        return rows + _sums_of_parts(
            frame, "{col}-totaal-is-som-doelgroepen", "doelgroep", "totaal", ("totaal",) + STATUSSEN_TABEL2, ["cohort"],
            ("asielstatushouder", "gezinsmigrant_overig"),
        )
    if name == "wi2013_status":
        return _sums_of_parts(frame, "opgelegd-is-som-statussen", "status", "opgelegd", ["aantal"], [], WI2013_STATUS_PARTS)
    if name == "elip":
        cohorts = tuple(c for c in TABLES["elip"].column("cohort").codes if c != "totaal")
        totals = frame.index[frame["cohort"] == "totaal"]
        parts = tuple((row, "aantal") for row in frame.index[frame["cohort"].isin(cohorts)])
        return [SumRule("totaal-is-som-cohorten", (row, "aantal"), parts) for row in totals]
    return []


def _expected_totals(frame: pd.DataFrame, rules: list[SumRule], rule: str) -> pd.Series:
    """The `check_*` column of one sum rule: on each total row the sum of its parts, NA elsewhere."""
    out = _na(frame)
    for r in rules:
        if r.rule == rule:
            out.loc[r.total[0]] = r.expected(frame)
    return out


@dataclass(frozen=True)
class LikelyError:
    """One cell that, set to `value`, satisfies every sum it breaks."""

    cell: Cell
    value: int
    rules: tuple[SumRule, ...]


def likely_errors(frame: pd.DataFrame, rules: list[SumRule]) -> list[LikelyError]:
    """Cells that explain two or more broken sums at once (a row sum, a column sum, Totaal = Asiel + Gezin).

    A cell is named when every sum it takes part in is broken, and one value for it mends them all.
    A single broken sum names no cell: any of its cells could be the wrong one.
    """
    broken = [r for r in rules if not r.holds(frame)]
    cells = sorted({c for r in broken for c in r.cells}, key=lambda c: (str(c[0]), c[1]))
    out = []
    for cell in cells:
        mine = [r for r in rules if cell in r.cells]
        if len(mine) < 2 or any(r.holds(frame) for r in mine):
            continue
        values = {r.value_for(cell, frame) for r in mine}
        if len(values) == 1:
            out.append(LikelyError(cell, values.pop(), tuple(mine)))
    return out


def corrected(frame: pd.DataFrame, errors: list[LikelyError]) -> pd.DataFrame:
    """`frame` with each likely error set to the value that mends its sums."""
    out = frame.copy()
    for e in errors:
        out.at[e.cell] = e.value
    return out


def add_checks_wi2021_kerncijfers(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    out["check_som_doelgroepen"] = _expected_totals(out, sum_rules("wi2021_kerncijfers", out), "totaal-is-som-doelgroepen")
    bound = _na(out)
    lookup = {(r.indicator, r.doelgroep): r.aantal for r in out.itertuples()}
    for idx, r in out.iterrows():
        upper = WI2021_BOUNDS.get(r["indicator"])
        if upper and (upper, r["doelgroep"]) in lookup:
            bound.loc[idx] = lookup[(upper, r["doelgroep"])]
        if r["indicator"] == "in_azc" and ("inburgeringsplichtigen", r["doelgroep"]) in lookup:
            bound.loc[idx] = lookup[("inburgeringsplichtigen", r["doelgroep"])]
    out["check_bovengrens"] = bound
    out["vorige_aantal"] = _previous(out, previous, ("indicator", "doelgroep"), "aantal")
    return out


def add_checks_wi2013_cohorten(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    sums = sum_rules("wi2013_cohorten", out)
    out["check_som_statussen"] = _expected_totals(out, sums, "totaal-is-som-statussen")
    for col in ("totaal",) + STATUSSEN_TABEL2:
        out[f"check_som_doelgroepen_{col}"] = _expected_totals(out, sums, f"{col}-totaal-is-som-doelgroepen")
    expected = {s: _na(out) for s in STATUSSEN_TABEL2}
    for idx, r in out.iterrows():
        parts = [int(r[s]) for s in STATUSSEN_TABEL2]
        if int(r["totaal"]) > 0 and sum(parts) == int(r["totaal"]):
            # Tabel 2 rounds a row with the largest-remainder method so it sums to 100.
            for s, pct in zip(STATUSSEN_TABEL2, largest_remainder(parts, int(r["totaal"]))):
                expected[s].loc[idx] = int(pct)
    for s in STATUSSEN_TABEL2:
        out[f"check_{s}_pct"] = expected[s]
    for col in TABLES["wi2013_cohorten"].cumulative:
        out[f"vorige_{col}"] = _previous(out, previous, ("cohort", "doelgroep"), col)
    return out


def add_checks_wi2013_status(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    out["check_som_statussen"] = _expected_totals(out, sum_rules("wi2013_status", out), "opgelegd-is-som-statussen")
    out["vorige_aantal"] = _previous(out, previous, ("status",), "aantal", skip=NOT_CUMULATIVE["wi2013_status"])
    return out


def add_checks_elip(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    out["check_som_cohorten"] = _expected_totals(out, sum_rules("elip", out), "totaal-is-som-cohorten")
    return out


def add_checks_wi2013_leningen(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    granted = out[out["categorie"] == "toegekend"]
    out["check_max_aantal"] = _na(out)
    out["check_max_bedrag_eur"] = _na(out)
    if len(granted):
        others = out["categorie"] != "toegekend"
        out.loc[others, "check_max_aantal"] = int(granted["aantal"].iloc[0])
        out.loc[others, "check_max_bedrag_eur"] = int(granted["bedrag_eur"].iloc[0])
    skip = NOT_CUMULATIVE["wi2013_leningen"]
    out["vorige_aantal"] = _previous(out, previous, ("categorie",), "aantal", skip=skip)
    out["vorige_bedrag_eur"] = _previous(out, previous, ("categorie",), "bedrag_eur", skip=skip)
    return out


def add_checks_overige_cijfers(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    out = frame.copy()
    # A percentage above 100 is a unit mistake; the waarde column is checked against this bound.
    out["check_max_waarde"] = pd.array([100.0 if e == "procent" else pd.NA for e in out["eenheid"]], dtype="Float64")
    return out


def _previous(frame: pd.DataFrame, previous: pd.DataFrame | None, key: tuple[str, ...], col: str, skip=None) -> pd.Series:
    """The value of `col` for the same key in the previous delivery of the table, NA if absent or exempt."""
    out = _na(frame)
    if previous is None:
        return out
    before = {tuple(r[k] for k in key): r[col] for _, r in previous.iterrows()}
    for idx, r in frame.iterrows():
        if skip and any(r[k] in codes for k, codes in skip.items()):
            continue
        value = before.get(tuple(r[k] for k in key))
        if value is not None and not pd.isna(value):
            out.loc[idx] = int(value)
    return out


ADD_CHECKS = {
    "wi2021_kerncijfers": add_checks_wi2021_kerncijfers,
    "wi2013_cohorten": add_checks_wi2013_cohorten,
    "wi2013_status": add_checks_wi2013_status,
    "elip": add_checks_elip,
    "wi2013_leningen": add_checks_wi2013_leningen,
    "overige_cijfers": add_checks_overige_cijfers,
}


def with_checks(name: str, frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """`frame` with the derived `check_*`/`vorige_*` columns its suite expects."""
    return ADD_CHECKS[name](frame, previous)


# --- reconciliation between tables ---------------------------------------------------

RECONCILIATION = "aansluiting_wi2013"


def reconcile_wi2013(cohorten: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame | None:
    """Tabel 2 against the text totals of 5.2, as far as the letter's definitions allow.

    Tabel 2 leaves out persons whose plicht vervallen is, and counts vrijgesteld as voldaan.
    Returns one row per reconciled quantity, or None when the status table is incomplete.
    """
    s = dict(zip(status["status"], status["aantal"]))
    needed = ("opgelegd", "ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")
    if any(k not in s for k in needed):
        return None
    totals = cohorten[cohorten["doelgroep"] == "totaal"]
    rows = [
        ("totaal", "opgelegd - vervallen", int(totals["totaal"].sum()), int(s["opgelegd"] - s["vervallen"])),
        ("voldaan", "ingeburgerd + vrijgesteld", int(totals["voldaan"].sum()), int(s["ingeburgerd"] + s["vrijgesteld"])),
        ("ontheven", "ontheven", int(totals["ontheven"].sum()), int(s["ontheven"])),
        ("nog_plichtig", "nog_plichtig", int(totals["nog_plichtig"].sum()), int(s["nog_plichtig"])),
    ]
    frame = pd.DataFrame(rows, columns=["tabel2_kolom", "tekst_definitie", "som_tabel2", "tekst"])
    frame["som_tabel2"] = frame["som_tabel2"].astype("Int64")
    frame["tekst"] = frame["tekst"].astype("Int64")
    frame["tabel2_kolom"] = frame["tabel2_kolom"].astype("string")
    frame["tekst_definitie"] = frame["tekst_definitie"].astype("string")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame
