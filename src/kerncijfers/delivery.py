"""Read one DUO delivery: the folder `data/raw/<peildatum>/`, one file per table.

Everything an analyst can get wrong in a file is caught here, before any rule
runs: encoding, separator, header, empty rows, Excel artefacts and cell types.
The row numbers in messages are the ones the analyst sees in Excel or an
editor (the header is row 1), and every table is indexed by them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerncijfers.errors import DeliveryError, refuse
from kerncijfers.schema import TABLES, Table

MANIFEST = "SHA256SUMS"
#: Files in a delivery folder that are not tables.
NON_TABLE_FILES = {MANIFEST, "README.md", "LEESMIJ.md"}
SUFFIXES = (".csv", ".xlsx")
#: A DUO table is a few KB. Anything far larger is a wrong file; refuse before reading it.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: An .xlsx is a zip: what openpyxl holds in memory is the unpacked size, which a small file can hide.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
#: How far down an Excel sheet we look for a header that was pushed down by title rows.
HEADER_SEARCH_ROWS = 10

PEILDATUM_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^-?\d+$")
DECIMAL_RE = re.compile(r"^-?\d+(\.\d+)?$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}([.,\u00a0\u202f ]\d{3})+$")
#: What the separator sniffing may find, by name for messages.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}


@dataclass(frozen=True)
class Delivery:
    """A parsed delivery: its peildatum, folder and tables by name."""

    peildatum: dt.date
    folder: Path
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]


# --- the folder -----------------------------------------------------------------


def parse_peildatum(name: str, *, today: dt.date | None = None, where: str | None = None) -> dt.date:
    """The peildatum a folder name stands for; refuses names that are not a past date."""
    where = where or name
    if not PEILDATUM_RE.match(name):
        raise refuse(
            where, "folder-is-peildatum", f"folder name {name!r} is not a peildatum",
            "Name the folder after the delivery's peildatum as YYYY-MM-DD, e.g. data/raw/2024-05-01/.",
        )
    try:
        peildatum = dt.date.fromisoformat(name)
    except ValueError:
        raise refuse(
            where, "folder-is-peildatum", f"folder name {name!r} is not a valid date",
            "Check the day and month: the folder must be named YYYY-MM-DD.",
        ) from None
    today = today or dt.date.today()
    if peildatum > today:
        raise refuse(
            where, "peildatum-not-in-future", f"peildatum {name} lies in the future (today is {today.isoformat()})",
            "A delivery describes a past reference date: check the folder name.",
        )
    return peildatum


def list_peildata(raw_dir: Path) -> list[str]:
    """The delivery folders under `raw_dir`, oldest first. Non-date names are included so they get refused."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise refuse(str(raw_dir), "raw-dir-exists", "the data folder does not exist", "Pass --data-dir pointing at a folder with raw/.")
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() or p.is_symlink())


def table_files(folder: Path, raw_dir: Path) -> dict[str, Path]:
    """The table files in a delivery folder, by table name, refusing anything unsafe or unknown."""
    found: dict[str, Path] = {}
    root = raw_dir.resolve()
    if folder.is_symlink() or not folder.resolve().is_relative_to(root):
        raise refuse(
            shown_path(folder, raw_dir), "no-symlinks", "the delivery folder is a symbolic link or lies outside data/raw/",
            "Copy the delivery's files into a real folder under data/raw/.", value=_link_target(folder),
        )
    if not folder.is_dir():
        raise refuse(
            shown_path(folder, raw_dir), "delivery-exists", "there is no delivery folder for this peildatum",
            "Check the peildatum: the delivery must be a folder data/raw/<peildatum>/ holding the table files.",
        )
    for path in sorted(folder.iterdir()):
        shown = shown_path(path, raw_dir)
        if "\\" in path.name or path.name.startswith(".."):
            # ".." or a Windows path separator in a name points outside the folder once copied or unzipped on Windows.
            raise refuse(
                shown, "safe-file-name", "the file name holds a path ('..' or '\\')",
                "Name the file after its table only, e.g. elip.csv.",
            )
        if path.name in NON_TABLE_FILES or path.name.startswith("."):
            continue
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            raise refuse(
                shown, "no-symlinks", "file is a symbolic link or points outside data/raw/",
                "Copy the file itself into the delivery folder; links are not accepted.", value=_link_target(path),
            )
        if path.name.startswith("~$"):
            raise refuse(
                shown, "no-lock-files", "this is the lock file Excel keeps while a workbook is open",
                "Close the workbook in Excel (the lock file then disappears) and build again.",
            )
        if path.is_dir():
            raise refuse(shown, "flat-folder", "a delivery folder holds no subfolders", "Move the table files directly into the peildatum folder.")
        stem, suffix = path.stem, path.suffix.lower()
        if suffix not in SUFFIXES:
            raise refuse(
                shown, "known-format", f"unsupported file type {suffix or '(none)'!r}",
                "Deliver each table as .csv (comma or semicolon, UTF-8 or Windows-1252) or .xlsx.",
            )
        if stem not in TABLES:
            raise refuse(
                shown, "known-table", f"{stem!r} is not a known table",
                f"Name the file after its table: one of {', '.join(sorted(TABLES))}.",
            )
        if stem in found:
            raise refuse(
                shown, "one-file-per-table", f"table {stem} is delivered twice ({found[stem].name} and {path.name})",
                "Keep one file per table in a delivery.",
            )
        found[stem] = path
    if not found:
        raise refuse(
            shown_path(folder, raw_dir), "delivery-not-empty", "the delivery folder holds no table files",
            "Put at least one table file in it, or remove the folder.",
        )
    return found


def _link_target(path: Path) -> str | None:
    """Where a symbolic link points, as written in the link; None for a real file or folder."""
    return os.readlink(path) if path.is_symlink() else None


def shown_path(path: Path, raw_dir: Path) -> str:
    """The path of a raw file as messages show it: data/raw/<peildatum>/<file>."""
    rel = path.relative_to(raw_dir)
    return (Path(raw_dir.parent.name) / raw_dir.name / rel).as_posix()


# --- the manifest -----------------------------------------------------------------


def sha256(path: Path) -> str:
    """The file's SHA-256, read in blocks: a wrong, huge file costs no memory."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The `SHA256SUMS` of a delivery folder (sha256sum format), or None if it has none yet."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        entries[name.lstrip("*")] = digest
    return entries


def manifest_text(files: dict[str, Path]) -> str:
    """The manifest for `files`, sorted by name, as `sha256sum` writes it."""
    return "".join(f"{sha256(p)}  {p.name}\n" for p in sorted(files.values(), key=lambda p: p.name))


def check_manifest(folder: Path, files: dict[str, Path], raw_dir: Path) -> bool:
    """Refuse a delivery whose files differ from its manifest. Returns whether a manifest exists."""
    manifest = read_manifest(folder)
    if manifest is None:
        return False
    names = {p.name for p in files.values()}
    for name, path in sorted((p.name, p) for p in files.values()):
        if name not in manifest:
            raise refuse(
                shown_path(path, raw_dir), "manifest-complete", f"file is not listed in {MANIFEST}",
                "A registered delivery does not change. Put a re-delivery in its own peildatum folder, "
                f"or, after review, remove {MANIFEST} so the next build registers the folder again.",
            )
        actual = sha256(path)
        if actual != manifest[name]:
            raise refuse(
                shown_path(path, raw_dir), "manifest-checksum",
                f"file changed after it was validated: sha256 {actual[:12]}… differs from {manifest[name][:12]}… in {MANIFEST}",
                "Restore the original file (git checkout or the DUO e-mail). A genuine re-delivery needs a "
                f"reviewed change: replace the file and remove {MANIFEST}.",
            )
    for name in sorted(set(manifest) - names):
        path = folder / name
        # The build registers every file of the folder, also a LEESMIJ.md next to the tables.
        if name in NON_TABLE_FILES and path.is_file() and not path.is_symlink():
            if sha256(path) != manifest[name]:
                raise refuse(
                    shown_path(path, raw_dir), "manifest-checksum", f"file changed after it was validated ({MANIFEST})",
                    "Restore the original file; a registered delivery does not change.",
                )
            continue
        raise refuse(
            shown_path(path, raw_dir), "manifest-complete", f"file listed in {MANIFEST} is missing",
            "Restore the file; a registered delivery must keep all its files.",
        )
    return True


# --- one file -------------------------------------------------------------------


def read_table(path: Path, table: Table, *, shown: str | None = None) -> pd.DataFrame:
    """Read one table file into typed columns, indexed by the row number the analyst sees."""
    shown = shown or path.name
    size = path.stat().st_size
    if size == 0:
        raise refuse(shown, "file-not-empty", "the file is empty", "Export the table again; the file has no header and no rows.")
    if size > MAX_FILE_BYTES:
        raise refuse(
            shown, "file-size", f"the file is {size / 1024 / 1024:.1f} MB, far larger than any DUO table",
            f"Check that this is the right file; a table file may be at most {MAX_FILE_BYTES // 1024 // 1024} MB.",
        )
    if path.suffix.lower() == ".xlsx":
        cells, kinds = _read_xlsx_cells(path, shown)
    else:
        cells, kinds = _read_csv_cells(path, shown), None
    return _to_frame(cells, kinds, table, shown)


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


def _read_csv_cells(path: Path, shown: str) -> list[list[str]]:
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
    return list(csv.reader(text.splitlines(keepends=True), delimiter=sep))


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


def _read_xlsx_cells(path: Path, shown: str) -> tuple[list[list[str]], list[list[str]]]:
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


def _column_label(position: int, is_xlsx: bool) -> str:
    """A column as the analyst finds it: its letter in Excel, its position in a CSV file (1-based)."""
    if is_xlsx:
        from openpyxl.utils import get_column_letter

        return f"column {get_column_letter(position)}"
    return f"column {position}"


def _to_frame(cells: list[list[str]], kinds: list[list[str]] | None, table: Table, shown: str) -> pd.DataFrame:
    expected = list(table.column_names)
    is_xlsx = kinds is not None
    header_row = _find_header(cells, expected, shown)
    header = [c.strip() for c in cells[header_row]]
    # Empty header cells are an Excel artefact (a table not in A1, or formatted columns beside it).
    named = [i for i, c in enumerate(header) if c]
    for i, name in enumerate(header):
        if name:
            continue
        if i < named[0]:
            hint = "Delete the empty columns left of the table, so that it starts in column A."
        elif i > named[-1]:
            hint = "Delete the empty columns right of the table."
        else:
            hint = "Delete the empty column, or give it its name from the contract."
        raise refuse(shown, "no-empty-columns", f"{_column_label(i + 1, is_xlsx)} has no name", hint, row=header_row + 1)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unexpected " + ", ".join(extra))
        raise refuse(
            shown, "columns-match-contract", "the header does not match the contract: " + "; ".join(parts),
            f"The header of {table.name} is exactly: {','.join(expected)} (see data/raw/README.md).",
            row=header_row + 1,
        )
    if header != expected:
        raise refuse(
            shown, "columns-match-contract", "the columns are in the wrong order",
            f"Order the columns as: {','.join(expected)}.", row=header_row + 1, value=",".join(header),
        )
    body = cells[header_row + 1 :]
    # Trailing rows without a value are what Excel keeps of formatted or validated cells (the
    # template formats rows 2-201): they are not part of the table. An empty row inside it is refused.
    while body and not any(v.strip() for v in body[-1]):
        body = body[:-1]
    rows, numbers, problems = [], [], []
    for offset, values in enumerate(body):
        rownum = header_row + 2 + offset
        padded = list(values) + [""] * (len(expected) - len(values))
        try:
            _check_row(padded, values, expected, rownum, is_xlsx, shown)
        except DeliveryError as exc:
            problems += exc.findings
            continue
        rows.append(padded[: len(expected)])
        numbers.append(rownum)
    if not rows and not problems:
        raise refuse(shown, "rows-present", "the file has a header but no rows", "Fill in the table or leave the file out of the delivery.")
    frame = pd.DataFrame(rows, columns=expected, index=pd.Index(numbers, name="row"), dtype=object)
    try:
        parsed = _parse_columns(frame, kinds, header_row, table, shown)
    except DeliveryError as exc:
        problems += exc.findings
    if problems:
        raise DeliveryError(sorted(problems, key=lambda f: (f.row or 0, expected.index(f.column) if f.column in expected else -1)))
    return parsed


def _check_row(padded: list[str], values: list[str], expected: list[str], rownum: int, is_xlsx: bool, shown: str) -> None:
    """Refuse a row that is not one record of the table: stray cells, empty, without peildatum, too short."""
    if any(v.strip() for v in padded[len(expected):]):
        col = len(expected) + next(i for i, v in enumerate(padded[len(expected):]) if v.strip()) + 1
        raise refuse(
            shown, "no-cells-outside-table", f"{_column_label(col, is_xlsx)} has a value but no header; the row may be shifted",
            "Remove the stray value or move the row's values back under the right headers.",
            row=rownum, value=padded[col - 1],
        )
    if not any(v.strip() for v in padded):
        raise refuse(
            shown, "no-empty-rows", "the row is empty inside the table", "Delete the empty row, or fill it in.", row=rownum,
        )
    if not padded[0].strip():
        # Every table starts with peildatum; a row without one is usually a sum or note typed below the table.
        raise refuse(
            shown, "not-empty", "the row has no peildatum",
            "Fill in the peildatum; if the row is a sum or a note added below the table, delete it.",
            row=rownum, column=expected[0], value=",".join(v.strip() for v in padded),
        )
    if not is_xlsx and len(values) < len(expected):
        # A CSV row with too few separators: without this, its values would slide under the wrong headers.
        raise refuse(
            shown, "row-complete", f"the row has {len(values)} values for {len(expected)} columns; a value is missing or the row is shifted",
            "Give the row one value per column; an empty cell still needs its separator.",
            row=rownum, value=",".join(values),
        )


def _find_header(cells: list[list[str]], expected: list[str], shown: str) -> int:
    def normal(row):
        return [c.strip().lstrip("\ufeff") for c in row]

    for i, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        if normal(row)[:1] == expected[:1] or (set(normal(row)) & set(expected)) and len(set(normal(row)) & set(expected)) >= 2:
            if i > 0:
                raise refuse(
                    shown, "header-on-first-row", f"the header is on row {i + 1}, below {i} title or empty row(s)",
                    "Delete the rows above the header so that row 1 holds the column names.", row=i + 1,
                )
            return i
    raise refuse(
        shown, "columns-match-contract", "no header with the contract's column names in the first rows",
        f"Row 1 must hold the column names: {','.join(expected)} (see data/raw/README.md).",
        row=1, value=",".join(cells[0])[:80] if cells else "",
    )


def _parse_columns(frame: pd.DataFrame, kinds, header_row: int, table: Table, shown: str) -> pd.DataFrame:
    """Typed columns; every cell that cannot be read is reported, not only the first."""
    out, problems = {}, []
    for pos, col in enumerate(table.columns):
        raw = frame[col.name].map(lambda v: v.strip() if isinstance(v, str) else v)
        kind_of = (lambda r: kinds[r - 1][pos] if kinds and pos < len(kinds[r - 1]) else "text")
        values = []
        for rownum, value in raw.items():
            try:
                values.append(_parse_cell(value, col, rownum, kind_of(rownum) if kinds else None, shown))
            except DeliveryError as exc:
                problems += exc.findings
                values.append(None)
        if col.dtype == "int":
            out[col.name] = pd.array(values, dtype="Int64")
        elif col.dtype == "decimal":
            out[col.name] = pd.array(values, dtype="Float64")
        elif col.dtype == "date":
            out[col.name] = pd.array(values, dtype=object)
        else:
            out[col.name] = pd.array(values, dtype="string")
    if problems:
        raise DeliveryError(problems)
    return pd.DataFrame(out, index=frame.index)


def _lower_first(text: str) -> str:
    """'Number of persons.' -> 'number of persons.', to follow a colon in a hint."""
    return text[:1].lower() + text[1:]


def _parse_cell(value: str, col, rownum: int, kind: str | None, shown: str):
    where = dict(row=rownum, column=col.name, value=value)
    if value == "":
        raise refuse(shown, "not-empty", "the cell is empty", f"Fill in {col.name}: {_lower_first(col.description)}", **where)
    if col.dtype == "int":
        if kind == "text":
            raise refuse(shown, "number-stored-as-number", "the number is stored as text", "Convert the column to numbers in Excel (Converteren naar getal).", **where)
        if THOUSANDS_RE.match(value) and not INT_RE.match(value):
            raise refuse(
                shown, "no-thousands-separator", "the count has a thousands separator",
                "Write counts as plain digits without separators, e.g. 51600 (format the column as 'Standaard' in Excel).", **where,
            )
        if re.match(r"^-?\d+,\d+$", value):
            raise refuse(shown, "whole-number", "the value has a decimal comma; counts are whole numbers", "Deliver whole numbers.", **where)
        if DECIMAL_RE.match(value) and not INT_RE.match(value):
            raise refuse(shown, "whole-number", "the value is not a whole number", "Counts are whole numbers: check the cell.", **where)
        if not INT_RE.match(value):
            raise refuse(shown, "type-int", "the value is not a number", f"Write a whole number in digits, e.g. 51600: {col.name} is {_lower_first(col.description)}", **where)
        return int(value)
    if col.dtype == "decimal":
        if re.match(r"^-?\d+,\d+$", value):
            raise refuse(shown, "decimal-point", "the value has a decimal comma", "Write decimals with a point, e.g. 34.5.", **where)
        if not DECIMAL_RE.match(value):
            raise refuse(shown, "type-decimal", "the value is not a number", f"Write a number in digits with a decimal point, e.g. 34.5: {col.name} is {_lower_first(col.description)}", **where)
        return float(value)
    if col.dtype == "date":
        if kind == "number" or re.match(r"^\d{5}(\.0)?$", value):
            raise refuse(
                shown, "date-iso", "the date is an Excel serial number", "Format the column as text and write dates as YYYY-MM-DD.", **where,
            )
        if not PEILDATUM_RE.match(value):
            raise refuse(shown, "date-iso", "the date is not written as YYYY-MM-DD", "Write dates as YYYY-MM-DD, e.g. 2023-10-01.", **where)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise refuse(shown, "date-iso", "the date does not exist", "Check day and month.", **where) from None
    return value


# --- the whole delivery -----------------------------------------------------------


def read_delivery(raw_dir: Path, peildatum: str, *, today: dt.date | None = None) -> Delivery:
    """Read every table of `raw_dir/<peildatum>/`, refusing the first structural fault."""
    raw_dir = Path(raw_dir)
    folder = raw_dir / peildatum
    shown_folder = shown_path(folder, raw_dir)
    date = parse_peildatum(peildatum, today=today, where=shown_folder)
    files = table_files(folder, raw_dir)
    check_manifest(folder, files, raw_dir)
    tables, problems = {}, []
    # Every file is read, so one run reports the problems of all of them.
    for name, path in files.items():
        shown = shown_path(path, raw_dir)
        try:
            frame = read_table(path, TABLES[name], shown=shown)
        except DeliveryError as exc:
            problems += exc.findings
            continue
        wrong = frame[frame["peildatum"] != date]
        if len(wrong):
            rownum = int(wrong.index[0])
            problems += refuse(
                shown, "peildatum-matches-folder", f"the peildatum in the file differs from the folder's ({peildatum})",
                "Put the file in the folder of its own peildatum, or correct the peildatum column.",
                row=rownum, column="peildatum", value=str(wrong.iloc[0]["peildatum"]),
            ).findings
            continue
        tables[name] = frame
    delivery = Delivery(peildatum=date, folder=folder, tables=tables, files=files)
    if problems:
        raise DeliveryError(problems, readable=delivery)
    return delivery
