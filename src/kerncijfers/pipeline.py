"""The validation stage: raw delivery -> checks -> staged validated tables.

`validate_delivery` is what the papermill notebook `notebooks/validate_delivery.ipynb`
calls for one peildatum. It never writes into `data/validated/`: it writes a
staging folder, and the build moves all staged deliveries into place only when
every delivery of the build has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerncijfers import rules
from kerncijfers.delivery import previous_tables, read_delivery, sha256, shown_path
from kerncijfers.errors import DeliveryError, Finding
from kerncijfers.store import write_delivery_stage
from kerncijfers.validate import TableOutcome, Validator

_VALIDATORS: dict[str, Validator] = {}


def validator_for(expectations_dir: Path) -> Validator:
    """One Validator per suite folder per process: GX is imported and suites loaded once."""
    key = str(Path(expectations_dir).resolve())
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Validator(Path(expectations_dir))
    return _VALIDATORS[key]


@dataclass
class DeliveryResult:
    peildatum: str
    tables: dict[str, pd.DataFrame]
    outcomes: list[TableOutcome]
    summary: dict

    @property
    def errors(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings if f.severity == "warning"]


def validate_delivery(
    raw_dir: Path, peildatum: str, expectations_dir: Path, *, today: dt.date | None = None
) -> DeliveryResult:
    """Read and check one delivery. Raises DeliveryError with every blocking finding."""
    raw_dir = Path(raw_dir)
    delivery = read_delivery(raw_dir, peildatum, today=today)
    previous = previous_tables(raw_dir, peildatum)
    validator = validator_for(expectations_dir)
    outcomes = []
    for name in sorted(delivery.tables):
        frame = delivery.tables[name]
        before = previous.get(name, (None, None))[1]
        checked = rules.with_checks(name, frame, before)
        outcomes.append(validator.validate(name, checked, shown_path(delivery.files[name], raw_dir)))
    if "wi2013_cohorten" in delivery.tables and "wi2013_status" in delivery.tables:
        frame = rules.reconcile_wi2013(delivery.tables["wi2013_cohorten"], delivery.tables["wi2013_status"])
        if frame is not None:
            files = " and ".join(shown_path(delivery.files[n], raw_dir) for n in ("wi2013_cohorten", "wi2013_status"))
            outcomes.append(validator.validate(rules.RECONCILIATION, frame, files))
    summary = summarise(delivery, outcomes, previous, raw_dir, validator.gx_version)
    result = DeliveryResult(peildatum=peildatum, tables=delivery.tables, outcomes=outcomes, summary=summary)
    if result.errors:
        raise DeliveryError(result.errors)
    return result


def summarise(delivery, outcomes: list[TableOutcome], previous: dict, raw_dir: Path, gx_version: str) -> dict:
    """The deterministic validation summary stored as `validatie.json`."""
    findings = [f for o in outcomes for f in o.findings]
    tables = {}
    for o in outcomes:
        entry = {"file": o.file, "rows": o.rows, "expectations": o.expectations}
        if o.name in delivery.files:
            entry["sha256"] = sha256(delivery.files[o.name])
            entry["previous_peildatum"] = previous.get(o.name, (None,))[0]
        tables[o.name] = entry
    return {
        "peildatum": delivery.peildatum.isoformat(),
        "status": "geweigerd" if any(f.severity == "error" for f in findings) else "geaccepteerd",
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "expectations_evaluated": sum(len(o.expectations) for o in outcomes),
        "great_expectations": gx_version,
        "tables": tables,
        "findings": [f.as_dict() for f in findings],
    }


def validate_to_stage(raw_dir: Path, peildatum: str, expectations_dir: Path, stage_dir: Path) -> DeliveryResult:
    """Validate one delivery and write it to `stage_dir/<peildatum>/`. The notebook's one call."""
    result = validate_delivery(Path(raw_dir), peildatum, Path(expectations_dir))
    write_delivery_stage(Path(stage_dir) / peildatum, result.tables, result.summary)
    return result


def summary_frame(result: DeliveryResult) -> pd.DataFrame:
    """A small table of what was checked, for the notebook's visible output."""
    rows = []
    for o in result.outcomes:
        passed = sum(e["success"] for e in o.expectations)
        rows.append({"tabel": o.name, "bestand": o.file, "rijen": o.rows, "regels": len(o.expectations), "geslaagd": passed,
                     "waarschuwingen": sum(f.severity == "warning" for f in o.findings)})
    return pd.DataFrame(rows)
