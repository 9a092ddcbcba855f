"""`check-published`: the delivery rules, run over a letter as it was printed.

The printed tables and in-text figures (`data/published/<letter>/`) are parsed
back into numbers and checked with the same conventions the deliveries are
held to: sums, the letter's percentage rounding, reconciliation of Tabel 2 with
the text, consistent number formats, and rounded figures in the text against
their table. Every check is recorded, so a reader sees what matched too.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kerncijfers import formatting
from kerncijfers.rounding import half_up, largest_remainder, share_half_up

GROUPS = ("Totaal", "Asiel", "Gezin & Overig")
STATUS_LABELS = ("Voldaan", "Ontheven", "Nog plichtig")


@dataclass(frozen=True)
class Check:
    """One printed cell checked against one rule."""

    plaats: str  # "Tabel 2", "Tekst 5.2", ...
    cel: str  # "2018, Totaal, Voldaan"
    gedrukt: str
    verwacht: str
    regel: str  # the rule, in Dutch, as the report shows it
    soort: str  # waarde, percentage, opmaak, aansluiting, afronding

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
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_tabel_2(rows: list[list[str]]) -> tuple[list[Check], dict]:
    """Tabel 2: formats, Totaal = Asiel + Gezin & Overig, row sums, largest-remainder percentages."""
    checks: list[Check] = []
    data = {}  # (cohort, group) -> {"totaal": (text, n), status: (text, n, pct_text)}
    for row in rows[1:]:
        cohort = row[0]
        for g, group in enumerate(GROUPS):
            base = 1 + 4 * g
            entry = {"totaal": (row[base], number(row[base]))}
            for s, status in enumerate(STATUS_LABELS):
                count, pct = row[base + 1 + s].rsplit(" ", 1)
                entry[status] = (count, number(count), pct)
            data[(cohort, group)] = entry
    cohorts = [r[0] for r in rows[1:]]
    # Format: per column, against the column's own majority.
    for group in GROUPS:
        checks += [Check("Tabel 2", f"{c}, {group}, Totaal", *_fmt_pair(data[(c, group)]["totaal"][0], [data[(x, group)]["totaal"][0] for x in cohorts]), "zelfde getalnotatie als de rest van de kolom", "opmaak") for c in cohorts if data[(c, group)]["totaal"][1] >= 1000]
        for status in STATUS_LABELS:
            column = [data[(x, group)][status][0] for x in cohorts]
            checks += [Check("Tabel 2", f"{c}, {group}, {status}", *_fmt_pair(data[(c, group)][status][0], column), "zelfde getalnotatie als de rest van de kolom", "opmaak") for c in cohorts if data[(c, group)][status][1] >= 1000]
    corrected = {k: {f: v[1] for f, v in e.items()} for k, e in data.items()}
    # Totaal = Asiel + Gezin & Overig, per cohort and column.
    for c in cohorts:
        for field in ("totaal",) + STATUS_LABELS:
            printed = data[(c, "Totaal")][field][0]
            expected = data[(c, "Asiel")][field][1] + data[(c, "Gezin & Overig")][field][1]
            label = "Totaal" if field == "totaal" else field
            checks.append(Check("Tabel 2", f"{c}, Totaal, {label}", _as_count(printed), formatting.aantal(expected),
                                "Totaal is Asiel plus Gezin & Overig", "waarde"))
            corrected[(c, "Totaal")][field] = expected
    # Row sums and percentages on the corrected counts.
    for c in cohorts:
        for group in GROUPS:
            e = corrected[(c, group)]
            parts = [e[s] for s in STATUS_LABELS]
            checks.append(Check("Tabel 2", f"{c}, {group}, Totaal", formatting.aantal(e["totaal"]), formatting.aantal(sum(parts)),
                                "Totaal is Voldaan plus Ontheven plus Nog plichtig", "waarde"))
            if sum(parts) == e["totaal"] and e["totaal"]:
                for status, pct in zip(STATUS_LABELS, largest_remainder(parts, e["totaal"])):
                    checks.append(Check("Tabel 2", f"{c}, {group}, {status} %", data[(c, group)][status][2], f"{int(pct)}%",
                                        "percentages per rij afgerond met de grootste-restmethode (som 100)", "percentage"))
    sums = {field: sum(data[(c, "Totaal")][field][1] for c in cohorts) for field in ("totaal",) + STATUS_LABELS}
    return checks, sums


def _fmt_pair(text: str, column: list[str]) -> tuple[str, str]:
    big = [t for t in column if number(t) >= 1000]
    majority_sep = sum("." in t for t in big) * 2 > len(big)
    return text, (formatting.aantal(number(text)) if majority_sep else str(number(text)))


def _as_count(text: str) -> str:
    """A printed count in canonical Dutch notation, so value checks ignore format slips (reported apart)."""
    return formatting.aantal(number(text))


def check_tabel_1(rows: list[list[str]]) -> list[Check]:
    checks = []
    for col in (1, 2):
        total = number(rows[1][col])
        count_text, pct = rows[2][col].split(" ")
        expected = f"({int(share_half_up(number(count_text), total))}%)"
        checks.append(Check("Tabel 1", f"{rows[0][col]}, Vastgestelde PIP's %", pct, expected, "aandeel half-up afgerond op hele procenten", "percentage"))
    return checks


def check_tabel_3(rows: list[list[str]]) -> list[Check]:
    checks = []
    for row in rows[1:]:
        expected = sum(number(v) for v in row[1:-1])
        checks.append(Check("Tabel 3", f"{row[0]}, Totaal", row[-1], formatting.aantal(expected), "Totaal is de som van de cohorten", "waarde"))
    return checks


def check_tabel_4(rows: list[list[str]]) -> list[Check]:
    checks = []
    for row in rows[1:]:
        expected = formatting.bedrag(half_up(Decimal(number(row[2])) / Decimal(number(row[1]))))
        checks.append(Check("Tabel 4", f"{row[0]}, Gemiddeld", row[3], expected, "Gemiddeld is Bedrag gedeeld door Aantal, half-up op hele euro's", "waarde"))
    return checks


def read_text_figures(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["id"]: r["gedrukt"] for r in csv.DictReader(f)}


def check_text(fig: dict[str, str], tabel1: list[list[str]], tabel2_sums: dict, tabel4: list[list[str]], tabel2_rows) -> list[Check]:
    checks = []
    # Section 2: the Wi2021 population adds up and matches Tabel 1.
    parts = sum(number(fig[k]) for k in ("wi2021_asielstatushouders", "wi2021_gezinsmigranten", "wi2021_overige_migranten"))
    checks.append(Check("Tekst 2", "Inburgeraars Wi2021", fig["wi2021_inburgeraars"], formatting.aantal(parts), "totaal is de som van de doelgroepen", "waarde"))
    checks.append(Check("Tekst 2 × Tabel 1", "Inburgeraars 1 oktober 2023", fig["wi2021_inburgeraars"], tabel1[1][2], "tekst gelijk aan de tabel", "aansluiting"))
    checks.append(Check("Tekst 2.1 × Tabel 1", "PIP's 1 oktober 2023", fig["pip_aantal_oktober"], tabel1[2][2].split(" ")[0], "tekst gelijk aan de tabel", "aansluiting"))
    checks.append(Check("Tekst 2.1 × Tabel 1", "PIP's 1 mei 2023", fig["pip_aantal_mei"], tabel1[2][1].split(" ")[0], "tekst gelijk aan de tabel", "aansluiting"))
    checks.append(Check("Tekst 2.1", "Aanbod asielstatushouders %", fig["aanbod_pct_oktober"],
                        f"{int(share_half_up(number(fig['aanbod_aantal_oktober']), number(fig['pip_asiel_oktober'])))} procent",
                        "aandeel half-up afgerond op hele procenten", "percentage"))
    # Section 5.2: the breakdown adds up, its shares (half-up, one decimal) and Tabel 2.
    statuses = ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")
    total = number(fig["wi2013_opgelegd"])
    counts = {s: number(fig[f"wi2013_{s}"]) for s in statuses}
    checks.append(Check("Tekst 5.2", "Opgelegd", fig["wi2013_opgelegd"], formatting.aantal(sum(counts.values())), "totaal is de som van de statussen", "waarde"))
    for s in statuses:
        label = {"nog_plichtig": "Nog plichtig"}.get(s, s.capitalize())
        checks.append(Check("Tekst 5.2", f"{label} (aandeel)", fig[f"wi2013_{s}_pct"], formatting.procent(share_half_up(counts[s], total, 1), 1),
                            "aandeel half-up afgerond op één decimaal", "opmaak" if _same_number(fig[f"wi2013_{s}_pct"], share_half_up(counts[s], total, 1)) else "percentage"))
    reconciliations = [
        ("Som Totaal over de cohorten", tabel2_sums["totaal"], total - counts["vervallen"], "Tabel 2 telt zonder vervallen"),
        ("Som Voldaan over de cohorten", tabel2_sums["Voldaan"], counts["ingeburgerd"] + counts["vrijgesteld"], "Voldaan in Tabel 2 is ingeburgerd plus vrijgesteld"),
        ("Som Ontheven over de cohorten", tabel2_sums["Ontheven"], counts["ontheven"], "gelijk aan de tekst"),
        ("Som Nog plichtig over de cohorten", tabel2_sums["Nog plichtig"], counts["nog_plichtig"], "gelijk aan de tekst"),
    ]
    for cel, printed, expected, rule in reconciliations:
        checks.append(Check("Tekst 5.2 × Tabel 2", cel, formatting.aantal(printed), formatting.aantal(expected), rule, "aansluiting"))
    cohort_2022 = next(r for r in tabel2_rows[1:] if r[0] == "2022")
    cohort_2023 = next(r for r in tabel2_rows[1:] if r[0] == "2023")
    checks.append(Check("Tekst 5.2 × Tabel 2", "Cohort 2023", fig["wi2013_cohort_2023_opgelegd"], cohort_2023[1], "tekst gelijk aan de tabel (geen vervallen)", "aansluiting"))
    at_least = number(cohort_2022[1])
    printed_2022 = number(fig["wi2013_cohort_2022_opgelegd"])
    checks.append(Check("Tekst 5.2 × Tabel 2", "Cohort 2022 (tekst telt vervallen mee)", fig["wi2013_cohort_2022_opgelegd"],
                        fig["wi2013_cohort_2022_opgelegd"] if printed_2022 >= at_least else f"minstens {formatting.aantal(at_least)}",
                        "tekst minstens het Totaal van Tabel 2", "aansluiting"))
    voldaan_2022 = number(cohort_2022[2].split(" ")[0])
    checks.append(Check("Tekst 5.2 × Tabel 2", "Cohort 2022 voldaan (aandeel)", fig["wi2013_cohort_2022_voldaan_pct"],
                        f"{int(share_half_up(voldaan_2022, number(cohort_2022[1])))}%", "aandeel half-up afgerond", "percentage"))
    # Section 5.4: rounded loan figures against Tabel 4.
    loans = {r[0]: number(r[1]) for r in tabel4[1:]}
    rounded = [
        ("leningen_toegekend_afgerond", "Toegekende leningen (afgerond)", loans["Toegekende leningen / opgenomen bedrag"]),
        ("leningen_kwijtgescholden_afgerond", "Kwijtgescholden leningen (afgerond)", loans["Kwijtgescholden leningen"]),
        ("leningen_terugbetalingsfase_afgerond", "Leningen in terugbetalingsfase (afgerond)", loans["Leningen in terugbetalingsfase"]),
        ("leningen_volledig_terugbetaald_afgerond", "Volledig terugbetaalde leningen (afgerond)", loans["Volledig terugbetaalde leningen"]),
    ]
    for key, cel, exact in rounded:
        checks.append(Check("Tekst 5.4", cel, fig[key], approximate(fig[key], exact), "afgerond getal in de tekst past bij Tabel 4", "afronding"))
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
    t1, t2, t3, t4 = (_read_tsv(folder / f"tabel_{i}.tsv") for i in (1, 2, 3, 4))
    tabel2_checks, sums = check_tabel_2(t2)
    fig = read_text_figures(folder / "tekstcijfers.csv")
    checks = check_tabel_1(t1) + tabel2_checks + check_tabel_3(t3) + check_tabel_4(t4) + check_text(fig, t1, sums, t4, t2)
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
