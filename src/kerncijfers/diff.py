"""What changed, cell by cell: between two peildata, and between this build and another.

A reviewer sees the signal first (which tables changed, n of N cells), then the detail:
each changed cell old → new with its absolute and relative change, and the rows added
or removed. Rows are matched on the table's key (schema `Table.key`), never on position,
so a re-sorted delivery shows no change. The cell-level highlighter diff, in the terminal
and in HTML, is daff's; the counts and changes are computed here from the CSV text.

- `diff_peildata(validated_dir, a, b)`: the validated tables of two deliveries.
- `diff_against(current_root, other)`: every published file (`data/validated/**` and
  `reports/**`) of this tree against another tree or a git ref: tables (CSV) cell by cell,
  the data behind each chart (`.vl.json`) cell by cell, the letter's sentences (the
  `tekstcijfers` cell of a brief's notebook) sentence by sentence, and every other file
  (PNG, SVG, XLSX, Parquet, notebooks, ...) as changed or not, byte for byte.
  `reports/_site` is left out: it is built from the same files and not committed.

Numbers are shown as the report prints them (Dutch, with Babel: 36.200, 52,5), except in
the columns that identify a row (a cohort 2013 stays 2013).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from kerncijfers import formatting as fmt
from kerncijfers.report.markup import unwrap_raw_html
from kerncijfers.rounding import half_up
from kerncijfers.schema import TABLES
from kerncijfers.store import validated_peildata

#: The folders of a build tree whose files are published, relative to its root.
PUBLISHED_FOLDERS = ("data/validated", "reports")
#: A chart's Vega-Lite spec; the data it draws is compared cell by cell.
CHART_SUFFIX = ".vl.json"
#: The labelled cell of a brief's notebook that shows the letter's sentences (site.sentence_list).
SENTENCES_LABEL = "tekstcijfers"
#: One sentence in that cell's HTML, as site.sentence_list writes it: its id, text and source.
#: A sentence in the page's list (site.sentence_list): its id, text and source; its figures' provenance follows.
_SENTENCE = re.compile(r'<li id="zin-([^"]+)"><div class="zin">(.*?)</div><p class="bron">(.*?)</p>', re.S)
#: Encoding channels whose discrete fields place a mark: together they identify a row of a chart's data.
_POSITION_CHANNELS = ("x", "y", "row", "column", "facet", "color", "shape", "detail")
#: Inside `reports/`, the rendered site: HTML around the same numbers, not compared.
NOT_COMPARED = ("reports/_site",)

#: A CSV cell that holds a number, as the pipeline writes numbers (no thousands separator).
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: Control characters: a CSV cell could otherwise move the reviewer's cursor or recolour the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

Rows = list[list[str]]  # a CSV as text, header first

#: How to read daff's highlighter diff (first column of each row).
DAFF_LEGEND = "daff: → changed cell old→new, +++ added row, --- removed row, ... rows left out, +++/--- in the ! row: added/removed column"


# --- the comparison -------------------------------------------------------------------------


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
    def absolute(self) -> Decimal | None:
        """new − old, when both are numbers."""
        old, new = number(self.old), number(self.new)
        return None if old is None or new is None else new - old

    @property
    def relative(self) -> Decimal | None:
        """(new − old) / old as a fraction; None when old is 0 or either is not a number."""
        old, absolute = number(self.old), self.absolute
        return None if absolute is None or not old else absolute / old

    @property
    def relative_pct(self) -> Decimal | None:
        """The relative change in percent, half-up to one decimal: Decimal('66.7')."""
        rel = self.relative
        return None if rel is None else half_up(rel * 100, 1)


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


# --- between two peildata -------------------------------------------------------------------


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


# --- between two builds ---------------------------------------------------------------------


@dataclass(frozen=True)
class OneSided:
    """A published file only one build holds, with the rows and numbers of the tables it holds."""

    path: str
    rows: int
    numbers: int


@dataclass(frozen=True)
class BuildDiff(Diff):
    only_old_files: tuple[OneSided, ...] = field(default=())
    only_new_files: tuple[OneSided, ...] = field(default=())
    #: Files both builds hold whose bytes differ, compared cell by cell or not.
    changed_files: tuple[str, ...] = field(default=())
    #: How many files both builds hold.
    files_compared: int = 0

    @property
    def changed_otherwise(self) -> tuple[str, ...]:
        """Changed files that are not a table compared cell by cell: charts (their data is), images, workbooks,
        Parquet, pages, notebooks (their sentences are)."""
        return tuple(p for p in self.changed_files if not p.endswith(".csv"))


def published_files(root: Path) -> dict[str, bytes]:
    """The bytes of every published file under `root`, by path relative to it (POSIX)."""
    root = Path(root)
    out = {}
    for folder in PUBLISHED_FOLDERS:
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and _is_published(rel):
                out[rel] = path.read_bytes()
    return out


def _is_published(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    # Hidden folders hold build state and the previous copy during a swap (the build's publish journal).
    if any(p.startswith(".") for p in parts):
        return False
    return not any(rel == f or rel.startswith(f + "/") for f in NOT_COMPARED) and any(rel.startswith(f + "/") for f in PUBLISHED_FOLDERS)


def _git(root: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    if result.returncode:
        raise ValueError(f"git {' '.join(args)}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def files_at_ref(repo: Path, ref: str) -> tuple[str, dict[str, bytes]]:
    """The published files committed at `ref` (read from `git archive`, never the working tree) and the commit."""
    if ref.startswith("-"):
        raise ValueError(f"{ref!r} is not a git ref or a folder")
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except ValueError:
        raise ValueError(f"no commit {ref!r} in the repository at {Path(repo).resolve().name}") from None
    present = [f for f in PUBLISHED_FOLDERS if _git(repo, "ls-tree", "--name-only", commit, "--", f).strip()]
    out: dict[str, bytes] = {}
    if present:
        archive = _git(repo, "archive", "--format=tar", commit, "--", *present)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
            for member in tar.getmembers():
                if member.isfile() and _is_published(member.name):
                    out[member.name] = tar.extractfile(member).read()
    return commit, dict(sorted(out.items()))


# --- what a published file holds to compare cell by cell ---------------------------------------


def tables_in(path: str, content: bytes) -> dict[str, tuple[Rows, tuple[str, ...] | None]]:
    """The tables a published file holds, by the name the diff shows: {name: (rows, key or None)}.

    A CSV is one table. A chart (`.vl.json`) holds the data it draws. A brief's notebook holds
    the letter's sentences. Any other file holds none: it is compared byte for byte.
    """
    if path.endswith(".csv"):
        return {path: (read_csv_text(content.decode("utf-8")), None)}
    if path.endswith(CHART_SUFFIX):
        return chart_data(path, content)
    if path.endswith(".ipynb"):
        rows = sentences_in(content)
        return {f"{path} (zinnen)": (rows, ("zin",))} if rows else {}
    return {}


def chart_data(path: str, content: bytes) -> dict[str, tuple[Rows, tuple[str, ...] | None]]:
    """The data a chart draws, as rows: one table per dataset, keyed on the fields that place a mark."""
    spec = json.loads(content.decode("utf-8"))
    datasets = spec.get("datasets") or {}
    if not datasets and isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        datasets = {"values": spec["data"]["values"]}
    key = tuple(dict.fromkeys(_position_fields(spec)))
    out = {}
    for i, records in enumerate(datasets.values(), start=1):
        columns = list(dict.fromkeys(c for r in records for c in r))
        rows = [columns] + [[_cell(r.get(c)) for c in columns] for r in records]
        name = f"{path} (data)" if len(datasets) == 1 else f"{path} (data {i})"
        usable = key and set(key) <= set(columns) and _unique([tuple(r[columns.index(k)] for k in key) for r in rows[1:]])
        out[name] = (rows, key if usable else None)
    return out


def _position_fields(spec) -> list[str]:
    """The discrete fields of the channels that place a mark, anywhere in a (layered, concatenated) spec."""
    fields = []
    if isinstance(spec, dict):
        encoding = spec.get("encoding")
        if isinstance(encoding, dict):
            for channel in _POSITION_CHANNELS:
                enc = encoding.get(channel)
                if isinstance(enc, dict) and enc.get("type") in ("nominal", "ordinal", "temporal") and "field" in enc:
                    fields.append(enc["field"])
        for value in spec.values():
            fields += _position_fields(value)
    elif isinstance(spec, list):
        for value in spec:
            fields += _position_fields(value)
    return fields


def _cell(value) -> str:
    """A chart's data value as CSV text: numbers as the pipeline writes them, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sentences_in(content: bytes) -> Rows:
    """The letter's sentences an executed brief notebook shows: rows of zin (id), tekst, bron; [] when it has none."""
    nb = json.loads(content.decode("utf-8"))
    for cell in nb.get("cells", []):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") != "code" or f"#| label: {SENTENCES_LABEL}" not in source:
            continue
        for output in cell.get("outputs", []):
            # The page's HTML travels as a raw HTML block in the Markdown output (report.markup).
            page = unwrap_raw_html("".join(output.get("data", {}).get("text/markdown", []))) or ""
            if page:
                return [["zin", "tekst", "bron"]] + [[zin, _text(tekst), _text(bron)] for zin, tekst, bron in _SENTENCE.findall(page)]
    return []


def _text(fragment: str) -> str:
    """An HTML fragment as the reader reads it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def diff_against(current_root: Path, other: str | Path) -> BuildDiff:
    """This tree's published files (new) against another build's (old): a folder, or a git ref of this repository."""
    current_root = Path(current_root)
    if Path(other).is_dir():
        if not any((Path(other) / f).is_dir() for f in PUBLISHED_FOLDERS):
            raise ValueError(f"{other} holds neither {' nor '.join(PUBLISHED_FOLDERS)}; give the root of another checkout or build tree")
        old_files, label = published_files(Path(other)), str(other)
    else:
        try:
            commit, old_files = files_at_ref(current_root, str(other))
        except ValueError as exc:
            raise ValueError(
                f"{other} is neither a folder nor a git ref ({exc}); give a build tree's folder or a ref such as HEAD, main or a tag"
            ) from None
        label = f"{other} ({commit[:12]})"
    new_files = published_files(current_root)
    both = sorted(set(old_files) & set(new_files))
    comparisons = []
    for path in both:
        old_tables, new_tables = tables_in(path, old_files[path]), tables_in(path, new_files[path])
        for name in sorted(set(old_tables) & set(new_tables)):
            (old, key), (new, new_key) = old_tables[name], new_tables[name]
            comparisons.append(compare(name, old, new, key if key == new_key else None))

    def one_sided(files: dict[str, bytes], paths: Iterable[str]) -> tuple[OneSided, ...]:
        out = []
        for path in sorted(paths):
            rows = numbers = 0
            for name, (table, key) in tables_in(path, files[path]).items():
                header = table[0] if table else []
                key = key or key_for(name, header, table)
                values = [i for i, c in enumerate(header) if c not in key]  # key cells (cohort 2013) are not published numbers
                rows += len(table) - 1 if table else 0
                numbers += sum(number(r[i]) is not None for r in table[1:] for i in values if i < len(r))
            out.append(OneSided(path, rows, numbers))
        return tuple(out)

    only_old = one_sided(old_files, set(old_files) - set(new_files))
    only_new = one_sided(new_files, set(new_files) - set(old_files))
    return BuildDiff(
        title=f"kerncijfers diff --against {label}",
        old_label=label,
        new_label="this build",
        comparisons=tuple(comparisons),
        only_old=tuple(f.path for f in only_old),
        only_new=tuple(f.path for f in only_new),
        only_old_files=only_old,
        only_new_files=only_new,
        changed_files=tuple(p for p in both if old_files[p] != new_files[p]),
        files_compared=len(both),
    )


def _figures(text: str) -> list[str]:
    """The figures a text holds, as written: '51.600', '52,5'."""
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def changed_published_numbers(diff: BuildDiff) -> int:
    """Published numbers that would read differently or disappear: changed (in a cell or a sentence), in removed rows, columns or files."""
    changed = sum(c.is_number or _figures(c.old) != _figures(c.new) for t in diff.comparisons for c in t.changes)
    removed = sum(r.numbers() for t in diff.comparisons for r in t.removed)
    columns = sum(t.removed_column_numbers for t in diff.comparisons)
    return changed + removed + columns + sum(f.numbers for f in diff.only_old_files)


def added_published_numbers(diff: BuildDiff) -> int:
    """Numbers this build would publish that the other did not: in added rows and added files."""
    rows = sum(r.numbers() for t in diff.comparisons for r in t.added)
    return rows + sum(f.numbers for f in diff.only_new_files)


# --- rendering ------------------------------------------------------------------------------


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
    """The absolute and relative change, signed: ('+10.400', '+66,7%'); '' where they do not apply."""
    absolute, pct = change.absolute, change.relative_pct
    if absolute is None:
        return "", ""
    decimals = max(0, -absolute.as_tuple().exponent)
    sign = "+" if absolute > 0 else "-" if absolute < 0 else ""
    text = sign + (fmt.aantal(abs(absolute)) if decimals == 0 else fmt.decimaal(abs(absolute), decimals))
    if pct is None:
        return text, ""
    return text, ("+" if pct > 0 else "-" if pct < 0 else "") + fmt.procent(abs(pct), 1)


def _clean(text: str) -> str:
    return _CONTROL.sub("?", text)


def summary_lines(diff: Diff) -> list[str]:
    """The signal: how many tables and cells changed, and what only one side holds."""
    comparisons = diff.comparisons
    added = sum(len(c.added) for c in comparisons)
    removed = sum(len(c.removed) for c in comparisons)
    noun = "tables (CSV files, chart data, sentences)" if isinstance(diff, BuildDiff) else "tables"
    lines = [
        f"{len(diff.changed)} of {len(comparisons)} {noun} both sides hold changed; "
        f"{diff.cells_changed} of {diff.cells_compared} cells changed, {added} rows added, {removed} rows removed."
    ]
    if isinstance(diff, BuildDiff):  # many files: the counts are the signal
        lines.append(
            f"Published numbers changed or removed: {changed_published_numbers(diff)}; added: {added_published_numbers(diff)}."
        )
        lines.append(f"Files both sides hold: {len(diff.changed_files)} of {diff.files_compared} changed.")
        lines.append(f"Changed, besides the tables: {', '.join(diff.changed_otherwise) or 'none'}.")
    else:
        unchanged = [c.name for c in comparisons if not c.is_changed]
        lines.append(f"Unchanged: {', '.join(unchanged) or 'none'}.")
    lines.append(f"Only in {diff.old_label}: {', '.join(diff.only_old) or 'none'}.")
    lines.append(f"Only in {diff.new_label}: {', '.join(diff.only_new) or 'none'}.")
    return lines


def _table_row(c: TableComparison) -> list[str]:
    columns = ""
    if c.added_columns or c.removed_columns:
        columns = "; ".join(
            part
            for part in (
                f"+ {', '.join(c.added_columns)}" if c.added_columns else "",
                f"- {', '.join(c.removed_columns)}" if c.removed_columns else "",
            )
            if part
        )
    return [c.name, f"{len(c.changes)} of {c.cells_compared}", str(len(c.added)), str(len(c.removed)), columns]


_TABLE_HEADER = ["table", "changed cells", "rows added", "rows removed", "columns added/removed"]


def _change_rows(c: TableComparison) -> tuple[list[str], list[list[str]]]:
    header = list(c.key) + ["column", "old", "new", "change", "relative"]
    rows = [list(ch.key) + [ch.column, show_value(ch.old), show_value(ch.new), *show_change(ch)] for ch in c.changes]
    return header, rows


def _grid(header: list[str], rows: list[list[str]], indent: str, bold: str = "", reset: str = "") -> list[str]:
    widths = [max(len(_clean(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return indent + "  ".join(_clean(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [bold + line(header) + reset] + [line(r) for r in rows]


def render_terminal(diff: Diff, color: bool) -> str:
    """The diff as text: summary, then per changed table its cells and daff's highlighter; ANSI colours only when `color`."""
    import daff

    bold, reset = ("\x1b[1m", "\x1b[0m") if color else ("", "")
    lines = [f"{bold}{_clean(diff.title)}{reset}", "", f"{bold}Summary{reset}"]
    lines += ["  " + _clean(s) for s in summary_lines(diff)]
    if diff.changed:
        lines += [""] + _grid(_TABLE_HEADER, [_table_row(c) for c in diff.changed], "  ", bold, reset)
    for c in diff.changed:
        lines += ["", f"{bold}{_clean(c.name)}{reset} (key: {', '.join(c.key)})"]
        if c.changes:
            header, rows = _change_rows(c)
            lines += ["  Changed cells"] + _grid(header, rows, "    ", bold, reset)
        lines.append(f"  Cell-level diff ({DAFF_LEGEND})")
        table = daff.PythonTableView([[_clean(v) for v in row] for row in c.highlight])
        text = daff.TerminalDiffRender(daff.CompareFlags()).render(table).replace("\r\n", "\n")
        if not color:
            text = _ANSI.sub("", text)
        lines += ["    " + line for line in text.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #b0b0b0; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eeeeee; }
td.num { text-align: right; }
.daff tr.add td, .daff td.add { background: #d9f5d9; }
.daff tr.remove td, .daff td.remove { background: #fbdada; }
.daff td.modify { background: #dde8fb; }
.daff tr.header th { background: #eeeeee; }
.daff tr.spec th, .daff tr.spec td { background: #f3e2f7; }
.unchanged { color: #555555; }
"""


def _html_table(caption: str, header: list[str], rows: list[list[str]], row_header: bool = True, numeric: Sequence[int] = ()) -> str:
    e = html.escape
    out = ["<table>", f"  <caption>{e(caption)}</caption>", "  <thead><tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in header) + "</tr></thead>", "  <tbody>"]
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            if i == 0 and row_header:
                cells.append(f'<th scope="row">{e(v)}</th>')
            else:
                cells.append(f'<td class="num">{e(v)}</td>' if i in numeric else f"<td>{e(v)}</td>")
        out.append("    <tr>" + "".join(cells) + "</tr>")
    out += ["  </tbody>", "</table>"]
    return "\n".join(out)


def _daff_html(c: TableComparison) -> str:
    """daff's highlighter table with a caption and scoped header cells (daff escapes the values)."""
    import daff

    table = daff.PythonTableView([list(row) for row in c.highlight])
    body = daff.DiffRender().render(table).html()
    caption = f"<caption>Cell-level diff of {html.escape(c.name)} ({html.escape(DAFF_LEGEND)})</caption>"
    body = body.replace("<table>", f'<table class="daff">\n{caption}', 1).replace("<th>", '<th scope="col">')
    return body.strip()


def _anchor(name: str) -> str:
    return "t-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def render_html(diff: Diff) -> str:
    """A self-contained HTML page (inline CSS, no external resources) of the diff."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(diff.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(diff.title)}</h1>",
        '<section aria-labelledby="summary">',
        '<h2 id="summary">Summary</h2>',
    ]
    parts += [f"<p>{e(s)}</p>" for s in summary_lines(diff)]
    if diff.changed:
        rows = [_table_row(c) for c in diff.changed]
        table = _html_table("Changed tables", _TABLE_HEADER, rows, numeric=(2, 3))
        for c in diff.changed:  # link each changed table to its section
            table = table.replace(f'<th scope="row">{e(c.name)}</th>', f'<th scope="row"><a href="#{_anchor(c.name)}">{e(c.name)}</a></th>', 1)
        parts.append(table)
    parts.append("</section>")
    for c in diff.changed:
        anchor = _anchor(c.name)
        parts += [f'<section aria-labelledby="{anchor}">', f'<h2 id="{anchor}">{e(c.name)}</h2>', f"<p>Rows matched on: {e(', '.join(c.key))}.</p>"]
        if c.changes:
            header, rows = _change_rows(c)
            n = len(c.key)
            parts.append(_html_table(f"Changed cells of {c.name}", header, rows, row_header=True, numeric=range(n + 1, n + 5)))
        parts += [_daff_html(c), "</section>"]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
