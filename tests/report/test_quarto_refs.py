"""Every Quarto embed and cross-reference points to a labelled cell that exists.

Checked twice: the page sources in site/ against the notebooks in notebooks/, and the
assembled project in reports/ against the executed notebooks next to its pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from kerncijfers.report.site import CROSSREF, EMBED, cell_options, labelled_cells, read_page

SITE = "site"


def qmd_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.qmd") if not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def embeds(page: Path) -> list[tuple[str, str]]:
    found = []
    for line in page.read_text(encoding="utf-8").splitlines():
        if "{{<" in line and "embed" in line:
            match = EMBED.match(line.strip())
            assert match, f"{page}: cannot read the embed shortcode {line.strip()!r}"
            found.append((match["notebook"], match["label"]))
    return found


def check_page(page: Path, notebook_for) -> set[str]:
    """Assert every embed and cross-reference of `page` resolves; return the labels it embeds."""
    embedded: dict[str, dict] = {}
    for notebook, label in embeds(page):
        path = notebook_for(page, notebook)
        assert path.exists(), f"{page.name} embeds {notebook}, which does not exist ({path})"
        cells = labelled_cells(nbformat.read(path, as_version=4))
        assert label in cells, f"{page.name} embeds {notebook}#{label}; labels there: {sorted(cells)}"
        embedded[label] = cell_options(cells[label])
    body = read_page(page, page.parent).body
    for match in CROSSREF.finditer(body):
        label, kind = match["label"], match["kind"]
        assert label in embedded, f"{page.name}: @{label} refers to no cell embedded on this page (Quarto resolves cross-references per page)"
        assert embedded[label].get(f"{kind}-cap"), f"{page.name}: @{label} needs a {kind}-cap on its cell to be numbered"
    return set(embedded)


def test_site_sources_embed_labelled_cells_of_the_report_notebooks(repo_root: Path):
    site = repo_root / SITE
    pages = qmd_files(site)
    assert pages, "no .qmd pages in site/"
    used: set[str] = set()
    for page in pages:
        used |= check_page(page, lambda page, name: repo_root / "notebooks" / name)
    # And the other way round: every labelled cell is shown somewhere.
    labels = set(labelled_cells(nbformat.read(repo_root / "notebooks" / "brief.ipynb", as_version=4)))
    assert labels - used == set(), f"labelled cells no page embeds: {sorted(labels - used)}"


def test_labels_are_quarto_labels(repo_root: Path):
    nb = nbformat.read(repo_root / "notebooks" / "brief.ipynb", as_version=4)
    for label, cell in labelled_cells(nb).items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", label), label
        options = cell_options(cell)
        kind = label.split("-", 1)[0]
        if kind in ("tbl", "fig"):
            assert options.get(f"{kind}-cap"), f"{label} needs {kind}-cap"
        if kind == "fig":
            assert options.get("fig-alt"), f"{label} needs fig-alt for the Quarto build's <img>"


def test_parameters_cell_is_tagged(repo_root: Path):
    nb = nbformat.read(repo_root / "notebooks" / "brief.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert {"brief", "peildatum", "data_dir", "validated_dir", "published_dir"} <= set(re.findall(r"^(\w+)\s*=", tagged[0].source, re.M))


def test_quarto_project_renders_the_executed_notebooks_without_running_them(repo_root: Path):
    config = yaml.safe_load((repo_root / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    assert config["project"]["output-dir"] == "_site"
    assert config["lang"] == "nl"
    assert config["execute"]["enabled"] is False
    assert {"html", "docx"} <= set(config["format"])
    assert "css" in config["format"]["html"]


def test_assembled_project_embeds_the_executed_notebooks(rendered: Path):
    pages = qmd_files(rendered)
    assert any(p.parent != rendered for p in pages), "no brief pages in the assembled project"
    for page in pages:
        check_page(page, lambda page, name: page.parent / name)
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\$\{?\w", text), f"{page}: an unfilled $placeholder"
        meta = yaml.safe_load(text.split("---", 2)[1])
        assert meta.get("title"), f"{page} has no title"


@pytest.mark.parametrize("name", ["_quarto.yml", "site.css", "index.qmd"])
def test_assembled_project_has_the_quarto_files(rendered: Path, name: str):
    assert (rendered / name).exists()
