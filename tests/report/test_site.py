"""The report site built without Quarto: pages, language, offline, the letter's numbers, reproducibility."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kerncijfers import formatting
from kerncijfers.brief import load_briefs
from kerncijfers.report import charts, render
from kerncijfers.report.render import render_brief
from kerncijfers.report.dcat import write_catalogue
from kerncijfers.report.preview import build_site
from kerncijfers.report.statement import fill_machine_check

BRIEF_PAGES = ("index", "tabellen", "tekst", "datakwaliteit", "over")

#: Figures of the letter as printed, and the page that must show them.
LETTER_NUMBERS = {
    "tabellen": ["51.600", "36.200", "15.600 (43%)", "26.000 (50%)", "€ 967.013.926", "€ 6.977", "2.739", "7.172 77%"],
    "tekst": ["51.600", "34.400", "16.100", "1.100", "10.900", "52,5%", "17,1%", "8.700", "16.800"],
    "over": ["10.822", "12.212", "2.341", "2.436"],
}


class Page(HTMLParser):
    """What the tests look at in one HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = None
        self.h1 = 0
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "h1":
            self.h1 += 1
        for name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
            if attrs.get(name):
                self.links.append((tag, name, attrs[name]))
        if attrs.get("id"):
            self.ids.append(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


@pytest.fixture(scope="module")
def site(rendered: Path) -> Path:
    return rendered / "_site"


@pytest.fixture(scope="module")
def brief(repo_root: Path):
    return load_briefs(repo_root / "data" / "briefs.yml")[-1]


def pages(site: Path) -> dict[str, Page]:
    """Every page of the site; the table fragments under exports/ are downloads, not pages."""
    return {
        p.relative_to(site).as_posix(): Page(p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
        if "exports" not in p.relative_to(site).parts
    }


# --- pages and structure ------------------------------------------------------------------


def test_every_page_of_every_brief_exists(site: Path, repo_root: Path):
    assert (site / "index.html").exists()
    for b in load_briefs(repo_root / "data" / "briefs.yml"):
        for name in BRIEF_PAGES:
            assert (site / b.slug / f"{name}.html").exists(), f"{b.slug}/{name}.html missing"


def test_pages_are_dutch_with_one_h1_a_skip_link_and_landmarks(site: Path):
    for name, page in pages(site).items():
        assert page.lang == "nl", name
        assert page.h1 == 1, f"{name} has {page.h1} h1 elements"
        assert ("a", "href", "#inhoud") in page.links, f"{name}: no skip link"
        assert "inhoud" in page.ids, name
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in page.tags, f"{name}: no <{landmark}>"
        assert len(page.ids) == len(set(page.ids)), f"{name}: duplicate ids"


def test_nothing_is_loaded_from_another_host(site: Path):
    for name, page in pages(site).items():
        external = [(t, a, v) for t, a, v in page.links if re.match(r"^(https?:)?//", v.strip(), re.I)]
        assert not external, f"{name} links to {external}"
        assert "script" not in page.tags, f"{name} has a script: the preview needs none"
    css = (site / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def test_every_internal_link_resolves(site: Path):
    for name, page in pages(site).items():
        for _, _, value in page.links:
            target = value.split("#")[0]
            if not target or target.startswith(("data:", "mailto:")):
                continue
            assert (site / name).parent.joinpath(target).resolve().exists(), f"{name}: broken link {value}"


def test_the_letters_numbers_are_on_the_pages(site: Path, brief):
    for name, numbers in LETTER_NUMBERS.items():
        text = Page((site / brief.slug / f"{name}.html").read_text(encoding="utf-8")).plain
        missing = [n for n in numbers if n not in text]
        assert not missing, f"{name}.html lacks {missing}"


def test_tables_and_charts_are_numbered_as_quarto_numbers_them(site: Path, brief):
    text = Page((site / brief.slug / "tabellen.html").read_text(encoding="utf-8")).plain
    for n in range(1, 5):
        assert f"Tabel {n}:" in text
        assert f"Figuur {n}:" in text
    assert "@tbl-" not in text and "@fig-" not in text and "{{<" not in text


def test_every_chart_is_an_accessible_svg_next_to_its_data_table(site: Path, brief):
    html_text = (site / brief.slug / "tabellen.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b[^>]*>", html_text)
    assert len(svgs) == 4
    for svg in svgs:
        assert 'role="img"' in svg and "aria-label=" in svg
    for chart_id in ("pip", "wi2013-status", "elip", "leningen"):
        assert f'id="fig-{chart_id}"' in html_text
        assert f'id="gegevens-{chart_id}"' in html_text


def test_datakwaliteit_shows_every_delivery_up_to_the_cutoff(site: Path, brief, repo_root: Path):
    seen = 0
    text = Page((site / brief.slug / "datakwaliteit.html").read_text(encoding="utf-8")).plain
    validated = repo_root / "data" / "validated"
    for folder in sorted(validated.iterdir()):
        if (folder / "validatie.json").exists() and folder.name <= brief.cutoff.isoformat():
            summary = json.loads((folder / "validatie.json").read_text(encoding="utf-8"))
            datum = formatting.datum(dt.date.fromisoformat(folder.name))
            # Counted from the delivery itself: its table files; every other entry of the summary is a cross-table check.
            tables = sum(1 for p in (repo_root / "data" / "raw" / folder.name).iterdir() if p.suffix in (".csv", ".xlsx"))
            cross_checks = len(summary["tables"]) - tables
            assert f"{datum} {summary['status']} {tables} {cross_checks} {formatting.aantal(summary['expectations_evaluated'])}" in text
            if summary["findings"]:
                assert f"Levering {datum} Status: {summary['status']}" in text
            seen += 1
    assert seen == 6 and "1 oktober 2023 geaccepteerd 4 1 87" in text  # the deliveries up to the cut-off; one by hand


def test_earlier_briefs_stay_reachable(rendered: Path, brief, tmp_path: Path):
    """A second brief folder appears on the home page and in the navigation of every page."""
    project = tmp_path / "reports"
    shutil.copytree(rendered, project, ignore=shutil.ignore_patterns("_site"))
    earlier = project / "2023-06"
    shutil.copytree(project / brief.slug, earlier)
    index = earlier / "index.qmd"
    index.write_text(
        index.read_text(encoding="utf-8")
        .replace(f'"{brief.titel}"', '"Uitvoeringsbrief inburgering juni 2023"')
        .replace(f"date: {brief.datum.isoformat()}", "date: 2023-06-30"),
        encoding="utf-8",
    )
    site = build_site(Path("."), project)
    home = Page((site / "index.html").read_text(encoding="utf-8"))
    for page_name, page in pages(site).items():
        hrefs = {v for _, a, v in page.links if a == "href"}
        prefix = "../" if "/" in page_name else ""
        assert f"{prefix}2023-06/index.html" in hrefs, f"{page_name} does not link to the earlier brief"
        assert f"{prefix}{brief.slug}/index.html" in hrefs
    assert "Uitvoeringsbrief inburgering juni 2023" in home.plain


def test_the_build_says_how_it_built_the_site(rendered: Path, repo_root: Path, tmp_path: Path, monkeypatch):
    """Which renderer, found on a real PATH: none, or a `quarto` that must not run when the preview is asked for."""
    out_dir = tmp_path / "reports"
    shutil.copytree(rendered, out_dir, ignore=shutil.ignore_patterns("_site"))
    from kerncijfers.report import quarto

    monkeypatch.delenv(quarto.RENDERER_VARIABLE, raising=False)
    empty, with_quarto = tmp_path / "bin-empty", tmp_path / "bin-quarto"
    empty.mkdir()
    with_quarto.mkdir()
    ran = tmp_path / "quarto-ran"
    fake = with_quarto / "quarto"
    fake.write_text(f"#!/bin/sh\necho ran > {ran}\nexit 1\n", encoding="utf-8")  # shell builtins only: PATH is empty
    fake.chmod(0o755)

    monkeypatch.setenv("PATH", str(empty))
    assert render.build(repo_root, out_dir).startswith("Quarto not found: built the static HTML preview with nbconvert")
    assert (out_dir / "_site" / "index.html").is_file()
    # Quarto on PATH but not wanted (the preview asked for): nbconvert again, the message says so, Quarto never runs.
    monkeypatch.setenv("PATH", str(with_quarto))
    assert render.build(repo_root, out_dir, quarto=False) == "Built the static HTML preview with nbconvert (the preview was asked for, not Quarto)"
    assert not ran.exists()
    # Asked for Quarto where there is none: one clear line, nothing rendered with anything else.
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(quarto.RenderFailed, match="Quarto is not on PATH"):
        render.build(repo_root, out_dir, quarto=True)


# --- the executed notebook ------------------------------------------------------------------


def test_executed_notebook_has_no_volatile_metadata_and_no_warnings(rendered: Path, brief):
    nb = json.loads((rendered / brief.slug / "brief.ipynb").read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    counts = []
    for cell in nb["cells"]:
        assert "id" not in cell
        assert "execution" not in cell.get("metadata", {})
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), output.get("text")
        if cell["cell_type"] == "code":
            counts.append(cell["execution_count"])
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.slow
def test_a_second_render_gives_identical_bytes(rendered: Path, brief, repo_root: Path, tmp_path: Path, hashes):
    """The executed notebook, the exports and the site do not change between two runs."""
    again = tmp_path / "reports"
    shutil.copytree(rendered, again, ignore=shutil.ignore_patterns(brief.slug, "_site"))
    render_brief(repo_root, brief, again)
    build_site(repo_root, again)
    # What render.build and render_all add to the preview: the statement's machine check and the catalogue.
    fill_machine_check(repo_root, again / "_site", "preview")
    write_catalogue(load_briefs(repo_root / "data" / "briefs.yml"), again, again / "_site")

    first, second = hashes(rendered), hashes(again)
    assert first.keys() == second.keys()
    changed = [k for k in first if first[k] != second[k]]
    assert not changed, f"changed between runs: {changed}"


# --- the charts on the site -----------------------------------------------------------------


@pytest.fixture(scope="module")
def letter_charts(repo_root: Path, brief):
    return charts.letter_charts(repo_root / "data" / "validated", brief)


def test_the_four_charts_of_the_issue(letter_charts):
    assert [c.id for c in letter_charts] == ["pip", "wi2013-status", "elip", "leningen"]
    for c in letter_charts:
        assert c.title and len(c.description) > 40
        assert not c.table.empty


def test_pip_share_is_half_up_whole_percent_of_the_rounded_counts(letter_charts):
    pip = letter_charts[0].data.set_index("peildatum")
    assert pip.loc["2023-05-01", "aandeel_pct"] == 43  # 15.600 / 36.200 = 43,09%
    assert pip.loc["2023-10-01", "aandeel_pct"] == 50  # 26.000 / 51.600 = 50,39%


def test_chart_specs_carry_title_description_and_dutch_locale(letter_charts):
    for c in letter_charts:
        spec = c.spec()
        assert spec["description"] == c.description
        assert spec["title"] == c.title
        assert spec["config"]["locale"]["number"]["decimal"] == ","
        assert spec["config"]["locale"]["number"]["thousands"] == "."
        assert "oktober" in spec["config"]["locale"]["time"]["months"]


def test_chart_svg_uses_dutch_number_format(letter_charts):
    svg = letter_charts[2].to_svg()  # ELIP: the axis runs to 1.000
    assert ">1.000<" in svg
    svg = letter_charts[0].to_svg()
    assert ">50%<" in svg and ">1 oktober 2023<" in svg


def test_chart_colours_have_3_to_1_contrast_against_white(letter_charts):
    for c in letter_charts:
        colours = set(re.findall(r'"(#[0-9a-fA-F]{6})"', json.dumps(c.spec())))
        for colour in colours - {"#ffffff", "#FFFFFF"}:
            assert charts.contrast_ratio(colour) >= 3, f"{c.id}: {colour} has {charts.contrast_ratio(colour):.2f}:1"


def test_chart_exports_are_deterministic(letter_charts, tmp_path: Path):
    first = charts.write_chart_exports(letter_charts, tmp_path / "a")
    second = charts.write_chart_exports(letter_charts, tmp_path / "b")
    assert sorted(p.name for p in first) == sorted(f"{c.id}.{ext}" for c in letter_charts for ext in ("vl.json", "svg", "png"))
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    spec = json.loads((tmp_path / "a" / "pip.vl.json").read_text(encoding="utf-8"))
    assert (tmp_path / "a" / "pip.vl.json").read_text(encoding="utf-8") == json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert (tmp_path / "a" / "pip.png").read_bytes().startswith(b"\x89PNG")


# --- the validation summary, whatever its shape --------------------------------------------


def test_validation_report_shows_findings_with_their_place_and_rule(tmp_path: Path):
    from kerncijfers.report.site import validation_report

    (tmp_path / "2024-05-01").mkdir()
    (tmp_path / "2024-05-01" / "validatie.json").write_text(json.dumps({
        "peildatum": "2024-05-01",
        "status": "geaccepteerd",
        "errors": 0,
        "warnings": 1,
        "tables": {"elip": {"file": "data/raw/2024-05-01/elip.csv", "rows": 11,
                            "expectations": [{"success": True}, {"success": False}]}},
        "findings": [{"severity": "warning", "file": "data/raw/2024-05-01/elip.csv", "row": 4, "column": "aantal",
                      "rule": "elip-plausibel", "value": "9999", "message": "Veel hoger dan de vorige levering", "hint": "Vraag DUO"}],
    }), encoding="utf-8")
    (tmp_path / "2023-01-01").mkdir()
    (tmp_path / "2023-01-01" / "validatie.json").write_text('{"peildatum": "2023-01-01", "status": "provisional"}', encoding="utf-8")
    shown = validation_report(tmp_path)
    # The overview: a row per delivery, newest first, with its status and counts.
    assert '<th scope="row">1 mei 2024</th><td>geaccepteerd</td><td class="getal">1</td>' in shown.html
    assert '<th scope="row">1 januari 2023</th><td>provisional</td>' in shown.html
    assert shown.html.index("1 mei 2024") < shown.html.index("1 januari 2023"), "newest delivery first"
    # The details: only for the delivery with findings, each with its place and rule.
    for text in ("Levering 1 mei 2024", "Status: geaccepteerd", "elip-plausibel", "9999", "aantal", ">4<",
                 "Veel hoger dan de vorige levering"):
        assert text in shown.html, text
    assert "Levering 1 januari 2023" not in shown.html and "Status: provisional" not in shown.html
    assert "| warning |" in shown.markdown
    assert "1 januari 2023" not in validation_report(tmp_path, up_to=dt.date(2022, 12, 31)).html
    # A history without findings is one table and a sentence saying so.
    (tmp_path / "2024-05-01" / "validatie.json").write_text('{"peildatum": "2024-05-01", "status": "geaccepteerd", "findings": []}')
    quiet = validation_report(tmp_path)
    assert "Geen enkele levering heeft bevindingen." in quiet.html and "<section" not in quiet.html
