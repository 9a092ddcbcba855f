"""`data/raw/README.md`, the delivery contract, written from schema.py so the two never disagree."""

from __future__ import annotations

from kerncijfers.delivery.cells import MAX_FILE_BYTES
from kerncijfers.rules import NOT_CUMULATIVE
from kerncijfers.schema import TABLES

INTRO = """\
# The delivery contract

This document is written by `kerncijfers contract` from `src/kerncijfers/schema.py`; edit that file,
not this one. A new analyst can write a valid delivery from this page alone, or start from
`kerncijfers template <peildatum>`, which writes the headers (CSV, or XLSX with drop-down lists of codes).

## Folders and files

- One folder per delivery, named after its **peildatum** (reference date): `data/raw/YYYY-MM-DD/`.
  The date must exist and must not lie in the future.
- One file per DUO table, named after the table: `elip.csv`, `wi2013_leningen.xlsx`, ….
  Files with other names, subfolders, links and a second file for the same table are refused.
  What the system puts into a folder is ignored: hidden files (`.DS_Store`), `Thumbs.db` and
  `desktop.ini`. Excel's lock file `~$<name>.xlsx` is refused: close the workbook, or delete the
  file when no workbook is open.
- `README.md` or `LEESMIJ.md` beside the tables may describe the delivery.
- A delivery may hold only some tables. Tables delivered on their own dates (ELIP, for instance, on
  01-05-2022, 15-10-2022, 01-07-2023 and 01-11-2023) get their own folder.
- Every file holds a `peildatum` column equal to the folder name.
- Raw data is never edited in place. A correction from DUO is a re-delivery (see the README's
  "When a delivery is refused").

## Formats

- **CSV**: comma or semicolon between columns; UTF-8 with or without BOM, or Windows-1252 as Excel
  writes it ("CSV (gescheiden door lijstscheidingsteken)"). The separator decides how decimals are
  written: with commas between columns a decimal point (`34.5`); with semicolons, as Dutch Excel's
  "CSV (puntkomma)" writes it, a decimal comma (`34,5`). A decimal point in a file with semicolons
  is ambiguous (a value typed by hand, or a thousands separator) and refused.
- **XLSX**: one sheet, the header in row 1, values only (no formulas, no merged cells), numbers stored
  as numbers and dates as text `YYYY-MM-DD`.
- Row 1 is the header, exactly as listed below, in this order. No title rows above it, no empty
  rows or columns, no totals or notes below or beside the table.
- Counts are whole numbers without thousands separators (`51600`, not `51.600`), in every format.
  Decimals use a point (`34.5`), or a comma in a CSV with semicolons (`34,5`). Dates are `YYYY-MM-DD`.
- Wi2021 counts are delivered unrounded; the report rounds them to hundreds as the letter does.
- A file may be at most {max_mb} MB.

## The checksum manifest

When a delivery is accepted, the build writes `SHA256SUMS` into its folder (the format of
`sha256sum`). From then on a file that changes, disappears or is added is refused, so a silently
changed historical file cannot alter published figures. Check a folder by hand with
`cd data/raw/2023-10-01 && sha256sum -c SHA256SUMS`.

## Tables
"""


def _codes(col) -> str:
    return ", ".join(f"`{c}`" for c in col.codes) if col.codes else ""


def contract_markdown() -> str:
    parts = [INTRO.format(max_mb=MAX_FILE_BYTES // 1024 // 1024)]
    for table in TABLES.values():
        parts.append(f"\n### `{table.name}`: {table.title}\n\n{table.description}\n")
        parts.append(f"\n- Letter: {table.letter_reference}. Unit: {table.unit}.")
        parts.append(f"\n- Key (unique per delivery): {', '.join(f'`{k}`' for k in table.key)}.")
        if table.cumulative:
            exempt = NOT_CUMULATIVE.get(table.name, {})
            but = "".join(f" (except rows with {k} {', '.join(f'`{c}`' for c in codes)})" for k, codes in exempt.items())
            parts.append(f"\n- Cumulative since the start of the law, so never lower than in the previous delivery: "
                         f"{', '.join(f'`{c}`' for c in table.cumulative)}{but}.")
        parts.append(f"\n- Header: `{','.join(table.column_names)}`\n\n")
        parts.append("| column | type | unit | allowed values | meaning |\n|---|---|---|---|---|\n")
        for col in table.columns:
            bounds = []
            if col.min_value is not None:
                bounds.append(f"≥ {col.min_value}")
            if col.max_value is not None:
                bounds.append(f"≤ {col.max_value}")
            allowed = _codes(col) or " ".join(bounds)
            parts.append(f"| `{col.name}` | {col.dtype} | {col.unit or ''} | {allowed} | {col.description} |\n")
    parts.append(
        "\n## Rules\n\nEvery table is checked by its suite in `expectations/<table>.json` (Great Expectations):"
        " the header, types, allowed codes, non-negative whole counts, unique keys, totals equal to the sum"
        " of their parts, Tabel 2's percentages under the letter's largest-remainder rounding, Tabel 2 against"
        " the Wi2013 status totals of the same delivery, and cumulative counts against the previous delivery."
        " Errors refuse the delivery; warnings are reported and published with it.\n"
    )
    return "".join(parts)
