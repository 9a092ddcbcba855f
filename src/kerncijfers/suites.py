"""The expectation suites, one per table, written to `expectations/<table>.json`.

The JSON files are what validation loads and what reviewers diff. They are
generated from the contract in schema.py so that the two cannot drift; a test
checks that the committed files equal what this module writes. There are no
ids or timestamps in them, so they only change when a rule changes.

Severity: `critical` blocks publication (an error), `warning` is reported.
"""

from __future__ import annotations

from pathlib import Path

from kerncijfers import rules
from kerncijfers.schema import STATUSSEN_TABEL2, TABLES, Column
from kerncijfers.store import dumps

TYPE_LISTS = {
    "int": ["Int64Dtype"],
    "decimal": ["Float64Dtype"],
    "code": ["StringDtype"],  # GX matches the dtype class name; pandas 3 "str" is a StringDtype too
    "text": ["StringDtype"],
    "date": ["date"],
}

#: The columns rules.add_checks_* derive, per table (one list, with the rules that make them).
DERIVED_COLUMNS = rules.DERIVED_COLUMNS

#: What each derived column (and the reconciliation's `tekst`) holds, as a finding names the
#: expected value: "51700, expected 51600 (sum of the doelgroepen)". No apostrophes: a finding shows
#: its value with repr(), which would switch to double quotes.
EXPECTED_VALUES = {
    "check_som_doelgroepen": "sum of the doelgroepen",
    "check_bovengrens": "the count it is part of",
    "check_som_statussen": "sum of the statuses",
    "check_som_cohorten": "sum of the cohorts",
    "check_max_aantal": "the toegekend row",
    "check_max_bedrag_eur": "the toegekend row",
    "check_max_waarde": "the maximum of a percentage",
    **{f"check_som_doelgroepen_{c}": "sum of the doelgroepen" for c in ("totaal",) + STATUSSEN_TABEL2},
    **{f"check_{s}_pct": "percentage of the counts by largest remainder" for s in STATUSSEN_TABEL2},
    **{f"vorige_{c}": "the previous delivery" for c in ("aantal", "bedrag_eur", "voldaan", "ontheven")},
    "tekst": "the total in wi2013_status",
}

KEY_UNIQUE = "key-unique"
#: The ending of every rule that checks a column against the contract's codes (`<column>-known-code`).
KNOWN_CODE = "-known-code"


def expectation(type_: str, rule: str, message: str, hint: str, severity: str = "critical", **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "severity": severity, "meta": {"rule": rule, "message": message, "hint": hint}}


def _column_expectations(col: Column) -> list[dict]:
    out = [
        expectation(
            "expect_column_values_to_not_be_null", f"{col.name}-present", "the cell is empty",
            f"Fill in {col.name}: {col.description}", column=col.name,
        ),
        expectation(
            "expect_column_values_to_be_in_type_list", f"{col.name}-type", f"{col.name} has the wrong type",
            f"{col.name} holds values of type {col.dtype}.", column=col.name, type_list=TYPE_LISTS[col.dtype],
        ),
    ]
    if col.codes:
        out.append(expectation(
            "expect_column_values_to_be_in_set", f"{col.name}{KNOWN_CODE}", f"unknown {col.name} code",
            f"Use one of: {', '.join(col.codes)} (see data/raw/README.md).", column=col.name, value_set=list(col.codes),
        ))
    if col.min_value is not None or col.max_value is not None:
        bounds = {k: v for k, v in (("min_value", col.min_value), ("max_value", col.max_value)) if v is not None}
        what = "a non-negative count" if col.min_value == 0 and col.max_value is None else f"between {col.min_value} and {col.max_value}"
        out.append(expectation(
            "expect_column_values_to_be_between", f"{col.name}-range", f"{col.name} must be {what}",
            "Check the cell against DUO's source; counts cannot be negative.", column=col.name, **bounds,
        ))
    if col.dtype == "text":
        # Free text ends up in CSV and XLSX files people open in Excel: no formulas.
        out.append(expectation(
            "expect_column_values_to_not_match_regex", f"{col.name}-no-formula",
            f"{col.name} starts with a character Excel reads as a formula (=, +, -, @, tab or return)",
            "Start the text with a letter or a digit; remove the leading character.", column=col.name, regex=r"^[=+\-@\t\r]",
        ))
    if col.name == "cijfer":
        out.append(expectation(
            "expect_column_values_to_match_regex", "cijfer-identifier", "the figure id is not lower_snake_case",
            "Name figures with lowercase letters, digits and underscores, e.g. keurmerken_ingetrokken.",
            column=col.name, regex=r"^[a-z][a-z0-9_]*$",
        ))
    return out


def _equal(col: str, check: str, rule: str, message: str, hint: str, severity="critical") -> dict:
    return expectation(
        "expect_column_pair_values_to_be_equal", rule, message, hint, severity,
        column_A=col, column_B=check, ignore_row_if="either_value_is_missing",
    )


def _at_most(col: str, bound: str, rule: str, message: str, hint: str, severity="critical") -> dict:
    return expectation(
        "expect_column_pair_values_a_to_be_greater_than_b", rule, message, hint, severity,
        column_A=bound, column_B=col, or_equal=True, ignore_row_if="either_value_is_missing",
    )


def _not_shrunk(col: str, severity="critical") -> dict:
    return expectation(
        "expect_column_pair_values_a_to_be_greater_than_b", f"{col}-not-shrunk",
        f"{col} is lower than in the previous delivery, but it counts since the start of the law and cannot shrink",
        "Ask DUO whether the previous or this delivery is wrong; a correction of history needs a re-delivery of both.",
        severity, column_A=col, column_B=f"vorige_{col}", or_equal=True, ignore_row_if="either_value_is_missing",
    )


def _table_rules(name: str) -> list[dict]:
    sum_hint = "Check the parts and the total against DUO's source; the total must be their exact sum."
    if name == "wi2021_kerncijfers":
        return [
            _equal("aantal", "check_som_doelgroepen", "totaal-is-som-doelgroepen",
                   "the totaal row does not equal asielstatushouder + gezinsmigrant + overig", sum_hint),
            _at_most("aantal", "check_bovengrens", "indicator-within-bound",
                     "the count exceeds the count it is part of (pip ≤ inburgeringsplichtigen, aanbod ≤ pip, in_azc ≤ inburgeringsplichtigen)",
                     "Check both rows: a part cannot exceed its whole."),
            expectation(
                "expect_column_pair_values_a_to_be_greater_than_b", "aantal-not-shrunk",
                "the count is lower than in the previous delivery", "Check with DUO: the Wi2021 population normally grows.",
                "warning", column_A="aantal", column_B="vorige_aantal", or_equal=True, ignore_row_if="either_value_is_missing",
            ),
        ]
    if name == "wi2013_cohorten":
        out = [_equal("totaal", "check_som_statussen", "totaal-is-som-statussen",
                      "totaal does not equal voldaan + ontheven + nog_plichtig", sum_hint)]
        for col in ("totaal",) + STATUSSEN_TABEL2:
            out.append(_equal(col, f"check_som_doelgroepen_{col}", f"{col}-totaal-is-som-doelgroepen",
                              f"{col} of doelgroep totaal does not equal asielstatushouder + gezinsmigrant_overig", sum_hint))
        for s in STATUSSEN_TABEL2:
            out.append(_equal(f"{s}_pct", f"check_{s}_pct", f"{s}-pct-largest-remainder",
                              f"{s}_pct is not the percentage of the counts under the letter's convention (largest remainder, row sums to 100)",
                              "Recompute the row's percentages from its counts: floor each, then add 1 to the largest remainders until the row sums to 100."))
        out += [_not_shrunk(c) for c in TABLES[name].cumulative]
        return out
    if name == "wi2013_status":
        return [
            _equal("aantal", "check_som_statussen", "opgelegd-is-som-statussen",
                   "opgelegd does not equal ingeburgerd + ontheven + vrijgesteld + vervallen + nog_plichtig", sum_hint),
            _not_shrunk("aantal"),
        ]
    if name == "elip":
        return [_equal("aantal", "check_som_cohorten", "totaal-is-som-cohorten", "the totaal row does not equal the sum of the cohorts", sum_hint)]
    if name == "wi2013_leningen":
        return [
            _at_most("aantal", "check_max_aantal", "aantal-within-toegekend", "more loans in a category than were granted", "Check the row against the toegekend row."),
            _at_most("bedrag_eur", "check_max_bedrag_eur", "bedrag-within-toegekend", "a larger amount in a category than was granted", "Check the row against the toegekend row."),
            _not_shrunk("aantal"),
            _not_shrunk("bedrag_eur"),
        ]
    if name == "overige_cijfers":
        return [_at_most("waarde", "check_max_waarde", "procent-at-most-100", "a percentage above 100", "Check the unit: percentages lie between 0 and 100.")]
    raise KeyError(name)


def suite_for(name: str) -> dict:
    """The suite of table `name` as a plain dict (GX 1.x ExpectationSuite JSON, without ids)."""
    table = TABLES[name]
    columns = list(table.column_names) + DERIVED_COLUMNS[name]
    exps = [expectation(
        "expect_table_columns_to_match_ordered_list", "columns-match-contract",
        "the columns differ from the contract", "See data/raw/README.md for the exact header.", column_list=columns,
    )]
    for col in table.columns:
        exps += _column_expectations(col)
    # With peildatum in the key, one suite run can check the stacked tables of several deliveries.
    key = ["peildatum", *table.key]
    exps.append(expectation(
        "expect_compound_columns_to_be_unique", KEY_UNIQUE, f"the key ({', '.join(table.key)}) occurs more than once",
        "Deliver each combination once; remove the duplicate row.", column_list=key,
    ))
    exps += _table_rules(name)
    return {"name": name, "expectations": exps, "meta": {"table": name, "letter_reference": table.letter_reference}, "notes": table.description}


def reconciliation_suite() -> dict:
    """Tabel 2 against the text totals of section 5.2 (see rules.reconcile_wi2013)."""
    return {
        "name": rules.RECONCILIATION,
        "expectations": [_equal(
            "som_tabel2", "tekst", "tabel2-sluit-aan-op-tekst",
            "the sum over the cohorts of wi2013_cohorten does not reconcile with wi2013_status",
            "Tabel 2 counts voldaan = ingeburgerd + vrijgesteld and leaves out vervallen; check both files against DUO's source.",
        )],
        "meta": {"tables": ["wi2013_cohorten", "wi2013_status"]},
        "notes": "Reconciliation of Tabel 2 with the Wi2013 status totals of the same delivery.",
    }


def all_suites() -> dict[str, dict]:
    suites = {name: suite_for(name) for name in TABLES}
    suites[rules.RECONCILIATION] = reconciliation_suite()
    return suites


def write_suites(directory: Path) -> list[Path]:
    """Write every suite as `<name>.json`; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in all_suites().items():
        path = directory / f"{name}.json"
        path.write_text(dumps(suite), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
