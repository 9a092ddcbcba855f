"""Run the expectation suites with Great Expectations 1.x and turn results into findings.

GX takes seconds to import, so a `Validator` is made once per build (or per
kernel) and validates every table of every delivery. Results are summarised
as deterministic JSON: no timestamps, no run ids, rules in suite order.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kerncijfers.errors import Finding
from kerncijfers.suites import EXPECTED_VALUES, KEY_UNIQUE, KNOWN_CODE

#: Columns that hold what a rule expects rather than what was delivered (see rules.py).
DERIVED_PREFIXES = ("check_", "vorige_")

#: Rows listed per failed expectation; the count says how many more there are.
MAX_ROWS_PER_RULE = 20


@dataclass
class TableOutcome:
    name: str
    file: str
    rows: int
    expectations: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Validator:
    """Great Expectations, imported once, with every suite under `expectations_dir` loaded."""

    def __init__(self, expectations_dir: Path):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite

        self.gx_version = gx.__version__
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        self.datasource = self.context.data_sources.add_pandas("kerncijfers")
        self.suite_dicts: dict[str, dict] = {}
        self.suites = {}
        for path in sorted(Path(expectations_dir).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            self.suite_dicts[data["name"]] = data
            self.suites[data["name"]] = ExpectationSuite(**json.loads(json.dumps(data)))
        self._batch_definitions = {}

    def _batch_definition(self, name: str):
        if name not in self._batch_definitions:
            asset = self.datasource.add_dataframe_asset(name=name)
            self._batch_definitions[name] = asset.add_batch_definition_whole_dataframe(f"{name}-whole")
        return self._batch_definitions[name]

    def validate(self, suite_name: str, frame: pd.DataFrame, file: str, max_rows: int | None = MAX_ROWS_PER_RULE) -> TableOutcome:
        """Validate `frame` (indexed by the file's row numbers) against a suite."""
        if suite_name not in self.suites:
            raise KeyError(f"no suite {suite_name}.json in expectations/; run `kerncijfers suites` to write it")
        batch = self._batch_definition(suite_name).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self.suites[suite_name], result_format="COMPLETE")
        by_rule = {}
        for er in result.results:
            by_rule[(er.expectation_config.meta or {}).get("rule")] = er
        outcome = TableOutcome(name=suite_name, file=file, rows=len(frame))
        for spec in self.suite_dicts[suite_name]["expectations"]:
            rule = spec["meta"]["rule"]
            er = by_rule[rule]
            failed_rows = er.result.get("unexpected_index_list") or []
            errored = bool(er.exception_info and er.exception_info.get("raised_exception"))
            outcome.expectations.append({
                "rule": rule,
                "type": spec["type"],
                "column": subject_column(spec),
                "severity": "error" if spec["severity"] == "critical" else spec["severity"],
                "success": bool(er.success),
                "unexpected_count": len(failed_rows),
            })
            if not er.success:
                outcome.findings += _findings(spec, er.result, frame, file, errored, er.exception_info, max_rows)
        return outcome


def subject_column(spec: dict) -> str | None:
    """The delivered column a rule is about; the other column of a pair holds the expected value."""
    kwargs = spec["kwargs"]
    if spec["type"].startswith("expect_column_pair"):
        return kwargs["column_B"] if kwargs["column_A"].startswith(DERIVED_PREFIXES) else kwargs["column_A"]
    return kwargs.get("column")


def _findings(spec: dict, result: dict, frame: pd.DataFrame, file: str, errored: bool, exc: dict | None, max_rows: int | None) -> list[Finding]:
    meta, kwargs = spec["meta"], spec["kwargs"]
    severity = "error" if spec["severity"] == "critical" else spec["severity"]
    base = dict(file=file, rule=meta["rule"], message=meta["message"], hint=meta["hint"], severity=severity)
    if errored:
        return [Finding(**base | {"message": f"{meta['message']} (the check could not run: {exc.get('exception_message', '')[:120]})"})]
    rows = result.get("unexpected_index_list")
    if not rows:
        observed = result.get("observed_value")
        return [Finding(**base, value=None if observed is None else str(observed))]
    findings = []
    pair = spec["type"].startswith("expect_column_pair")
    column = kwargs.get("column")
    for row in list(rows)[:max_rows]:
        if isinstance(row, dict):
            # With a named index GX reports {column: value, ..., index_name: row}.
            row = row[frame.index.name]
        if pair:
            # column_B is the delivered value for bounds; column_A for equalities.
            delivered = subject_column(spec)
            reference = kwargs["column_A"] if delivered == kwargs["column_B"] else kwargs["column_B"]
            value = f"{_fmt(frame.at[row, delivered])}, {_expected(spec, delivered)} {_fmt(frame.at[row, reference])} ({EXPECTED_VALUES.get(reference, reference)})"
            findings.append(Finding(**base, row=int(row), column=delivered, value=value))
        elif spec["type"] == "expect_compound_columns_to_be_unique":
            # The key's value, without peildatum: every row of a delivery has the same one.
            key = ", ".join(f"{c}={_fmt(frame.at[row, c])}" for c in kwargs["column_list"] if c != "peildatum")
            findings.append(Finding(**base, row=int(row), value=key))
        else:
            findings.append(Finding(**base, row=int(row), column=column, value=_fmt(frame.at[row, column]) if column else None))
    if max_rows is not None and len(rows) > max_rows:
        findings.append(Finding(**base | {"message": f"{meta['message']}: {len(rows) - max_rows} more rows"}))
    return findings


def _expected(spec: dict, delivered: str) -> str:
    """How the delivered value relates to the expected one: equal, at most or at least."""
    if spec["type"] != "expect_column_pair_values_a_to_be_greater_than_b":
        return "expected"
    return "expected at most" if delivered == spec["kwargs"]["column_B"] else "expected at least"


def merge_duplicate_keys(findings: list[Finding]) -> list[Finding]:
    """One finding per duplicated key, naming all its rows: "rows 2 and 3 share the key cohort=2013".

    Great Expectations reports every row of a duplicated key. Call this once the rows are
    the file's own (pipeline._split), in the order the findings came.
    """
    groups: dict[tuple, list[Finding]] = {}
    order: list[Finding | tuple] = []
    for f in findings:
        if f.rule != KEY_UNIQUE or f.row is None or f.value is None:
            order.append(f)
            continue
        key = (f.file, f.value)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    out = []
    for item in order:
        if isinstance(item, Finding):
            out.append(item)
            continue
        same = groups[item]
        rows = sorted({f.row for f in same})
        if len(rows) == 1:  # its twin was cut off by a row limit
            out.extend(same)
            continue
        listed = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
        out.append(Finding(
            file=same[0].file, rule=KEY_UNIQUE, message=f"rows {listed} share the key {same[0].value}",
            hint=same[0].hint, row=rows[0], severity=same[0].severity,
        ))
    return out


def mark_follow_ons(findings: list[Finding], compares_rows: set[str]) -> list[Finding]:
    """Mark the findings that may only follow from a duplicate key or an unknown code in the same file.

    A rule in `compares_rows` checks a row against a value computed from other rows (a total
    against its parts, a part against its whole, a count against the previous delivery). With a
    row delivered twice, or under a code the contract does not know, that value is computed from
    the wrong rows: such a finding says so, and names the row to fix first.
    """
    causes = {}
    for f in findings:
        if f.row is not None and f.severity == "error" and (f.rule == KEY_UNIQUE or f.rule.endswith(KNOWN_CODE)):
            causes.setdefault(f.file, f)
    out = []
    for f in findings:
        cause = causes.get(f.file)
        if cause is not None and f.rule in compares_rows:
            what = "the duplicate key" if cause.rule == KEY_UNIQUE else "the unknown code"
            f = replace(f, message=f"{f.message}; this may follow from {what} in row {cause.row}: fix that first")
        out.append(f)
    return out


def _fmt(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    return str(value)
