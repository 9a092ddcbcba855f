"""The cijferbijlage: one Word file per brief with what the letter writers paste into the letter.

Quarto renders it (site/brief/cijferbijlage.qmd, format docx) from one notebook cell whose
output is the Markdown below. The tables travel as the same HTML the web pages show
(markup.raw_html): Quarto reads an HTML table into a real Word table, grouped header
included. Each table is a Quarto float (`::: {#tbl-...}`), so Word gets "Tabel 1: ..."
captions; Tabel 2, thirteen columns wide, sits in a landscape section (`.landscape`) so
no number is broken over lines. Charts go in as the exported PNG with a Dutch text
alternative; the sentences of "Cijfers voor de tekst" follow with their source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kerncijfers.report.markup import raw_html

#: Text width of an A4 page with 2 cm margins (site/cijferbijlage-referentie.docx), portrait.
PORTRAIT_TEXT_CM = 17.0
#: What a character of a 9 pt table cell takes, on average over digits and separators,
#: and the cell's margins: enough to tell whether a table fits in portrait.
CHARACTER_CM = 0.19
CELL_MARGIN_CM = 0.25
#: The exported PNG is drawn at this many pixels per CSS pixel (charts.PNG_SCALE); Word
#: shows it at its CSS size, 96 per inch.
CSS_PIXELS_PER_CM = 96 / 2.54
#: No chart wider than the portrait text width, less a little air.
MAX_CHART_CM = 16.5


@dataclass(frozen=True)
class Markdown:
    """A notebook output that is Markdown for Quarto (and for the notebook's own view)."""

    text: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.text, "text/plain": self.text}


def cijferbijlage(brief, tables: list, charts: list, sentences: list, exports: str = "exports") -> Markdown:
    """The body of the brief's Word file: Tabel 1-4 with their charts, then the sentences."""
    from kerncijfers.report.site import letter_table, sentence_list

    charts_by_table = dict(zip((t.id for t in tables), charts))
    parts = [
        f"Deze bijlage bevat de tabellen, grafieken en cijfers voor de tekst van de {brief.titel} "
        f"(Kamerstuk {brief.kamerstuk}), opnieuw berekend uit de gevalideerde leveringen van DUO.",
        "",
        "# Tabellen en grafieken",
        "",
    ]
    for table in tables:
        widths = column_widths(table)
        block = [_table_float(table, letter_table(table).html, widths), "", table.source, ""]
        chart = charts_by_table.get(table.id)
        if chart is not None:
            block += [_chart_figure(chart, exports), ""]
        if sum(w * CHARACTER_CM + CELL_MARGIN_CM for w in widths) > PORTRAIT_TEXT_CM:
            block = ["::: {.landscape}", "", *block, ":::", ""]
        parts += block
    parts += ["# Cijfers voor de tekst", "", sentence_list(sentences).markdown]
    return Markdown("\n".join(parts).rstrip() + "\n")


def column_widths(table) -> list[int]:
    """Per column, the characters its widest cell needs: a body cell whole, a header by its
    longest word (headers wrap between words). A number never has to break."""
    widths = []
    for i, cells in enumerate(zip(*table.header, *table.rows)):
        header, body = cells[: len(table.header)], cells[len(table.header) :]
        # A group label spans several columns; it need not fit in one.
        words = [w for h in header[-1:] for w in h.split()]
        widths.append(max([len(c) for c in body] + [len(w) for w in words] + [1]))
    return widths


def _table_float(table, table_html: str, widths: list[int]) -> str:
    """A Quarto table float: the HTML table (its source line left out), captioned 'Tabel n: ...'.

    Word takes the column widths from `<col>` elements; without them pandoc gives every
    column the same narrow width and numbers break over lines.
    """
    only_table = re.sub(r'\s*<p class="bron">.*?</p>', "", table_html, flags=re.S)
    only_table = re.sub(r"\s*<colgroup[^>]*>\s*</colgroup>", "", only_table)
    total = sum(w + 2 for w in widths)
    cols = "".join(f'<col style="width: {100 * (w + 2) / total:.1f}%">' for w in widths)
    only_table = re.sub(r"(<table[^>]*>)", rf"\1<colgroup>{cols}</colgroup>", only_table, count=1)
    caption = table.title.split(": ", 1)[-1]
    return f"::: {{#tbl-{table.id.replace('_', '-')}}}\n\n{raw_html(only_table)}\n{caption}\n\n:::"


def _chart_figure(chart, exports: str) -> str:
    """The chart's PNG at its on-screen size, with its description as the text alternative."""
    width = re.search(r'<svg[^>]*\swidth="(\d+(?:\.\d+)?)"', chart.to_svg())
    size = f' width="{min(float(width[1]) / CSS_PIXELS_PER_CM, MAX_CHART_CM):.1f}cm"' if width else ""
    alt = chart.description.replace('"', "'")
    return f'![{chart.title}]({exports}/{chart.id}.png){{#fig-{chart.id} fig-alt="{alt}"{size}}}'
