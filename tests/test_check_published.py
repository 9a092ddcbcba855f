"""check-published over Kamerstuk 32 824 nr. 408 finds exactly the documented inconsistencies."""

import csv
import subprocess
import sys

from kerncijfers.published import approximate, check_published, inconsistencies


def test_check_published_reports_exactly_these_cells(repo_root):
    checks = check_published(repo_root / "data/published/kst-32824-408")
    found = [(c.plaats, c.cel, c.gedrukt, c.verwacht) for c in inconsistencies(checks)]
    assert found == [
        ("Tabel 2", "2016, Asiel, Voldaan", "16155", "16.155"),
        ("Tabel 2", "2016, Gezin & Overig, Voldaan", "5625", "5.625"),
        ("Tabel 2", "2018, Totaal, Voldaan", "10.822", "12.212"),
        ("Tabel 2", "2019, Totaal, Voldaan", "8.194", "10.822"),
        ("Tabel 2", "2015, Asiel, Ontheven %", "30%", "29%"),
        ("Tabel 3", "01-07-2023, Totaal", "2.341", "2.436"),
        ("Tekst 5.2", "Vrijgesteld (aandeel)", "3%", "3,0%"),
        ("Tekst 5.2 × Tabel 2", "Som Voldaan over de cohorten", "105.011", "109.029"),
        ("Tekst 5.4", "Kwijtgescholden leningen (afgerond)", "circa 87.000", "circa 88.000"),
    ]
    # Everything else that was checked matched the print.
    assert len(checks) - len(found) == 284


def test_every_finding_is_documented_in_correcties(repo_root):
    folder = repo_root / "data/published/kst-32824-408"
    with (folder / "correcties.csv").open(encoding="utf-8") as f:
        documented = {(r["plaats"], r["cel"], r["gedrukt"], r["gebruikt"]) for r in csv.DictReader(f)}
    found = {(c.plaats, c.cel, c.gedrukt, c.verwacht) for c in inconsistencies(check_published(folder))}
    assert found == documented


def test_rounded_text_figures_follow_their_qualifier():
    assert approximate("ruim 138.000", 138610) == "ruim 138.000"
    assert approximate("bijna 1.900", 1874) == "bijna 1.900"
    assert approximate("afgerond 15.000", 14767) == "afgerond 15.000"
    assert approximate("circa 87.000", 87716) == "circa 88.000"


def test_cli_exits_1_and_names_the_cells(repo_root):
    proc = subprocess.run(
        [sys.executable, "-m", "kerncijfers", "check-published", "kst-32824-408"],
        cwd=repo_root, capture_output=True, text=True, env={"COLUMNS": "200", "PATH": ""},
    )
    assert proc.returncode == 1
    assert "9 inconsistencies in 293 checks" in proc.stdout
    assert "2.341" in proc.stdout and "2.436" in proc.stdout
