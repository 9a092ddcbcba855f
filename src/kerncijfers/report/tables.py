"""Tabel 1-4 of the uitvoeringsbrief, cell for cell as the letter prints them, and their exports.

Each table is rebuilt from the validated stage in the letter's own rows, columns and
labels, so it can be compared digit for digit with `data/published/<brief>/tabel_*.tsv`.
Every cell is a figure of the catalogue (catalogue/cells.py), computed there with its record;
this module lays the cells out and writes the exports.

One deliberate layout change: Tabel 2 prints its three total columns without a thousands
separator ("9309"); here every count has one ("9.309"), as in the other columns.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kerncijfers import formatting as fmt
from kerncijfers.formatting import neutralise
from kerncijfers.brief import OWN_PEILDATA, Brief, limit_for  # noqa: F401 - both also imported from here by the pages
from kerncijfers.report.markup import html_table
from kerncijfers.catalogue import cells
from kerncijfers.catalogue.cells import MissingDelivery, TABEL_2_GROEPEN, TABEL_2_STATUSSEN, TABEL_4_RIJEN  # noqa: F401 - pages import them from here
from kerncijfers.provenance import Figure, Ledger, Recorder
from kerncijfers.provenance_text import figure_html
from kerncijfers.schema import DOELGROEPEN_WI2013, ELIP_COHORTEN, LENING_CATEGORIEEN, STATUSSEN_TABEL2
from kerncijfers.store import table_history


#: Tabel 3 shows this many ELIP peildata, the most recent last.
ELIP_PEILDATA_IN_TABEL_3 = 4


@dataclass(frozen=True)
class LetterTable:
    """One table of the letter: formatted cells as printed, plus a tidy version for machines."""

    id: str
    title: str
    header: list[list[str]]
    rows: list[list[str]]
    source: str
    tidy: pd.DataFrame
    #: The provenance of each number cell, by (row, column) position in `rows`; empty without a ledger.
    provenance: dict[tuple[int, int], Figure] = field(default_factory=dict, compare=False)

    def to_html(self, provenance: bool = True) -> str:
        """An accessible table (markup.html_table): caption, scoped header cells, column groups for
        group rows; each number cell opens its provenance, unless `provenance` is False (Word)."""
        return _html(self, provenance)

    def to_markdown(self) -> str:
        """A pipe table in the letter's one-row header layout, title above, source below."""
        return _markdown(self)


# --- which delivery a brief uses ---------------------------------------------------------


def deliveries(
    validated_dir: Path, brief: Brief, table: str, count: int, needed_for: str, minimum: int | None = None
) -> list[tuple[dt.date, pd.DataFrame]]:
    """The last `count` deliveries of `table` the brief may use, oldest first; refuses when there are fewer than `minimum` (default `count`)."""
    limit = limit_for(brief, table)
    history = table_history(validated_dir, table, limit, last=count)
    if len(history) < (count if minimum is None else minimum):
        found = ", ".join(p for p, _ in history) or "none"
        raise MissingDelivery(
            f"{needed_for} needs {count} validated deliveries of {table} up to {limit}; found: {found} "
            f"in {validated_dir}. Validate the missing delivery first (data/raw/<peildatum>/{table}.csv)."
        )
    return [(dt.date.fromisoformat(p), frame) for p, frame in history]


# --- the four tables -----------------------------------------------------------------------


def letter_tables(validated_dir: Path, brief: Brief, raw_dir: Path | None = None) -> list[LetterTable]:
    """Tabel 1 to 4 of `brief`, in the letter's order; with `raw_dir`, each number cell with its provenance."""
    validated_dir = Path(validated_dir)
    ledger = Ledger(validated_dir, raw_dir) if raw_dir is not None else None
    return [make(validated_dir, brief, ledger) for make in (tabel_1, tabel_2, tabel_3, tabel_4)]


def _with_provenance(table: LetterTable, recorder: Recorder, positions: list[tuple[int, int]]) -> LetterTable:
    """The table with each recorded figure at its cell; `positions` in the order the figures were recorded."""
    if not recorder:
        return table
    return LetterTable(**{**table.__dict__, "provenance": dict(zip(positions, recorder.figures, strict=True))})


def tabel_1(validated_dir: Path, brief: Brief, ledger: Ledger | None = None) -> LetterTable:
    """Inburgeringsplichtigen and vastgestelde PIP's on the brief's peildatum and the delivery before."""
    history = deliveries(validated_dir, brief, "wi2021_kerncijfers", 2, "Tabel 1")
    header, plicht_row, pip_row, tidy = [""], ["Inburgeringsplichtigen"], ["Vastgestelde PIP's"], []
    recorder, positions = Recorder(ledger, "tabel_1"), []
    for column, (peildatum, frame) in enumerate(history, start=1):
        stand = cells.pip_stand(peildatum, frame)
        header.append(f"Peildatum {fmt.datum(peildatum)}")
        plichtig, pip = cells.tabel_1_cellen(stand, header[-1], (plicht_row[0], pip_row[0]))
        plicht_row.append(plichtig.shown)
        pip_row.append(pip.shown)
        tidy += [
            (peildatum, "inburgeringsplichtigen", "aantal", stand.plichtig),
            (peildatum, "pip_vastgesteld", "aantal", stand.pip),
            (peildatum, "pip_vastgesteld", "procent", int(stand.pct)),
        ]
        recorder.record(plichtig.record, pip.record)
        positions += [(0, column), (1, column)]
    peildata = " en ".join(fmt.datum(p) for p, _ in history)
    return _with_provenance(LetterTable(
        id="tabel_1",
        title="Tabel 1: Vastgestelde PIP's inburgeringsplichtigen",
        header=[header],
        rows=[plicht_row, pip_row],
        source=f"Bron: DUO. Peildata {peildata}. Aantallen afgerond op honderdtallen.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "indicator", "maat", "waarde"]),
    ), recorder, positions)


def tabel_2(validated_dir: Path, brief: Brief, ledger: Ledger | None = None) -> LetterTable:
    """Wi2013 status per cohort; percentages as delivered (largest remainder, rows sum to 100)."""
    [(peildatum, frame)] = deliveries(validated_dir, brief, "wi2013_cohorten", 1, "Tabel 2")
    groups = [""] + [TABEL_2_GROEPEN[g] for g in DOELGROEPEN_WI2013 for _ in range(4)]
    columns = [""]
    for g in DOELGROEPEN_WI2013:
        columns += [TABEL_2_GROEPEN[g]] + [TABEL_2_STATUSSEN[s] for s in STATUSSEN_TABEL2]
    rows, tidy = [], []
    recorder, positions = Recorder(ledger, "tabel_2"), []
    for cohort in sorted(int(c) for c in frame["cohort"].unique()):
        row = [str(cohort)]
        for doelgroep in DOELGROEPEN_WI2013:
            totaal, per_status = cells.tabel_2_cellen(peildatum, frame, cohort, doelgroep, STATUSSEN_TABEL2)
            row.append(totaal.shown)
            tidy.append((peildatum, cohort, doelgroep, "totaal", "aantal", totaal.waarde))
            recorder.record(totaal.record)
            positions.append((len(rows), len(row) - 1))
            for status, (cel, pct) in zip(STATUSSEN_TABEL2, per_status):
                row.append(cel.shown)
                tidy += [(peildatum, cohort, doelgroep, status, "aantal", cel.waarde), (peildatum, cohort, doelgroep, status, "procent", pct)]
                recorder.record(cel.record)
                positions.append((len(rows), len(row) - 1))
        rows.append(row)
    return _with_provenance(LetterTable(
        id="tabel_2",
        title="Tabel 2: Slagingspercentages inburgeringsplichtigen per cohort",
        header=[groups, columns],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(peildatum)}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "cohort", "doelgroep", "status", "maat", "waarde"]),
    ), recorder, positions)


def elip_label(cohort: str) -> str:
    """Tabel 3's column label: '2013' -> "'13", '2022-2023' -> "'22 /'23"."""
    if cohort == "totaal":
        return "Totaal"
    return " /".join(f"'{year[2:]}" for year in cohort.split("-"))


def tabel_3(validated_dir: Path, brief: Brief, ledger: Ledger | None = None) -> LetterTable:
    """The ELIP group per cohort over its last peildata up to the cut-off."""
    # The letter shows the last four ELIP peildata; a young history shows what there is.
    history = deliveries(validated_dir, brief, "elip", ELIP_PEILDATA_IN_TABEL_3, "Tabel 3", minimum=1)
    rows, tidy = [], []
    recorder, positions = Recorder(ledger, "tabel_3"), []
    for peildatum, frame in history:
        row = [peildatum.strftime("%d-%m-%Y")]
        for cohort in ELIP_COHORTEN:
            cel = cells.tabel_3_cel(peildatum, frame, cohort, elip_label(cohort))
            row.append(cel.shown)
            tidy.append((peildatum, cohort, "aantal", cel.waarde))
            recorder.record(cel.record)
            positions.append((len(rows), len(row) - 1))
        rows.append(row)
    return _with_provenance(LetterTable(
        id="tabel_3",
        title="Tabel 3: ELIP minstens € 9.500 geleend, per cohort (asielstatushouders)",
        header=[["Cohort Peildatum"] + [elip_label(c) for c in ELIP_COHORTEN]],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(history[-1][0])}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "cohort", "maat", "waarde"]),
    ), recorder, positions)


def tabel_4(validated_dir: Path, brief: Brief, ledger: Ledger | None = None) -> LetterTable:
    """Wi2013 loans since the law's start; the average per loan is derived, half-up to whole euros."""
    [(peildatum, frame)] = deliveries(validated_dir, brief, "wi2013_leningen", 1, "Tabel 4")
    rows, tidy = [], []
    recorder, positions = Recorder(ledger, "tabel_4"), []
    header = ["", "Aantal", "Bedrag", "Gemiddeld"]
    for categorie in LENING_CATEGORIEEN:
        aantal, bedrag, gemiddeld = cells.tabel_4_rij(peildatum, frame, categorie, tuple(header[1:]))
        tidy += [(peildatum, categorie, "aantal", aantal.waarde), (peildatum, categorie, "bedrag_eur", bedrag.waarde)]
        if gemiddeld.waarde is not None:
            tidy.append((peildatum, categorie, "gemiddeld_eur", gemiddeld.waarde))
        recorder.record(aantal.record, bedrag.record, gemiddeld.record)
        positions += [(len(rows), 1), (len(rows), 2), (len(rows), 3)]
        rows.append([TABEL_4_RIJEN[categorie], aantal.shown, bedrag.shown, gemiddeld.shown])
    return _with_provenance(LetterTable(
        id="tabel_4",
        title="Tabel 4: Leningen DUO Inburgeringsplichtigen Wi2013",
        header=[header],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(peildatum)}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "categorie", "maat", "waarde"]),
    ), recorder, positions)


# --- rendering -----------------------------------------------------------------------------


def _html(table: LetterTable, provenance: bool = True) -> str:
    e = html.escape
    def opens_its_record(r: int, c: int, text: str) -> str:
        # A number cell with a record opens it (provenance_text.figure_html); popover ids are unique on a page.
        return figure_html(table.provenance.get((r, c)), f"{table.id}-{r}-{c}", text)

    cell = opens_its_record if provenance and table.provenance else None
    numeric = range(1, len(table.header[-1]))
    grid = html_table(table.title, table.header, table.rows, numeric=numeric, css_class="kerncijfers-tabel",
                      table_id=table.id, scroll=False, cell=cell)
    return f'{grid}\n<p class="bron">{e(table.source)}</p>\n'


def _markdown(table: LetterTable) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    columns = table.header[-1]
    lines = [f"**{table.title}**", "", line(columns), "|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|"]
    lines += [line(row) for row in table.rows]
    lines += ["", table.source]
    return "\n".join(lines) + "\n"


# --- exports -------------------------------------------------------------------------------


def tidy_csv(table: LetterTable) -> bytes:
    """The tidy table as UTF-8 CSV with `\\n` line ends, text cells neutralised."""
    frame = table.tidy.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_table_exports(tables: list[LetterTable], out_dir: Path, *, created: dt.datetime | None = None) -> list[Path]:
    """Write `<id>.csv` (tidy), `.xlsx` (report.xlsx), `.html` and `.md` per table; returns the paths.

    The XLSX creation time defaults to the latest peildatum in the tables, so two runs on
    the same data write identical bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if created is None:
        latest = max(str(p) for t in tables for p in t.tidy["peildatum"])  # ISO dates sort as text
        created = dt.datetime.fromisoformat(latest[:10])
    from kerncijfers.report.xlsx import accessible_xlsx

    paths = []
    for table in tables:
        contents = {
            "csv": tidy_csv(table),
            "xlsx": accessible_xlsx(table, created),
            "html": table.to_html().encode("utf-8"),
            "md": table.to_markdown().encode("utf-8"),
        }
        for ext, data in contents.items():
            path = out_dir / f"{table.id}.{ext}"
            path.write_bytes(data)
            paths.append(path)
    return paths
