"""The toegankelijkheidsverklaring: on every page's footer, and it claims a machine check only for a page as tested."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kerncijfers.report import statement
from kerncijfers.report.statement import HTML_PAGE, RESULTS, content_hash, fill_machine_check, checked_pages

CLAIM = re.compile(r'<tr data-inhoud="(?P<hash>sha256:[0-9a-f]{64})"><th scope="row">(?P<page>[^<]+)</th><td>(?P<verdict>[^<]+)</td>')
ROW = re.compile(r'<tr(?: data-inhoud="[^"]*")?><th scope="row">(?P<page>[^<]+)</th><td>(?P<verdict>[^<]+)</td>')


def claims(site: Path) -> dict[str, str]:
    """The pages the statement claims a machine-check result for, with the content hash the claim rests on."""
    return {m["page"]: m["hash"] for m in CLAIM.finditer((site / HTML_PAGE).read_text(encoding="utf-8"))}


def verdicts(site: Path) -> dict[str, str]:
    return {m["page"]: m["verdict"] for m in ROW.finditer((site / HTML_PAGE).read_text(encoding="utf-8"))}


def test_every_page_links_to_the_statement_from_its_footer(rendered: Path):
    site = rendered / "_site"
    pages = [p for p in sorted(site.rglob("*.html")) if "exports" not in p.relative_to(site).parts]
    assert site / HTML_PAGE in pages and len(pages) == 9
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('<footer class="site-voet">')[1]
        href = "../" * (len(page.relative_to(site).parts) - 1) + HTML_PAGE
        assert f'<a href="{href}">Toegankelijkheid</a>' in footer, page.relative_to(site)


def test_the_statement_names_publisher_status_research_checklist_and_contact(rendered: Path):
    text = (rendered / "_site" / HTML_PAGE).read_text(encoding="utf-8")
    assert "Ministerie van Sociale Zaken en Werkgelegenheid" in text
    assert "Status C: eerste maatregelen genomen." in text  # no full expert evaluation: A or B would not be honest
    assert "geen volledig onderzoek" in text
    assert "<strong>2.1.1 Toetsenbord</strong>: Is alles met alleen het toetsenbord" in text
    assert "Uitslag: nog niet gecontroleerd; door: –; wanneer: –." in text
    assert 'href="mailto:kerncijfers-inburgering@example.nl"' in text


def test_the_statement_claims_no_result_for_a_page_changed_since_its_check(rendered: Path):
    """The committed results file: every result the statement shows is for the page as it is now."""
    site = rendered / "_site"
    for page, recorded in claims(site).items():
        assert recorded == content_hash(site / page), f"{HTML_PAGE} claims a result for {page} as it was before"
    assert HTML_PAGE not in verdicts(site)  # the statement does not report on itself


@pytest.fixture
def site_and_root(rendered: Path, tmp_path: Path):
    """A copy of the preview site and a repository root whose site/ holds a results file made up here."""
    site = tmp_path / "_site"
    shutil.copytree(rendered / "_site", site)
    (site / HTML_PAGE).write_text(f"<main>{statement.PLACEHOLDER}</main>", encoding="utf-8")
    root = tmp_path / "root"
    (root / "site").mkdir(parents=True)
    return site, root


def write_results(root: Path, pages: dict) -> None:
    data = {"axe": "4.12.1", "regels": ["wcag2a", "best-practice"], "paginas": {"preview": pages}}
    (root / "site" / RESULTS).write_text(json.dumps(data), encoding="utf-8")


def test_a_page_changed_after_its_check_is_listed_as_not_yet_tested_again(site_and_root):
    site, root = site_and_root
    pages = checked_pages(site)
    write_results(root, {p: {"inhoud": content_hash(site / p), "overtredingen": []} for p in pages})
    changed = site / "2023-12" / "tabellen.html"
    changed.write_text(changed.read_text(encoding="utf-8").replace("9.309", "9.310"), encoding="utf-8")
    fill_machine_check(root, site, "preview")
    shown = verdicts(site)
    assert shown["2023-12/tabellen.html"] == "nog niet opnieuw getest: de pagina is gewijzigd sinds de laatste toets"
    assert set(claims(site)) == set(pages) - {"2023-12/tabellen.html"}
    assert shown["index.html"] == "geen problemen gevonden"


def test_a_page_never_checked_or_checked_by_the_other_renderer_claims_nothing(site_and_root):
    site, root = site_and_root
    write_results(root, {"index.html": {"inhoud": content_hash(site / "index.html"), "overtredingen": ["landmark-unique"]}})
    fill_machine_check(root, site, "quarto")  # results are for the preview only
    assert claims(site) == {} and set(verdicts(site).values()) == {"nog niet getest"}
    (site / HTML_PAGE).write_text(f"<main>{statement.PLACEHOLDER}</main>", encoding="utf-8")
    fill_machine_check(root, site, "preview")
    assert verdicts(site)["index.html"] == "1 soort(en) problemen: landmark-unique"
    assert verdicts(site)["2023-12/index.html"] == "nog niet getest"
