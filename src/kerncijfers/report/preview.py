"""The Quarto-free preview: the site's pages as plain HTML, with nbconvert, where Quarto is missing.

It reads the same `.qmd` pages Quarto reads and imitates only what those pages use of Quarto:

- `{{< embed nb.ipynb#label >}}` becomes that cell's outputs from the executed notebook;
- `@tbl-`/`@fig-` cross-references are numbered per page as Quarto numbers them ("Tabel 1");
- `::: {.class}` fenced divs become `<div class="class">`, and links to `.qmd` pages point to `.html`;
- every page gets the sidebar: home, every brief, and the pages of the current brief.

The frame is `templates/page.html.j2` (nbconvert's HTML exporter): no CDN, no JavaScript,
`lang="nl"`, a skip link and landmarks. `tests/quarto/` checks each imitated feature against
real Quarto's output of the same pages.
"""

from __future__ import annotations

import copy
import functools
import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from kerncijfers import fonts, webfont
from kerncijfers.report.markup import unwrap_raw_html

SITE_TITLE = "Kerncijfers inburgering"
STYLESHEET = "site.css"
TEMPLATES = Path(__file__).with_name("templates")
PAGE_TEMPLATE = "page.html.j2"

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
    exporter = _exporter()
    notebooks: dict[Path, nbformat.NotebookNode] = {}
    extras, footer = root_pages(out_dir), page_footer(out_dir / "_quarto.yml")
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
        # The exports, the open-data package (report.opendata) and the approved versions (report.vaststelling).
        for folder in ("exports", "data", "versies"):
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
    """Home, then every brief; the brief of this page opens to show its pages."""
    def item(p: Page, title: str | None = None) -> dict:
        return {"title": title or p.title, "href": prefix + p.href, "current": p is page}

    nav = [item(home, "Alle brieven")]
    for s in sections:
        entry = item(s.index)
        if page is s.index or page in s.pages:
            entry["children"] = [item(s.index, "De brief")] + [item(p) for p in s.pages]
        nav.append(entry)
    return nav + [item(p) for p in extras]




def _exporter():
    from nbconvert.exporters import HTMLExporter

    exporter = HTMLExporter(
        template_file=PAGE_TEMPLATE,
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_anchor_links=True,
        sanitize_html=False,  # every output is ours, escaped where it was built
    )
    exporter.display_data_priority = HTML_PRIORITY
    exporter.register_filter("raw_html_body", unwrap_raw_html)
    return exporter
