"""The XLSX exports are accessible spreadsheets: every figure a number cell, equal to the page and the delivery."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kerncijfers.report.tables import letter_tables, write_table_exports

DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]


@pytest.fixture(scope="module")
def workbooks(repo_root, brief, tmp_path_factory):
    tables = letter_tables(repo_root / "data" / "validated", brief)
    out = tmp_path_factory.mktemp("xlsx")
    write_table_exports(tables, out)
    return {t.id: (t, load_workbook(out / f"{t.id}.xlsx")) for t in tables}


def page_numbers(cell: str) -> list[int]:
    """The numbers a printed cell shows: '7.172 77%' -> [7172, 77], '€ 967.013.926' -> [967013926], '–' -> []."""
    return [int(token.replace(".", "")) for token in re.findall(r"\d[\d.]*", cell)]


def table_rows(sheet) -> tuple[list[str], dict[str, list]]:
    """The header row of the Excel table on the sheet, and its body rows by row label."""
    [grid] = sheet.tables.values()
    rows = [[c.value for c in row] for row in sheet[grid.ref]]
    return rows[0], {r[0]: r[1:] for r in rows[1:]}


def raw_rows(repo_root: Path, peildatum: str, table: str) -> list[dict]:
    with open(repo_root / "data" / "raw" / peildatum / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def dutch_date(iso: str) -> str:
    year, month, day = (int(p) for p in iso.split("-"))
    return f"{day} {DUTCH_MONTHS[month - 1]} {year}"


def test_every_figure_the_page_shows_is_a_number_cell_in_its_row(workbooks):
    for table_id, (table, workbook) in workbooks.items():
        sheet = workbook["Tabel"]
        [grid] = sheet.tables.values()
        body = list(sheet[grid.ref])[1:]
        assert len(body) == len(table.rows), table_id
        for printed, cells in zip(table.rows, body):
            numbers = [c.value for c in cells[1:] if c.value is not None]
            assert all(c.data_type == "n" for c in cells[1:] if c.value is not None), (table_id, printed[0])
            assert numbers == [n for cell in printed[1:] for n in page_numbers(cell)], (table_id, printed[0])


def test_cohorten_equal_the_delivered_cells(workbooks, repo_root):
    header, rows = table_rows(workbooks["tabel_2"][1]["Tabel"])
    delivered = raw_rows(repo_root, "2023-10-01", "wi2013_cohorten")
    assert len(delivered) == 3 * len(rows) == 33
    for line in delivered:
        row = rows[line["cohort"]]
        group = line["doelgroep"].replace("_", " ")
        prefix = "" if group == "totaal" else f"{group}, "
        assert row[header.index(f"{group}, totaal, aantal" if prefix else "totaal, aantal") - 1] == int(line["totaal"])
        for status in ("voldaan", "ontheven", "nog_plichtig"):
            label = f"{group}, {status.replace('_', ' ')}"
            assert row[header.index(f"{label}, aantal") - 1] == int(line[status]), (line["cohort"], label)
            assert row[header.index(f"{label}, %") - 1] == int(line[f"{status}_pct"]), (line["cohort"], label)
    assert rows["2013"][:3] == [9309, 7172, 77]  # as the letter prints: 9309, 7.172 77%


def test_elip_and_leningen_equal_the_delivered_cells(workbooks, repo_root):
    header, rows = table_rows(workbooks["tabel_3"][1]["Tabel"])
    for peildatum in ("2022-05-01", "2022-10-15", "2023-07-01", "2023-11-01"):
        for line in raw_rows(repo_root, peildatum, "elip"):
            assert rows[dutch_date(peildatum)][header.index(f"{line['cohort']}, aantal") - 1] == int(line["aantal"])
    header, rows = table_rows(workbooks["tabel_4"][1]["Tabel"])
    assert header == ["Categorie", "aantal", "bedrag (€)", "gemiddeld (€)"]
    for line in raw_rows(repo_root, "2023-10-01", "wi2013_leningen"):
        row = rows[line["categorie"].replace("_", " ")]
        assert row[:2] == [int(line["aantal"]), int(line["bedrag_eur"])]
    assert rows["toegekend"] == [138610, 967013926, 6977]


def test_counts_and_percentages_carry_dutch_display_formats(workbooks):
    sheet = workbooks["tabel_2"][1]["Tabel"]
    [grid] = sheet.tables.values()
    header, first = list(sheet[grid.ref])[:2]
    formats = {h.value: c.number_format for h, c in zip(header, first)}
    assert formats["totaal, aantal"] == "#,##0"
    assert formats["totaal, voldaan, %"] == '0"%"'
    sheet = workbooks["tabel_4"][1]["Tabel"]
    assert sheet["C4"].value == 967013926 and sheet["C4"].number_format == '"€" #,##0'


def test_cover_sheet_says_title_source_peildatum_and_licence(workbooks):
    table, workbook = workbooks["tabel_4"]
    assert workbook.sheetnames == ["Toelichting", "Tabel"]
    cover = {row[0].value: row[1].value if len(row) > 1 else None for row in workbook["Toelichting"].iter_rows()}
    assert workbook["Toelichting"]["A1"].value == "Tabel 4: Leningen DUO Inburgeringsplichtigen Wi2013"
    assert cover["Bron"] == "Bron: DUO. Peildatum 1 oktober 2023."
    assert cover["Peildatum"] == "1 oktober 2023"
    assert cover["Licentie"].startswith("Creative Commons Zero 1.0 Universeel (CC0-1.0)")
    assert "Lege cel" not in cover  # every category has loans, so an average
    # Where the version is said: beside it, in versies.csv; the workbook itself is approved by its bytes.
    assert cover["Versie"].startswith("Zodra de brief is vastgesteld, staat in versies.csv in dezelfde map bij welke versie")
    assert "de map versies/ van de brief" in cover["Versie"]
    tabel_1 = workbooks["tabel_1"][1]["Toelichting"]
    assert "Lege cel" in [row[0].value for row in tabel_1.iter_rows()]  # no percentage of the inburgeringsplichtigen
    assert not any(workbook[s].merged_cells.ranges for s in workbook.sheetnames)
