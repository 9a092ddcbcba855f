"""When a change between two deliveries is large or implausible: the one place for these thresholds.

A flag asks a reviewer to look, it does not refuse anything (validation does that).
Two kinds:

- `groot` (large): a real movement the letter usually comments on; the reviewer checks
  that the delivery explains it and that the text says it.
- `onwaarschijnlijk` (implausible): more than deliveries half a year apart can explain; ask
  DUO before publishing (a unit slip, a definition change, a shifted column).

The values were set against the seed deliveries of 2022-2023 (see `docs/reviewing.md`):
routine movements stay below them, the build-up of the Wi2021 and the ELIP rise do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kerncijfers.rules import NOT_CUMULATIVE
from kerncijfers.schema import TABLES

#: A count changes by this fraction of its previous value or more: `groot`.
#: Why 25%: between two peildata half a year apart the mature Wi2013 series move far less
#: (nog plichtig −14,6%, ingeburgerd +5,6% from May to October 2023; the ELIP total −12%,
#: +16%, +12%), while the Wi2021 build-up that the letter discusses (+42,5% plichtigen,
#: +66,7% PIP's) is above it.
RELATIEF_GROOT = Decimal("0.25")

#: Relative thresholds apply only when the old or new count is at least this large.
#: Why 100: a count of n persons moves by about √n by chance, 10% at n = 100, well below
#: RELATIEF_GROOT; at n = 16 chance alone reaches 25% (ELIP cohort 2013: 14 → 10).
MINIMUM_AANTAL = 100

#: A share (unit `procent`) moves by this many percentage points or more: `groot`.
#: Why 10: Tabel 2's percentages of the older cohorts move one or two points per half year;
#: ten points is a visible change in the letter's own tables.
PROCENTPUNT_GROOT = Decimal("10")

#: A count becomes this many times larger or smaller, both counts at least MINIMUM_AANTAL,
#: or falls to zero from at least MINIMUM_AANTAL: `onwaarschijnlijk`.
#: Why 10: an order of magnitude is what unit slips produce (hundreds against units,
#: cents against euros, thousands), and a fall to zero is what a blank in a delivery
#: produces. Among counts of 100 or more no series in the seed deliveries moved more than
#: a factor 3,1 (ELIP cohort 2021, 156 → 478) between two peildata. Growth from a small
#: base (ELIP cohort 2021, 10 → 156, as its loans run out) is real and flagged `groot`.
FACTOR_ONWAARSCHIJNLIJK = Decimal("10")

#: Cumulative figures (schema `Table.cumulative`, minus `rules.NOT_CUMULATIVE`) count since
#: the law's start and cannot fall; any fall is `onwaarschijnlijk`. There is no tolerance:
#: a fall of one person is a correction that the delivery must explain.
CUMULATIEF_MAG_DALEN_MET = Decimal("0")

GROOT = "groot"
ONWAARSCHIJNLIJK = "onwaarschijnlijk"


@dataclass(frozen=True)
class Flag:
    """Why one change deserves a reviewer's attention."""

    soort: str  # GROOT or ONWAARSCHIJNLIJK
    reden: str  # in Dutch, naming the threshold


def flags_for(old: Decimal, new: Decimal, *, eenheid: str, cumulatief: bool = False) -> tuple[Flag, ...]:
    """The flags for one figure moving from `old` to `new`; `eenheid` is its unit (schema.EENHEDEN)."""
    out: list[Flag] = []
    if cumulatief and old - new > CUMULATIEF_MAG_DALEN_MET:
        out.append(Flag(ONWAARSCHIJNLIJK, "cumulatief cijfer is gedaald; het telt sinds de start van de wet en kan niet dalen"))
    if eenheid == "procent":
        if abs(new - old) >= PROCENTPUNT_GROOT:
            out.append(Flag(GROOT, f"verandering van {PROCENTPUNT_GROOT} procentpunt of meer"))
        return tuple(out)
    small, large = sorted((abs(old), abs(new)))
    if large < MINIMUM_AANTAL:
        return tuple(out)
    if small >= MINIMUM_AANTAL and large / small >= FACTOR_ONWAARSCHIJNLIJK:
        out.append(Flag(ONWAARSCHIJNLIJK, f"{FACTOR_ONWAARSCHIJNLIJK} keer zo groot of zo klein of meer"))
    elif new == 0:
        out.append(Flag(ONWAARSCHIJNLIJK, f"gedaald naar nul van {MINIMUM_AANTAL} of meer"))
    elif abs(new - old) >= RELATIEF_GROOT * abs(old):
        out.append(Flag(GROOT, f"verandering van {RELATIEF_GROOT * 100:.0f}% of meer"))
    return tuple(out)


def cell_flags(table: str, column: str, row: dict[str, str], old: Decimal, new: Decimal) -> tuple[Flag, ...]:
    """The flags for one cell of a validated table: the column's unit and cumulativeness come from the schema.

    `row` holds the row's values as text (its key, and `eenheid` in overige_cijfers, whose
    unit is per row).
    """
    spec = TABLES[table]
    eenheid = row.get("eenheid", "") if column == "waarde" else (spec.column(column).unit or "")
    exempt = any(row.get(col) in values for col, values in NOT_CUMULATIVE.get(table, {}).items())
    return flags_for(old, new, eenheid=eenheid, cumulatief=column in spec.cumulative and not exempt)


#: The thresholds as the report page explains them: (name, value, meaning).
DREMPELS = (
    ("Grote verandering", f"{RELATIEF_GROOT * 100:.0f}%", "Een aantal verandert met een kwart of meer van de vorige waarde."),
    ("Kleine aantallen", f"{MINIMUM_AANTAL}", "Onder dit aantal (oud en nieuw) wordt een relatieve verandering niet gemarkeerd: toeval alleen geeft al schommelingen van die orde."),
    ("Grote verandering van een percentage", f"{PROCENTPUNT_GROOT} procentpunt", "Een percentage verandert met tien procentpunt of meer."),
    ("Onwaarschijnlijke verandering", f"factor {FACTOR_ONWAARSCHIJNLIJK}", f"Een aantal van {MINIMUM_AANTAL} of meer wordt tien keer zo groot of zo klein, of daalt naar nul: dat wijst eerder op een eenheid- of leverfout dan op een echte ontwikkeling."),
    ("Dalend cumulatief cijfer", "elke daling", "Een cijfer dat sinds de start van de wet telt (zoals ingeburgerd of toegekende leningen) daalt."),
)
