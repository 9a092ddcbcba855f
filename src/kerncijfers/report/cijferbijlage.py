"""The cijferbijlage: one Word file per brief with what the letter writers paste into the letter.

Quarto renders it (site/brief/cijferbijlage.qmd, format docx) from one notebook cell whose
output is the Markdown below. The tables travel as the same HTML the web pages show
(markup.raw_html): Quarto reads an HTML table into a real Word table, grouped header and
caption ("Tabel 1: ...", as the letter numbers them) included. They are not Quarto floats:
in Word Quarto puts each float inside a one-cell layout table, and a letter writer copies a
table, not a table in a table. A table too wide for a portrait page (Tabel 2, thirteen
columns) sits in a landscape section (`.landscape`), so no number is broken over lines.
Charts go in as the exported PNG with a Dutch text alternative; the sentences of
"Cijfers voor de tekst" follow with their source.
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
#: The chart that goes with each table, as the page "Tabellen en grafieken" pairs them.
CHART_OF_TABLE = {"tabel_1": "pip", "tabel_2": "wi2013-status", "tabel_3": "elip", "tabel_4": "leningen"}


@dataclass(frozen=True)
class Markdown:
    """A notebook output that is Markdown for Quarto (and for the notebook's own view)."""

    text: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.text, "text/plain": self.text}


def cijferbijlage(brief, tables: list, charts: list, sentences: list, exports: str = "exports") -> Markdown:
    """The body of the brief's Word file: Tabel 1-4 with their charts, then the sentences."""
    from kerncijfers.report.site import sentence_list

    charts_by_id = {c.id: c for c in charts}
    parts = [
        f"Deze bijlage bevat de tabellen, grafieken en cijfers voor de tekst van de {brief.titel} "
        f"(Kamerstuk {brief.kamerstuk}), opnieuw berekend uit de gevalideerde leveringen van DUO.",
        "",
        "# Tabellen en grafieken",
        "",
    ]
    figures = 0
    for table in tables:
        widths = column_widths(table)
        block = [word_table(table, widths), "", table.source, ""]
        chart = charts_by_id.get(CHART_OF_TABLE.get(table.id, ""))
        if chart is not None:
            figures += 1
            block += [_chart_figure(chart, figures, exports), ""]
        if sum(w * CHARACTER_CM + CELL_MARGIN_CM for w in widths) > PORTRAIT_TEXT_CM:
            block = ["::: {.landscape}", "", *block, ":::", ""]
        parts += block
    parts += ["# Cijfers voor de tekst", "", sentence_list(sentences).markdown]
    return Markdown("\n".join(parts).rstrip() + "\n")


def column_widths(table) -> list[int]:
    """Per column, the characters its widest cell needs: a body cell whole, a header by its
    longest word (headers wrap between words). A number never has to break."""
    widths = []
    for cells in zip(*table.header, *table.rows):
        header, body = cells[: len(table.header)], cells[len(table.header) :]
        # A group label spans several columns; it need not fit in one.
        words = [w for h in header[-1:] for w in h.split()]
        widths.append(max([len(c) for c in body] + [len(w) for w in words] + [1]))
    return widths


def word_table(table, widths: list[int]) -> str:
    """The table's caption as a 'Table Caption' paragraph, then its HTML with column widths.

    The caption is not the table's own: Quarto makes a captioned table a float, and in Word
    it puts a float inside a one-cell layout table. Word takes the column widths from
    `<col>` elements; without them pandoc gives every column the same narrow width and
    numbers break over lines. The source line is written below the table as text.
    """
    only_table = re.sub(r'\s*<p class="bron">.*?</p>', "", table.to_html(provenance=False), flags=re.S)
    only_table = re.sub(r"\s*<colgroup[^>]*>\s*</colgroup>", "", only_table)
    only_table = re.sub(r"\s*<caption>.*?</caption>", "", only_table, flags=re.S)
    total = sum(w + 2 for w in widths)
    cols = "".join(f'<col style="width: {100 * (w + 2) / total:.1f}%">' for w in widths)
    only_table = re.sub(r"(<table[^>]*>)", rf"\1<colgroup>{cols}</colgroup>", only_table, count=1)
    # Figures right-aligned, as on the site: pandoc reads a column's alignment from its header's style.
    only_table = only_table.replace(' class="getal">', ' class="getal" style="text-align: right">')
    caption = f'::: {{custom-style="Table Caption"}}\n{_escape(table.title)}\n:::'
    return f"{caption}\n\n{raw_html(only_table)}"


def _escape(text: str) -> str:
    """Text as Markdown shows it literally (a title may hold * or _)."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def _chart_figure(chart, number: int, exports: str) -> str:
    """The chart's PNG at its on-screen size with its description as the text alternative, then its caption.

    Not a pandoc figure: that would take the caption as the text alternative. The escaped
    space after the image keeps it an image in a paragraph of its own.
    """
    width = re.search(r'<svg[^>]*\swidth="(\d+(?:\.\d+)?)"', chart.to_svg())
    size = f'{{width="{min(float(width[1]) / CSS_PIXELS_PER_CM, MAX_CHART_CM):.1f}cm"}}' if width else ""
    image = f"![{_escape(chart.description)}]({exports}/{chart.id}.png){size}\\ "
    caption = f'::: {{custom-style="Image Caption"}}\nFiguur {number}: {_escape(chart.title)}\n:::'
    return f"{image}\n\n{caption}"
