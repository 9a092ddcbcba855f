"""HTML as the report's pages take it: one place for how markup travels from a notebook to a page."""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable


def raw_html(markup: str) -> str:
    """`markup` as a pandoc raw HTML block (```{=html}).

    Quarto passes it into the page untouched and, for Word, reads its tables into real
    tables. The notebook holds no text/html output: for those Quarto would load require.js
    and jQuery from a CDN on every page (widgets.ts, "javascript widgets").
    """
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", markup)), default=0))
    return f"{fence}{{=html}}\n{markup}\n{fence}\n"


def unwrap_raw_html(markdown: str) -> str | None:
    """The HTML inside a raw HTML block that `raw_html` wrote, or None for other Markdown.

    A raw block for Word that follows it (```{=openxml}, report.vaststelling) is not for a web page.
    """
    match = RAW_HTML_BLOCK.fullmatch(RAW_OPENXML_BLOCK.sub("", markdown).strip())
    return match["body"] if match else None


RAW_HTML_BLOCK = re.compile(r"(?P<fence>`{3,})\{=html\}\n(?P<body>.*)\n(?P=fence)", re.S)
RAW_OPENXML_BLOCK = re.compile(r"\n(?P<fence>`{3,})\{=openxml\}\n.*?\n(?P=fence)\n?\s*\Z", re.S)


def html_table(
    caption: str | None,
    header: list[str] | list[list[str]],
    rows: list[list[str]],
    *,
    numeric: Iterable[int] | None = None,
    row_headers: bool = True,
    lang: dict[int, str] | None = None,
    css_class: str = "cijfers",
    table_id: str | None = None,
    scroll: bool = True,
    cell: Callable[[int, int, str], str] | None = None,
) -> str:
    """A plain, accessible HTML table: the one place every page and export renders a table.

    `header` is one row of column labels, or several rows of which all but the last group
    the columns below them (Tabel 2: Totaal, Asiel, Gezin & Overig over four columns each):
    a group spans its columns (scope colgroup, with a <colgroup> per group), and the corner
    cell spans the header rows. The first cell of a body row is its row header (unless
    `row_headers` is False). Cells in the `numeric` columns (positions; by default the
    columns where every cell is a number) are right-aligned and never wrap, as the letter
    sets figures. With `scroll`, the table sits in a region that scrolls sideways where it is
    wider than the page and that a keyboard can reach (role region, tabindex, its caption as
    name): no table is cut off, on a phone neither. `cell(row, column, value)` gives the HTML
    inside a data cell (provenance_text.figure_html opens a figure's record); by default the
    value, escaped.
    """
    e = html.escape
    header_rows = [list(map(str, r)) for r in header] if header and isinstance(header[0], (list, tuple)) else [list(map(str, header))]
    columns = header_rows[-1]
    if numeric is None:
        numeric = [i for i in range(len(columns)) if is_numeric_column([r[i] for r in rows])]
    numeric = set(numeric)
    lang = lang or {}

    def attrs(i: int) -> str:
        return (' class="getal"' if i in numeric else "") + (f' lang="{lang[i]}"' if i in lang else "")

    groups = header_rows[:-1]
    head_rows = [[f'<th scope="colgroup" colspan="{n}">{e(label)}</th>' for label, n in spans(row[1:])] for row in groups]
    # An empty corner is no header (axe: empty-table-header): a plain cell, as the group rows' corner.
    head_rows.append([f'<th scope="col"{attrs(i) if i in numeric else ""}>{e(label)}</th>' if label or i else "<td></td>"
                      for i, label in enumerate(columns) if i or not groups])
    if groups:
        rowspan = f' rowspan="{len(header_rows)}"'
        head_rows[0].insert(0, f'<th scope="col"{rowspan}>{e(columns[0])}</th>' if columns[0] else f"<td{rowspan}></td>")
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row">{e(str(value))}</th>')
            else:
                inner = cell(r, i, str(value)) if cell is not None else e(str(value))
                cells.append(f"<td{attrs(i)}>{inner}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts = [f'<table class="{css_class}"' + (f' id="{e(table_id)}"' if table_id else "") + ">"]
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    if groups:  # scope="colgroup" refers to these
        parts.append('<colgroup span="1"></colgroup>' + "".join(f'<colgroup span="{n}"></colgroup>' for _, n in spans(groups[0][1:])))
    parts += ["<thead>", *("<tr>" + "".join(c) + "</tr>" for c in head_rows), "</thead>", "<tbody>", *body, "</tbody>", "</table>"]
    table = "\n".join(parts)
    return scroll_region(table, caption or "Tabel") if scroll else table


def spans(cells: list[str]) -> list[tuple[str, int]]:
    """Runs of equal labels in a group row: ['A', 'A', 'B'] -> [('A', 2), ('B', 1)]."""
    out: list[tuple[str, int]] = []
    for label in cells:
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1] + 1)
        else:
            out.append((label, 1))
    return out


def scroll_region(content: str, name: str, css_class: str = "brede-tabel") -> str:
    """`content` in a region that scrolls sideways on small screens and can take keyboard focus."""
    return f'<div class="scroll {css_class}" role="region" tabindex="0" aria-label="{html.escape(name, quote=True)}">{content}</div>'


def is_number(value: str) -> bool:
    """A figure as the pages print it: digits with separators, %, € or brackets."""
    stripped = re.sub(r"[€%.,\s\u00a0()+\-−]", "", value)
    return stripped.isdigit()


def is_numeric_column(values: Iterable[str]) -> bool:
    """Numeric when every cell is a number (or a dash for 'no figure') and one at least is."""
    values = [str(v) for v in values]
    return all(is_number(v) or v in ("–", "-", "") for v in values) and any(is_number(v) for v in values)


def section_id(*parts: str) -> str:
    """An id for a section of a page: 'ontwikkeling', 'Wi2013 status' -> 'ontwikkeling-wi2013-status'."""
    return "-".join("".join(ch if ch.isalnum() else "-" for ch in p.lower()).strip("-") for p in parts)


def page_table(caption: str, header: list[str], rows: list[list[str]], *, numeric: tuple[int, ...] = (), lang: dict[int, str] | None = None) -> list[str]:
    """An accessible table in its scroll region (html_table), as one item of a page's lines."""
    return [html_table(caption, header, rows, numeric=numeric, lang=lang, css_class="kerncijfers-tabel")]
