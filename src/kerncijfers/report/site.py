"""What the report's pages show: small display objects the brief notebook shows in its labelled cells.

Each carries HTML (for web pages) and Markdown (for Quarto's Word output), so the two outputs say
the same thing. The pages themselves are Quarto's, or the preview's (`report/preview.py`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerncijfers import formatting
from kerncijfers.brief import Brief
from kerncijfers.report import markup
from kerncijfers.report.markup import raw_html
from kerncijfers.schema import TABLES

# --- page content: what the notebook's labelled cells display ---------------------------


@dataclass(frozen=True)
class Display:
    """A notebook output: HTML for the web pages, plain Markdown for text-only views."""

    html: str
    markdown: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": raw_html(self.html), "text/plain": self.markdown}


def fictief_banner(brief: Brief) -> Display:
    """A banner on every page of a brief built from fictitious data; nothing for a real brief."""
    if not brief.fictief:
        return Display("", "")
    text = "Fictieve testdata: deze pagina is gemaakt van gegenereerde cijfers, niet van leveringen van DUO. Gebruik ze niet."
    return Display(f'<div class="fictief" role="note"><strong>FICTIEF.</strong> {text}</div>', f"**FICTIEF.** {text}\n")


def letter_table(table) -> Display:
    """One of the letter's tables (tables.LetterTable) without its own caption.

    The caption comes from the cell's `tbl-cap`, so Quarto numbers it ("Tabel 1: ...")
    and cross-references to it work; a second caption inside the table would repeat it.
    """
    without_caption = re.sub(r"\s*<caption>.*?</caption>", "", table.to_html(), count=1, flags=re.S)
    markdown = table.to_markdown()
    if markdown.startswith(f"**{table.title}**"):
        markdown = markdown.split("\n", 2)[2]
    # A region that scrolls sideways where the table is wider than the page, and takes focus to do so.
    return Display(_scroll(without_caption, table.title), markdown)


def chart_table(chart) -> Display:
    """The data table that stands in for a chart (charts.Chart), with a caption naming it; each figure opens its provenance."""
    caption = f"Gegevens bij de grafiek: {chart.title}"
    return Display(
        markup.scroll_region(html_table(chart.table, caption, scroll=False, provenance=chart.provenance, ids=f"g-{chart.id}"), caption, "gegevens"),
        f"**{caption}**\n\n{markdown_table(chart.table)}",
    )


def brief_details(brief: Brief) -> Display:
    """The brief's metadata: Kamerstuk, date, peildatum and cut-off."""
    rows = [
        ("Kamerstuk", brief.kamerstuk),
        ("Datum van de brief", formatting.datum(brief.datum)),
        ("Peildatum", formatting.datum(brief.peildatum)),
        ("Afsluitdatum", f"{formatting.datum(brief.cutoff)} (ELIP en overige cijfers, die op eigen peildata komen)"),
    ]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    return Display(f'<dl class="briefgegevens">{items}</dl>', "\n".join(f"- **{k}:** {v}" for k, v in rows) + "\n")


def sources(validated_dir: Path, brief: Brief) -> Display:
    """Per DUO table: the delivery the brief uses and the earlier ones its charts show."""
    from kerncijfers.report.tables import limit_for
    from kerncijfers.store import table_peildata

    limits = {name: limit_for(brief, name) for name in TABLES}
    rows = []
    for name, limit in limits.items():
        history = table_peildata(validated_dir, name, limit)
        rows.append(
            {
                "Tabel": TABLES[name].title,
                "Levering in de brief": formatting.datum(dt.date.fromisoformat(history[-1])) if history else "niet geleverd",
                "Eerdere leveringen": ", ".join(formatting.datum(dt.date.fromisoformat(p)) for p in history[:-1]) or "–",
                # Where the file lives once published (a build renders from its staged copy).
                "Bestand": f"data/validated/{history[-1]}/{name}.csv" if history else "–",
            }
        )
    frame = pd.DataFrame(rows)
    caption = "Leveringen van DUO die deze brief gebruikt"
    return Display(html_table(frame, caption), f"**{caption}**\n\n{markdown_table(frame)}")


def downloads(tables: list, charts: list, folder: str = "exports") -> Display:
    """Links to every export: tidy CSV and XLSX per table, Vega-Lite, SVG and PNG per chart, and provenance.csv."""
    lines_html, lines_md = [], []
    for t in tables:
        links = [(f"{folder}/{t.id}.{ext}", label) for ext, label in (("xlsx", "Excel"), ("csv", "CSV (tidy)"), ("md", "Markdown"))]
        lines_html.append(_download_item(t.title, links))
        lines_md.append(f"- {t.title}: " + ", ".join(f"[{label}]({href})" for href, label in links))
    for c in charts:
        links = [(f"{folder}/{c.id}.{ext}", label) for ext, label in (("svg", "SVG"), ("png", "PNG"), ("vl.json", "Vega-Lite"))]
        lines_html.append(_download_item(f"Grafiek: {c.title}", links))
        lines_md.append(f"- Grafiek: {c.title}: " + ", ".join(f"[{label}]({href})" for href, label in links))
    if any(t.provenance for t in tables):  # provenance.csv is written with the tables' provenance (render.write_exports)
        from kerncijfers.provenance import EXPORT

        title, links = "Herkomst van elk cijfer: geleverd bestand, rij, kolom, berekening en regels", [(f"{folder}/{EXPORT}", "CSV")]
        lines_html.append(_download_item(title, links))
        lines_md.append(f"- {title}: [CSV]({folder}/{EXPORT})")
    from kerncijfers.report.opendata import DATA_FOLDER, DESCRIPTOR  # written beside the exports (render.write_exports)

    title = "Open data: de tabellen als CSV, één rij per waarneming, met een beschrijving van elke kolom"
    links = [(f"{DATA_FOLDER}/{DESCRIPTOR}", "beschrijving (datapackage.json)")] + [
        (f"{DATA_FOLDER}/{t.id}.csv", t.title.split(":")[0]) for t in tables
    ]
    lines_html.append(_download_item(title, links))
    lines_md.append(f"- {title}: " + ", ".join(f"[{label}]({href})" for href, label in links))
    return Display('<ul class="downloads">' + "".join(lines_html) + "</ul>", "\n".join(lines_md) + "\n")


def sentence_list(sentences: list) -> Display:
    """The ready sentences (sentences.Sentence), each with its source table and peildatum, and its figures' provenance."""
    from kerncijfers.provenance_text import figure_html

    items_html, items_md = [], []
    for s in sentences:
        bron = _sentence_source(s)
        body = _inline_markdown_html(s.text)
        herkomst = ""
        if s.provenance:
            # A <div>, not a <p>: each figure's popover is a <div>, which a paragraph cannot hold.
            knoppen = " ".join(figure_html(f, f"zin-{s.id}-{i}", f.shown) for i, f in enumerate(s.provenance.values()))
            herkomst = f'<div class="herkomst">Herkomst van de cijfers: {knoppen}</div>'
        items_html.append(f'<li id="zin-{html.escape(s.id)}"><div class="zin">{body}</div><p class="bron">{html.escape(bron)}</p>{herkomst}</li>')
        items_md.append(f"{s.text}\n\n*{bron}*\n")
    return Display('<ol class="zinnen">' + "".join(items_html) + "</ol>", "\n".join(items_md))


def validation_report(validated_dir: Path, up_to: dt.date | None = None) -> Display:
    """The validation summaries (validatie.json) of every delivery up to `up_to`, newest first.

    One overview row per delivery, then the checks per table and the findings of each
    delivery that has findings: a long history stays one readable table. The summary's
    shape still grows, so this reads it generically.
    """
    validated_dir = Path(validated_dir)
    folders = sorted((p for p in validated_dir.glob("*") if (p / "validatie.json").exists()), reverse=True)
    if up_to is not None:
        folders = [p for p in folders if p.name <= up_to.isoformat()]
    if not folders:
        return Display("<p>Er zijn nog geen gevalideerde leveringen.</p>", "Er zijn nog geen gevalideerde leveringen.\n")
    summaries = {folder.name: json.loads((folder / "validatie.json").read_text(encoding="utf-8")) for folder in folders}
    caption = "Validatie per levering, de nieuwste eerst"
    overview = pd.DataFrame([_overview_row(p, summary) for p, summary in summaries.items()])
    parts_html = [html_table(overview, caption)]
    parts_md = [f"**{caption}**", "", markdown_table(overview)]
    versions = sorted({str(s["great_expectations"]) for s in summaries.values() if s.get("great_expectations")})
    if versions:
        line = f"Gecontroleerd met Great Expectations {', '.join(versions)}."
        parts_html.append(f"<p>{html.escape(line)}</p>")
        parts_md += [line, ""]
    detailed = {p: summary for p, summary in summaries.items() if summary.get("findings")}
    if detailed:
        parts_html.append("<p>Per levering met bevindingen: de controles per tabel en elke bevinding.</p>")
        parts_md += ["Per levering met bevindingen: de controles per tabel en elke bevinding.", ""]
    else:
        parts_html.append("<p>Geen enkele levering heeft bevindingen.</p>")
        parts_md += ["Geen enkele levering heeft bevindingen.", ""]
    for p, summary in detailed.items():
        h, m = _delivery_summary(p, summary)
        parts_html.append(h)
        parts_md.append(m)
    return Display("\n".join(parts_html), "\n".join(parts_md))


def _overview_row(peildatum: str, summary: dict) -> dict:
    def count(key: str) -> str:
        return formatting.aantal(summary[key]) if isinstance(summary.get(key), int) else "–"

    from kerncijfers.pipeline import checked_counts

    tables, cross_checks = checked_counts(summary)
    return {
        "Levering": formatting.datum(dt.date.fromisoformat(peildatum)),
        "Status": str(summary.get("status", "onbekend")),
        "Tabellen": formatting.aantal(tables),
        "Aansluitingen": formatting.aantal(cross_checks),
        "Controles": count("expectations_evaluated"),
        "Fouten": count("errors"),
        "Waarschuwingen": count("warnings"),
        "Bevindingen": formatting.aantal(len(summary.get("findings") or [])),
    }


def corrections(path: Path | None) -> Display:
    """The corrections to the printed letter (correcties.csv), or a note that there are none."""
    if path is None or not Path(path).exists():
        return Display("<p>Voor deze brief zijn geen correcties vastgelegd.</p>", "Voor deze brief zijn geen correcties vastgelegd.\n")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    labels = {"plaats": "Plaats", "cel": "Cel", "gedrukt": "Gedrukt", "gebruikt": "Gebruikt", "soort": "Soort", "reden": "Reden"}
    frame = frame[[c for c in labels if c in frame.columns]].rename(columns=labels)
    caption = "Correcties op de gedrukte brief"
    return Display(
        html_table(frame, caption, row_headers=False),
        f"**{caption}**\n\n{markdown_table(frame)}",
    )


def changes(validated_dir: Path, brief: Brief) -> Display:
    """The page "Ontwikkeling sinds de vorige peildatum": changes per table, flags and sentences."""
    from kerncijfers.report.changes import changes_since_previous

    page = changes_since_previous(validated_dir, brief)
    markdown = []
    for t in page.tabellen:
        markdown.append(f"**{t.titel}**\n")
        markdown += [f"- {zin}" for zin in t.zinnen]
        markdown.append("")
    return Display(page.to_html(), "\n".join(markdown) + "\n")


def deviations(published_folder: Path | None) -> Display:
    """The page "Afwijkingen ten opzichte van de gepubliceerde brief": findings and what matched."""
    if published_folder is None or not Path(published_folder).exists():
        text = "Van deze brief is nog geen gedrukte versie vastgelegd in data/published/."
        return Display(f"<p>{text}</p>", text + "\n")
    from kerncijfers.report.changes import afwijkingen

    page = afwijkingen(Path(published_folder))
    markdown = [f"{len(page.afwijkingen)} afwijkingen in {page.controles} controles.", ""]
    markdown += [f"- {a.plaats}, {a.cel}: gedrukt {a.gedrukt}, consistent {a.consistent}." for a in page.afwijkingen]
    return Display(page.to_html(), "\n".join(markdown) + "\n")


# --- small HTML/Markdown helpers -------------------------------------------------------


def html_table(
    frame: pd.DataFrame, caption: str | None = None, *, row_headers: bool = True, scroll: bool = True,
    provenance: dict | None = None, ids: str = "",
) -> str:
    """A data frame as the pages show a table (markup.html_table): numbers right-aligned, in a scroll region.

    A cell with a record in `provenance` (by (row, column) position) opens it; `ids` prefixes its popover's id.
    """
    cells = frame.astype(str)
    from kerncijfers.provenance_text import figure_html

    def opens_its_record(r: int, i: int, value: str) -> str:
        return figure_html(provenance.get((r, i)), f"{ids}-{r}-{i}", value)

    cell = opens_its_record if provenance else None
    return markup.html_table(caption, [str(c) for c in cells.columns], [list(r) for r in cells.itertuples(index=False)],
                             row_headers=row_headers, scroll=scroll, cell=cell)


def markdown_table(frame: pd.DataFrame) -> str:
    """The same table as a pipe table."""
    cells = frame.astype(str)

    def line(values) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|").replace("\n", " ") for v in values) + " |"

    align = ["---:" if markup.is_numeric_column(cells[c]) else "---" for c in cells.columns]
    return "\n".join([line(cells.columns), "|" + "|".join(align) + "|", *(line(r) for r in cells.itertuples(index=False))]) + "\n"


def _scroll(table_html: str, caption: str, cls: str = "brede-tabel") -> str:
    return markup.scroll_region(table_html, caption, cls)


def _download_item(title: str, links: list[tuple[str, str]]) -> str:
    anchors = ", ".join(f'<a href="{html.escape(href)}">{html.escape(label)}<span class="sr-only"> van {html.escape(title)}</span></a>' for href, label in links)
    return f"<li>{html.escape(title)}: {anchors}</li>"


def _sentence_source(sentence) -> str:
    tables = [t.strip() for t in str(sentence.table).split(",") if t.strip()]
    names = ", ".join(f"{TABLES[t].title} ({t})" if t in TABLES else t for t in tables)
    if not sentence.peildatum:
        return f"Bron: {names}. Niet geleverd."
    peildatum = sentence.peildatum if isinstance(sentence.peildatum, dt.date) else dt.date.fromisoformat(str(sentence.peildatum))
    return f"Bron: {names}, peildatum {formatting.datum(peildatum)}."


def _inline_markdown_html(text: str) -> str:
    """A sentence may end in a Markdown list ("Daarvan zijn er: - ...; - ..."): render paragraphs and lists."""
    blocks, para, items = [], [], []

    def flush():
        if para:
            blocks.append("<p>" + html.escape(" ".join(para)) + "</p>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        if line.startswith("- "):
            if para:
                flush()
            items.append(line[2:])
        elif line.strip():
            if items:
                flush()
            para.append(line.strip())
        else:
            flush()
    flush()
    return "".join(blocks)


def _delivery_summary(peildatum: str, summary: dict) -> tuple[str, str]:
    datum = formatting.datum(dt.date.fromisoformat(peildatum))
    status = str(summary.get("status", "onbekend"))
    counts = [
        (summary.get("errors"), "fouten"),
        (summary.get("warnings"), "waarschuwingen"),
        (summary.get("expectations_evaluated"), "controles uitgevoerd"),
    ]
    line = f"Status: {status}." + "".join(f" {formatting.aantal(n)} {label}." for n, label in counts if isinstance(n, int))
    heading = f"Levering {datum}"
    h = [f'<section class="levering" aria-labelledby="levering-{peildatum}">',
         f'<h3 id="levering-{peildatum}">{html.escape(heading)}</h3>',
         f'<p class="status status-{html.escape(status)}">{html.escape(line)}</p>']
    m = [f"### {heading}", "", line, ""]
    tables = summary.get("tables") or {}
    if tables:
        rows = []
        for name, result in sorted(tables.items()):
            expectations = result.get("expectations") or []
            passed = sum(bool(e.get("success")) for e in expectations)
            rows.append({
                "Tabel": name,
                "Bestand": str(result.get("file", "–")),
                "Rijen": formatting.aantal(result["rows"]) if isinstance(result.get("rows"), int) else "–",
                "Controles": formatting.aantal(len(expectations)),
                "Geslaagd": formatting.aantal(passed),
                "Niet geslaagd": formatting.aantal(len(expectations) - passed),
            })
        frame = pd.DataFrame(rows)
        caption = f"Controles per tabel, levering {datum}"
        h.append(html_table(frame, caption))
        m += [f"**{caption}**", "", markdown_table(frame)]
    findings = summary.get("findings") or []
    if findings:
        labels = {"severity": "Ernst", "file": "Bestand", "row": "Rij", "column": "Kolom", "rule": "Regel", "value": "Waarde", "message": "Melding"}
        frame = pd.DataFrame([{labels[k]: "–" if f.get(k) is None else str(f.get(k)) for k in labels} for f in findings])
        caption = f"Bevindingen, levering {datum}"
        h.append(html_table(frame, caption, row_headers=False))
        m += [f"**{caption}**", "", markdown_table(frame)]
    h.append("</section>")
    return "\n".join(h), "\n".join(m)
