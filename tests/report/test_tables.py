"""Tabel 1-4 rebuilt from data/validated equal the letter as printed, except documented deviations."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kerncijfers.report.tables import LetterTable, MissingDelivery, letter_tables, write_table_exports

TITLES = {
    "tabel_1": "Tabel 1: Vastgestelde PIP's inburgeringsplichtigen",
    "tabel_2": "Tabel 2: Slagingspercentages inburgeringsplichtigen per cohort",
    "tabel_3": "Tabel 3: ELIP minstens € 9.500 geleend, per cohort (asielstatushouders)",
    "tabel_4": "Tabel 4: Leningen DUO Inburgeringsplichtigen Wi2013",
}

#: correcties.csv rows that concern a table cell; the list may only change on purpose.
TABLE_CORRECTIONS = {
    "tabel2-2018-totaal-voldaan",
    "tabel2-2019-totaal-voldaan",
    "tabel2-2015-asiel-ontheven-pct",
    "tabel2-2016-asiel-voldaan-opmaak",
    "tabel2-2016-gezin-voldaan-opmaak",
    "tabel3-20230701-totaal",
}


@pytest.fixture(scope="module")
def tables(repo_root, brief) -> dict[str, LetterTable]:
    return {t.id: t for t in letter_tables(repo_root / "data" / "validated", brief)}


def printed(published: Path, table_id: str) -> list[list[str]]:
    return [line.split("\t") for line in (published / f"{table_id}.tsv").read_text(encoding="utf-8").splitlines()]


def corrections(published: Path) -> list[dict]:
    with open(published / "correcties.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def with_separators(number: str) -> str:
    return f"{int(number):,}".replace(",", ".")


def column_index(table: LetterTable, names: list[str]) -> int:
    """The column named by a correcties.csv cel: 'Voldaan' or 'Asiel, Ontheven %' (group, column)."""
    *group, column = names
    column = column.removesuffix(" %")
    for j, label in enumerate(table.header[-1]):
        if label == column and (not group or table.header[0][j] == group[0]):
            return j
    raise AssertionError(f"no column {names} in {table.id}")


def expected_rows(table: LetterTable, published: Path) -> tuple[list[list[str]], set[str]]:
    """The printed body with each documented deviation applied, and the corrections used."""
    rows = printed(published, table.id)[1:]
    applied = set()
    for c in corrections(published):
        if c["plaats"] != f"Tabel {table.id[-1]}":
            continue
        label, *names = [part.strip() for part in c["cel"].split(",")]
        i = [r[0] for r in rows].index(label)
        j = column_index(table, names)
        tokens = rows[i][j].split(" ")
        assert tokens.count(c["gedrukt"]) == 1, (c["id"], rows[i][j])
        rows[i][j] = " ".join(c["gebruikt"] if t == c["gedrukt"] else t for t in tokens)
        applied.add(c["id"])
    if table.id == "tabel_2":
        # Layout normalisation: the print leaves the separator out of the three total columns only.
        totals = [j for j in range(1, len(table.header[-1])) if table.header[-1][j] == table.header[0][j]]
        assert totals == [1, 5, 9]
        for row in rows:
            for j in totals:
                row[j] = with_separators(row[j])
    return rows, applied


def test_the_four_tables_in_order_with_their_printed_titles(tables):
    assert list(tables) == ["tabel_1", "tabel_2", "tabel_3", "tabel_4"]
    assert {t.id: t.title for t in tables.values()} == TITLES


@pytest.mark.parametrize("table_id", ["tabel_1", "tabel_2", "tabel_3", "tabel_4"])
def test_column_row_and_row_labels_as_printed(tables, published, table_id):
    table, letter = tables[table_id], printed(published, table_id)
    assert table.header[-1] == letter[0]
    assert [r[0] for r in table.rows] == [r[0] for r in letter[1:]]


@pytest.mark.parametrize("table_id", ["tabel_1", "tabel_2", "tabel_3", "tabel_4"])
def test_every_cell_equals_the_print_except_documented_deviations(tables, published, table_id):
    table = tables[table_id]
    expected, _ = expected_rows(table, published)
    differences = [
        (row[0], table.header[-1][j], got, want)
        for row, want_row in zip(table.rows, expected)
        for j, (got, want) in enumerate(zip(row, want_row))
        if got != want
    ]
    assert differences == []
    assert [len(r) for r in table.rows] == [len(r) for r in expected]


def test_every_table_correction_is_applied_and_no_other(tables, published):
    applied = set().union(*(expected_rows(t, published)[1] for t in tables.values()))
    assert applied == TABLE_CORRECTIONS


def test_corrected_and_normalised_cells(tables):
    tabel_2 = {r[0]: r for r in tables["tabel_2"].rows}
    assert tabel_2["2018"][2] == "12.212 68%"  # printed 10.822, shifted from 2019
    assert tabel_2["2015"][7] == "5.490 29%"  # printed 30%: largest remainder gives 29
    assert tabel_2["2016"][1] == "31.777"  # printed 31777
    assert tables["tabel_3"].rows[2] == ["01-07-2023", "14", "56", "138", "232", "258", "308", "627", "645", "156", "2", "2.436"]


def test_tabel_2_group_row(tables):
    groups = tables["tabel_2"].header[0]
    assert groups == [""] + ["Totaal"] * 4 + ["Asiel"] * 4 + ["Gezin & Overig"] * 4


def test_sources_name_the_peildatum(tables):
    assert tables["tabel_2"].source == "Bron: DUO. Peildatum 1 oktober 2023."
    assert tables["tabel_3"].source == "Bron: DUO. Peildatum 1 november 2023."
    assert tables["tabel_4"].source == "Bron: DUO. Peildatum 1 oktober 2023."
    assert "1 mei 2023 en 1 oktober 2023" in tables["tabel_1"].source


def test_tidy_tables_hold_unformatted_values_with_peildatum(tables):
    for table in tables.values():
        assert {"peildatum", "maat", "waarde"} <= set(table.tidy.columns)
        assert pd.api.types.is_integer_dtype(table.tidy["waarde"])
    t1 = tables["tabel_1"].tidy.set_index(["peildatum", "indicator", "maat"])["waarde"]
    assert t1[(pd.Timestamp("2023-05-01").date(), "pip_vastgesteld", "procent")] == 43
    assert t1[(pd.Timestamp("2023-10-01").date(), "inburgeringsplichtigen", "aantal")] == 51600
    t2 = tables["tabel_2"].tidy
    assert len(t2) == 11 * 3 * 7  # cohorts x doelgroepen x (totaal + 3 statuses x aantal/procent)
    row = t2[(t2.cohort == 2018) & (t2.doelgroep == "totaal") & (t2.status == "voldaan") & (t2.maat == "aantal")]
    assert row["waarde"].tolist() == [12212]
    t4 = tables["tabel_4"].tidy.set_index(["categorie", "maat"])["waarde"]
    assert t4[("toegekend", "gemiddeld_eur")] == 6977
    assert t4[("toegekend", "bedrag_eur")] == 967013926
    assert sorted(tables["tabel_3"].tidy["peildatum"].astype(str).unique()) == ["2022-05-01", "2022-10-15", "2023-07-01", "2023-11-01"]


def test_html_is_accessible(tables):
    t2 = tables["tabel_2"].to_html()
    assert "<caption>Tabel 2: Slagingspercentages inburgeringsplichtigen per cohort</caption>" in t2
    assert t2.count('scope="colgroup"') == 3 and t2.count("<colgroup") == 4
    assert t2.count('<th scope="col" class="getal">') == 12 and t2.count('<th scope="row">') == 11
    assert '<th scope="colgroup" colspan="4">Gezin &amp; Overig</th>' in t2
    assert "<thead>" in t2 and "<tbody>" in t2 and "style=" not in t2
    t1 = tables["tabel_1"].to_html()
    assert '<th scope="row">Vastgestelde PIP&#x27;s</th><td class="getal">15.600 (43%)</td><td class="getal">26.000 (50%)</td>' in t1


def test_markdown_has_title_above_and_source_below(tables):
    md = tables["tabel_4"].to_markdown().splitlines()
    assert md[0] == "**Tabel 4: Leningen DUO Inburgeringsplichtigen Wi2013**"
    assert md[-1] == "Bron: DUO. Peildatum 1 oktober 2023."
    assert "| Toegekende leningen / opgenomen bedrag | 138.610 | € 967.013.926 | € 6.977 |" in md


def test_exports_are_byte_identical_across_writes(tables, tmp_path, monkeypatch):
    first = write_table_exports(list(tables.values()), tmp_path / "a")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 400 * 86400)  # zip entries would carry this clock
    second = write_table_exports(list(tables.values()), tmp_path / "b")
    assert [p.name for p in first] == [f"tabel_{i}.{ext}" for i in range(1, 5) for ext in ("csv", "xlsx", "html", "md")]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def hostile_table() -> LetterTable:
    return LetterTable(
        id="tabel_x",
        title="=cmd|' /C calc'!A0",
        header=[["", "Aantal"]],
        rows=[["=HYPERLINK(\"http://x\")", "1"], ["<script>alert(1)</script>", "2"], ["@SUM(A1)", "-3"]],
        source="+Bron",
        tidy=pd.DataFrame(
            {"peildatum": ["2023-10-01"] * 3, "label": ["=1+2", "-2", "\tx"], "maat": ["aantal"] * 3, "waarde": [1, -2, 3]}
        ),
    )


def test_formula_like_text_is_neutralised_in_csv_and_xlsx(tmp_path):
    write_table_exports([hostile_table()], tmp_path)
    rows = list(csv.reader((tmp_path / "tabel_x.csv").read_text(encoding="utf-8").splitlines()))
    assert [r[1] for r in rows[1:]] == ["'=1+2", "'-2", "'\tx"]
    assert [r[3] for r in rows[1:]] == ["1", "-2", "3"]  # numbers stay numbers
    workbook = load_workbook(tmp_path / "tabel_x.xlsx")
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
    text = [c.value for c in cells if c.data_type == "s"]
    assert "'=1+2" in text and "'\tx" in text  # row labels
    assert "'=cmd|' /C calc'!A0" in text and "'+Bron" in text
    assert not any(c.data_type == "f" for c in cells)  # no cell is a formula
    assert sorted(c.value for c in cells if c.data_type == "n") == [-2, 1, 3]  # numbers stay numbers


def test_labels_are_escaped_in_html():
    out = hostile_table().to_html()
    assert "<script>" not in out
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in out


def test_a_missing_delivery_is_refused_with_what_to_do(repo_root, brief, tmp_path):
    validated = tmp_path / "validated"
    (validated / "2023-10-01").mkdir(parents=True)
    with pytest.raises(MissingDelivery, match=r"Tabel 1 needs 2 validated deliveries of wi2021_kerncijfers up to 2023-10-01"):
        letter_tables(validated, brief)
