"""A letter table as an accessible spreadsheet: numbers as numbers, one header row, a cover sheet.

As the UK Government Analysis Function's guidance on releasing statistics in spreadsheets
(and its `gptables`) asks: a cover sheet that says what the workbook holds (title, source,
peildatum, notes, licence); the table on a sheet of its own, starting in A1 with its title,
with one header row and no merged cells, marked as an Excel table so that a screen reader
announces the column headers; every figure a number cell with a Dutch display format, a
count and its percentage in cells of their own. Excel then sums the cells and does not flag
them as numbers stored as text.

The table sheet is the tidy table (`LetterTable.tidy`) in the letter's shape: one row per
row of the letter, one column per remaining dimension and measure.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

from kerncijfers import formatting as fmt
from kerncijfers.report.publication import publication

#: Excel display formats per measure (`maat`); Excel shows them with the reader's separators.
NUMBER_FORMATS = {
    "aantal": "#,##0",
    "procent": '0"%"',
    "bedrag_eur": '"€" #,##0',
    "gemiddeld_eur": '"€" #,##0',
}
#: How a measure is named in a column header.
MEASURE_LABELS = {"aantal": "aantal", "procent": "%", "bedrag_eur": "bedrag (€)", "gemiddeld_eur": "gemiddeld (€)"}

COVER_SHEET = "Toelichting"
TABLE_SHEET = "Tabel"

#: Zip entry time for every XLSX part: the zip format cannot store dates before 1980.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _label(value) -> str:
    """A dimension value as a header or row label: dates in Dutch, codes with spaces."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return fmt.datum(value)
    text = str(value)
    try:
        return fmt.datum(dt.date.fromisoformat(text))
    except ValueError:
        return text.replace("_", " ")


def row_dimension(table) -> str:
    """The dimension whose values are the letter's rows: one value per printed row (peildatum last)."""
    dims = [c for c in table.tidy.columns if c not in ("maat", "waarde")]
    candidates = [d for d in dims if d != "peildatum"] + (["peildatum"] if "peildatum" in dims else [])
    for dim in candidates:
        if table.tidy[dim].nunique() == len(table.rows):
            return dim
    raise ValueError(f"{table.id}: no dimension of its tidy table has one value per row of the letter ({len(table.rows)} rows)")


def wide(table) -> tuple[list[str], list[list], list[str]]:
    """Header, rows and per column the measure, of the table in the letter's shape from its tidy table."""
    tidy = table.tidy
    row_dim = row_dimension(table)
    column_dims = [c for c in tidy.columns if c not in (row_dim, "waarde", "maat")]
    constant = [d for d in column_dims if tidy[d].nunique() == 1]  # the same in every cell: said on the cover
    column_dims = [d for d in column_dims if d not in constant] + ["maat"]
    row_keys = list(dict.fromkeys(tidy[row_dim]))
    column_keys = list(dict.fromkeys(tidy[column_dims].itertuples(index=False, name=None)))
    values = {(r, tuple(c)): v for r, *c, v in tidy[[row_dim, *column_dims, "waarde"]].itertuples(index=False, name=None)}
    header = [row_dim.capitalize()]
    for key in column_keys:
        parts = [_label(p) if d != "maat" else MEASURE_LABELS.get(p, p) for d, p in zip(column_dims, key)]
        # Tabel 2's total is status "totaal" of doelgroep "totaal": say it once.
        parts = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
        header.append(", ".join(parts))
    rows = [[_label(r)] + [values.get((r, key)) for key in column_keys] for r in row_keys]
    measures = [""] + [key[-1] for key in column_keys]
    return header, rows, measures


def accessible_xlsx(table, created: dt.datetime) -> bytes:
    """The workbook for `table` (a report.tables.LetterTable), byte-identical for the same input."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo
    from openpyxl.writer.excel import ExcelWriter

    from kerncijfers.formatting import neutralise
    from kerncijfers.report.vaststelling import VERSION_NOTE

    header, rows, measures = wide(table)
    settings = publication()
    peildata = sorted({str(p)[:10] for p in table.tidy["peildatum"]})

    workbook = Workbook()
    cover = workbook.active
    cover.title = COVER_SHEET
    lines = [
        (neutralise(table.title), None),
        ("Dit werkblad", f"Toelichting bij de tabel op het werkblad '{TABLE_SHEET}'."),
        ("Bron", neutralise(table.source)),
        ("Peildatum", ", ".join(fmt.datum(dt.date.fromisoformat(p)) for p in peildata)),
        ("Opmaak", "Elk cijfer staat als getal in een eigen cel; aantal en percentage staan in aparte kolommen."),
    ]
    if any(v is None for row in rows for v in row[1:]):
        lines.append(("Lege cel", "Geen waarde: er is niets om te tonen (bijvoorbeeld een gemiddelde zonder leningen)."))
    lines += [
        ("Uitgever", settings.uitgever),
        ("Licentie", f"{settings.licentie_titel} ({settings.licentie}), {settings.licentie_url}"),
        ("Contact", f"{settings.contact_naam}, {settings.contact_email}"),
        ("Versie", VERSION_NOTE.format(versies="versies.csv in dezelfde map", map="de map versies/ van de brief op de site")),
    ]
    for label, text in lines:
        cover.append([label] if text is None else [label, text])
    cover["A1"].font = Font(bold=True, size=14)
    for row in cover.iter_rows(min_row=2, max_col=1):
        row[0].font = Font(bold=True)
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 100

    sheet = workbook.create_sheet(TABLE_SHEET)
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([neutralise(table.source)])
    first = sheet.max_row + 1
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(row[0]), *row[1:]])
    for column, measure in enumerate(measures, start=1):
        for (cell,) in sheet.iter_rows(min_row=first + 1, min_col=column, max_col=column):
            if measure in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[measure]
        width = max(len(str(header[column - 1])), *(len(str(r[column - 1])) for r in rows)) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(width, 40)
    ref = f"A{first}:{get_column_letter(len(header))}{sheet.max_row}"
    grid = Table(displayName=table.id.capitalize(), ref=ref)
    grid.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(grid)

    # openpyxl's save() stamps the current time; writing through ExcelWriter keeps ours.
    workbook.properties.creator = "kerncijfers"
    workbook.properties.title = table.title
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
