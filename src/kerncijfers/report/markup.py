"""HTML as the report's pages take it: one place for how markup travels from a notebook to a page."""

from __future__ import annotations

import html
import re
from typing import Iterable


def raw_html(markup: str) -> str:
    """`markup` as a pandoc raw HTML block (```{=html}).

    Quarto passes it into the page untouched and, for Word, reads its tables into real
    tables. The notebook holds no text/html output: for those Quarto would load require.js
    and jQuery from a CDN on every page (widgets.ts, "javascript widgets").
    """
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", markup)), default=0))
    return f"{fence}{{=html}}\n{markup}\n{fence}\n"


def unwrap_raw_html(markdown: str) -> str | None:
    """The HTML inside a raw HTML block that `raw_html` wrote, or None for other Markdown."""
    match = RAW_HTML_BLOCK.fullmatch(markdown.strip())
    return match["body"] if match else None


RAW_HTML_BLOCK = re.compile(r"(?P<fence>`{3,})\{=html\}\n(?P<body>.*)\n(?P=fence)", re.S)


def html_table(
    caption: str | None,
    header: list[str],
    rows: list[list[str]],
    *,
    numeric: Iterable[int] | None = None,
    row_headers: bool = True,
    lang: dict[int, str] | None = None,
    css_class: str = "cijfers",
    scroll: bool = True,
) -> str:
    """A plain, accessible HTML table: the one place every page and export renders a table.

    Column headers are scoped; the first cell of a row is its row header (unless
    `row_headers` is False). Cells in the `numeric` columns (positions; by default the
    columns where every cell is a number) are right-aligned and never wrap, as the letter
    sets figures. With `scroll`, the table sits in a region that scrolls sideways where it
    is wider than the page and that a keyboard can reach (role region, tabindex, its caption
    as name): no table is cut off, on a phone neither.
    """
    e = html.escape
    if numeric is None:
        numeric = [i for i in range(len(header)) if is_numeric_column([r[i] for r in rows])]
    numeric = set(numeric)
    lang = lang or {}

    def attrs(i: int) -> str:
        return (' class="getal"' if i in numeric else "") + (f' lang="{lang[i]}"' if i in lang else "")

    head = "".join(f'<th scope="col"{attrs(i) if i in numeric else ""}>{e(str(h))}</th>' for i, h in enumerate(header))
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row">{e(str(value))}</th>')
            else:
                cells.append(f"<td{attrs(i)}>{e(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    table = f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return scroll_region(table, caption or "Tabel") if scroll else table


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
