"""What real Quarto renders: clean HTML pages with the preview's numbers, and the Word cijferbijlage.

Rendered once per session by `quarto render` (fixture `quarto_reports`); these tests skip on a
machine without Quarto and fail on CI (`CI=true`), where .ci/run installs it.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest


#: What no page may hold: Quarto's embed wrapper, a fenced div left as text, a link off the machine.
FORBIDDEN = {
    "raw fenced div": re.compile(r":::"),
    "embed wrapper": re.compile(r"quarto-embed-nb-cell"),
    "link to another host": re.compile(r"""(?:src|href)\s*=\s*["']?https?://""", re.I),
}


@pytest.fixture(scope="module")
def brief(repo_root: Path):
    from kerncijfers.brief import load_briefs

    return load_briefs(repo_root / "data" / "briefs.yml")[-1]


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "exports" not in p.relative_to(site).parts]


# --- the HTML pages --------------------------------------------------------------------------


def test_pages_hold_no_stray_markup_no_machine_path_and_no_outside_link(quarto_reports: Path):
    site = quarto_reports / "_site"
    machine = [str(quarto_reports.resolve()), str(Path.home()), "/tmp/"]
    for page in html_pages(site) + sorted(site.rglob("*.json")):
        text = page.read_text(encoding="utf-8")
        for what, pattern in FORBIDDEN.items():
            if page.suffix == ".html":
                found = pattern.search(text)
                assert not found, f"{page.relative_to(site)}: {what}: {text[max(0, found.start() - 60):found.end() + 60]!r}"
        for path in machine:
            assert path not in text, f"{page.relative_to(site)} names the machine path {path}"


def test_the_word_file_names_no_machine_path(quarto_reports: Path, brief):
    import zipfile

    docx = quarto_reports / "_site" / brief.slug / "cijferbijlage.docx"
    with zipfile.ZipFile(docx) as archive:
        for name in archive.namelist():
            data = archive.read(name).decode("utf-8", errors="replace")
            assert str(quarto_reports.resolve()) not in data and "/tmp/" not in data, name


def test_no_notebook_code_or_preview_page_is_published(quarto_reports: Path):
    site = quarto_reports / "_site"
    assert not list(site.rglob("*-preview.html")), "Quarto rendered notebook preview pages"
    assert not list(site.rglob("*.ipynb")), "the executed notebook is published"
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "reset_namespace" not in text and "site.letter_table" not in text, f"{page.name} shows notebook code"


def test_same_pages_and_sidebar_as_the_preview(quarto_reports: Path, preview_reports: Path):
    quarto = {p.relative_to(quarto_reports / "_site").as_posix() for p in html_pages(quarto_reports / "_site")}
    preview = {p.relative_to(preview_reports / "_site").as_posix() for p in html_pages(preview_reports / "_site")}
    assert quarto == preview
    for name in sorted(quarto):
        assert _sidebar(quarto_reports / "_site" / name) >= _sidebar(preview_reports / "_site" / name), name


def test_charts_are_drawn_inline_and_no_chart_file_is_copied_per_page(quarto_reports: Path, brief):
    site = quarto_reports / "_site"
    assert not list(site.rglob("*_files")), "Quarto copied outputs into a folder per page"
    svgs = [p for p in site.rglob("*.svg") if "exports" not in p.relative_to(site).parts]
    assert not svgs, svgs
    tabellen = (site / brief.slug / "tabellen.html").read_text(encoding="utf-8")
    for chart in ("fig-pip", "fig-wi2013-status", "fig-elip", "fig-leningen"):
        figure = tabellen[tabellen.index(f'id="{chart}"'):]
        assert figure.index("<svg") < figure.index("</figure>"), chart


class _Text(HTMLParser):
    """The text inside <main>, and the links of the sidebar navigation."""

    def __init__(self, text: str):
        super().__init__()
        self.depth, self.nav_depth, self.parts, self.links = 0, 0, [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main" or self.depth:
            self.depth += tag not in ("br", "img", "col", "meta", "link", "input", "hr")
        if tag == "nav" and ("sidebar" in (attrs.get("id") or "") or "site-nav" in (attrs.get("class") or "")):
            self.nav_depth = 1
        elif self.nav_depth and tag == "nav":
            self.nav_depth += 1
        if self.nav_depth and tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"].removeprefix("./"))

    def handle_endtag(self, tag):
        if self.depth and tag not in ("br", "img", "col", "meta", "link", "input", "hr"):
            self.depth -= 1
        if self.nav_depth and tag == "nav":
            self.nav_depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _sidebar(page: Path) -> set[str]:
    """The pages the sidebar links to, as paths relative to the site."""
    base = page.parent
    site = next(p for p in (page.parent, *page.parents) if (p / "index.html").exists() and (p / "site.css").exists())
    out = set()
    for href in _Text(page.read_text(encoding="utf-8")).links:
        target = (base / href.split("#")[0]).resolve()
        if target.is_dir():
            target = target / "index.html"  # Quarto links the site title to "../"
        if target.suffix == ".html":
            out.add(target.relative_to(site.resolve()).as_posix())
    return out


#: A figure as a page shows it: digits with Dutch separators, a percentage sign, a euro amount.
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?")


def _numbers(page: Path) -> Counter:
    text = " ".join(_Text(page.read_text(encoding="utf-8")).parts)
    return Counter(NUMBER.findall(text))


def test_every_page_shows_the_same_numbers_as_the_preview(quarto_reports: Path, preview_reports: Path):
    """One source for both renderers: per page, the figures in <main> are the same, as often."""
    for page in html_pages(preview_reports / "_site"):
        name = page.relative_to(preview_reports / "_site")
        shown = _numbers(quarto_reports / "_site" / name)
        expected = _numbers(page)
        assert expected, f"{name}: no numbers found in the preview"
        missing, extra = expected - shown, shown - expected
        assert not missing and not extra, f"{name}: only in the preview {dict(missing)}; only in Quarto's {dict(extra)}"


# --- the Word file -----------------------------------------------------------------------------


def _printed(repo_root: Path, brief, n: int) -> list[list[str]]:
    folder = repo_root / "data" / "published" / brief.published
    with (folder / f"tabel_{n}.tsv").open(encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t"))


def _corrections(repo_root: Path, brief) -> list[dict]:
    with (repo_root / "data" / "published" / brief.published / "correcties.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _digits(cell: str) -> str:
    """A cell with its thousands separators dropped: Tabel 2 prints some totals without them."""
    return re.sub(r"(?<=\d)\.(?=\d{3})", "", re.sub(r"\s+", " ", cell.replace("\u00a0", " ")).strip())


@pytest.fixture(scope="module")
def cijferbijlage(quarto_reports: Path, brief):
    import docx

    return docx.Document(str(quarto_reports / "_site" / brief.slug / "cijferbijlage.docx"))


def test_the_cijferbijlage_holds_tabel_1_to_4_as_word_tables_as_printed(cijferbijlage, repo_root: Path, brief):
    """Every cell of Tabel 1-4 against the letter, except where correcties.csv says the print is wrong."""
    tables = cijferbijlage.tables
    assert len(tables) == 4, f"{len(tables)} tables; Tabel 1-4 are the only tables of the cijferbijlage"
    corrections = _corrections(repo_root, brief)
    for n, table in enumerate(tables, start=1):
        printed = _printed(repo_root, brief, n)
        fixes = [c for c in corrections if c["plaats"] == f"Tabel {n}"]
        # Word repeats a merged header cell's text in every column it spans: the last header row names the columns.
        body = [[c.text for c in row.cells] for row in table.rows][-(len(printed) - 1):]
        assert len(body) == len(printed) - 1, f"Tabel {n}: {len(body)} rows, the letter prints {len(printed) - 1}"
        for shown, row in zip(body, printed[1:]):
            assert shown[0] == row[0], f"Tabel {n}: row {shown[0]!r}, the letter {row[0]!r}"
            assert len(shown) == len(row), f"Tabel {n}, {row[0]}: {len(shown)} cells, the letter prints {len(row)}"
            for printed_cell, shown_cell in zip(row[1:], shown[1:]):
                if _digits(printed_cell) == _digits(shown_cell):
                    continue
                explained = any(f["gedrukt"] in printed_cell and f["gebruikt"] in shown_cell for f in fixes)
                assert explained, f"Tabel {n}, {row[0]}: Word shows {shown_cell!r}, the letter {printed_cell!r}"


def test_word_tables_have_their_captions_and_grouped_header(cijferbijlage):
    from docx.oxml.ns import qn

    captions = [p.text for p in cijferbijlage.paragraphs if p.style.name == "Table Caption"]
    assert [c.split(":")[0] for c in captions] == ["Tabel 1", "Tabel 2", "Tabel 3", "Tabel 4"], captions
    tabel_2 = cijferbijlage.tables[1]
    spans = [int(tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val"))) for tc in tabel_2.rows[0]._tr.tc_lst
             if tc.tcPr is not None and tc.tcPr.find(qn("w:gridSpan")) is not None]
    assert spans == [4, 4, 4], "Tabel 2's first header row groups Totaal, Asiel and Gezin & Overig over four columns each"


def test_tabel_2_is_on_a_landscape_page_and_the_rest_on_a4_portrait(cijferbijlage):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    sections = cijferbijlage.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert abs(sections[-1].page_width - Cm(21.0)) < Cm(0.05) and abs(sections[-1].page_height - Cm(29.7)) < Cm(0.05)


def test_word_charts_are_images_with_a_dutch_text_alternative(cijferbijlage):
    shapes = cijferbijlage.inline_shapes
    assert len(shapes) == 4
    for shape in shapes:
        descr = shape._inline.docPr.get("descr", "")
        assert len(descr) > 40 and re.search(r"\b(van|per|het|de)\b", descr), descr
    captions = [p.text for p in cijferbijlage.paragraphs if p.style.name == "Image Caption"]
    assert [c.split(":")[0] for c in captions] == ["Figuur 1", "Figuur 2", "Figuur 3", "Figuur 4"], captions


def test_word_has_the_sentences_for_the_text_with_their_source(cijferbijlage):
    text = "\n".join(p.text for p in cijferbijlage.paragraphs)
    assert "Cijfers voor de tekst" in text
    assert "circa 51.600 inburgeraars, waarvan 34.400 asielstatushouders" in text
    assert "met 7.503 personen gedaald" in text
    assert text.count("Bron: ") >= 20


# --- deterministic -------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_quarto_renders_give_identical_html_and_word(quarto_reports: Path, brief, repo_root: Path, tmp_path: Path, hashes):
    from kerncijfers.report.render import build

    again = tmp_path / "reports"
    shutil.copytree(quarto_reports, again, ignore=shutil.ignore_patterns("_site"))
    build(repo_root, again, quarto=True, epoch=_epoch(brief))

    kinds = (".html", ".docx", ".json")
    first, second = hashes(quarto_reports / "_site", suffixes=kinds), hashes(again / "_site", suffixes=kinds)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def _epoch(brief) -> int:
    import datetime as dt

    return int(dt.datetime.combine(brief.datum, dt.time(), dt.timezone.utc).timestamp())


class _CrossRefs(HTMLParser):
    """Per page: each captioned table or figure (id tbl-…/fig-…) with the number its caption starts with,
    and each cross-reference to one (a link to #tbl-…/#fig-…) with its text."""

    CAPTION = re.compile(r"^\s*(Tabel|Figuur)\s(\d+)")  # Quarto writes a no-break space

    def __init__(self, text: str):
        super().__init__()
        self.open: list[tuple[str, int]] = []  # (id, depth) of the captioned elements we are inside
        self.depth = 0
        self.in_caption: str | None = None
        self.in_link: str | None = None
        self.captions: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self._link_text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("br", "img", "col", "meta", "link", "input", "hr", "source", "path", "rect", "line"):
            self.depth += 1
        ident = attrs.get("id") or ""
        if tag != "figcaption" and re.fullmatch(r"(tbl|fig)-[\w-]+", ident):
            self.open.append((ident, self.depth))
        if tag == "figcaption" and self.open and self.open[-1][0] not in self.captions:
            self.in_caption = self.open[-1][0]
        href = attrs.get("href") or ""
        if tag == "a" and re.fullmatch(r"#(tbl|fig)-[\w-]+", href):
            self.in_link, self._link_text = href[1:], []

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.in_caption = None
        if tag == "a" and self.in_link:
            self.links.append((self.in_link, " ".join("".join(self._link_text).split())))
            self.in_link = None
        if tag not in ("br", "img", "col", "meta", "link", "input", "hr", "source", "path", "rect", "line"):
            while self.open and self.open[-1][1] >= self.depth:
                self.open.pop()
            self.depth -= 1

    def handle_data(self, data):
        if self.in_caption and self.in_caption not in self.captions:
            match = self.CAPTION.match(data)
            if match:
                self.captions[self.in_caption] = f"{match[1]} {match[2]}"
        if self.in_link:
            self._link_text.append(data)


def test_tables_and_figures_are_numbered_and_referred_to_as_quarto_does(quarto_reports: Path, preview_reports: Path):
    """The preview's cross-reference numbering, page by page, against Quarto's own: each caption's
    number and each @tbl-/@fig- reference's text."""
    numbered = 0
    for page in html_pages(preview_reports / "_site"):
        name = page.relative_to(preview_reports / "_site")
        ours = _CrossRefs(page.read_text(encoding="utf-8"))
        quartos = _CrossRefs((quarto_reports / "_site" / name).read_text(encoding="utf-8"))
        assert ours.captions == quartos.captions, name
        assert ours.links == quartos.links, name
        numbered += len(quartos.captions)
    assert numbered >= 8  # Tabel 1-4 and the four charts at least


# --- readers: the statement, the open data, the icon font ----------------------------------------


def test_every_quarto_page_links_to_the_statement_marked_current_only_on_itself(quarto_reports: Path):
    from kerncijfers.report.statement import HTML_PAGE

    site = quarto_reports / "_site"
    for page in html_pages(site):
        footer = page.read_text(encoding="utf-8").split('<footer class="footer">')[1]
        href = ("./" if page.parent == site else "../") + HTML_PAGE
        link = re.search(rf'<a class="nav-link[^"]*" href="{re.escape(href)}"[^>]*>', footer)
        assert link, f"{page.relative_to(site)} has no footer link to the statement"
        assert ('aria-current="page"' in link[0]) == (page.name == HTML_PAGE and page.parent == site), page.relative_to(site)


def test_the_quarto_statement_claims_only_results_for_pages_as_tested(quarto_reports: Path):
    from kerncijfers.report.statement import HTML_PAGE, content_hash

    site = quarto_reports / "_site"
    text = (site / HTML_PAGE).read_text(encoding="utf-8")
    claimed = re.findall(r'<tr data-inhoud="(sha256:[0-9a-f]{64})"><th scope="row">([^<]+)</th>', text)
    for recorded, page in claimed:
        assert recorded == content_hash(site / page), f"the statement claims a result for {page} as it was before"


def test_the_icon_font_holds_only_the_icons_the_pages_use(quarto_reports: Path):
    from fontTools.ttLib import TTFont

    folder = quarto_reports / "_site" / "site_libs" / "bootstrap"
    css = (folder / "bootstrap-icons.css").read_text(encoding="utf-8")
    named = sorted(re.findall(r"\.(bi-[a-z0-9-]+)::before", css))
    assert named == ["bi-arrow-left-short", "bi-arrow-right-short", "bi-caret-down-fill", "bi-chevron-right",
                     "bi-layout-text-sidebar-reverse"]
    cmap = TTFont(folder / "bootstrap-icons.woff").getBestCmap()
    assert sorted(cmap) == sorted(int(c, 16) for c in re.findall(r'content: "\\([0-9a-f]+)"', css))
    assert (folder / "bootstrap-icons.woff").stat().st_size < 5_000  # was 176 KB


def test_the_site_publishes_open_data_and_its_catalogue(quarto_reports: Path, brief):
    site = quarto_reports / "_site"
    assert sorted(p.name for p in (site / brief.slug / "data").iterdir()) == [
        "datapackage.json", "tabel_1.csv", "tabel_2.csv", "tabel_3.csv", "tabel_4.csv", "tekstcijfers.csv"]
    assert (site / "catalogus.ttl").is_file() and (site / "catalogus.jsonld").is_file()
    assert (site / "fonts" / "LICENSE-OFL.txt").is_file()
    assert not list((site / "fonts").glob("*.ttf"))  # the pages take the WOFF2 subset only
