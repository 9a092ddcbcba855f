"""`kerncijfers diff`: cell-level changes between peildata and between builds, keyed on the table's key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kerncijfers.diff import (
    added_published_numbers,
    changed_published_numbers,
    compare,
    diff_against,
    diff_peildata,
    render_html,
    render_terminal,
    show_change,
)

ROOT = Path(__file__).resolve().parents[1]
VALIDATED = ROOT / "data" / "validated"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def change(comparison, key: tuple[str, ...], column: str):
    [found] = [c for c in comparison.changes if c.key == key and c.column == column]
    return found


# --- between peildata -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pip_diff():
    return diff_peildata(VALIDATED, "2023-05-01", "2023-10-01")


def test_pip_change_between_the_seed_peildata(pip_diff):
    pip = change(pip_diff.table("wi2021_kerncijfers"), ("pip_vastgesteld", "totaal"), "aantal")
    assert (pip.old, pip.new) == ("15600", "26000")
    assert pip.absolute == 10400
    assert pip.relative_pct == Decimal("66.7")
    assert show_change(pip) == ("+10.400", "+66,7%")
    plichtig = change(pip_diff.table("wi2021_kerncijfers"), ("inburgeringsplichtigen", "totaal"), "aantal")
    assert (plichtig.old, plichtig.new, show_change(plichtig)) == ("36200", "51600", ("+15.400", "+42,5%"))


def test_summary_counts_tables_cells_and_one_sided_tables(pip_diff):
    assert [c.name for c in pip_diff.comparisons] == ["wi2021_kerncijfers", "wi2013_status"]
    assert pip_diff.only_old == ("overige_cijfers",)
    assert pip_diff.only_new == ("wi2013_cohorten", "wi2013_leningen")
    # wi2021: 3 rows in both (aantal each); wi2013_status: ingeburgerd and nog_plichtig.
    assert (pip_diff.cells_changed, pip_diff.cells_compared) == (5, 5)
    status = pip_diff.table("wi2013_status")
    assert change(status, ("nog_plichtig",), "aantal").absolute == -7503
    assert change(status, ("ingeburgerd",), "aantal").absolute == 5510


def test_added_and_removed_rows(pip_diff):
    added = pip_diff.table("wi2021_kerncijfers").added
    assert [r.key for r in added] == [
        ("inburgeringsplichtigen", "asielstatushouder"),
        ("inburgeringsplichtigen", "gezinsmigrant"),
        ("inburgeringsplichtigen", "overig"),
        ("in_azc", "asielstatushouder"),
        ("pip_vastgesteld", "asielstatushouder"),
    ]
    assert added[0].values == (("aantal", "34400"),)
    assert [r.key[0] for r in pip_diff.table("wi2013_status").added] == ["opgelegd", "ontheven", "vrijgesteld", "vervallen"]
    backwards = diff_peildata(VALIDATED, "2023-10-01", "2023-05-01")
    assert [r.key for r in backwards.table("wi2013_status").removed] == [("opgelegd",), ("ontheven",), ("vrijgesteld",), ("vervallen",)]
    assert backwards.table("wi2013_status").added == ()


def test_elip_shows_each_cohorts_movement():
    elip = diff_peildata(VALIDATED, "2023-07-01", "2023-11-01").table("elip")
    moves = {c.key[0]: (c.old, c.new) for c in elip.changes}
    assert moves == {
        "2013": ("14", "10"), "2014": ("56", "48"), "2015": ("138", "122"), "2016": ("232", "203"),
        "2017": ("258", "203"), "2018": ("308", "249"), "2019": ("627", "485"), "2020": ("645", "939"),
        "2021": ("156", "478"), "totaal": ("2436", "2739"),
    }  # 2022-2023 stayed at 2
    assert (elip.cells_compared, elip.added, elip.removed) == (11, (), ())
    across = diff_peildata(VALIDATED, "2022-05-01", "2023-11-01").table("elip")
    assert len(across.changes) == 11  # every cohort moved since the first ELIP delivery
    assert change(across, ("2022-2023",), "aantal").relative is None  # from 0: no relative change


def test_rows_are_matched_on_the_key_not_the_position(tmp_path):
    rows = (VALIDATED / "2023-07-01" / "elip.csv").read_text(encoding="utf-8").splitlines()
    write(tmp_path / "2023-07-01" / "elip.csv", "\n".join(rows) + "\n")
    shuffled = [rows[0]] + [r.replace("2023-07-01", "2023-08-01") for r in reversed(rows[1:])]
    shuffled = [r.replace(",2019,627", ",2019,630") for r in shuffled]
    write(tmp_path / "2023-08-01" / "elip.csv", "\n".join(shuffled) + "\n")
    diff = diff_peildata(tmp_path, "2023-07-01", "2023-08-01")
    assert [(c.key, c.old, c.new) for c in diff.table("elip").changes] == [(("2019",), "627", "630")]


def test_an_unknown_peildatum_lists_the_known_ones():
    with pytest.raises(ValueError, match="no validated delivery 2023-05-02 .*2022-05-01, 2022-10-15"):
        diff_peildata(VALIDATED, "2023-05-02", "2023-10-01")


def test_a_key_that_occurs_twice_is_refused():
    with pytest.raises(ValueError, match="line 3: the key cohort=2013 occurs twice"):
        compare("elip", [["cohort", "aantal"], ["2013", "1"]], [["cohort", "aantal"], ["2013", "1"], ["2013", "2"]], ("cohort",))


def test_numbers_written_differently_are_equal():
    result = compare("x", [["cijfer", "waarde"], ["a", "40"]], [["cijfer", "waarde"], ["a", "40.0"]], ("cijfer",))
    assert result.changes == ()


# --- rendering -------------------------------------------------------------------------------


def test_terminal_output_leads_with_the_summary_and_colours_only_on_request(pip_diff):
    plain = render_terminal(pip_diff, color=False)
    assert "\x1b[" not in plain
    assert plain.index("Summary") < plain.index("wi2021_kerncijfers (key: indicator, doelgroep)")
    assert "2 of 2 tables both sides hold changed; 5 of 5 cells changed, 9 rows added, 0 rows removed." in plain
    assert "Only in 2023-10-01: wi2013_cohorten, wi2013_leningen." in plain
    pip_line = next(line for line in plain.splitlines() if line.strip().startswith("pip_vastgesteld") and "totaal" in line)
    assert pip_line.split() == ["pip_vastgesteld", "totaal", "aantal", "15.600", "26.000", "+10.400", "+66,7%"]
    assert "15.600→26.000" in plain  # daff's highlighter, numbers as the report prints them
    assert "+++,inburgeringsplichtigen,asielstatushouder,34.400" in plain.replace(" ", "")
    coloured = render_terminal(pip_diff, color=True)
    assert "\x1b[" in coloured


def test_html_is_self_contained_accessible_and_escaped(tmp_path, pip_diff):
    page = render_html(pip_diff)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    for external in ("<link", "<script", "src=", "http://", "https://", "@import"):
        assert external not in page
    assert "<caption>Changed cells of wi2021_kerncijfers</caption>" in page
    assert '<th scope="col" class="getal">old</th>' in page and '<th scope="row">pip_vastgesteld</th>' in page
    assert "15.600" in page and "26.000" in page and "+66,7%" in page
    assert '<table class="daff">' in page and "15.600→26.000" in page
    assert "<th>" not in page  # every header cell has a scope

    old = "peildatum,cijfer,waarde,eenheid,bron,omschrijving\n2023-05-01,x,1,procent,DUO,gewoon\n"
    new = "peildatum,cijfer,waarde,eenheid,bron,omschrijving\n2023-11-01,x,2,procent,DUO,<script>alert(1)</script>\x1b[31m\n"
    write(tmp_path / "2023-05-01" / "overige_cijfers.csv", old)
    write(tmp_path / "2023-11-01" / "overige_cijfers.csv", new)
    hostile = diff_peildata(tmp_path, "2023-05-01", "2023-11-01")
    assert "<script>alert" not in render_html(hostile)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_html(hostile)
    assert "\x1b" not in render_terminal(hostile, color=False)


def test_rendering_is_deterministic(pip_diff):
    again = diff_peildata(VALIDATED, "2023-05-01", "2023-10-01")
    assert render_html(again) == render_html(pip_diff)
    assert render_terminal(again, color=True) == render_terminal(pip_diff, color=True)


# --- against another build --------------------------------------------------------------------

TABEL_1 = "peildatum,indicator,maat,waarde\n2023-05-01,pip_vastgesteld,aantal,15600\n2023-10-01,pip_vastgesteld,aantal,26000\n"


def build_tree(root: Path) -> Path:
    """A build tree: the seed's validated stage, one report table, and a site that is not compared."""
    shutil.copytree(VALIDATED, root / "data" / "validated")
    write(root / "reports" / "2023-12" / "tabel_1.csv", TABEL_1)
    write(root / "reports" / "_site" / "tabel_1.csv", "a\n1\n")
    return root


def test_against_an_identical_tree_finds_no_change(tmp_path):
    old, new = build_tree(tmp_path / "old"), build_tree(tmp_path / "new")
    diff = diff_against(new, old)
    assert changed_published_numbers(diff) == 0 and added_published_numbers(diff) == 0
    assert diff.changed == () and diff.only_old == () and diff.only_new == ()
    paths = [c.name for c in diff.comparisons]
    assert "reports/2023-12/tabel_1.csv" in paths and not any("_site" in p for p in paths)
    assert paths == sorted(paths)
    assert "Published numbers changed or removed: 0; added: 0." in render_terminal(diff, color=False)


def test_against_a_tree_with_one_changed_cell_names_it(tmp_path):
    old, new = build_tree(tmp_path / "old"), build_tree(tmp_path / "new")
    elip = new / "data" / "validated" / "2023-11-01" / "elip.csv"
    elip.write_text(elip.read_text(encoding="utf-8").replace("2023-11-01,2020,939", "2023-11-01,2020,940"), encoding="utf-8")
    write(new / "reports" / "_site" / "tabel_1.csv", "a\n2\n")  # the site is not compared
    diff = diff_against(new, old)
    assert changed_published_numbers(diff) == 1
    [changed] = diff.changed
    assert changed.name == "data/validated/2023-11-01/elip.csv"
    [cell] = changed.changes
    assert (cell.key, cell.column, cell.old, cell.new) == (("2020",), "aantal", "939", "940")
    text = render_terminal(diff, color=False)
    assert "Published numbers changed or removed: 1; added: 0." in text
    assert "data/validated/2023-11-01/elip.csv" in text and "939" in text and "940" in text


def test_against_report_tables_keyed_on_all_but_waarde(tmp_path):
    old, new = build_tree(tmp_path / "old"), build_tree(tmp_path / "new")
    write(new / "reports" / "2023-12" / "tabel_1.csv", TABEL_1.replace("26000", "26100") + "2023-10-01,pip_vastgesteld,procent,50\n")
    write(new / "reports" / "2023-12" / "tabel_9.csv", "peildatum,maat,waarde\n2023-10-01,aantal,1\n")
    (new / "data" / "validated" / "2022-05-01" / "elip.csv").unlink()
    diff = diff_against(new, old)
    [tabel_1] = [c for c in diff.changed if c.name.endswith("tabel_1.csv")]
    assert tabel_1.key == ("peildatum", "indicator", "maat")
    assert [(c.key, c.old, c.new) for c in tabel_1.changes] == [(("2023-10-01", "pip_vastgesteld", "aantal"), "26000", "26100")]
    assert [r.key for r in tabel_1.added] == [("2023-10-01", "pip_vastgesteld", "procent")]
    assert diff.only_new == ("reports/2023-12/tabel_9.csv",)
    assert diff.only_old == ("data/validated/2022-05-01/elip.csv",)
    # 1 changed cell + the 11 ELIP counts of the removed file; added: 1 row + 1 file.
    assert changed_published_numbers(diff) == 1 + 11
    assert added_published_numbers(diff) == 2


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args], check=True, capture_output=True)


def test_against_a_git_ref_compares_what_was_committed(tmp_path):
    repo = build_tree(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "data", "reports")
    git(repo, "commit", "-q", "-m", "seed")
    status = repo / "data" / "validated" / "2023-10-01" / "wi2013_status.csv"
    status.write_text(status.read_text(encoding="utf-8").replace("nog_plichtig,43941", "nog_plichtig,43942"), encoding="utf-8")
    diff = diff_against(repo, "HEAD")
    assert diff.old_label.startswith("HEAD (")
    assert [c.name for c in diff.changed] == ["data/validated/2023-10-01/wi2013_status.csv"]
    assert changed_published_numbers(diff) == 1
    with pytest.raises(ValueError, match="neither a folder nor a git ref"):
        diff_against(repo, "no-such-ref")


def test_reviewing_tools_do_not_load_great_expectations():
    code = "import sys, kerncijfers.diff, kerncijfers.report.changes; sys.exit('great_expectations' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- every published file: chart data, sentences, binary files -------------------------------------


def report_tree(root: Path) -> Path:
    """A build tree with the committed validated stage and report (the site left out)."""
    shutil.copytree(VALIDATED, root / "data" / "validated")
    shutil.copytree(ROOT / "reports", root / "reports", ignore=shutil.ignore_patterns("_site", ".*"))
    return root


def test_against_covers_chart_data_sentences_and_binary_files(tmp_path):
    old, new = report_tree(tmp_path / "old"), report_tree(tmp_path / "new")
    exports = new / "reports" / "2023-12" / "exports"
    spec = exports / "pip.vl.json"
    assert spec.read_text(encoding="utf-8").count('"inburgeringsplichtigen": 51600') == 1
    spec.write_text(spec.read_text(encoding="utf-8").replace('"inburgeringsplichtigen": 51600', '"inburgeringsplichtigen": 51700'), encoding="utf-8")
    notebook = new / "reports" / "2023-12" / "brief.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("circa 51.600 inburgeraars", "circa 51.700 inburgeraars"), encoding="utf-8")
    # The text's figures and sentences are compared through the structured exports the build writes, never
    # the notebook's HTML: its figure export (provenance.csv), and a sentence export as a CSV beside it.
    for tree, figure in ((old, "51.600"), (new, "51.700")):
        write(tree / "reports" / "2023-12" / "exports" / "zinnen.csv",
              f"zin,tekst\nwi2021-aantal,Op 1 oktober 2023 waren er circa {figure} inburgeraars.\npip,Ongewijzigd.\n")
    png = exports / "pip.png"
    png.write_bytes(png.read_bytes()[:-1] + b"\0")

    diff = diff_against(new, old)
    chart = next(c for c in diff.changed if c.name == "reports/2023-12/exports/pip.vl.json (data)")
    assert chart.key == ("peildatum_label",)  # the field that places a bar, not its position in the data
    assert [(c.key, c.column, c.old, c.new) for c in chart.changes] == [(("1 oktober 2023",), "inburgeringsplichtigen", "51600", "51700")]
    zinnen = next(c for c in diff.changed if c.name == "reports/2023-12/exports/zinnen.csv")
    assert zinnen.key == ("zin",)
    [sentence] = zinnen.changes
    assert sentence.key == ("wi2021-aantal",) and sentence.column == "tekst"
    assert "circa 51.600 inburgeraars" in sentence.old and "circa 51.700 inburgeraars" in sentence.new
    assert not any(c.name.startswith("reports/2023-12/brief.ipynb") for c in diff.comparisons)  # the notebook: bytes only
    assert diff.changed_otherwise == (
        "reports/2023-12/brief.ipynb", "reports/2023-12/exports/pip.png", "reports/2023-12/exports/pip.vl.json",
    )
    assert changed_published_numbers(diff) == 2  # the chart's value and the sentence's figure; a PNG holds no number we read
    text = render_terminal(diff, color=False)
    assert "51.600→51.700" in text  # daff's highlighter, as the report prints the number
    assert "Changed, besides the tables: reports/2023-12/brief.ipynb, reports/2023-12/exports/pip.png, reports/2023-12/exports/pip.vl.json." in text


def test_an_identical_report_tree_has_no_change_in_any_file(tmp_path):
    diff = diff_against(report_tree(tmp_path / "new"), report_tree(tmp_path / "old"))
    assert diff.changed == () and diff.changed_files == ()
    assert diff.files_compared == sum(1 for _ in (tmp_path / "new").rglob("*") if _.is_file())
    names = {c.name for c in diff.comparisons}
    assert {"reports/2023-12/exports/elip.vl.json (data)", "reports/2023-12/exports/provenance.csv"} <= names
