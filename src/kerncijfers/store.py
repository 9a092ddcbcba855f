"""The validated stage: `data/validated/<peildatum>/<table>.csv|.parquet` and `validatie.json`.

Tables are written as tidy CSV (UTF-8, comma, `\\n`, stable row order by the
table's key) for reviewers and as Parquet for machines. They are written into a
staging folder; build/publish.py moves them into place (see its publish journal).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from kerncijfers.schema import TABLES, Table

SUMMARY = "validatie.json"
#: Per table in validatie.json: the delivered file's row of each row of the validated CSV, in its order.
SOURCE_ROWS = "source_rows"


def sort_table(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Rows in the contract's order: by the key, codes in their vocabulary order."""
    return frame.iloc[_key_order(frame, table)].reset_index(drop=True)


def _key_order(frame: pd.DataFrame, table: Table) -> pd.Index:
    keys = []
    for name in table.key:
        col = table.column(name)
        if col.codes:
            keys.append(frame[name].map({c: i for i, c in enumerate(col.codes)}))
        else:
            keys.append(frame[name])
    return pd.DataFrame({f"k{i}": k.to_numpy() for i, k in enumerate(keys)}).sort_values(
        [f"k{i}" for i in range(len(keys))], kind="stable"
    ).index


def to_csv_text(frame: pd.DataFrame, table: Table) -> str:
    """Deterministic CSV of a validated table."""
    out = frame.copy()
    out["peildatum"] = out["peildatum"].map(lambda d: d.isoformat())
    for col in table.columns:
        if col.dtype == "decimal":
            out[col.name] = out[col.name].map(lambda v: repr(float(v)) if pd.notna(v) else "")
    return out.to_csv(index=False, lineterminator="\n")


def to_parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["peildatum"] = pd.to_datetime(out["peildatum"].map(lambda d: d.isoformat())).astype("datetime64[ms]")
    return out


def write_delivery_stage(stage: Path, tables: dict[str, pd.DataFrame], summary: dict) -> None:
    """Write one validated delivery into an empty staging folder."""
    stage.mkdir(parents=True, exist_ok=False)
    summary = json.loads(json.dumps(summary))  # the caller's summary stays as it was
    for name in sorted(tables):
        table = TABLES[name]
        order = _key_order(tables[name], table)
        frame = tables[name].iloc[order].reset_index(drop=True)
        if name in summary.get("tables", {}) and pd.api.types.is_integer_dtype(tables[name].index):
            # The delivered file's row (header = row 1) of each validated row, in the validated order:
            # provenance names the delivered cell without reading the delivery again.
            summary["tables"][name][SOURCE_ROWS] = [int(i) for i in tables[name].index[order]]
        (stage / f"{name}.csv").write_text(to_csv_text(frame, table), encoding="utf-8", newline="\n")
        # Parquet without pandas metadata or timestamps keeps the file byte-identical across builds.
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(to_parquet_frame(frame), preserve_index=False)
        arrow = arrow.replace_schema_metadata(None)
        pq.write_table(arrow, stage / f"{name}.parquet", compression="zstd", write_statistics=False)
    (stage / SUMMARY).write_text(dumps(summary), encoding="utf-8", newline="\n")


def dumps(obj) -> str:
    """JSON as reviewers diff it: sorted keys, two-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- reading the validated stage ---------------------------------------------------


def validated_peildata(validated_dir: Path) -> list[str]:
    """The peildata with a validated delivery, oldest first."""
    validated_dir = Path(validated_dir)
    if not validated_dir.is_dir():
        return []
    return sorted(p.name for p in validated_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


#: read_validated's parsed frames, by file (device, inode, size, mtime): a report reads each file once.
_READ_CACHE: dict[tuple[int, int, int, int], pd.DataFrame] = {}


def read_validated(validated_dir: Path, peildatum: str, name: str) -> pd.DataFrame:
    """One validated table with the contract's dtypes (peildatum as datetime.date).

    A report reads the same deliveries for its tables, charts, sentences and pages; the
    parsed frame is kept while the file is unchanged, and each caller gets its own copy.
    The key is the file itself, not its path: a build's staged copy of data/validated/ is
    hard links, so what the report kernel read there while validation ran is read once.
    """
    path = Path(validated_dir) / peildatum / f"{name}.csv"
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key not in _READ_CACHE:
        _READ_CACHE[key] = _parse_validated(path, TABLES[name])
    return _READ_CACHE[key].copy()


def _parse_validated(path: Path, table: Table) -> pd.DataFrame:
    dtypes = {}
    for col in table.columns:
        dtypes[col.name] = {"int": "Int64", "decimal": "Float64", "date": "string"}.get(col.dtype, "string")
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    frame["peildatum"] = pd.Series([dt.date.fromisoformat(v) for v in frame["peildatum"]], index=frame.index, dtype=object)
    return frame


def rows_where(frame: pd.DataFrame, **key) -> np.ndarray:
    """Positions of the rows whose columns equal `key`.

    Plain comparisons on the column values: a report looks up hundreds of single cells,
    and a pandas mask and copy per lookup cost a millisecond each.
    """
    mask = np.ones(len(frame), dtype=bool)
    for name, value in key.items():
        mask &= frame[name].to_numpy(dtype=object, na_value=None) == value
    return np.flatnonzero(mask)


def table_peildata(validated_dir: Path, name: str, up_to: dt.date | str | None = None) -> list[str]:
    """The peildata with a validated delivery of table `name` up to and including `up_to`, oldest first."""
    limit = up_to.isoformat() if isinstance(up_to, dt.date) else up_to
    return [
        p
        for p in validated_peildata(validated_dir)
        if (limit is None or p <= limit) and (Path(validated_dir) / p / f"{name}.csv").exists()
    ]


def table_history(
    validated_dir: Path, name: str, up_to: dt.date | str | None = None, *, last: int | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """Every validated delivery of table `name` up to and including `up_to` (or only the `last` ones), oldest first."""
    peildata = table_peildata(validated_dir, name, up_to)
    if last is not None:
        peildata = peildata[-last:] if last > 0 else []
    return [(p, read_validated(validated_dir, p, name)) for p in peildata]


def newest_first(validated_dir: Path, name: str, up_to: dt.date | str | None = None):
    """(peildatum, frame) of table `name` from the latest delivery up to `up_to` back; read as the caller goes."""
    for p in reversed(table_peildata(validated_dir, name, up_to)):
        yield p, read_validated(validated_dir, p, name)
