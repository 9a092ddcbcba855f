"""What changed, cell by cell: between two peildata, and between this build and another.

- `compare`  two tables cell by cell on their key; two peildata (`diff_peildata`)
- `sources`  this build against another tree or git ref (`diff_against`): what each published file holds
- `render`   the diff in the terminal and as a self-contained HTML page

Its modules import each other, never this package, which only names what the rest of the project imports.
"""

from kerncijfers.diff.compare import (
    CellChange, Diff, PeildataDiff, Row, TableComparison, compare, diff_peildata, dutch, number, read_csv_text, show_change, show_value,
)
from kerncijfers.diff.render import render_html, render_terminal, summary_lines
from kerncijfers.diff.sources import BuildDiff, added_published_numbers, changed_published_numbers, diff_against, tables_in

__all__ = [
    "BuildDiff", "CellChange", "Diff", "PeildataDiff", "Row", "TableComparison", "added_published_numbers",
    "changed_published_numbers", "compare", "diff_against", "diff_peildata", "dutch", "number", "read_csv_text",
    "render_html", "render_terminal", "show_change", "show_value", "summary_lines", "tables_in",
]
