"""The report site: what the notebooks show, and the static HTML build of the Quarto pages.

Two halves, one vocabulary:

- *Page content.* Small display objects the report notebook shows in its labelled
  cells. Each carries HTML (for web pages) and Markdown (for Quarto's Word output),
  so the two outputs say the same thing.
- *Static build.* Quarto is external. When it is missing, `build_site` reads the
  same `.qmd` pages Quarto would read, swaps every `{{< embed nb.ipynb#label >}}` for
  that cell of the executed notebook, numbers the `@tbl-`/`@fig-` cross-references as
  Quarto does, and writes the pages with nbconvert's HTML exporter and a small
  template of our own: no CDN, no JavaScript, `lang="nl"`, a skip link and landmarks.
"""

from __future__ import annotations

import copy
import functools
import datetime as dt
import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from kerncijfers import fonts, formatting, webfont
from kerncijfers.brief import Brief
from kerncijfers.report import markup
from kerncijfers.report.markup import raw_html, unwrap_raw_html
from kerncijfers.schema import TABLES

SITE_TITLE = "Kerncijfers inburgering"
STYLESHEET = "site.css"

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
    from kerncijfers.provenance import figure_html

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
    from kerncijfers.provenance import figure_html

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


# --- static build: the Quarto pages as plain HTML, with nbconvert ------------------------

EMBED = re.compile(r"^\{\{<\s*embed\s+(?P<notebook>[^#\s>]+)#(?P<label>[\w-]+)(?P<options>[^>]*)>\}\}\s*$")
CROSSREF = re.compile(r"(?<![\w@])@(?P<label>(?P<kind>tbl|fig)-[\w-]*\w)")
CELL_OPTION = re.compile(r"^#\|\s*(?P<key>[\w-]+)\s*:\s*(?P<value>.*)$")
DIV_OPEN = re.compile(r"^:::+\s*\{(?P<attrs>[^}]*)\}\s*$")
DIV_CLOSE = re.compile(r"^:::+\s*$")
#: Quarto's crossref titles for `lang: nl`.
CROSSREF_TITLES = {"tbl": "Tabel", "fig": "Figuur"}
#: Quarto's order of preference for HTML output (src/core/jupyter/display-data.ts).
HTML_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]


@dataclass
class Page:
    """One `.qmd` page: its front matter and body, and where it lands in the site."""

    source: Path
    meta: dict
    body: str
    href: str  # relative to the site root, e.g. "2023-12/tabellen.html"

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.source.stem))

    @property
    def order(self) -> int:
        return int(self.meta.get("order", 0))


@dataclass
class Section:
    """A brief: its index page and its other pages, in their `order`."""

    index: Page
    pages: list[Page] = field(default_factory=list)


def read_page(path: Path, project: Path) -> Page:
    """Split a `.qmd` file into YAML front matter and Markdown body."""
    text = path.read_text(encoding="utf-8")
    meta, body = {}, text
    if text.startswith("---\n"):
        end = text.index("\n---", 4)
        meta = yaml.safe_load(text[4:end]) or {}
        body = text[end + 4 :].lstrip("\n")
    href = path.relative_to(project).with_suffix(".html").as_posix()
    return Page(path, meta, body, href)


def cell_options(cell) -> dict:
    """Quarto's `#| key: value` options at the top of a code cell."""
    return dict(_options(cell.source))


@functools.lru_cache(maxsize=None)
def _options(source: str) -> dict:
    # Each page looks up the cells it embeds; YAML-parsing every cell's options again per page added up.
    options = {}
    for line in source.splitlines():
        match = CELL_OPTION.match(line)
        if not match:
            break
        value = match["value"].strip()
        options[match["key"]] = yaml.safe_load(value) if value else ""
    return options


def labelled_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """The notebook's code cells by their `#| label:`."""
    cells = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            label = cell_options(cell).get("label")
            if label:
                if label in cells:
                    raise ValueError(f"label {label!r} is used by two cells")
                cells[str(label)] = cell
    return cells


def project_pages(project: Path) -> tuple[Page, list[Section]]:
    """The site's home page and one section per brief folder, newest brief first."""
    home = read_page(project / "index.qmd", project)
    sections = []
    for folder in sorted(p for p in project.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        if not (folder / "index.qmd").exists():
            continue
        # A page Quarto renders only to Word (the cijferbijlage) is not part of the preview.
        pages = [page for page in (read_page(p, project) for p in sorted(folder.glob("*.qmd"))) if _is_web_page(page)]
        index = next(p for p in pages if p.source.name == "index.qmd")
        sections.append(Section(index, sorted((p for p in pages if p is not index), key=lambda p: (p.order, p.href))))
    sections.sort(key=lambda s: str(s.index.meta.get("datum", s.index.source.parent.name)), reverse=True)
    return home, sections


def root_pages(project: Path) -> list[Page]:
    """The site's other pages at its root (the toegankelijkheidsverklaring), as Quarto renders them."""
    pages = [read_page(p, project) for p in sorted(project.glob("*.qmd")) if p.name != "index.qmd"]
    return [p for p in pages if _is_web_page(p)]


def page_footer(quarto_yml: Path) -> dict:
    """Quarto's `website.page-footer` (text left, links right), for the preview's footer: one setting for both."""
    settings = yaml.safe_load(quarto_yml.read_text(encoding="utf-8")) if quarto_yml.is_file() else {}
    footer = ((settings or {}).get("website") or {}).get("page-footer") or {}
    links = [{"text": str(item["text"]), "href": str(item["href"]).removesuffix(".qmd") + ".html"} for item in footer.get("right") or []]
    return {"left": str(footer.get("left", "")), "links": links}


def _is_web_page(page: Page) -> bool:
    """Whether Quarto renders `page` to HTML: it names no formats of its own, or html among them."""
    formats = page.meta.get("format")
    return formats is None or "html" in (formats if isinstance(formats, (dict, list)) else [formats])


def build_site(root: Path, out_dir: Path) -> Path:
    """Build `out_dir/_site/` from the `.qmd` pages and executed notebooks in `out_dir`.

    `root` is the repository (for the stylesheet if `out_dir` has none). Returns the site folder.
    """
    out_dir = Path(out_dir)
    site = out_dir / "_site"
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    home, sections = project_pages(out_dir)
    extras, footer = root_pages(out_dir), page_footer(out_dir / "_quarto.yml")
    exporter = _exporter()
    notebooks: dict[Path, nbformat.NotebookNode] = {}
    all_pages = [home] + [p for s in sections for p in (s.index, *s.pages)] + extras
    for page in all_pages:
        html_text = render_page(page, home, sections, exporter, notebooks, extras=extras, footer=footer)
        target = site / page.href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, encoding="utf-8", newline="\n")
    stylesheet = out_dir / STYLESHEET if (out_dir / STYLESHEET).exists() else Path(root) / "site" / STYLESHEET
    shutil.copyfile(stylesheet, site / STYLESHEET)
    webfont.write_site_fonts(site / fonts.SITE_FOLDER)  # the stylesheet's @font-face rules point there
    for section in sections:
        for folder in ("exports", "data"):  # the exports and the open-data package (report.opendata)
            files = section.index.source.parent / folder
            if files.is_dir():
                shutil.copytree(files, site / section.index.source.parent.name / folder)
    return site


def render_page(page: Page, home: Page, sections: list[Section], exporter, notebooks: dict,
                extras: list[Page] = (), footer: dict | None = None) -> str:
    """One page as HTML: body cells through nbconvert, inside our frame."""
    cells, numbers = _page_cells(page, notebooks)
    depth = page.href.count("/")
    prefix = "../" * depth
    # nbformat 4.4, as the executed notebooks are: their cells carry no ids.
    nb = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 4, "metadata": {"language_info": {"name": "python"}}, "cells": cells})
    for cell in nb.cells:
        cell.pop("id", None)
    resources = {
        "kc": {
            "title": page.title,
            "subtitle": page.meta.get("subtitle"),
            "site_title": SITE_TITLE,
            "prefix": prefix,
            "stylesheet": prefix + STYLESHEET,
            "nav": _navigation(page, home, sections, prefix, extras),
            "footer": {**(footer or {"left": "", "links": []}),
                       "links": [{**link, "href": prefix + link["href"]} for link in (footer or {}).get("links", [])]},
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _page_cells(page: Page, notebooks: dict) -> tuple[list, dict]:
    """The page body as notebook cells: Markdown between embeds, the embedded cells themselves."""
    folder = page.source.parent
    lines = page.body.splitlines()
    # First pass: number the captioned tables and figures in page order, as Quarto does.
    embeds = []
    for line in lines:
        match = EMBED.match(line.strip())
        if match:
            nb = _notebook(folder / match["notebook"], notebooks)
            cells = labelled_cells(nb)
            if match["label"] not in cells:
                raise ValueError(f"{page.source.name}: embeds {match['notebook']}#{match['label']}, which no cell is labelled")
            embeds.append((match["label"], cells[match["label"]]))
    numbers, counters = {}, {"tbl": 0, "fig": 0}
    for label, cell in embeds:
        kind = label.split("-", 1)[0]
        if kind in counters and cell_options(cell).get(f"{kind}-cap"):
            counters[kind] += 1
            numbers[label] = f"{CROSSREF_TITLES[kind]} {counters[kind]}"

    def crossref(match: re.Match) -> str:
        label = match["label"]
        if label not in numbers:
            raise ValueError(f"{page.source.name}: @{label} refers to no captioned {match['kind']} on this page")
        return f"[{numbers[label]}](#{label})"

    out, text = [], []

    def flush_text():
        if any(t.strip() for t in text):
            source = CROSSREF.sub(crossref, "\n".join(text))
            source = re.sub(r"\]\(([^)\s]+)\.qmd(#[^)]*)?\)", lambda m: f"]({m[1]}.html{m[2] or ''})", source)
            out.append(nbformat.v4.new_markdown_cell(source))
        text.clear()

    for line in lines:
        stripped = line.strip()
        embed = EMBED.match(stripped)
        opened = DIV_OPEN.match(stripped)
        if embed:
            flush_text()
            cell = copy.deepcopy(labelled_cells(notebooks[(folder / embed["notebook"]).resolve()])[embed["label"]])
            options = cell_options(cell)
            kind = embed["label"].split("-", 1)[0]
            caption = options.get(f"{kind}-cap") if kind in counters else None
            cell.metadata["kc"] = {
                "id": embed["label"],
                "kind": kind if caption else "",
                "caption": f"{numbers[embed['label']]}: {caption}" if caption else "",
            }
            out.append(cell)
        elif opened:
            flush_text()
            classes = " ".join(c[1:] for c in opened["attrs"].split() if c.startswith("."))
            out.append(nbformat.v4.new_raw_cell(f'<div class="{html.escape(classes)}">', metadata={"raw_mimetype": "text/html"}))
        elif DIV_CLOSE.match(stripped):
            flush_text()
            out.append(nbformat.v4.new_raw_cell("</div>", metadata={"raw_mimetype": "text/html"}))
        else:
            text.append(line)
    flush_text()
    return out, numbers


def _notebook(path: Path, cache: dict) -> nbformat.NotebookNode:
    key = path.resolve()
    if key not in cache:
        if not key.exists():
            raise FileNotFoundError(f"{path}: embedded notebook not found; render the brief first (kerncijfers build)")
        cache[key] = nbformat.read(key, as_version=4)
    return cache[key]


def _navigation(page: Page, home: Page, sections: list[Section], prefix: str, extras: list[Page] = ()) -> list[dict]:
    """Home, then every brief (the brief of this page opens to show its pages), then the pages beside them."""
    def item(p: Page, title: str | None = None) -> dict:
        return {"title": title or p.title, "href": prefix + p.href, "current": p is page}

    nav = [item(home, "Alle brieven")]
    for s in sections:
        entry = item(s.index)
        if page is s.index or page in s.pages:
            entry["children"] = [item(s.index, "De brief")] + [item(p) for p in s.pages]
        nav.append(entry)
    return nav + [item(p) for p in extras]


# The page frame. Cells are rendered without their input: only outputs and Markdown.
TEMPLATE = r"""{%- extends 'base/display_priority.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ resources.kc.title | e }}{% if resources.kc.title != resources.kc.site_title %} – {{ resources.kc.site_title | e }}{% endif %}</title>
<link rel="stylesheet" href="{{ resources.kc.stylesheet }}">
</head>
<body>
<a class="skip-link" href="#inhoud">Naar de inhoud</a>
<header class="site-kop">
<p class="site-naam"><a href="{{ resources.kc.prefix }}index.html">{{ resources.kc.site_title | e }}</a></p>
</header>
<div class="site-raam">
<nav class="site-nav" aria-label="Brieven en pagina's">
<ul>
{%- for item in resources.kc.nav %}
<li><a href="{{ item.href }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.title | e }}</a>
{%- if item.children %}
<ul>
{%- for child in item.children %}
<li><a href="{{ child.href }}"{% if child.current %} aria-current="page"{% endif %}>{{ child.title | e }}</a></li>
{%- endfor %}
</ul>
{%- endif %}
</li>
{%- endfor %}
</ul>
</nav>
<main id="inhoud" tabindex="-1">
<h1>{{ resources.kc.title | e }}</h1>
{%- if resources.kc.subtitle %}
<p class="ondertitel">{{ resources.kc.subtitle | e }}</p>
{%- endif %}
{%- endblock header -%}

{% block codecell %}
{%- set kc = cell.metadata.get('kc', {}) -%}
{%- if kc.kind == 'fig' %}
<figure class="figuur" id="{{ kc.id }}">
{{ super() }}
<figcaption>{{ kc.caption | e }}</figcaption>
</figure>
{%- elif kc.kind == 'tbl' %}
<figure class="tabel" id="{{ kc.id }}">
<figcaption id="{{ kc.id }}-titel">{{ kc.caption | e }}</figcaption>
{{ super() }}
</figure>
{%- else %}
<div class="cel" id="{{ kc.id }}">
{{ super() }}
</div>
{%- endif %}
{% endblock codecell %}

{% block execute_result -%}
{% block data_priority scoped %}
{{ super() }}
{% endblock data_priority %}
{%- endblock execute_result %}

{% block input_group %}{% endblock input_group %}
{% block stream %}{% endblock stream %}
{% block error %}{% endblock error %}

{% block markdowncell %}
{{ cell.source | markdown2html }}
{% endblock markdowncell %}

{% block rawcell %}
{{ cell.source }}
{% endblock rawcell %}

{% block data_html %}
{{ output.data['text/html'] }}
{% endblock data_html %}

{% block data_markdown %}
{%- set raw = output.data['text/markdown'] | raw_html_body -%}
{%- if raw is not none %}
{{ raw }}
{%- else %}
{{ output.data['text/markdown'] | markdown2html }}
{%- endif %}
{% endblock data_markdown %}

{% block data_svg %}
<div class="svg">{{ output.data['image/svg+xml'] }}</div>
{% endblock data_svg %}

{% block data_png %}
<img src="data:image/png;base64,{{ output.data['image/png'] }}" alt="{{ output.data.get('text/plain', '') | e }}">
{% endblock data_png %}

{% block data_text %}
<pre>{{ output.data['text/plain'] | e }}</pre>
{% endblock data_text %}

{%- block footer %}
</main>
</div>
<footer class="site-voet">
<p>{{ resources.kc.footer.left | e }}</p>
{%- if resources.kc.footer.links %}
<p>{% for link in resources.kc.footer.links %}<a href="{{ link.href }}">{{ link.text | e }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p>
{%- endif %}
</footer>
</body>
</html>
{% endblock footer %}
"""


def _exporter():
    from jinja2 import DictLoader
    from nbconvert.exporters import HTMLExporter

    exporter = HTMLExporter(
        template_file="kerncijfers_site.html.j2",
        extra_loaders=[DictLoader({"kerncijfers_site.html.j2": TEMPLATE})],
        exclude_input=True,
        exclude_anchor_links=True,
        sanitize_html=False,  # every output is ours, escaped where it was built
    )
    exporter.display_data_priority = HTML_PRIORITY
    exporter.register_filter("raw_html_body", unwrap_raw_html)
    return exporter
