"""`kerncijfers template`: an empty delivery with the contract's headers, to fill in.

Analysts get the exact header (and, in XLSX, drop-down lists of the allowed
codes), so the most common refusals cannot happen in the first place.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kerncijfers.schema import TABLES, Table

#: A fixed creation time keeps template workbooks byte-identical.
FIXED_TIME = dt.datetime(2000, 1, 1)


def write_csv(table: Table, path: Path) -> None:
    path.write_text(",".join(table.column_names) + "\n", encoding="utf-8", newline="\n")


def write_xlsx(table: Table, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = table.name[:31]
    ws.append(list(table.column_names))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, len(col.name) + 2)
        if col.dtype in ("date", "code", "text"):
            # Text format stops Excel from turning 2023-10-01 into a serial number.
            for row in range(2, 202):
                ws.cell(row=row, column=i).number_format = "@"
        if col.codes:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.codes) + '"', allow_blank=False)
            dv.error = f"Kies een van: {', '.join(col.codes)}"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}201")
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "kerncijfers"
    wb.save(path)


def write_template(folder: Path, peildatum: str, fmt: str = "csv", tables: list[str] | None = None) -> list[Path]:
    """Write one header-only file per table into a new folder; refuses to touch an existing one."""
    try:
        dt.date.fromisoformat(peildatum)
    except ValueError as exc:
        raise ValueError(f"peildatum {peildatum!r} is not a date written as YYYY-MM-DD ({exc})") from None
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; a template is only written into a new folder")
    names = tables or list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {', '.join(unknown)}; tables: {', '.join(TABLES)}")
    folder.mkdir(parents=True)
    paths = []
    for name in names:
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            write_csv(TABLES[name], path)
        else:
            write_xlsx(TABLES[name], path)
        paths.append(path)
    return paths
