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


def test_one_wrong_cell_is_named_with_the_value_that_mends_its_sums(repo_root):
    checks = check_published(repo_root / "data/published/kst-32824-408")
    shifted = next(c for c in inconsistencies(checks) if c.cel == "2018, Totaal, Voldaan")
    assert shifted.toelichting == (
        "waarschijnlijk één foute cel: 2018, Totaal, Voldaan; met 12.212 kloppen Totaal is Voldaan plus Ontheven plus "
        "Nog plichtig en Totaal is Asiel plus Gezin & Overig"
    )
    column = next(c for c in inconsistencies(checks) if c.cel == "Som Voldaan over de cohorten")
    assert "hersteld is de som 109.029" in column.toelichting


def _letter_copy(repo_root, tmp_path):
    import shutil

    folder = tmp_path / "brief"
    shutil.copytree(repo_root / "data/published/kst-32824-408", folder)
    return folder


def test_a_wrong_part_is_named_not_the_total_it_breaks(repo_root, tmp_path):
    # 2014, Asiel, Ontheven printed 3.291 instead of 3.191: the Asiel row sum and Totaal = Asiel + Gezin both break.
    folder = _letter_copy(repo_root, tmp_path)
    path = folder / "tabel_2.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("6.953 68%\t3.191 31%", "6.953 68%\t3.291 31%"), encoding="utf-8")
    found = {(c.plaats, c.cel): c for c in inconsistencies(check_published(folder))}
    wrong = found[("Tabel 2", "2014, Asiel, Ontheven")]
    assert (wrong.gedrukt, wrong.verwacht) == ("3.291", "3.191")
    assert wrong.toelichting.startswith("waarschijnlijk één foute cel: 2014, Asiel, Ontheven; met 3.191 kloppen")
    assert ("Tabel 2", "2014, Totaal, Ontheven") not in found and ("Tabel 2", "2014, Asiel, Totaal") not in found


def test_any_letter_folder_is_checked_from_what_it_holds(repo_root, tmp_path):
    # A letter without cohort 2023 and without the text figures of 5.4: the checks follow the folder.
    folder = _letter_copy(repo_root, tmp_path)
    tabel_2 = folder / "tabel_2.tsv"
    tabel_2.write_text("".join(l for l in tabel_2.read_text(encoding="utf-8").splitlines(keepends=True) if not l.startswith("2023\t")), encoding="utf-8")
    figures = folder / "tekstcijfers.csv"
    figures.write_text("".join(l for l in figures.read_text(encoding="utf-8").splitlines(keepends=True)
                               if "wi2013_cohort_2023" not in l and not l.startswith("leningen_")), encoding="utf-8")
    checks = check_published(folder)
    assert not [c for c in checks if "2023" in c.cel and c.plaats.startswith("Tabel 2")]
    assert not [c for c in checks if c.plaats == "Tekst 5.4"]
    # Tabel 2 now sums to 380 less than the text: the reconciliation says so.
    totaal = next(c for c in checks if c.cel == "Som Totaal over de cohorten")
    assert (totaal.gedrukt, totaal.verwacht) == ("186.121", "186.501")


def test_a_letter_folder_without_a_table_is_a_clear_error(repo_root, tmp_path):
    import pytest

    from kerncijfers.published import LetterError

    folder = _letter_copy(repo_root, tmp_path)
    (folder / "tabel_3.tsv").unlink()
    with pytest.raises(LetterError, match="tabel_3.tsv: the file is missing"):
        check_published(folder)
