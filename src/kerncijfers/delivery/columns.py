"""A table's text cells turned into typed columns, indexed by the row number the analyst sees.

The header must be the contract's; each row one record; each cell of its column's type. Every
cell that cannot be read is reported, not only the first.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from kerncijfers.delivery.cells import HEADER_SEARCH_ROWS
from kerncijfers.delivery.folder import PEILDATUM_RE
from kerncijfers.errors import DeliveryError, refuse
from kerncijfers.schema import Table

INT_RE = re.compile(r"^-?\d+$")
DECIMAL_RE = {".": re.compile(r"^-?\d+(\.\d+)?$"), ",": re.compile(r"^-?\d+(,\d+)?$")}
DECIMAL_COMMA_RE = re.compile(r"^-?\d+,\d+$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}([.,\u00a0\u202f ]\d{3})+$")


def _column_label(position: int, is_xlsx: bool) -> str:
    """A column as the analyst finds it: its letter in Excel, its position in a CSV file (1-based)."""
    if is_xlsx:
        from openpyxl.utils import get_column_letter

        return f"column {get_column_letter(position)}"
    return f"column {position}"


def to_frame(cells: list[list[str]], kinds: list[list[str]] | None, table: Table, shown: str, decimal: str = ".") -> pd.DataFrame:
    """The table's typed columns from its cells; `kinds` for a workbook, `decimal` the decimal separator of a CSV."""
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
        parsed = _parse_columns(frame, kinds, table, shown, decimal)
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


def _parse_columns(frame: pd.DataFrame, kinds, table: Table, shown: str, decimal: str) -> pd.DataFrame:
    """Typed columns; every cell that cannot be read is reported, not only the first."""
    out, problems = {}, []
    for pos, col in enumerate(table.columns):
        raw = frame[col.name].map(lambda v: v.strip() if isinstance(v, str) else v)
        kind_of = (lambda r: kinds[r - 1][pos] if kinds and pos < len(kinds[r - 1]) else "text")
        values = []
        for rownum, value in raw.items():
            try:
                values.append(_parse_cell(value, col, rownum, kind_of(rownum) if kinds else None, shown, decimal))
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


def _parse_cell(value: str, col, rownum: int, kind: str | None, shown: str, decimal: str):
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
        if DECIMAL_COMMA_RE.match(value):
            raise refuse(shown, "whole-number", "the value has a decimal comma; counts are whole numbers", "Deliver whole numbers.", **where)
        if DECIMAL_RE["."].match(value) and not INT_RE.match(value):
            raise refuse(shown, "whole-number", "the value is not a whole number", "Counts are whole numbers: check the cell.", **where)
        if not INT_RE.match(value):
            raise refuse(shown, "type-int", "the value is not a number", f"Write a whole number in digits, e.g. 51600: {col.name} is {_lower_first(col.description)}", **where)
        return int(value)
    if col.dtype == "decimal":
        return _parse_decimal(value, col, shown, decimal, where)
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


def _parse_decimal(value: str, col, shown: str, decimal: str, where: dict) -> float:
    """A decimal as the file writes it: "34.5" in a comma-separated file or a workbook, "34,5" in a semicolon-separated one.

    In a file with decimal commas a point is ambiguous: Dutch Excel never writes one as a
    decimal separator, so "34.5" is a value typed by hand, or 34.500 with a thousands separator.
    """
    if decimal == ",":
        if DECIMAL_RE["."].match(value) and not INT_RE.match(value):
            raise refuse(
                shown, "decimal-comma", "the value has a decimal point in a file with semicolons between the columns, "
                "where the decimal separator is a comma (Dutch Excel's 'CSV (puntkomma)'), so it is ambiguous",
                "Write the decimal with a comma (34,5), or save the file with commas between the columns and decimal points "
                "(Excel: 'CSV UTF-8 (door komma's gescheiden)').", **where,
            )
        if not DECIMAL_RE[","].match(value):
            raise refuse(shown, "type-decimal", "the value is not a number", f"Write a number in digits with a decimal comma, e.g. 34,5: {col.name} is {_lower_first(col.description)}", **where)
        return float(value.replace(",", "."))
    if DECIMAL_COMMA_RE.match(value):
        raise refuse(shown, "decimal-point", "the value has a decimal comma", "Write decimals with a point, e.g. 34.5.", **where)
    if not DECIMAL_RE["."].match(value):
        raise refuse(shown, "type-decimal", "the value is not a number", f"Write a number in digits with a decimal point, e.g. 34.5: {col.name} is {_lower_first(col.description)}", **where)
    return float(value)
