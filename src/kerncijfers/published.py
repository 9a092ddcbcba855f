"""`check-published`: the delivery rules, run over a letter as it was printed.

The printed tables and in-text figures (`data/published/<letter>/`) are parsed back into
frames shaped like the deliveries and checked with the rules the deliveries are held to
(`rules.sum_rules`, `rules.with_checks`, `rules.reconcile_wi2013`, the rounding of
`rounding.py`): sums, the letter's percentage rounding, reconciliation of Tabel 2 with the
text, consistent number formats, and rounded figures in the text against their table. Nothing
here knows a particular letter: cohorts, peildata and figures come from the folder. Every check
is recorded, so a reader sees what matched too.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kerncijfers import formatting, rules
from kerncijfers.report.tables import TABEL_2_GROEPEN, TABEL_2_STATUSSEN, TABEL_4_RIJEN, elip_label
from kerncijfers.rounding import average_half_up, share_half_up, share_of_hundreds, sums_after_rounding
from kerncijfers.schema import ELIP_COHORTEN, STATUSSEN_TABEL2

GROUPS = tuple(TABEL_2_GROEPEN.values())  # "Totaal", "Asiel", "Gezin & Overig"
STATUS_LABELS = tuple(TABEL_2_STATUSSEN.values())  # "Voldaan", "Ontheven", "Nog plichtig"
#: The files of a letter folder.
LETTER_FILES = ("tabel_1.tsv", "tabel_2.tsv", "tabel_3.tsv", "tabel_4.tsv", "tekstcijfers.csv")

#: The shared rules as the report names them in Dutch.
REGEL = {
    "totaal-is-som-statussen": "Totaal is Voldaan plus Ontheven plus Nog plichtig",
    "-totaal-is-som-doelgroepen": "Totaal is Asiel plus Gezin & Overig",
    "totaal-is-som-cohorten": "Totaal is de som van de cohorten",
    "pct-largest-remainder": "percentages per rij afgerond met de grootste-restmethode (som 100)",
}


class LetterError(ValueError):
    """A letter folder that cannot be checked: a file is missing or cannot be read."""


@dataclass(frozen=True)
class Check:
    """One printed cell checked against one rule."""

    plaats: str  # "Tabel 2", or "Tekst " and the paragraph tekstcijfers.csv gives the figure
    cel: str  # "2018, Totaal, Voldaan"
    gedrukt: str
    verwacht: str
    regel: str  # the rule, in Dutch, as the report shows it
    soort: str  # waarde, percentage, opmaak, aansluiting, afronding
    toelichting: str = ""  # the likely wrong cell, where one cell explains several broken sums

    @property
    def klopt(self) -> bool:
        return self.gedrukt == self.verwacht


def number(text: str) -> int:
    """A printed Dutch count ('51.600', '€ 6.977', '9309') as an int."""
    digits = re.sub(r"[^\d]", "", text)
    if not digits:
        raise ValueError(f"no number in {text!r}")
    return int(digits)


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise LetterError(f"{path}: the file is missing; a letter folder holds {', '.join(LETTER_FILES)}")
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- Tabel 2 as a wi2013_cohorten frame ----------------------------------------------------

_CODE = {label: code for code, label in TABEL_2_GROEPEN.items()}
_LABEL = {"totaal": "Totaal", **TABEL_2_STATUSSEN}


@dataclass
class PrintedTabel2:
    """Tabel 2 as printed: a frame with the delivery's columns, and the printed text and label of each cell."""

    frame: pd.DataFrame
    text: dict  # (row, column) -> the printed text
    cohorts: list[str]

    def row(self, cohort: str, group: str) -> int:
        return self.cohorts.index(cohort) * len(GROUPS) + GROUPS.index(group)

    def label(self, cell: rules.Cell) -> str:
        row, col = cell
        cohort, group = self.cohorts[row // len(GROUPS)], GROUPS[row % len(GROUPS)]
        return f"{cohort}, {group}, {_LABEL[col.removesuffix('_pct')]}{' %' if col.endswith('_pct') else ''}"


def read_tabel_2(rows: list[list[str]]) -> PrintedTabel2:
    records, text = [], {}
    for line in rows[1:]:
        for g, group in enumerate(GROUPS):
            base = 1 + 4 * g
            idx = len(records)
            record = {"cohort": int(line[0]), "doelgroep": _CODE[group], "totaal": number(line[base])}
            text[(idx, "totaal")] = line[base]
            for s, status in enumerate(STATUSSEN_TABEL2):
                count, pct = line[base + 1 + s].rsplit(" ", 1)
                record[status], record[f"{status}_pct"] = number(count), number(pct)
                text[(idx, status)], text[(idx, f"{status}_pct")] = count, pct
            records.append(record)
    frame = pd.DataFrame(records).astype({c: "Int64" for c in ("cohort", "totaal", *STATUSSEN_TABEL2, *(f"{s}_pct" for s in STATUSSEN_TABEL2))})
    return PrintedTabel2(frame, text, [line[0] for line in rows[1:]])


def _regel(rule: str) -> str:
    return REGEL.get(rule) or next(v for k, v in REGEL.items() if rule.endswith(k))


def _likely(errors: list[rules.LikelyError], rule: rules.SumRule) -> rules.LikelyError | None:
    """The likely wrong cell that explains a broken sum, if one does."""
    return next((e for e in errors if rule in e.rules), None)


def _likely_note(printed: PrintedTabel2, error: rules.LikelyError) -> str:
    mended = " en ".join(_regel(r.rule) for r in error.rules)
    return f"waarschijnlijk één foute cel: {printed.label(error.cell)}; met {formatting.aantal(error.value)} kloppen {mended}"


def check_tabel_2(rows: list[list[str]]) -> tuple[list[Check], PrintedTabel2, PrintedTabel2]:
    """Tabel 2: formats, then the sums and percentages of wi2013_cohorten (rules.py) over the printed counts.

    Returns the checks, the table as printed and the table with its likely wrong cells mended.
    """
    printed = read_tabel_2(rows)
    frame, cohorts = printed.frame, printed.cohorts
    checks: list[Check] = []
    # Format: per column, against the column's own majority.
    for g, group in enumerate(GROUPS):
        for col in ("totaal",) + STATUSSEN_TABEL2:
            cells = [(printed.row(c, group), col) for c in cohorts]
            column = [printed.text[cell] for cell in cells]
            checks += [
                Check("Tabel 2", printed.label(cell), *_fmt_pair(printed.text[cell], column), "zelfde getalnotatie als de rest van de kolom", "opmaak")
                for cell in cells if number(printed.text[cell]) >= 1000
            ]
    sums = rules.sum_rules("wi2013_cohorten", frame)
    errors = rules.likely_errors(frame, sums)
    by_total = {(r.rule, r.total): r for r in sums}
    # Totaal = Asiel + Gezin & Overig, per cohort and column.
    for c in cohorts:
        row = printed.row(c, "Totaal")
        for col in ("totaal",) + STATUSSEN_TABEL2:
            rule = by_total[(f"{col}-totaal-is-som-doelgroepen", (row, col))]
            error = None if rule.holds(frame) else _likely(errors, rule)
            if error is None:
                checks.append(Check("Tabel 2", printed.label((row, col)), _as_count(printed.text[(row, col)]),
                                    formatting.aantal(rule.expected(frame)), _regel(rule.rule), "waarde"))
            else:  # the finding is about the cell that mends every sum it breaks, which may be a part
                checks.append(Check("Tabel 2", printed.label(error.cell), _as_count(printed.text[error.cell]),
                                    formatting.aantal(error.value), _regel(rule.rule), "waarde", _likely_note(printed, error)))
    # Row sums and percentages on the counts with the likely wrong cells mended.
    mended = PrintedTabel2(rules.corrected(frame, errors), printed.text, cohorts)
    expected = rules.with_checks("wi2013_cohorten", mended.frame)
    for c in cohorts:
        for group in GROUPS:
            row = printed.row(c, group)
            checks.append(Check("Tabel 2", printed.label((row, "totaal")), formatting.aantal(mended.frame.at[row, "totaal"]),
                                formatting.aantal(expected.at[row, "check_som_statussen"]), _regel("totaal-is-som-statussen"), "waarde"))
            for s in STATUSSEN_TABEL2:
                pct = expected.at[row, f"check_{s}_pct"]
                if not pd.isna(pct):
                    cell = (row, f"{s}_pct")
                    checks.append(Check("Tabel 2", printed.label(cell), printed.text[cell], f"{int(pct)}%", _regel("pct-largest-remainder"), "percentage"))
    return checks, printed, mended


def _fmt_pair(text: str, column: list[str]) -> tuple[str, str]:
    big = [t for t in column if number(t) >= 1000]
    majority_sep = sum("." in t for t in big) * 2 > len(big)
    return text, (formatting.aantal(number(text)) if majority_sep else str(number(text)))


def _as_count(text: str) -> str:
    """A printed count in canonical Dutch notation, so value checks ignore format slips (reported apart)."""
    return formatting.aantal(number(text))


def _peildatum_label(header: str) -> str:
    """'Peildatum 1 oktober 2023' -> '1 oktober 2023'."""
    return header.removeprefix("Peildatum ").strip()


def check_tabel_1(rows: list[list[str]]) -> list[Check]:
    checks = []
    for col in range(1, len(rows[0])):
        total = number(rows[1][col])
        count_text, pct = rows[2][col].split(" ")
        expected = f"({int(share_of_hundreds(number(count_text), total))}%)"
        checks.append(Check("Tabel 1", f"{rows[0][col]}, Vastgestelde PIP's %", pct, expected, "aandeel half-up afgerond op hele procenten", "percentage"))
    return checks


def check_tabel_3(rows: list[list[str]]) -> list[Check]:
    """Each row of Tabel 3 is one ELIP delivery: its Totaal is checked with the elip rule of the suites."""
    codes = {elip_label(c): c for c in ELIP_COHORTEN}
    cohorts = [codes[label.strip()] for label in rows[0][1:]]
    checks = []
    for row in rows[1:]:
        frame = pd.DataFrame({"cohort": cohorts, "aantal": [number(v) for v in row[1:]]})
        for rule in rules.sum_rules("elip", frame):
            checks.append(Check("Tabel 3", f"{row[0]}, Totaal", row[1 + rule.total[0]], formatting.aantal(rule.expected(frame)), _regel(rule.rule), "waarde"))
    return checks


def check_tabel_4(rows: list[list[str]]) -> list[Check]:
    checks = []
    for row in rows[1:]:
        if not number(row[1]):
            continue  # no loans, no average
        expected = formatting.bedrag(average_half_up(number(row[2]), number(row[1])))
        checks.append(Check("Tabel 4", f"{row[0]}, Gemiddeld", row[3], expected, "Gemiddeld is Bedrag gedeeld door Aantal, half-up op hele euro's", "waarde"))
    return checks


@dataclass(frozen=True)
class TextFigure:
    gedrukt: str
    peildatum: dt.date | None
    paragraaf: str = ""  # where the letter prints it: a check names its place "Tekst <paragraaf>"


def read_text_figures(path: Path) -> dict[str, TextFigure]:
    if not path.is_file():
        raise LetterError(f"{path}: the file is missing; a letter folder holds {', '.join(LETTER_FILES)}")
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["id"]: TextFigure(r["gedrukt"], dt.date.fromisoformat(r["peildatum"]) if r.get("peildatum") else None, r.get("paragraaf", ""))
            for r in csv.DictReader(f)
        }


def _frame(key: str, values: dict[str, int], value_col: str = "aantal", **fixed) -> pd.DataFrame:
    """A small delivery-shaped frame from printed figures: one row per code."""
    return pd.DataFrame({**{k: [v] * len(values) for k, v in fixed.items()}, key: list(values), value_col: list(values.values())})


#: Text figure ids of the Wi2021 population of section 2, by doelgroep.
WI2021_TEKST = {"totaal": "wi2021_inburgeraars", "asielstatushouder": "wi2021_asielstatushouders",
                "gezinsmigrant": "wi2021_gezinsmigranten", "overig": "wi2021_overige_migranten"}
#: Tabel 2 columns against the text totals of 5.2 (rules.reconcile_wi2013), as the report names them.
AANSLUITING = {
    "totaal": ("Som Totaal over de cohorten", "Tabel 2 telt zonder vervallen"),
    "voldaan": ("Som Voldaan over de cohorten", "Voldaan in Tabel 2 is ingeburgerd plus vrijgesteld"),
    "ontheven": ("Som Ontheven over de cohorten", "gelijk aan de tekst"),
    "nog_plichtig": ("Som Nog plichtig over de cohorten", "gelijk aan de tekst"),
}


def _tabel_1_column(tabel1: list[list[str]], peildatum: dt.date | None) -> int | None:
    for col, header in enumerate(tabel1[0][1:], start=1):
        if peildatum is not None and _peildatum_label(header) == formatting.datum(peildatum):
            return col
    return None


def _tekst(fig: dict[str, TextFigure], key: str, table: str = "") -> str:
    """The place of a check on a text figure: 'Tekst 5.2', or with the table it is held against 'Tekst 5.2 × Tabel 2'."""
    place = f"Tekst {fig[key].paragraaf}".strip()
    return f"{place} × {table}" if table else place


def check_text(fig: dict[str, TextFigure], tabel1: list[list[str]], tabel2: PrintedTabel2, mended: PrintedTabel2, tabel4: list[list[str]]) -> list[Check]:
    checks = []
    printed = {k: f.gedrukt for k, f in fig.items()}
    # Section 2: the Wi2021 population adds up (the suite's sum of the doelgroepen) and matches Tabel 1.
    if all(k in fig for k in WI2021_TEKST.values()):
        frame = _frame("doelgroep", {g: number(printed[k]) for g, k in WI2021_TEKST.items()}, indicator="inburgeringsplichtigen")
        for rule in rules.sum_rules("wi2021_kerncijfers", frame):
            # Wi2021 figures are printed in hundreds, each rounded on its own: the sum holds up to that rounding.
            total, parts = int(frame.at[rule.total]), [int(frame.at[c]) for c in rule.parts]
            expected = printed["wi2021_inburgeraars"] if sums_after_rounding(total, parts, 100) else formatting.aantal(rule.expected(frame))
            checks.append(Check(_tekst(fig, "wi2021_inburgeraars"), "Inburgeraars Wi2021", printed["wi2021_inburgeraars"], expected,
                                "totaal is de som van de doelgroepen (elk afgerond op honderdtallen)", "waarde"))
    if "wi2021_inburgeraars" in fig and (col := _tabel_1_column(tabel1, fig["wi2021_inburgeraars"].peildatum)):
        checks.append(Check(_tekst(fig, "wi2021_inburgeraars", "Tabel 1"), f"Inburgeraars {_peildatum_label(tabel1[0][col])}", printed["wi2021_inburgeraars"], tabel1[1][col],
                            "tekst gelijk aan de tabel", "aansluiting"))
    for key in (k for k in fig if k.startswith("pip_aantal_")):
        if col := _tabel_1_column(tabel1, fig[key].peildatum):
            checks.append(Check(_tekst(fig, key, "Tabel 1"), f"PIP's {_peildatum_label(tabel1[0][col])}", printed[key], tabel1[2][col].split(" ")[0],
                                "tekst gelijk aan de tabel", "aansluiting"))
    for key in (k for k in fig if k.startswith("aanbod_pct_")):
        maand = key.removeprefix("aanbod_pct_")
        if f"aanbod_aantal_{maand}" in fig and f"pip_asiel_{maand}" in fig:
            share = share_half_up(number(printed[f"aanbod_aantal_{maand}"]), number(printed[f"pip_asiel_{maand}"]))
            checks.append(Check(_tekst(fig, key), "Aanbod asielstatushouders %", printed[key], f"{int(share)} procent",
                                "aandeel half-up afgerond op hele procenten", "percentage"))
    # Section 5.2: the breakdown adds up, its shares (half-up, one decimal) and Tabel 2.
    statuses = rules.WI2013_STATUS_PARTS
    if all(f"wi2013_{s}" in fig for s in ("opgelegd", *statuses)):
        counts = {s: number(printed[f"wi2013_{s}"]) for s in ("opgelegd", *statuses)}
        status = _frame("status", counts)
        for rule in rules.sum_rules("wi2013_status", status):
            checks.append(Check(_tekst(fig, "wi2013_opgelegd"), "Opgelegd", printed["wi2013_opgelegd"], formatting.aantal(rule.expected(status)),
                                "totaal is de som van de statussen", "waarde"))
        for s in statuses:
            if f"wi2013_{s}_pct" not in fig:
                continue
            label = {"nog_plichtig": "Nog plichtig"}.get(s, s.capitalize())
            share = share_half_up(counts[s], counts["opgelegd"], 1)
            text = printed[f"wi2013_{s}_pct"]
            checks.append(Check(_tekst(fig, f"wi2013_{s}_pct"), f"{label} (aandeel)", text, formatting.procent(share, 1),
                                "aandeel half-up afgerond op één decimaal", "opmaak" if _same_number(text, share) else "percentage"))
        reconciled = rules.reconcile_wi2013(tabel2.frame, status)
        after_mending = rules.reconcile_wi2013(mended.frame, status)
        for r, m in zip(reconciled.itertuples(), after_mending.itertuples()):
            cel, regel = AANSLUITING[r.tabel2_kolom]
            note = ""
            if r.som_tabel2 != r.tekst and m.som_tabel2 == m.tekst:
                note = f"met de waarschijnlijk foute cellen van Tabel 2 hersteld is de som {formatting.aantal(m.som_tabel2)} en sluit Tabel 2 aan"
            checks.append(Check(_tekst(fig, "wi2013_opgelegd", "Tabel 2"), cel, formatting.aantal(r.som_tabel2), formatting.aantal(r.tekst), regel, "aansluiting", note))
    # Per cohort: the text counts opgelegd including vervallen, Tabel 2 without, so the text is at least Tabel 2's Totaal.
    for key in sorted(k for k in fig if re.fullmatch(r"wi2013_cohort_\d{4}_opgelegd", k)):
        cohort = key.split("_")[2]
        if cohort in tabel2.cohorts:
            at_least = int(tabel2.frame.at[tabel2.row(cohort, "Totaal"), "totaal"])
            text = printed[key]
            checks.append(Check(_tekst(fig, key, "Tabel 2"), f"Cohort {cohort} (tekst telt vervallen mee)", text,
                                text if number(text) >= at_least else f"minstens {formatting.aantal(at_least)}",
                                "tekst minstens het Totaal van Tabel 2", "aansluiting"))
    for key in sorted(k for k in fig if re.fullmatch(r"wi2013_cohort_\d{4}_voldaan_pct", k)):
        cohort = key.split("_")[2]
        if cohort in tabel2.cohorts:
            row = tabel2.row(cohort, "Totaal")
            share = share_half_up(int(tabel2.frame.at[row, "voldaan"]), int(tabel2.frame.at[row, "totaal"]))
            checks.append(Check(_tekst(fig, key, "Tabel 2"), f"Cohort {cohort} voldaan (aandeel)", printed[key], f"{int(share)}%", "aandeel half-up afgerond", "percentage"))
    # Section 5.4: rounded loan figures against Tabel 4, with the rule the sentences are written with.
    loans = {r[0]: number(r[1]) for r in tabel4[1:]}
    for categorie, rij in TABEL_4_RIJEN.items():
        key = f"leningen_{categorie}_afgerond"
        if key in fig and rij in loans:
            cel = f"{rij.split(' / ')[0]} (afgerond)"
            checks.append(Check(_tekst(fig, key), cel, printed[key], approximate(printed[key], loans[rij]), "afgerond getal in de tekst past bij Tabel 4", "afronding"))
    return checks


def _same_number(printed: str, value: Decimal) -> bool:
    return Decimal(printed.rstrip("%").replace(",", ".")) == value


def approximate(printed: str, exact: int) -> str:
    """The rounded figure the text should print for `exact`, keeping the printed qualifier.

    The rule is `rounding.approximately`, the one the sentences are written with: the step
    follows from the size of `exact`; "ruim X" is `exact` rounded down, "bijna X" up,
    "circa/afgerond/ongeveer X" half-up; a figure printed without a qualifier is exact.
    """
    qualifier, _, figure = printed.partition(" ")
    if not figure:
        return formatting.aantal(exact)
    return formatting.afgerond(exact, qualifier)


def check_published(folder: Path) -> list[Check]:
    """Every check over the printed letter in `folder`; `klopt` is False for an inconsistency."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LetterError(f"{folder}: no such letter folder")
    t1, t2, t3, t4 = (_read_tsv(folder / f"tabel_{i}.tsv") for i in (1, 2, 3, 4))
    fig = read_text_figures(folder / "tekstcijfers.csv")
    try:
        tabel2_checks, tabel2, mended = check_tabel_2(t2)
        checks = check_tabel_1(t1) + tabel2_checks + check_tabel_3(t3) + check_tabel_4(t4) + check_text(fig, t1, tabel2, mended, t4)
    except (ValueError, IndexError, KeyError) as exc:
        raise LetterError(f"{folder}: a table or figure is not laid out as the letter's ({type(exc).__name__}: {exc})") from None
    # A cell can be checked by more than one rule; keep one verdict per (place, cell, rule).
    seen, unique = set(), []
    for c in checks:
        key = (c.plaats, c.cel, c.regel)
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


def inconsistencies(checks: list[Check]) -> list[Check]:
    """The failed checks, one per cell: a value error hides a format remark on the same cell."""
    failed = [c for c in checks if not c.klopt]
    out, cells = [], set()
    for c in sorted(failed, key=lambda c: c.soort != "waarde"):
        if (c.plaats, c.cel) in cells:
            continue
        cells.add((c.plaats, c.cel))
        out.append(c)
    order = {id(c): i for i, c in enumerate(failed)}
    return sorted(out, key=lambda c: order[id(c)])
