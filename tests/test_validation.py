"""Each rule of the suites, broken once in an otherwise valid seed delivery."""

from __future__ import annotations

import pytest

from kerncijfers.errors import DeliveryError
from kerncijfers.pipeline import validate_delivery


def _break(tree, peildatum, table, old, new):
    path = tree / "raw" / peildatum / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tree / "raw" / peildatum / "SHA256SUMS").unlink(missing_ok=True)


def _refusal(tree, peildatum, repo_root):
    with pytest.raises(DeliveryError) as exc:
        validate_delivery(tree / "raw", peildatum, repo_root / "expectations")
    return exc.value.findings


@pytest.mark.parametrize("peildatum", ["2022-05-01", "2022-10-15", "2023-05-01", "2023-07-01", "2023-10-01", "2023-11-01"])
def test_every_seed_delivery_is_accepted(repo_root, validator, peildatum):
    result = validate_delivery(repo_root / "data/raw", peildatum, repo_root / "expectations")
    assert result.summary["status"] == "geaccepteerd"
    assert result.errors == [] and result.warnings == []


def test_reconciliation_of_tabel_2_with_the_text_is_evaluated(repo_root, validator):
    result = validate_delivery(repo_root / "data/raw", "2023-10-01", repo_root / "expectations")
    aansluiting = result.summary["tables"]["aansluiting_wi2013"]
    assert aansluiting["rows"] == 4 and all(e["success"] for e in aansluiting["expectations"])


CASES = [
    # (peildatum, table, old, new, rule, row, column, value)
    ("2023-10-01", "wi2021_kerncijfers", "inburgeringsplichtigen,totaal,51600", "inburgeringsplichtigen,totaal,51700",
     "totaal-is-som-doelgroepen", 5, "aantal", "51700, expected 51600 (sum of the doelgroepen)"),
    ("2023-10-01", "wi2021_kerncijfers", "aanbod,asielstatushouder,8700", "aanbod,asielstatushouder,18700",
     "indicator-within-bound", 9, "aantal", "18700, expected at most 16800 (the count it is part of)"),
    ("2023-10-01", "wi2021_kerncijfers", "in_azc,asielstatushouder", "in_azc,statushouder",
     "doelgroep-known-code", 6, "doelgroep", "statushouder"),
    ("2023-10-01", "wi2021_kerncijfers", "in_azc,asielstatushouder,10900", "in_azc,asielstatushouder,-10900",
     "aantal-range", 6, "aantal", "-10900"),
    ("2023-10-01", "wi2021_kerncijfers", "in_azc,asielstatushouder", "aanbod,asielstatushouder",
     "key-unique", 6, None, None),
    ("2023-10-01", "wi2013_cohorten", "2015,asielstatushouder,18570,12776,5490,304,69,29,2", "2015,asielstatushouder,18570,12776,5490,304,69,30,2",
     "ontheven-pct-largest-remainder", 9, "ontheven_pct", "30, expected 29 (percentage of the counts by largest remainder)"),
    ("2023-10-01", "wi2013_cohorten", "2018,totaal,17880,12212", "2018,totaal,17880,10822",
     "voldaan-totaal-is-som-doelgroepen", 17, "voldaan", "10822, expected 12212 (sum of the doelgroepen)"),
    ("2023-10-01", "wi2013_status", "vrijgesteld,5823", "vrijgesteld,5832",
     "opgelegd-is-som-statussen", 2, "aantal", "196530, expected 196539 (sum of the statuses)"),
    ("2023-11-01", "elip", "2023-11-01,totaal,2739", "2023-11-01,totaal,2737",
     "totaal-is-som-cohorten", 12, "aantal", "2737, expected 2739 (sum of the cohorts)"),
    ("2023-10-01", "wi2013_leningen", "kwijtgescholden,87716", "kwijtgescholden,187716",
     "aantal-within-toegekend", 3, "aantal", "187716, expected at most 138610 (the toegekend row)"),
    ("2023-11-01", "overige_cijfers", "onderwijsroute_pip_asiel_cohort_2022,13,", "onderwijsroute_pip_asiel_cohort_2022,130,",
     "procent-at-most-100", 2, "waarde", "130.0, expected at most 100.0 (the maximum of a percentage)"),
    ("2023-11-01", "overige_cijfers", ",DUO,Waarvan over een taalschool", ',DUO,"=HYPERLINK(""http://example.org"")"',
     "omschrijving-no-formula", 7, "omschrijving", '=HYPERLINK("http://example.org")'),
]


@pytest.mark.parametrize("peildatum,table,old,new,rule,row,column,value", CASES, ids=[c[4] for c in CASES])
def test_broken_rule_is_named_with_its_cell(seed_tree, repo_root, validator, peildatum, table, old, new, rule, row, column, value):
    _break(seed_tree, peildatum, table, old, new)
    findings = _refusal(seed_tree, peildatum, repo_root)
    mine = [f for f in findings if f.rule == rule]
    assert mine, [str(f) for f in findings]
    f = mine[0]
    assert f.file == f"data/raw/{peildatum}/{table}.csv"
    assert (f.row, f.column, f.value) == (row, column, value) if column else f.row == row
    assert f.severity == "error" and f.hint


def test_reconciliation_failure_names_the_cells_of_both_files(seed_tree, repo_root, validator):
    # Move 10 persons from ontheven to nog plichtig in the text only: the status table still sums.
    _break(seed_tree, "2023-10-01", "wi2013_status", "ontheven,33531", "ontheven,33521")
    _break(seed_tree, "2023-10-01", "wi2013_status", "nog_plichtig,43941", "nog_plichtig,43951")
    findings = _refusal(seed_tree, "2023-10-01", repo_root)
    cohorten = "data/raw/2023-10-01/wi2013_cohorten.csv"
    assert [(f.file, f.row, f.column, f.value) for f in findings] == [
        ("data/raw/2023-10-01/wi2013_status.csv", 4, "aantal",
         f"33521 (row 4), but column ontheven of {cohorten} sums to 33531 over its totaal rows 2, 5, 8 … 32"),
        ("data/raw/2023-10-01/wi2013_status.csv", 7, "aantal",
         f"43951 (row 7), but column nog_plichtig of {cohorten} sums to 43941 over its totaal rows 2, 5, 8 … 32"),
    ]
    assert {f.rule for f in findings} == {"tabel2-sluit-aan-op-tekst"}
    text = (seed_tree / "raw/2023-10-01/wi2013_status.csv").read_text(encoding="utf-8").splitlines()
    assert text[3].endswith(",ontheven,33521") and text[6].endswith(",nog_plichtig,43951")  # row 4 and row 7 of the file


def test_one_wrong_cell_that_breaks_two_sums_is_named(seed_tree, repo_root, validator):
    # 2018 totaal voldaan 10822 (the letter's shifted cell): the row sum and the doelgroep sum both break.
    _break(seed_tree, "2023-10-01", "wi2013_cohorten", "2018,totaal,17880,12212", "2018,totaal,17880,10822")
    findings = [f for f in _refusal(seed_tree, "2023-10-01", repo_root) if f.file.endswith("wi2013_cohorten.csv")]
    assert {(f.rule, f.row, f.column) for f in findings} == {
        ("totaal-is-som-statussen", 17, "totaal"), ("voldaan-totaal-is-som-doelgroepen", 17, "voldaan"),
    }
    for f in findings:
        assert f.hint.startswith(
            "Likely the one wrong cell is row 17, column voldaan (10822): 12212 there satisfies every sum it breaks "
            "(totaal-is-som-statussen, voldaan-totaal-is-som-doelgroepen)."
        ), f.hint


def test_cumulative_count_that_shrinks_is_refused(seed_tree, repo_root, validator):
    # ingeburgerd was 97.696 on 1 May; 90.000 on 1 October would mean diplomas were taken back.
    _break(seed_tree, "2023-10-01", "wi2013_status", "ingeburgerd,103206", "ingeburgerd,90000")
    _break(seed_tree, "2023-10-01", "wi2013_status", "opgelegd,196530", "opgelegd,183324")
    findings = _refusal(seed_tree, "2023-10-01", repo_root)
    rules = {(f.rule, f.row, f.value) for f in findings}
    assert ("aantal-not-shrunk", 3, "90000, expected at least 97696 (the previous delivery)") in rules


def test_shrinking_wi2021_population_is_only_a_warning(seed_tree, repo_root, validator):
    _break(seed_tree, "2023-10-01", "wi2021_kerncijfers", "pip_vastgesteld,totaal,26000", "pip_vastgesteld,totaal,15000")
    result = validate_delivery(seed_tree / "raw", "2023-10-01", repo_root / "expectations")
    assert result.summary["status"] == "geaccepteerd"
    assert [(f.rule, f.row, f.severity) for f in result.warnings] == [("aantal-not-shrunk", 8, "warning")]


def test_every_derived_column_has_a_description_for_findings():
    from kerncijfers.suites import DERIVED_COLUMNS, EXPECTED_VALUES

    derived = {c for columns in DERIVED_COLUMNS.values() for c in columns} | {"tekst"}
    assert sorted(derived - set(EXPECTED_VALUES)) == []
