"""Every published figure traced to the delivered cells it is computed from (kerncijfers.provenance).

The recompute test uses nothing but provenance.csv and data/raw/: it reads each named cell with
the csv module, checks the file's SHA-256 against the delivery's manifest, applies the recorded
operation and must get the figure as shown.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kerncijfers import provenance, provenance_text
from kerncijfers.catalogue.model import record


@pytest.fixture(scope="module")
def exports(repo_root: Path, brief, validated: Path, tmp_path_factory) -> Path:
    """reports/<brief>/exports as the build writes them, from data/."""
    from kerncijfers.report.render import write_exports

    out = tmp_path_factory.mktemp("exports") / "exports"
    write_exports(validated, brief, out, repo_root / "data" / "raw")
    return out


@pytest.fixture(scope="module")
def figures(exports: Path) -> list[provenance.Figure]:
    return provenance.read_csv(exports / provenance.EXPORT)


def _raw_cell(repo_root: Path, file: str, row: int, column: str) -> str:
    """The cell as the analyst sees it: row `row` of the file (header = row 1), column named `column`."""
    with open(repo_root / file, encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f))
    return lines[row - 1][lines[0].index(column)]


def _manifest(repo_root: Path, file: str) -> str:
    folder = (repo_root / file).parent
    entries = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    return entries[Path(file).name]


def test_every_figure_recomputes_from_the_raw_cells_it_names(repo_root: Path, figures):
    assert len(figures) == 437  # 195 table cells + 192 in the charts' data tables + 50 sentence figures
    for figure in figures:
        values = {}
        for role, cell in figure.inputs:
            raw = _raw_cell(repo_root, cell.file, cell.row, cell.column)
            assert Decimal(raw) == Decimal(cell.value), f"{figure.id}: {cell.file} row {cell.row} {cell.column} is {raw}, recorded {cell.value}"
            digest = hashlib.sha256((repo_root / cell.file).read_bytes()).hexdigest()
            assert digest == cell.sha256 == _manifest(repo_root, cell.file), f"{figure.id}: {cell.file}"
            assert cell.file == f"data/raw/{cell.peildatum}/{Path(cell.file).name}"
            assert cell.rules, f"{figure.id}: {cell.file} row {cell.row} {cell.column} passed no rule"
            values[role] = raw
        assert provenance.recompute(figure.operation, figure.params, values) == figure.shown, figure.id


def test_the_letters_examples(figures):
    by_id = {(f.place, f.id): f for f in figures}
    voldaan = by_id["tabel_2", "tabel_2:2018:Totaal:Voldaan"]
    assert voldaan.shown == "12.212 68%"
    assert [(c.file, c.row, c.column, c.value) for _, c in voldaan.inputs] == [
        ("data/raw/2023-10-01/wi2013_cohorten.csv", 17, "voldaan", "12212"),
        ("data/raw/2023-10-01/wi2013_cohorten.csv", 17, "voldaan_pct", "68"),
    ]
    assert "voldaan-totaal-is-som-doelgroepen" in voldaan.inputs[0][1].rules
    assert "voldaan-pct-largest-remainder" in voldaan.inputs[1][1].rules
    assert provenance_text.record_nl(voldaan) == (
        "12.212 68%: zoals geleverd",
        "data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolommen voldaan en voldaan_pct; gecontroleerd op 11 regels",
    )
    # Running text rounds half-up to a step that fits the number (rounding.approximately), 5.4's rule.
    bijna = by_id["leningen_toegekend", "leningen_toegekend_afgerond"]
    assert (bijna.shown, bijna.operation, bijna.params) == ("bijna 139.000", "afgerond", {})
    assert provenance_text.record_nl(bijna)[0] == "bijna 139.000 = 138.610 half naar boven afgerond op duizendtallen; 'bijna': de waarde ligt eronder"
    pip = by_id["tabel_1", "tabel_1:Vastgestelde PIP's:Peildatum 1 oktober 2023"]
    assert pip.shown == "26.000 (50%)"
    assert [(role, c.row) for role, c in pip.inputs] == [("teller", 8), ("noemer", 5)]
    daling = by_id["wi2013_verloop", "wi2013_daling_nog_plichtig"]
    assert [(r, c.peildatum, c.value) for r, c in daling.inputs] == [("nu", "2023-10-01", "43941"), ("toen", "2023-05-01", "51444")]


def test_every_published_figure_has_a_record(brief, validated: Path, repo_root: Path):
    """Each number cell of Tabel 1-4 and of the charts' data tables, and each figure of a sentence."""
    from kerncijfers.report import charts, sentences, tables

    raw = repo_root / "data" / "raw"
    for table in tables.letter_tables(validated, brief, raw):
        cells = {(r, c) for r, row in enumerate(table.rows) for c in range(1, len(row))}
        assert set(table.provenance) == cells, table.id
        for (r, c), figure in table.provenance.items():
            assert figure.shown == table.rows[r][c]
    assert [len(t.provenance) for t in tables.letter_tables(validated, brief, raw)] == [4, 132, 44, 15]
    for chart in charts.letter_charts(validated, brief, raw):
        first_value_column = 2 if chart.id == "wi2013-status" else 1
        cells = {
            (r, c) for r in range(len(chart.table)) for c in range(first_value_column, chart.table.shape[1]) if chart.table.iat[r, c] != "–"
        }
        assert set(chart.provenance) == cells, chart.id
        for (r, c), figure in chart.provenance.items():
            assert figure.shown == chart.table.iat[r, c]
    for sentence in sentences.tekstcijfers(validated, brief, raw):
        assert set(sentence.provenance) == set(sentence.figures), sentence.id
        for id, figure in sentence.provenance.items():
            assert figure.shown == sentence.figures[id] and figure.shown in sentence.text


def test_the_site_opens_each_record_without_script(brief, validated: Path, repo_root: Path):
    from kerncijfers.report import site, tables

    tabel_2 = tables.letter_tables(validated, brief, repo_root / "data" / "raw")[1]
    page = site.letter_table(tabel_2).html
    assert page.count("<button") == page.count("<div popover") == 132
    assert "<script" not in page
    assert (
        '<button type="button" popovertarget="tabel_2-5-2" aria-label="Herkomst van 12.212 68%">12.212 68%</button>'
        '<div popover id="tabel_2-5-2"><p>12.212 68%: zoals geleverd</p>'
        "<p>data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolommen voldaan en voldaan_pct; gecontroleerd op 11 regels</p></div>"
    ) in page


def test_a_record_that_does_not_give_its_figure_stops_the_report(repo_root: Path, validated: Path):
    ledger = provenance.Ledger(validated, repo_root / "data" / "raw")
    cell = provenance.ref("wi2013_leningen", "2023-10-01", "aantal", categorie="toegekend")
    assert ledger.record(record("x", "138.610", "aantal", n=cell), "tabel_4").inputs[0][1].row == 2
    with pytest.raises(provenance.ProvenanceError, match=r"shows 'ruim 138\.000', but aantal .* gives '138\.610'.*wi2013_leningen\.csv row 2"):
        ledger.record(record("x", "ruim 138.000", "aantal", n=cell), "tabel_4")


def test_a_raw_file_changed_after_validation_is_refused(repo_root: Path, validated: Path, tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(repo_root / "data" / "raw" / "2023-10-01", raw / "2023-10-01")
    path = raw / "2023-10-01" / "wi2013_leningen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("1874", "1875"), encoding="utf-8")
    ledger = provenance.Ledger(validated, raw)
    with pytest.raises(provenance.ProvenanceError, match=r"wi2013_leningen\.csv: sha256 .* differs .* changed after it was validated"):
        ledger.cell(provenance.ref("wi2013_leningen", "2023-10-01", "aantal", categorie="toegekend"))


def _cli(repo_root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerncijfers", *args], cwd=repo_root, capture_output=True, text=True)


def test_explain_a_table_cell_and_a_sentence_figure(repo_root: Path, exports: Path):
    out = ["--out-dir", str(exports.parent.parent)]
    (exports.parent.parent / "2023-12").mkdir(exist_ok=True)
    shutil.copytree(exports, exports.parent.parent / "2023-12" / "exports", dirs_exist_ok=True)
    cell = _cli(repo_root, "explain", "2023-12", "tabel_2:2018:Totaal:Voldaan", *out)
    assert cell.returncode == 0, cell.stderr
    assert cell.stdout.splitlines()[:3] == [
        "tabel_2:2018:Totaal:Voldaan (tabel_2)",
        "12.212 68%: zoals geleverd",
        "data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolommen voldaan en voldaan_pct; gecontroleerd op 11 regels",
    ]
    assert "  n: data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolom voldaan = 12212" in cell.stdout
    assert "sha256 c196d50613cf5ff4ccc202565e7a307ab19518477f7892ee3d46821de7e5206b" in cell.stdout
    sentence = _cli(repo_root, "explain", "2023-12", "leningen_toegekend_afgerond", *out)
    assert sentence.returncode == 0, sentence.stderr
    assert "bijna 139.000 = 138.610 half naar boven afgerond op duizendtallen; 'bijna': de waarde ligt eronder" in sentence.stdout
    assert "data/raw/2023-10-01/wi2013_leningen.csv rij 2, kolom aantal = 138610" in sentence.stdout


def test_explain_takes_the_name_the_text_writes(repo_root: Path, exports: Path):
    """`pip_pct` (tekst.md's name, relative to the brief) explains the figure of this brief: pip_pct_oktober."""
    out = ["--out-dir", str(exports.parent.parent)]
    (exports.parent.parent / "2023-12").mkdir(exist_ok=True)
    shutil.copytree(exports, exports.parent.parent / "2023-12" / "exports", dirs_exist_ok=True)
    now = _cli(repo_root, "explain", "2023-12", "pip_pct", *out)
    assert now.returncode == 0, now.stderr
    assert now.stdout.splitlines()[:2] == [
        "pip_pct_oktober (pip_aandeel)",
        "50% = 26.000 van 51.600 (beide afgerond op honderdtallen, van 26.000 en 51.600), half naar boven op hele procenten",
    ]
    before = _cli(repo_root, "explain", "2023-12", "pip_pct_vorige", *out)
    assert before.returncode == 0 and before.stdout.startswith("pip_pct_mei (pip_aandeel)\n43 procent = "), before.stderr
    typo = _cli(repo_root, "explain", "2023-12", "pip_pc", *out)
    assert typo.returncode == 2 and "did you mean 'pip_pct'" in typo.stderr


def test_explain_refuses_an_unknown_name_in_one_line_with_close_names(repo_root: Path, exports: Path):
    out = ["--out-dir", str(exports.parent.parent)]
    figure = _cli(repo_root, "explain", "2023-12", "tabel_2:2018:Totaal:Voldan", *out)
    assert figure.returncode == 2 and figure.stdout == ""
    assert figure.stderr.strip().splitlines() == [
        "No figure 'tabel_2:2018:Totaal:Voldan' in brief 2023-12; did you mean "
        "'tabel_2:2018:Totaal:Voldaan', 'tabel_2:2021:Totaal:Voldaan' or 'tabel_2:2019:Totaal:Voldaan'?"
    ]
    brief = _cli(repo_root, "explain", "2023-11", "leningen_toegekend_afgerond", *out)
    assert brief.returncode == 2
    assert brief.stderr.strip() == "No brief '2023-11' in briefs.yml; did you mean '2023-12'? Known: 2023-12."


def test_changing_one_delivered_cell_changes_exactly_the_figures_that_name_it(repo_root: Path, seed_tree: Path, figures, tmp_path: Path):
    """A re-delivered cell, validated and rendered with the preview renderer: only the figures citing it move."""
    from kerncijfers.delivery import list_peildata
    from kerncijfers.pipeline import validate_to_stage
    from kerncijfers.report.render import render

    file, row, column = "data/raw/2023-10-01/wi2013_leningen.csv", 6, "aantal"
    path = seed_tree.parent / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[row - 1].startswith("2023-10-01,volledig_terugbetaald,1874,")
    lines[row - 1] = lines[row - 1].replace(",1874,", ",1950,")
    path.write_text("".join(lines), encoding="utf-8")
    (path.parent / "SHA256SUMS").unlink()  # a reviewed re-delivery registers the folder again
    for peildatum in list_peildata(seed_tree / "raw"):
        validate_to_stage(seed_tree / "raw", peildatum, repo_root / "expectations", seed_tree / "validated")
    render(repo_root, out_dir=tmp_path / "reports", data_dir=seed_tree, say=lambda msg: None, quarto=False)

    after = {(f.place, f.id): f for f in provenance.read_csv(tmp_path / "reports" / "2023-12" / "exports" / provenance.EXPORT)}
    before = {(f.place, f.id): f for f in figures}
    assert set(after) == set(before)
    changed = {k for k in before if before[k].shown != after[k].shown}
    naming = {k for k, f in before.items() if any((c.file, c.row, c.column) == (file, row, column) for _, c in f.inputs)}
    assert changed == naming == {
        ("tabel_4", "tabel_4:Volledig terugbetaalde leningen:Aantal"),
        ("tabel_4", "tabel_4:Volledig terugbetaalde leningen:Gemiddeld"),
        ("grafiek_leningen", "grafiek_leningen:Volledig terugbetaalde leningen:Aantal"),
        ("leningen_volledig_terugbetaald", "leningen_volledig_terugbetaald_afgerond"),
    }
    assert [after[k].shown for k in sorted(changed)] == ["1.950", "bijna 2.000", "1.950", "€ 1.409"]
    site = (tmp_path / "reports" / "_site" / "2023-12" / "tabellen.html").read_text(encoding="utf-8")
    assert "data/raw/2023-10-01/wi2013_leningen.csv rij 6, kolom aantal" in site and ">1.950</button>" in site


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, in integers only (no code of the package)."""
    return (2 * numerator + denominator) // (2 * denominator)


def test_computed_figures_agree_with_the_tests_own_integer_arithmetic(repo_root: Path, figures):
    """Rounded counts, shares and averages worked out here from the raw cells, not with the package's rounding."""
    checked = {}
    for figure in figures:
        v = {role: int(Decimal(_raw_cell(repo_root, c.file, c.row, c.column))) for role, c in figure.inputs}
        if figure.operation == "honderdtallen":
            expected = _dutch(_half_up(v["n"], 100) * 100)
        elif figure.operation == "aandeel_honderdtallen":
            pct = _half_up(100 * _half_up(v["teller"], 100), _half_up(v["noemer"], 100))
            expected = f"{pct} procent" if figure.params.get("vorm") == "woord" else f"{pct}%"
        elif figure.operation == "gemiddelde":
            expected = f"€ {_dutch(_half_up(v['bedrag'], v['aantal']))}"
        elif figure.operation == "aandeel" and figure.params.get("decimalen") == 1:
            tenths = _half_up(1000 * v["teller"], v["noemer"])
            expected = f"{tenths // 10},{tenths % 10}%"
        elif figure.operation == "verschil":
            expected = _dutch(abs(v["nu"] - v["toen"]) if figure.params.get("absoluut") else v["nu"] - v["toen"])
        else:
            continue
        assert figure.shown == expected, (figure.place, figure.id, figure.inputs)
        checked[figure.operation] = checked.get(figure.operation, 0) + 1
    assert checked == {"honderdtallen": 16, "aandeel_honderdtallen": 5, "gemiddelde": 5, "aandeel": 5, "verschil": 2}
    # Two the letter prints (Kamerstuk 32 824 nr. 408): Tabel 4's average toegekend and the PIP share of 1 October 2023.
    shown = {(f.place, f.id): f.shown for f in figures}
    assert shown["tabel_4", "tabel_4:Toegekende leningen / opgenomen bedrag:Gemiddeld"] == "€ 6.977"
    assert shown["pip_aandeel", "pip_pct_oktober"] == "50%"


def test_provenance_parses_no_delivered_file_again(brief, validated: Path, repo_root: Path, monkeypatch):
    """Each key's row in the delivered file is recorded at validation (validatie.json, source_rows); raw files are only hashed."""
    import json

    from kerncijfers import delivery
    from kerncijfers.report import sentences, tables

    def parse(*args, **kwargs):
        raise AssertionError("provenance parsed a delivered file again")

    monkeypatch.setattr(delivery, "read_table", parse)
    monkeypatch.setattr(provenance, "_RAW_CACHE", {})
    raw = repo_root / "data" / "raw"
    figures = [f for t in tables.letter_tables(validated, brief, raw) for f in t.provenance.values()]
    figures += [f for s in sentences.tekstcijfers(validated, brief, raw) for f in s.provenance.values()]
    assert len(figures) == 195 + 50
    rows = json.loads((validated / "2023-10-01" / "validatie.json").read_text(encoding="utf-8"))["tables"]["wi2021_kerncijfers"]["source_rows"]
    # The validated CSV is sorted by key; the delivery lists totaal in its fifth line (row 5).
    assert rows == [5, 2, 3, 4, 6, 8, 7, 9]
