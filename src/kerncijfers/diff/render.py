"""A diff as the reviewer reads it: in the terminal, and as a self-contained HTML page.

The signal first (which tables changed, n of N cells), then per changed table each changed cell
old → new with its absolute and relative change, and daff's highlighter diff.
"""

from __future__ import annotations

import html
import re

from kerncijfers.diff.compare import Diff, TableComparison, show_change, show_value
from kerncijfers.diff.sources import BuildDiff, added_published_numbers, changed_published_numbers
from kerncijfers.report.markup import html_table

#: How to read daff's highlighter diff (first column of each row).
DAFF_LEGEND = "daff: → changed cell old→new, +++ added row, --- removed row, ... rows left out, +++/--- in the ! row: added/removed column"
#: Control characters: a CSV cell could otherwise move the reviewer's cursor or recolour the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
td.getal, th.getal { text-align: right; }
.daff tr.add td, .daff td.add { background: #d9f5d9; }
.daff tr.remove td, .daff td.remove { background: #fbdada; }
.daff td.modify { background: #dde8fb; }
.daff tr.header th { background: #eeeeee; }
.daff tr.spec th, .daff tr.spec td { background: #f3e2f7; }
.unchanged { color: #555555; }
"""


def _html_table(caption: str, header: list[str], rows: list[list[str]], numeric) -> str:
    """A table of the diff page, as every page of the project renders one (report.markup)."""
    return html_table(caption, header, rows, numeric=numeric, css_class="diff", scroll=False)


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
            parts.append(_html_table(f"Changed cells of {c.name}", header, rows, numeric=range(n + 1, n + 5)))
        parts += [_daff_html(c), "</section>"]
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
