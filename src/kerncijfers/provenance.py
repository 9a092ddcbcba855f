"""Where every published figure comes from: the delivered cells, the computation, the rules they passed.

A figure of the report (a cell of Tabel 1–4, a figure of a sentence, a value in a chart's
data table) is made by the figure catalogue (`kerncijfers.catalogue`) with its record: the
figure as shown, an operation code with its parameters, and a `Ref` per input (table,
peildatum, column and key of the validated row); `Ledger.record` takes that record. The ledger resolves each input to the cell
of the delivered file, as the analyst finds it: `data/raw/<peildatum>/<file>`, row number
(header = row 1), column, value; with the file's SHA-256 and the rules from `validatie.json`.

Why the raw row is found through the delivery reader, not carried through the validated
stage: the validated CSVs are sorted by key and diffed by reviewers, and nothing else needs
the row there. `delivery.read_table` is the one reader of a delivered file and already
indexes every table by the analyst's row number, so the ledger reads the file named in
`validatie.json` with it and finds the row by the table's key. It refuses a raw file whose
SHA-256 differs from the one validated.

Every record is checked when it is made: the operation applied to the delivered values must
give the figure as shown, or the report stops (`ProvenanceError`). So a record cannot drift
from its figure, and `recompute` (the same operations) is what tests and reviewers run on
`provenance.csv` to get every figure back from `data/raw/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kerncijfers.operations import OPERATIONS, number as _number

#: The export, per brief: reports/<brief>/exports/provenance.csv.
EXPORT = "provenance.csv"
#: Its columns, documented in docs/provenance.md: one row per figure and input cell.
COLUMNS = (
    "figure", "place", "shown", "operation", "parameters", "computation",
    "input", "role", "peildatum", "table", "file", "sha256", "row", "column", "value", "rules",
)


class ProvenanceError(ValueError):
    """A figure's record does not reproduce it, or names a cell the delivery does not hold."""


# --- the record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One delivered cell, as the analyst finds it in the file."""

    table: str
    peildatum: str  # ISO date of the delivery
    file: str  # data/raw/<peildatum>/<file>, as validatie.json and every message name it
    sha256: str
    row: int  # the header is row 1
    column: str
    value: str  # the delivered value: "7172", "34.5"
    rules: tuple[str, ...]  # the rules of validatie.json this cell passed


@dataclass(frozen=True)
class Figure:
    """A published figure: as shown, the operation that makes it, and its input cells by role."""

    id: str
    place: str  # tabel_2, grafiek_pip (a chart's data table), or the id of the sentence
    shown: str
    operation: str
    parameters: tuple[tuple[str, object], ...]
    inputs: tuple[tuple[str, Cell], ...]

    @property
    def params(self) -> dict:
        return dict(self.parameters)

    @property
    def computation(self) -> str:
        """The computation in words, with the input values: 'aandeel: 26.000 van 51.600, half naar boven'."""
        return OPERATIONS[self.operation].words({r: _number(c.value) for r, c in self.inputs}, self.params)

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule any input passed, once."""
        return tuple(sorted({r for _, c in self.inputs for r in c.rules}))


@dataclass(frozen=True)
class Ref:
    """An input as the figure code knows it: the validated row (`key`) and column of a delivery."""

    table: str
    peildatum: str  # ISO date
    column: str
    key: tuple[tuple[str, object], ...]


def ref(table: str, peildatum: dt.date | str, column: str, **key) -> Ref:
    """The cell in `column` of the row of `table`'s delivery on `peildatum` whose columns equal `key`."""
    return Ref(table, peildatum.isoformat() if isinstance(peildatum, dt.date) else str(peildatum), column, tuple(key.items()))


# --- the operations (kerncijfers.operations) applied to a record's delivered values -------------


def recompute(operation: str, parameters: dict, values: dict) -> str:
    """The figure as shown, from its operation and the delivered values of its inputs (by role)."""
    if operation not in OPERATIONS:
        raise ProvenanceError(f"unknown operation {operation!r}; known: {', '.join(sorted(OPERATIONS))}")
    return OPERATIONS[operation].compute({r: _number(str(v)) for r, v in values.items()}, parameters)


# --- the ledger: resolves inputs to delivered cells and records each figure ------------------------


#: The SHA-256 of each raw file any ledger checked, by file (device, inode, size, mtime):
#: tables, charts and sentences each have a ledger; a report hashes each delivered file once.
_RAW_CACHE: dict[tuple[int, int, int, int], str] = {}


class Ledger:
    """Records the figures of one brief, reading `validatie.json` and the raw files once each."""

    def __init__(self, validated_dir: Path, raw_dir: Path):
        self.validated_dir, self.raw_dir = Path(validated_dir), Path(raw_dir)
        self._summaries: dict[str, dict] = {}
        self._files: dict[tuple[str, str], tuple[dict, object]] = {}
        self._cells: dict[Ref, Cell] = {}
        self._rows: dict[tuple, dict[tuple, list[int]]] = {}

    def record(self, record, place: str) -> Figure:
        """Record one figure of the catalogue (catalogue.model.Record: id, shown, operation, inputs, parameters)
        at `place`; refuses one whose computation, applied to the delivered cells, is not what it shows."""
        cells = tuple((role, self.cell(r)) for role, r in record.inputs)
        params = tuple(sorted(record.parameters))
        recomputed = recompute(record.operation, dict(params), {role: c.value for role, c in cells})
        if recomputed != record.shown:
            where = "; ".join(f"{role}: {c.file} row {c.row}, column {c.column} = {c.value}" for role, c in cells)
            raise ProvenanceError(
                f"{place}, figure {record.id}: shows {record.shown!r}, but {record.operation} of its recorded inputs gives "
                f"{recomputed!r} ({where}). The catalogue's record of this figure (kerncijfers/catalogue) names the wrong cell or operation."
            )
        return Figure(record.id, place, record.shown, record.operation, params, cells)

    def cell(self, r: Ref) -> Cell:
        if r not in self._cells:
            self._cells[r] = self._resolve(r)
        return self._cells[r]

    def _resolve(self, r: Ref) -> Cell:
        entry, frame = self._delivered(r.table, r.peildatum)
        # The validated table, with each row's delivered row number recorded at validation (store.SOURCE_ROWS);
        # a summary written before that was recorded falls back to the delivered file, parsed again.
        names = tuple(name for name, _ in r.key)
        if (r.table, r.peildatum, names) not in self._rows:
            # Row numbers by key, built once per file and key: a pandas mask per cell costs a millisecond.
            keys = zip(*(frame[name].to_numpy(dtype=object, na_value=None) for name in names))
            by_key: dict[tuple, list[int]] = {}
            for key, row in zip(keys, frame.index):
                by_key.setdefault(key, []).append(int(row))
            self._rows[r.table, r.peildatum, names] = by_key
        rows = self._rows[r.table, r.peildatum, names].get(tuple(value for _, value in r.key), [])
        if len(rows) != 1:
            where = ", ".join(f"{k}={v}" for k, v in r.key)
            raise ProvenanceError(f"{entry['file']}: expected one row with {where}, found {len(rows)}")
        value = frame.at[rows[0], r.column]
        return Cell(r.table, r.peildatum, entry["file"], entry["sha256"], rows[0], r.column, _text(value), self._passed(r, rows[0]))

    def _summary(self, peildatum: str) -> dict:
        if peildatum not in self._summaries:
            path = self.validated_dir / peildatum / "validatie.json"
            self._summaries[peildatum] = json.loads(path.read_text(encoding="utf-8"))
        return self._summaries[peildatum]

    def _delivered(self, table: str, peildatum: str):
        """`table` on `peildatum` indexed by the delivered file's rows; the file is checked against its SHA-256.

        The rows come from validatie.json (recorded when the delivery was validated) and the values
        from the validated table: the delivered file is hashed, not parsed again.
        """
        if (table, peildatum) not in self._files:
            from kerncijfers.delivery import sha256
            from kerncijfers.store import SOURCE_ROWS, read_validated

            entry = self._summary(peildatum)["tables"][table]
            path = self.raw_dir / peildatum / Path(entry["file"]).name
            stat = path.stat()
            key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
            if key not in _RAW_CACHE:
                _RAW_CACHE[key] = sha256(path)
            actual = _RAW_CACHE[key]
            if SOURCE_ROWS in entry:
                frame = read_validated(self.validated_dir, peildatum, table)
                frame.index = pd.Index(entry[SOURCE_ROWS])
            else:
                from kerncijfers.delivery import read_table
                from kerncijfers.schema import TABLES

                frame = read_table(path, TABLES[table], shown=entry["file"])
            if actual != entry.get("sha256"):
                raise ProvenanceError(
                    f"{entry['file']}: sha256 {actual[:12]}… differs from {str(entry.get('sha256'))[:12]}… in "
                    f"validatie.json: the raw file changed after it was validated. Run `kerncijfers build`."
                )
            self._files[table, peildatum] = (entry, frame)
        return self._files[table, peildatum]

    def _passed(self, r: Ref, row: int) -> tuple[str, ...]:
        """The rules of the cell's column and of its whole table that it passed: no finding on its row."""
        summary = self._summary(r.peildatum)
        entry = summary["tables"][r.table]
        failed = {
            f["rule"] for f in summary.get("findings") or []
            if f.get("file") == entry["file"] and f.get("row") in (row, None) and f.get("column") in (r.column, None)
        }
        return tuple(
            e["rule"] for e in entry.get("expectations") or []
            if e.get("column") in (r.column, None) and e["rule"] not in failed
        )


def _text(value) -> str:
    """A parsed delivered value as text: 7172 -> '7172', 34.5 -> '34.5', 17.0 -> '17'."""
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


class Recorder:
    """Collects the figures of one place (a table, a chart or a sentence); does nothing without a ledger."""

    def __init__(self, ledger: Ledger | None, place: str):
        self.ledger, self.place = ledger, place
        self.figures: list[Figure] = []

    def __bool__(self) -> bool:
        return self.ledger is not None

    def record(self, *records) -> None:
        """Record figures of the catalogue (catalogue.model.Record), in the order they are laid out."""
        if self.ledger is not None:
            self.figures += [self.ledger.record(r, self.place) for r in records]


def cell_id(table_id: str, row_label: str, *column_labels: str) -> str:
    """How a table cell is named: 'tabel_2:2018:Totaal:Voldaan'; a column named as its group is named once."""
    labels = [row_label]
    for label in column_labels:
        if label and label != labels[-1]:
            labels.append(label)
    return ":".join([table_id, *labels])


# --- provenance.csv ---------------------------------------------------------------------------


def rows(figures: list[Figure]) -> list[dict]:
    """One row per figure and input cell, in the figures' order."""
    out = []
    for f in figures:
        params = json.dumps(f.params, sort_keys=True, ensure_ascii=False) if f.parameters else ""
        for i, (role, c) in enumerate(f.inputs, start=1):
            out.append({
                "figure": f.id, "place": f.place, "shown": f.shown, "operation": f.operation, "parameters": params,
                "computation": f.computation, "input": i, "role": role, "peildatum": c.peildatum, "table": c.table,
                "file": c.file, "sha256": c.sha256, "row": c.row, "column": c.column, "value": c.value,
                "rules": " ".join(c.rules),
            })
    return out


def to_csv(figures: list[Figure]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(figures))
    return buffer.getvalue().encode("utf-8")


def write_export(out_dir: Path, places: list) -> Path:
    """Write `out_dir/provenance.csv` from the figures of `places` (tables, charts, sentences), in their order."""
    path = Path(out_dir) / EXPORT
    path.write_bytes(to_csv([f for place in places for f in place.provenance.values()]))
    return path


def read_csv(path: Path) -> list[Figure]:
    """The figures of a `provenance.csv`, in its order."""
    figures: dict[tuple[str, str], dict] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["place"], r["figure"])
            entry = figures.setdefault(key, {"row": r, "inputs": []})
            cell = Cell(r["table"], r["peildatum"], r["file"], r["sha256"], int(r["row"]), r["column"], r["value"], tuple(r["rules"].split()))
            entry["inputs"].append((r["role"], cell))
    out = []
    for (place, id), entry in figures.items():
        r = entry["row"]
        params = tuple(sorted(json.loads(r["parameters"]).items())) if r["parameters"] else ()
        out.append(Figure(id, place, r["shown"], r["operation"], params, tuple(entry["inputs"])))
    return out


# --- finding a figure by name (kerncijfers explain) ------------------------------------------------


def _normal(name: str) -> str:
    """A name without case, spaces or punctuation, parts kept apart: "Tabel_2:2018:Totaal:Voldaan" -> "tabel2:2018:totaal:voldaan"."""
    return ":".join("".join(ch for ch in part.lower() if ch.isalnum()) for part in name.split(":"))


def find(figures: list[Figure], name: str) -> list[Figure]:
    """The figures named `name` (a table cell may also be cited by a sentence: both are returned)."""
    wanted = _normal(name)
    return [f for f in figures if _normal(f.id) == wanted]


def close_names(name: str, names: list[str], n: int = 3) -> list[str]:
    """Up to `n` of `names` that look like `name`, closest first."""
    import difflib

    by_normal = {_normal(x): x for x in names}
    return [by_normal[m] for m in difflib.get_close_matches(_normal(name), list(by_normal), n=n, cutoff=0.6)]
