"""Tabel 1-4 of the uitvoeringsbrief, cell for cell as the letter prints them, and their exports.

Each table is rebuilt from the validated stage in the letter's own rows, columns and
labels, so it can be compared digit for digit with `data/published/<brief>/tabel_*.tsv`.
Counts are rounded explicitly (rounding.py) before they are formatted (formatting.py).

One deliberate layout change: Tabel 2 prints its three total columns without a thousands
separator ("9309"); here every count has one ("9.309"), as in the other columns.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kerncijfers import formatting as fmt
from kerncijfers.brief import Brief
from kerncijfers.rounding import average_half_up, share_half_up, to_hundreds
from kerncijfers.schema import DOELGROEPEN_WI2013, ELIP_COHORTEN, LENING_CATEGORIEEN, STATUSSEN_TABEL2
from kerncijfers.store import rows_where, table_history

#: Tables DUO delivers on their own peildata: a brief takes them up to its cut-off.
#: Every other table is taken up to the brief's peildatum.
OWN_PEILDATA = ("elip", "overige_cijfers")

#: Tabel 3 shows this many ELIP peildata, the most recent last.
ELIP_PEILDATA_IN_TABEL_3 = 4

TABEL_2_GROEPEN = {"totaal": "Totaal", "asielstatushouder": "Asiel", "gezinsmigrant_overig": "Gezin & Overig"}
TABEL_2_STATUSSEN = {"voldaan": "Voldaan", "ontheven": "Ontheven", "nog_plichtig": "Nog plichtig"}
TABEL_4_RIJEN = {
    "toegekend": "Toegekende leningen / opgenomen bedrag",
    "kwijtgescholden": "Kwijtgescholden leningen",
    "teniet_gegaan": "Teniet gegane leningen",
    "terugbetalingsfase": "Leningen in terugbetalingsfase",
    "volledig_terugbetaald": "Volledig terugbetaalde leningen",
}

#: Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class MissingDelivery(LookupError):
    """A table of the letter needs a delivery that the validated stage does not hold."""


@dataclass(frozen=True)
class LetterTable:
    """One table of the letter: formatted cells as printed, plus a tidy version for machines."""

    id: str
    title: str
    header: list[list[str]]
    rows: list[list[str]]
    source: str
    tidy: pd.DataFrame

    def to_html(self) -> str:
        """An accessible table: caption, scoped header cells, column groups for group rows."""
        return _html(self)

    def to_markdown(self) -> str:
        """A pipe table in the letter's one-row header layout, title above, source below."""
        return _markdown(self)


# --- which delivery a brief uses ---------------------------------------------------------


def limit_for(brief: Brief, table: str) -> dt.date:
    """The last peildatum `brief` may take `table` from."""
    return brief.cutoff if table in OWN_PEILDATA else brief.peildatum


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


def lookup(frame: pd.DataFrame, table: str, column: str, **key) -> int:
    """The one value of `column` in the row matching `key`; refuses a missing row."""
    rows = rows_where(frame, **key)
    if len(rows) != 1:
        where = ", ".join(f"{k}={v}" for k, v in key.items())
        raise MissingDelivery(f"{table}: expected one row with {where}, found {len(rows)}. Ask DUO to deliver it.")
    return int(frame[column].iloc[rows[0]])


# --- the four tables -----------------------------------------------------------------------


def letter_tables(validated_dir: Path, brief: Brief) -> list[LetterTable]:
    """Tabel 1 to 4 of `brief`, in the letter's order."""
    validated_dir = Path(validated_dir)
    return [tabel_1(validated_dir, brief), tabel_2(validated_dir, brief), tabel_3(validated_dir, brief), tabel_4(validated_dir, brief)]


def tabel_1(validated_dir: Path, brief: Brief) -> LetterTable:
    """Inburgeringsplichtigen and vastgestelde PIP's on the brief's peildatum and the delivery before."""
    history = deliveries(validated_dir, brief, "wi2021_kerncijfers", 2, "Tabel 1")
    header, plicht_row, pip_row, tidy = [""], ["Inburgeringsplichtigen"], ["Vastgestelde PIP's"], []
    for peildatum, frame in history:
        # Wi2021 figures are published in hundreds (footnote 5); the share is of the rounded counts.
        plichtig = to_hundreds(lookup(frame, "wi2021_kerncijfers", "aantal", indicator="inburgeringsplichtigen", doelgroep="totaal"))
        pip = to_hundreds(lookup(frame, "wi2021_kerncijfers", "aantal", indicator="pip_vastgesteld", doelgroep="totaal"))
        pct = share_half_up(pip, plichtig)
        header.append(f"Peildatum {fmt.datum(peildatum)}")
        plicht_row.append(fmt.aantal(plichtig))
        pip_row.append(f"{fmt.aantal(pip)} ({fmt.procent(pct)})")
        tidy += [
            (peildatum, "inburgeringsplichtigen", "aantal", plichtig),
            (peildatum, "pip_vastgesteld", "aantal", pip),
            (peildatum, "pip_vastgesteld", "procent", int(pct)),
        ]
    peildata = " en ".join(fmt.datum(p) for p, _ in history)
    return LetterTable(
        id="tabel_1",
        title="Tabel 1: Vastgestelde PIP's inburgeringsplichtigen",
        header=[header],
        rows=[plicht_row, pip_row],
        source=f"Bron: DUO. Peildata {peildata}. Aantallen afgerond op honderdtallen.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "indicator", "maat", "waarde"]),
    )


def tabel_2(validated_dir: Path, brief: Brief) -> LetterTable:
    """Wi2013 status per cohort; percentages as delivered (largest remainder, rows sum to 100)."""
    [(peildatum, frame)] = deliveries(validated_dir, brief, "wi2013_cohorten", 1, "Tabel 2")
    groups = [""] + [TABEL_2_GROEPEN[g] for g in DOELGROEPEN_WI2013 for _ in range(4)]
    columns = [""]
    for g in DOELGROEPEN_WI2013:
        columns += [TABEL_2_GROEPEN[g]] + [TABEL_2_STATUSSEN[s] for s in STATUSSEN_TABEL2]
    rows, tidy = [], []
    for cohort in sorted(int(c) for c in frame["cohort"].unique()):
        row = [str(cohort)]
        for doelgroep in DOELGROEPEN_WI2013:
            key = {"cohort": cohort, "doelgroep": doelgroep}
            totaal = lookup(frame, "wi2013_cohorten", "totaal", **key)
            row.append(fmt.aantal(totaal))
            tidy.append((peildatum, cohort, doelgroep, "totaal", "aantal", totaal))
            for status in STATUSSEN_TABEL2:
                n = lookup(frame, "wi2013_cohorten", status, **key)
                pct = lookup(frame, "wi2013_cohorten", f"{status}_pct", **key)
                row.append(f"{fmt.aantal(n)} {fmt.procent(Decimal(pct))}")
                tidy += [(peildatum, cohort, doelgroep, status, "aantal", n), (peildatum, cohort, doelgroep, status, "procent", pct)]
        rows.append(row)
    return LetterTable(
        id="tabel_2",
        title="Tabel 2: Slagingspercentages inburgeringsplichtigen per cohort",
        header=[groups, columns],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(peildatum)}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "cohort", "doelgroep", "status", "maat", "waarde"]),
    )


def elip_label(cohort: str) -> str:
    """Tabel 3's column label: '2013' -> "'13", '2022-2023' -> "'22 /'23"."""
    if cohort == "totaal":
        return "Totaal"
    return " /".join(f"'{year[2:]}" for year in cohort.split("-"))


def tabel_3(validated_dir: Path, brief: Brief) -> LetterTable:
    """The ELIP group per cohort over its last peildata up to the cut-off."""
    # The letter shows the last four ELIP peildata; a young history shows what there is.
    history = deliveries(validated_dir, brief, "elip", ELIP_PEILDATA_IN_TABEL_3, "Tabel 3", minimum=1)
    rows, tidy = [], []
    for peildatum, frame in history:
        row = [peildatum.strftime("%d-%m-%Y")]
        for cohort in ELIP_COHORTEN:
            n = lookup(frame, "elip", "aantal", cohort=cohort)
            row.append(fmt.aantal(n))
            tidy.append((peildatum, cohort, "aantal", n))
        rows.append(row)
    return LetterTable(
        id="tabel_3",
        title="Tabel 3: ELIP minstens € 9.500 geleend, per cohort (asielstatushouders)",
        header=[["Cohort Peildatum"] + [elip_label(c) for c in ELIP_COHORTEN]],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(history[-1][0])}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "cohort", "maat", "waarde"]),
    )


def tabel_4(validated_dir: Path, brief: Brief) -> LetterTable:
    """Wi2013 loans since the law's start; the average per loan is derived, half-up to whole euros."""
    [(peildatum, frame)] = deliveries(validated_dir, brief, "wi2013_leningen", 1, "Tabel 4")
    rows, tidy = [], []
    for categorie in LENING_CATEGORIEEN:
        aantal = lookup(frame, "wi2013_leningen", "aantal", categorie=categorie)
        bedrag = lookup(frame, "wi2013_leningen", "bedrag_eur", categorie=categorie)
        tidy += [(peildatum, categorie, "aantal", aantal), (peildatum, categorie, "bedrag_eur", bedrag)]
        if aantal:
            gemiddeld = average_half_up(bedrag, aantal)
            tidy.append((peildatum, categorie, "gemiddeld_eur", gemiddeld))
            gemiddeld_cell = fmt.bedrag(gemiddeld)
        else:
            gemiddeld_cell = "–"  # no loans, no average
        rows.append([TABEL_4_RIJEN[categorie], fmt.aantal(aantal), fmt.bedrag(bedrag), gemiddeld_cell])
    return LetterTable(
        id="tabel_4",
        title="Tabel 4: Leningen DUO Inburgeringsplichtigen Wi2013",
        header=[["", "Aantal", "Bedrag", "Gemiddeld"]],
        rows=rows,
        source=f"Bron: DUO. Peildatum {fmt.datum(peildatum)}.",
        tidy=pd.DataFrame(tidy, columns=["peildatum", "categorie", "maat", "waarde"]),
    )


# --- rendering -----------------------------------------------------------------------------


def spans(cells: list[str]) -> list[tuple[str, int]]:
    """Runs of equal labels in a group row: ['A', 'A', 'B'] -> [('A', 2), ('B', 1)]."""
    out: list[tuple[str, int]] = []
    for cell in cells:
        if out and out[-1][0] == cell:
            out[-1] = (cell, out[-1][1] + 1)
        else:
            out.append((cell, 1))
    return out


def _html(table: LetterTable) -> str:
    e = html.escape
    groups, columns = table.header[:-1], table.header[-1]
    rowspan = f' rowspan="{len(table.header)}"' if groups else ""
    corner = f'<th scope="col"{rowspan}>{e(columns[0])}</th>' if columns[0] else f"<td{rowspan}></td>"
    header_rows = [[f'<th scope="colgroup" colspan="{n}">{e(label)}</th>' for label, n in spans(row[1:])] for row in groups]
    header_rows.append([f'<th scope="col">{e(label)}</th>' for label in columns[1:]])
    header_rows[0].insert(0, corner)
    lines = [f'<table class="kerncijfers-tabel" id="{e(table.id)}">', f"  <caption>{e(table.title)}</caption>"]
    if groups:  # scope="colgroup" refers to these
        lines.append('  <colgroup span="1"></colgroup>')
        lines += [f'  <colgroup span="{n}"></colgroup>' for _, n in spans(groups[0][1:])]
    lines.append("  <thead>")
    lines += ["    <tr>" + "".join(cells) + "</tr>" for cells in header_rows]
    lines += ["  </thead>", "  <tbody>"]
    for row in table.rows:
        cells = [f'<th scope="row">{e(row[0])}</th>'] + [f"<td>{e(c)}</td>" for c in row[1:]]
        lines.append("    <tr>" + "".join(cells) + "</tr>")
    lines += ["  </tbody>", "</table>", f'<p class="bron">{e(table.source)}</p>']
    return "\n".join(lines) + "\n"


def _markdown(table: LetterTable) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    columns = table.header[-1]
    lines = [f"**{table.title}**", "", line(columns), "|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|"]
    lines += [line(row) for row in table.rows]
    lines += ["", table.source]
    return "\n".join(lines) + "\n"


# --- exports -------------------------------------------------------------------------------


def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with an apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def tidy_csv(table: LetterTable) -> bytes:
    """The tidy table as UTF-8 CSV with `\\n` line ends, text cells neutralised."""
    frame = table.tidy.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


#: Zip entry time for every XLSX part: the zip format cannot store dates before 1980.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def letter_xlsx(table: LetterTable, created: dt.datetime) -> bytes:
    """The table in the letter's layout for letter writers, byte-identical for the same input."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.id
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True)
    for row in table.header:
        sheet.append([neutralise(c) for c in row])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for i, row in enumerate(table.header[:-1]):
        r, col = 2 + i, 2
        for _, n in spans(row[1:]):
            if n > 1:
                sheet.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + n - 1)
            col += n
    for row in table.rows:
        sheet.append([neutralise(c) for c in row])
    sheet.append([])
    sheet.append([neutralise(table.source)])
    for i, cells in enumerate(zip(*(table.header + table.rows)), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(len(c) for c in cells) + 2
    # openpyxl's save() stamps the current time; writing through ExcelWriter keeps ours.
    workbook.properties.creator = "kerncijfers"
    workbook.properties.created = workbook.properties.modified = created
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with one fixed timestamp per entry, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_table_exports(tables: list[LetterTable], out_dir: Path, *, created: dt.datetime | None = None) -> list[Path]:
    """Write `<id>.csv` (tidy), `.xlsx` (letter layout), `.html` and `.md` per table; returns the paths.

    The XLSX creation time defaults to the latest peildatum in the tables, so two runs on
    the same data write identical bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if created is None:
        latest = max(str(p) for t in tables for p in t.tidy["peildatum"])  # ISO dates sort as text
        created = dt.datetime.fromisoformat(latest[:10])
    paths = []
    for table in tables:
        contents = {
            "csv": tidy_csv(table),
            "xlsx": letter_xlsx(table, created),
            "html": table.to_html().encode("utf-8"),
            "md": table.to_markdown().encode("utf-8"),
        }
        for ext, data in contents.items():
            path = out_dir / f"{table.id}.{ext}"
            path.write_bytes(data)
            paths.append(path)
    return paths
