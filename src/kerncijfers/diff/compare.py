"""Two tables compared cell by cell, rows matched on a key; and two peildata compared table by table.

Rows are matched on the table's key (schema `Table.key`), never on position, so a re-sorted
delivery shows no change. The cell-level highlighter diff is daff's; the counts are computed here
from the CSV text, the change of a cell (absolute, relative, as shown) is the catalogue's one
definition (`catalogue.ontwikkeling.Verandering`), the same the Ontwikkeling page shows. Numbers are shown as the report prints them (Dutch, with
Babel: 36.200, 52,5), except in the columns that identify a row (a cohort 2013 stays 2013).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Sequence

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.ontwikkeling import Verandering
from kerncijfers.schema import TABLES
from kerncijfers.store import validated_peildata

Rows = list[list[str]]  # a CSV as text, header first

#: A CSV cell that holds a number, as the pipeline writes numbers (no thousands separator).
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def number(text: str) -> Decimal | None:
    """The number a CSV cell holds, or None for text, dates and empty cells."""
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


@dataclass(frozen=True)
class CellChange:
    """One cell whose value differs between the old and the new table."""

    key: tuple[str, ...]  # the row's key values, in the order of `TableComparison.key`
    column: str
    old: str
    new: str

    @property
    def is_number(self) -> bool:
        return number(self.old) is not None or number(self.new) is not None

    @property
    def verandering(self) -> Verandering | None:
        """The change old -> new as the catalogue defines it, when both are numbers."""
        old, new = number(self.old), number(self.new)
        return None if old is None or new is None else Verandering(old, new)

    @property
    def absolute(self) -> Decimal | None:
        """new − old, when both are numbers."""
        v = self.verandering
        return None if v is None else v.verschil

    @property
    def relative(self) -> Decimal | None:
        """(new − old) / old as a fraction; None when old is 0 or either is not a number."""
        v = self.verandering
        return None if v is None else v.relatief

    @property
    def relative_pct(self) -> Decimal | None:
        """The relative change in percent, as the catalogue rounds it: Decimal('66.7')."""
        v = self.verandering
        return None if v is None else v.relatief_pct


@dataclass(frozen=True)
class Row:
    """A row only one side holds."""

    key: tuple[str, ...]
    values: tuple[tuple[str, str], ...]  # (column, value) of the non-key columns

    def numbers(self) -> int:
        return sum(number(v) is not None for _, v in self.values)


@dataclass(frozen=True)
class TableComparison:
    """One table (or CSV file) compared cell by cell, keyed on `key`."""

    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]  # non-key columns both sides hold, compared cell by cell
    changes: tuple[CellChange, ...]
    added: tuple[Row, ...]
    removed: tuple[Row, ...]
    added_columns: tuple[str, ...]
    removed_columns: tuple[str, ...]
    removed_column_numbers: int  # numbers in removed columns of the rows both sides hold
    cells_compared: int  # rows both sides hold × `columns`
    highlight: tuple[tuple[str, ...], ...]  # daff's highlighter diff, header row first

    @property
    def is_changed(self) -> bool:
        return bool(self.changes or self.added or self.removed or self.added_columns or self.removed_columns)


def key_for(name: str, header: Sequence[str], *others: Rows) -> tuple[str, ...]:
    """The columns that identify a row of the CSV `name`.

    A validated table uses its contract key. A tidy report table (a `waarde` column) is
    keyed on all its other columns. Any other CSV on the shortest leading run of columns
    that is unique on every side; failing that, on the row number.
    """
    stem = PurePosixPath(name).stem
    if stem in TABLES and set(TABLES[stem].key) <= set(header):
        return TABLES[stem].key
    if "waarde" in header:
        return tuple(c for c in header if c != "waarde")
    for n in range(1, len(header) + 1):
        if all(_unique([tuple(r[:n]) for r in rows[1:]]) for rows in others):
            return tuple(header[:n])
    return ()


def _unique(keys: list[tuple]) -> bool:
    return len(set(keys)) == len(keys)


def _indexed(name: str, rows: Rows, key: Sequence[str], side: str) -> tuple[list[str], dict[tuple[str, ...], dict[str, str]]]:
    """Header and rows by key, in file order; refuses a key that occurs twice."""
    header = rows[0] if rows else []
    if not key:  # no key: the row number is one
        header, rows = ["rij"] + header, [["rij"] + header] + [[str(i)] + r for i, r in enumerate(rows[1:], start=1)]
        key = ("rij",)
    missing = [k for k in key if k not in header]
    if missing:
        raise ValueError(f"{name} ({side}): key column(s) {', '.join(missing)} missing from the header {', '.join(header)}")
    positions = [header.index(k) for k in key]
    out: dict[tuple[str, ...], dict[str, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        values = dict(zip(header, row + [""] * (len(header) - len(row))))
        k = tuple(values[header[p]] for p in positions)
        if k in out:
            where = ", ".join(f"{c}={v}" for c, v in zip(key, k))
            raise ValueError(f"{name} ({side}), line {line}: the key {where} occurs twice; a table has one row per key")
        out[k] = values
    return header, out


def _same(old: str, new: str) -> bool:
    """Equal text, or equal numbers written differently ('40' and '40.0')."""
    if old == new:
        return True
    a, b = number(old), number(new)
    return a is not None and b is not None and a == b


def compare(name: str, old: Rows, new: Rows, key: Sequence[str] | None = None, ignore: Sequence[str] = ()) -> TableComparison:
    """Compare two CSVs given as rows of text (header first), matching rows on `key`."""
    old = _drop(old, ignore)
    new = _drop(new, ignore)
    key = tuple(key) if key is not None else key_for(name, (new or old or [[]])[0], old, new)
    old_header, old_rows = _indexed(name, old, key, "old")
    new_header, new_rows = _indexed(name, new, key, "new")
    key = key or ("rij",)
    columns = tuple(c for c in new_header if c in old_header and c not in key)
    added_columns = tuple(c for c in new_header if c not in old_header)
    removed_columns = tuple(c for c in old_header if c not in new_header)
    changes, added = [], []
    both = [k for k in new_rows if k in old_rows]
    for k, values in new_rows.items():
        if k not in old_rows:
            added.append(Row(k, tuple((c, values[c]) for c in new_header if c not in key)))
            continue
        for c in columns:
            if not _same(old_rows[k][c], values[c]):
                changes.append(CellChange(k, c, old_rows[k][c], values[c]))
    removed = [Row(k, tuple((c, v[c]) for c in old_header if c not in key)) for k, v in old_rows.items() if k not in new_rows]
    removed_column_numbers = sum(number(old_rows[k][c]) is not None for k in both for c in removed_columns)
    return TableComparison(
        name=name,
        key=key,
        columns=columns,
        changes=tuple(changes),
        added=tuple(added),
        removed=tuple(removed),
        added_columns=added_columns,
        removed_columns=removed_columns,
        removed_column_numbers=removed_column_numbers,
        cells_compared=len(both) * len(columns),
        highlight=_dutch_highlight(_highlight(old, new, key), key),
    )


def _drop(rows: Rows, ignore: Sequence[str]) -> Rows:
    if not rows or not ignore:
        return rows
    keep = [i for i, c in enumerate(rows[0]) if c not in ignore]
    return [[r[i] if i < len(r) else "" for i in keep] for r in rows]


def _highlight(old: Rows, new: Rows, key: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """daff's highlighter diff of the two tables, rows matched on `key`."""
    import daff

    flags = daff.CompareFlags()
    if key == ("rij",) and "rij" not in (new or old or [[]])[0]:
        key = ()  # matched on position: daff's default
    for k in key:
        flags.addPrimaryKey(k)
    flags.ordered = False  # a re-sorted table is not a change
    empty = [list((new or old or [[]])[0])]
    align = daff.Coopy.compareTables(daff.PythonTableView([list(r) for r in old] or empty), daff.PythonTableView([list(r) for r in new] or empty), flags).align()
    out: list[list] = []
    daff.TableDiff(align, flags).hilite(daff.PythonTableView(out))
    return tuple(tuple("" if c is None else str(c) for c in row) for row in out)


def _dutch_highlight(rows: tuple[tuple[str, ...], ...], key: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """daff's highlighter with the numbers of the value columns as the report prints them: 36200->51600 reads 36.200->51.600."""
    header = next((r for r in rows if r and r[0] == "@@"), None)
    if header is None:
        return rows
    values = [i for i, c in enumerate(header) if i > 0 and c not in key]
    out = []
    for row in rows:
        if row is header or (row and row[0] in ("!", ":")):  # the header and daff's schema rows hold names
            out.append(row)
            continue
        cells = list(row)
        for i in values:
            if i < len(cells) and cells[i]:
                cells[i] = "->".join(dutch(part) for part in cells[i].split("->"))
        out.append(tuple(cells))
    return tuple(out)


@dataclass(frozen=True)
class Diff:
    """Comparisons of tables of an old and a new side, and the tables only one side holds."""

    title: str
    old_label: str
    new_label: str
    comparisons: tuple[TableComparison, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]

    @property
    def changed(self) -> tuple[TableComparison, ...]:
        return tuple(c for c in self.comparisons if c.is_changed)

    @property
    def cells_changed(self) -> int:
        return sum(len(c.changes) for c in self.comparisons)

    @property
    def cells_compared(self) -> int:
        return sum(c.cells_compared for c in self.comparisons)


@dataclass(frozen=True)
class PeildataDiff(Diff):
    a: str = ""
    b: str = ""

    def table(self, name: str) -> TableComparison:
        for c in self.comparisons:
            if c.name == name:
                return c
        raise KeyError(f"{name} is not held by both {self.a} and {self.b}")


def read_csv_text(text: str) -> Rows:
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def diff_peildata(validated_dir: Path, a: str, b: str, tables: Sequence[str] | None = None) -> PeildataDiff:
    """Every validated table both peildata hold, compared cell by cell on the table's key.

    The `peildatum` column is left out: it is the folder's name and always differs.
    """
    validated_dir = Path(validated_dir)
    known = validated_peildata(validated_dir)
    for p in (a, b):
        if p not in known:
            raise ValueError(f"no validated delivery {p} in {validated_dir}; validated peildata: {', '.join(known) or 'none'}")
    names = [n for n in TABLES if tables is None or n in tables]
    unknown = sorted(set(tables or ()) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown table(s) {', '.join(unknown)}; known tables: {', '.join(TABLES)}")
    held = {p: [n for n in names if (validated_dir / p / f"{n}.csv").is_file()] for p in (a, b)}
    comparisons = []
    for name in names:
        if name in held[a] and name in held[b]:
            old, new = (read_csv_text((validated_dir / p / f"{name}.csv").read_text(encoding="utf-8")) for p in (a, b))
            comparisons.append(compare(name, old, new, TABLES[name].key, ignore=("peildatum",)))
    return PeildataDiff(
        title=f"kerncijfers diff {a} → {b}",
        old_label=a,
        new_label=b,
        comparisons=tuple(comparisons),
        only_old=tuple(n for n in held[a] if n not in held[b]),
        only_new=tuple(n for n in held[b] if n not in held[a]),
        a=a,
        b=b,
    )


def dutch(text: str) -> str:
    """A CSV value as the report prints it: numbers in Dutch notation (36200 -> 36.200, 52.5 -> 52,5), text as it is."""
    value = number(text)
    if value is None:
        return text
    decimals = max(0, -value.as_tuple().exponent)
    return fmt.aantal(value) if decimals == 0 else fmt.decimaal(value, decimals)


def show_value(text: str) -> str:
    """A changed cell's value: in Dutch notation, and '(empty)' for an empty cell."""
    return dutch(text) if text else "(empty)"


def show_change(change: CellChange) -> tuple[str, str]:
    """The absolute and relative change, signed, as the catalogue shows them: ('+10.400', '+66,7%'); '' where they do not apply."""
    v = change.verandering
    return ("", "") if v is None else v.getoond()
