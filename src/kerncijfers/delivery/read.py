"""Read one DUO delivery: the folder `data/raw/<peildatum>/`, one file per table.

Everything an analyst can get wrong in a file is caught here, before any rule
runs: encoding, separator, header, empty rows, Excel artefacts and cell types.
The row numbers in messages are the ones the analyst sees in Excel or an
editor (the header is row 1), and every table is indexed by them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerncijfers.delivery.cells import check_size, read_csv_cells, read_xlsx_cells
from kerncijfers.delivery.columns import to_frame
from kerncijfers.delivery.folder import parse_peildatum, shown_path, table_files
from kerncijfers.delivery.manifest import check_manifest
from kerncijfers.errors import DeliveryError, refuse
from kerncijfers.schema import TABLES, Table


@dataclass(frozen=True)
class Delivery:
    """A parsed delivery: its peildatum, folder and tables by name."""

    peildatum: dt.date
    folder: Path
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]


def read_table(path: Path, table: Table, *, shown: str | None = None) -> pd.DataFrame:
    """Read one table file into typed columns, indexed by the row number the analyst sees."""
    shown = shown or path.name
    check_size(path, shown)
    if path.suffix.lower() == ".xlsx":
        cells, kinds = read_xlsx_cells(path, shown)
        return to_frame(cells, kinds, table, shown)
    cells, decimal = read_csv_cells(path, shown)
    return to_frame(cells, None, table, shown, decimal)


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
