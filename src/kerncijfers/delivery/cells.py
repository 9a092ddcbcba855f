"""A table file's cells as text, before any column is typed: decoding a CSV, opening a workbook.

Everything here concerns the file as a container (size, encoding, separator, sheets, merged
cells, formulas); what a cell means is `columns`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kerncijfers.errors import refuse

#: A DUO table is a few KB. Anything far larger is a wrong file; refuse before reading it.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: An .xlsx is a zip: what openpyxl holds in memory is the unpacked size, which a small file can hide.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
#: How far down a file we look for a header that was pushed down by title rows.
HEADER_SEARCH_ROWS = 10
#: What the separator sniffing may find, by name for messages.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
#: The decimal separator that goes with a CSV's column separator. Semicolons are what Dutch Excel's
#: "CSV (puntkomma)" writes, because its decimal separator, the comma, is taken: such a file has
#: decimal commas ("34,5"). A comma-separated file has decimal points ("34.5").
DECIMAL_SEPARATOR = {",": ".", ";": ","}


def check_size(path: Path, shown: str) -> None:
    """Refuse an empty file, or one far larger than any DUO table, before reading it."""
    size = path.stat().st_size
    if size == 0:
        raise refuse(shown, "file-not-empty", "the file is empty", "Export the table again; the file has no header and no rows.")
    if size > MAX_FILE_BYTES:
        raise refuse(
            shown, "file-size", f"the file is {size / 1024 / 1024:.1f} MB, far larger than any DUO table",
            f"Check that this is the right file; a table file may be at most {MAX_FILE_BYTES // 1024 // 1024} MB.",
        )


def _decode(raw: bytes, shown: str) -> str:
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise refuse(
            shown, "known-format", "the file is an Excel workbook with a .csv name, not a CSV text file",
            "Open it in Excel and save it as 'CSV UTF-8 (door komma's gescheiden)', or rename it to .xlsx if it is one.",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(shown, "encoding", "the file is UTF-16 encoded", "Save it as CSV UTF-8 (Excel: 'CSV UTF-8 (door komma's gescheiden)').")
    if b"\x00" in raw:
        # UTF-16 without a byte order mark decodes as UTF-8 with a NUL after every letter.
        raise refuse(
            shown, "encoding", "the file holds NUL bytes: it is UTF-16 without a byte order mark, or not a text file",
            "Save it as CSV UTF-8 (Excel: 'CSV UTF-8 (door komma's gescheiden)').",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's plain "CSV" on a Dutch Windows machine writes Windows-1252.
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        line = raw[start : end if end >= 0 else len(raw)].decode("cp1252", errors="replace").rstrip("\r")
        raise refuse(
            shown, "encoding", f"byte {raw[exc.start]:#04x} in this row is neither UTF-8 nor Windows-1252",
            "Save the file as CSV UTF-8 and check the row's special characters.",
            row=raw.count(b"\n", 0, exc.start) + 1, value=line[:80],
        ) from None


def read_csv_cells(path: Path, shown: str) -> tuple[list[list[str]], str]:
    """The rows of a CSV file as text cells, and its decimal separator (`DECIMAL_SEPARATOR`)."""
    import csv

    text = _decode(path.read_bytes(), shown)
    # Count lines before parsing: parsed rows cost far more memory than the text.
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise refuse(
            shown, "file-size", f"the file has {lines} rows, far more than any DUO table",
            f"Check that this is the right file; a table has at most {MAX_ROWS} rows.",
        )
    sep = _sniff_separator(text, shown)
    return list(csv.reader(text.splitlines(keepends=True), delimiter=sep)), DECIMAL_SEPARATOR[sep]


def _sniff_separator(text: str, shown: str) -> str:
    """The separator of the header: the first line naming peildatum (every table's first column), else of the first rows."""
    head = text[:8192].splitlines()[:HEADER_SEARCH_ROWS]
    header = [line for line in head if "peildatum" in line][:1] or head
    counts = {sep: sum(line.count(sep) for line in header) for sep in SEPARATORS}
    sep = max(counts, key=lambda s: counts[s])
    first = next(((i, ln) for i, ln in enumerate(head) if ln.count(sep)), (0, head[0] if head else ""))
    if counts[sep] == 0:
        raise refuse(
            shown, "separator", "cannot find a comma or semicolon between the column names",
            "Separate columns with a comma or a semicolon (Excel: save as CSV).", row=first[0] + 1, value=first[1][:60],
        )
    if sep not in (",", ";"):
        raise refuse(
            shown, "separator", f"the columns are separated by {SEPARATORS[sep]}, not by commas or semicolons",
            "Save the file as CSV (Excel: 'CSV UTF-8 (door komma's gescheiden)'), so that a comma separates the columns.",
            row=first[0] + 1, value=first[1][:60],
        )
    return sep


def read_xlsx_cells(path: Path, shown: str) -> tuple[list[list[str]], list[list[str]]]:
    """The rows of a workbook's one sheet as text cells, and each cell's kind (empty, text, date, number)."""
    import warnings

    from openpyxl import load_workbook

    _check_unpacked_size(path, shown)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise refuse(shown, "xlsx-readable", f"the workbook cannot be opened ({type(exc).__name__})", "Save it again from Excel as .xlsx.") from None
    ws = wb.worksheets[0]
    if len(wb.worksheets) > 1:
        raise refuse(
            shown, "xlsx-one-sheet", f"the workbook has {len(wb.worksheets)} sheets ({', '.join(wb.sheetnames)})",
            "Keep one sheet per table file.",
        )
    if ws.merged_cells.ranges:
        first = min(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
        top_left = ws.cell(first.min_row, first.min_col).value
        raise refuse(
            shown, "xlsx-no-merged-cells", f"cells {first.coord} are merged", "Unmerge the cells and put one value in each cell.",
            row=first.min_row, value=None if top_left is None else str(top_left),
        )
    if ws.max_row > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise refuse(shown, "file-size", f"the sheet has {ws.max_row} rows, far more than any DUO table", "Check that this is the right file.")
    cells, kinds = [], []
    for row in ws.iter_rows():
        values, types = [], []
        for cell in row:
            if cell.data_type == "f":
                raise refuse(
                    shown, "xlsx-no-formulas", f"cell {cell.coordinate} holds a formula", "Paste the values only (Excel: Plakken speciaal > Waarden).",
                    row=cell.row, value=str(cell.value),
                )
            v = cell.value
            if v is None:
                values.append(""); types.append("empty")
            elif isinstance(v, bool):
                values.append(str(v)); types.append("text")
            elif isinstance(v, (dt.datetime, dt.date)):
                values.append((v.date() if isinstance(v, dt.datetime) else v).isoformat()); types.append("date")
            elif isinstance(v, (int, float)):
                values.append(repr(int(v)) if float(v).is_integer() else repr(v)); types.append("number")
            else:
                values.append(str(v)); types.append("text")
        cells.append(values)
        kinds.append(types)
    return cells, kinds


def _check_unpacked_size(path: Path, shown: str) -> None:
    """Refuse a workbook that unpacks to far more than a DUO table, before openpyxl loads it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise refuse(shown, "xlsx-readable", "the workbook cannot be opened (it is not a valid .xlsx file)", "Save it again from Excel as .xlsx.") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise refuse(
            shown, "file-size", f"the workbook unpacks to {unpacked / 1024 / 1024:.0f} MB, far larger than any DUO table",
            f"Check that this is the right file; a table has at most {MAX_ROWS} rows.",
        )


