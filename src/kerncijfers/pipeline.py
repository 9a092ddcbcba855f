"""The validation stage: raw delivery -> checks -> staged validated tables.

`validate_delivery` is what the papermill notebook `notebooks/validate_delivery.ipynb`
calls for one peildatum. It never writes into `data/validated/`: it writes a
staging folder, and the build moves all staged deliveries into place only when
every delivery of the build has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from kerncijfers import rules
from kerncijfers.delivery import PEILDATUM_RE, list_peildata, read_delivery, sha256, shown_path
from kerncijfers.errors import DeliveryError, Finding
from kerncijfers.paths import BATCH_FILE
from kerncijfers.schema import TABLES
from kerncijfers.store import write_delivery_stage
from kerncijfers.validate import TableOutcome, Validator, mark_follow_ons, merge_duplicate_keys

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
    outcome = validate_deliveries(raw_dir, [peildatum], expectations_dir, today=today)[peildatum]
    if isinstance(outcome, DeliveryError):
        raise outcome
    return outcome


def validate_deliveries(
    raw_dir: Path, peildata: list[str], expectations_dir: Path, *, today: dt.date | None = None
) -> dict[str, DeliveryResult | DeliveryError]:
    """Check several deliveries with one Great Expectations run per table.

    A GX validation costs a few tenths of a second however few rows it checks, so the
    tables of all deliveries are stacked and validated together; findings are then
    handed back to their delivery, file and row. Each delivery's checks use its own
    previous delivery, so the result equals validating them one by one.
    """
    raw_dir = Path(raw_dir)
    validator = validator_for(expectations_dir)
    results: dict[str, DeliveryResult | DeliveryError] = {}
    readable = {}
    unreadable: dict[str, list[Finding]] = {}  # files of a delivery that could not be read, while its other files can
    for p in peildata:
        try:
            readable[p] = read_delivery_cached(raw_dir, p, today=today)
        except DeliveryError as exc:
            results[p] = exc
            if exc.readable is not None and exc.readable.tables:
                # Check the files that could be read too, so one run reports every problem of the delivery.
                readable[p], unreadable[p] = exc.readable, exc.findings
    # Stack every table of every readable delivery, remembering where each row came from.
    stacks: dict[str, list[pd.DataFrame]] = {}
    origin: dict[str, list[tuple[str, int, str]]] = {}
    previous_of = {}
    for p, delivery in readable.items():
        previous = previous_deliveries(raw_dir, p, delivery.tables, today=today)
        previous_of[p] = previous
        for name, frame in sorted(delivery.tables.items()):
            before = previous.get(name, (None, None))[1]
            _stack(stacks, origin, name, rules.with_checks(name, frame, before), p, shown_path(delivery.files[name], raw_dir))
        if "wi2013_cohorten" in delivery.tables and "wi2013_status" in delivery.tables:
            frame = rules.reconcile_wi2013(delivery.tables["wi2013_cohorten"], delivery.tables["wi2013_status"])
            if frame is not None:
                files = " and ".join(shown_path(delivery.files[n], raw_dir) for n in ("wi2013_cohorten", "wi2013_status"))
                _stack(stacks, origin, rules.RECONCILIATION, frame, p, files)
    per_delivery: dict[str, list[TableOutcome]] = {p: [] for p in readable}
    for name in sorted(stacks, key=lambda n: (n == rules.RECONCILIATION, n)):
        stacked = pd.concat(stacks[name])
        stacked.index = pd.RangeIndex(len(stacked), name="row")
        outcome = validator.validate(name, stacked, "", max_rows=None)
        for p, part in _split(outcome, origin[name]).items():
            per_delivery[p].append(part)
    for p, delivery in readable.items():
        outcomes = per_delivery[p]
        for outcome in outcomes:
            outcome.findings = _with_real_cells(outcome, delivery, raw_dir)
        if p in unreadable:
            results[p] = DeliveryError(unreadable[p] + [f for o in outcomes for f in o.findings if f.severity == "error"])
            continue
        summary = summarise(delivery, outcomes, previous_of[p], validator.gx_version)
        result = DeliveryResult(peildatum=p, tables=delivery.tables, outcomes=outcomes, summary=summary)
        results[p] = DeliveryError(result.errors) if result.errors else result
    return {p: results[p] for p in peildata}


def _with_real_cells(outcome: TableOutcome, delivery, raw_dir: Path) -> list[Finding]:
    """Findings that name cells of the delivered files: the reconciliation's, and the likely wrong cell of broken sums."""
    if outcome.name == rules.RECONCILIATION:
        return [_reconciliation_finding(f, delivery, raw_dir) if f.row is not None else f for f in outcome.findings]
    if outcome.name not in delivery.tables:
        return outcome.findings
    frame = delivery.tables[outcome.name]
    errors = rules.likely_errors(frame, rules.sum_rules(outcome.name, frame))
    out = []
    for f in outcome.findings:
        error = next((e for e in errors if any(r.rule == f.rule and r.total[0] == f.row for r in e.rules)), None)
        if error is not None:
            (row, column), others = error.cell, sorted({r.rule for r in error.rules})
            f = replace(f, hint=f"Likely the one wrong cell is row {row}, column {column} ({_fmt_cell(frame.at[error.cell])}): "
                                f"{error.value} there satisfies every sum it breaks ({', '.join(others)}). {f.hint}")
        out.append(f)
    return out


def _fmt_cell(value) -> str:
    return str(int(value)) if not pd.isna(value) else "(empty)"


def _reconciliation_finding(f: Finding, delivery, raw_dir: Path) -> Finding:
    """A reconciliation finding about the cells of both files, not about a row of the derived frame."""
    recon = rules.reconcile_wi2013(delivery.tables["wi2013_cohorten"], delivery.tables["wi2013_status"])
    r = recon.loc[f.row]
    cohorten, status = delivery.tables["wi2013_cohorten"], delivery.tables["wi2013_status"]
    totals = [int(i) for i in cohorten.index[cohorten["doelgroep"] == "totaal"]]
    status_rows = {str(s): int(i) for i, s in zip(status.index, status["status"])}
    terms = str(r["tekst_definitie"]).replace(" + ", " ").replace(" - ", " ").split()
    rows = [status_rows[t] for t in terms]
    cohorten_file = shown_path(delivery.files["wi2013_cohorten"], raw_dir)
    where = f"row {rows[0]}" if len(rows) == 1 else f"{r['tekst_definitie']}: rows " + " and ".join(str(n) for n in rows)
    return replace(
        f, file=shown_path(delivery.files["wi2013_status"], raw_dir), row=rows[0], column="aantal",
        value=f"{int(r['tekst'])} ({where}), but column {r['tabel2_kolom']} of {cohorten_file} "
              f"sums to {int(r['som_tabel2'])} over its totaal {_ranges(totals)}",
        message="the Wi2013 status total does not reconcile with the sum over the cohorts in wi2013_cohorten",
    )


def _ranges(rows: list[int]) -> str:
    """'rows 2, 5, 8 … 32' for a long list, as a reader scans it."""
    listed = ", ".join(str(r) for r in rows[:3]) + (f" … {rows[-1]}" if len(rows) > 3 else "")
    return f"row {listed}" if len(rows) == 1 else f"rows {listed}"


def _stack(stacks, origin, name: str, frame: pd.DataFrame, peildatum: str, file: str) -> None:
    stacks.setdefault(name, []).append(frame)
    origin.setdefault(name, []).extend((peildatum, int(row), file) for row in frame.index)


def _split(outcome: TableOutcome, origin: list[tuple[str, int, str]]) -> dict[str, TableOutcome]:
    """One stacked outcome back into one outcome per delivery, with the file's own row numbers."""
    parts: dict[str, TableOutcome] = {}
    counts: dict[str, int] = {}
    for p, _, file in origin:
        counts[p] = counts.get(p, 0) + 1
        parts.setdefault(p, TableOutcome(name=outcome.name, file=file, rows=0))
    for p, part in parts.items():
        part.rows = counts[p]
    failed_rules: dict[str, set] = {p: set() for p in parts}
    for f in outcome.findings:
        if f.row is None:
            # A finding about the whole stack (rare: the header is checked on reading) concerns every delivery.
            for p, part in parts.items():
                part.findings.append(replace(f, file=part.file))
                failed_rules[p].add(f.rule)
            continue
        p, row, file = origin[f.row]
        parts[p].findings.append(replace(f, file=file, row=row))
        failed_rules[p].add(f.rule)
    for p, part in parts.items():
        compares_rows = {e["rule"] for e in outcome.expectations if e["type"].startswith("expect_column_pair")}
        part.findings = _limit_rows(mark_follow_ons(merge_duplicate_keys(part.findings), compares_rows))
        for e in outcome.expectations:
            mine = sum(1 for f in part.findings if f.rule == e["rule"] and f.row is not None)
            part.expectations.append(e | {"success": e["rule"] not in failed_rules[p], "unexpected_count": mine})
    return parts


def _limit_rows(findings: list[Finding]) -> list[Finding]:
    """At most MAX_ROWS_PER_RULE findings per rule, then one saying how many more."""
    from kerncijfers.validate import MAX_ROWS_PER_RULE

    out, seen = [], {}
    for f in findings:
        seen[f.rule] = seen.get(f.rule, 0) + 1
        if seen[f.rule] <= MAX_ROWS_PER_RULE:
            out.append(f)
    for rule, n in seen.items():
        if n > MAX_ROWS_PER_RULE:
            first = next(f for f in findings if f.rule == rule)
            out.append(replace(first, row=None, column=None, value=None, message=f"{first.message}: {n - MAX_ROWS_PER_RULE} more rows"))
    return out


# --- reading, once per build ---------------------------------------------------------

_READ_CACHE: dict[tuple, object] = {}


def _folder_signature(folder: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()))
    except OSError:
        return ()


def read_delivery_cached(raw_dir: Path, peildatum: str, *, today: dt.date | None = None):
    """read_delivery, remembered while the folder's files are unchanged (a kernel reads each delivery once)."""
    key = (str(Path(raw_dir).resolve()), peildatum, _folder_signature(Path(raw_dir) / peildatum))
    if key not in _READ_CACHE:
        _READ_CACHE[key] = read_delivery(raw_dir, peildatum, today=today)
    return _READ_CACHE[key]


def previous_deliveries(
    raw_dir: Path, peildatum: str, tables=None, *, today: dt.date | None = None
) -> dict[str, tuple[str, pd.DataFrame]]:
    """For each table (default: all), its most recent earlier readable delivery: {table: (peildatum, frame)}.

    Walks back from `peildatum` and stops once every table is found, so a long history
    costs a few reads, not one per earlier delivery.
    """
    wanted = set(tables) if tables is not None else set(TABLES)
    found: dict[str, tuple[str, pd.DataFrame]] = {}
    earlier = sorted((p for p in list_peildata(raw_dir) if p < peildatum and PEILDATUM_RE.match(p)), reverse=True)
    for p in earlier:
        missing = wanted - set(found)
        if not missing:
            break
        folder = Path(raw_dir) / p
        present = {f.stem for f in folder.iterdir()} if folder.is_dir() else set()
        if not missing & present:
            continue
        try:
            delivery = read_delivery_cached(raw_dir, p, today=today)
        except DeliveryError:
            continue  # refused when it is validated itself
        for name in missing & set(delivery.tables):
            found[name] = (p, delivery.tables[name])
    return found


def summarise(delivery, outcomes: list[TableOutcome], previous: dict, gx_version: str) -> dict:
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


_BATCHES: dict[tuple, dict] = {}


def build_batch(stage_dir: Path) -> list[str] | None:
    """The deliveries the running build validates, or None outside a build."""
    import json

    path = stage_dir / BATCH_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def validate_to_stage(raw_dir: Path, peildatum: str, expectations_dir: Path, stage_dir: Path) -> DeliveryResult:
    """Validate one delivery and write it to `stage_dir/<peildatum>/`. The notebook's one call.

    The build lists its deliveries in `stage_dir/BATCH_FILE`: the first notebook validates
    them all in one Great Expectations run per table, and the others take their result
    from that run (the kernel keeps it). The list is not a notebook parameter: a delivery's
    checks depend only on itself and its previous delivery, so its executed notebook must
    not depend on which other deliveries a build happened to rerun.
    """
    raw_dir = Path(raw_dir)
    batch = build_batch(Path(stage_dir)) or [peildatum]
    if peildatum not in batch:
        batch.append(peildatum)
    key = (str(raw_dir.resolve()), str(Path(expectations_dir).resolve()), tuple(batch),
           tuple(_folder_signature(raw_dir / p) for p in batch))
    if key not in _BATCHES:
        _BATCHES.clear()
        _BATCHES[key] = validate_deliveries(raw_dir, batch, Path(expectations_dir))
    outcome = _BATCHES[key][peildatum]
    if isinstance(outcome, DeliveryError):
        raise outcome
    write_delivery_stage(Path(stage_dir) / peildatum, outcome.tables, outcome.summary)
    return outcome


def checked_counts(summary: dict) -> tuple[int, int]:
    """(delivered tables, cross-table checks) a validation summary covers; the CLI and the report count alike."""
    names = summary.get("tables") or {}
    tables = sum(1 for name in names if name in TABLES)
    return tables, len(names) - tables


def summary_frame(result: DeliveryResult) -> pd.DataFrame:
    """A small table of what was checked, for the notebook's visible output."""
    rows = []
    for o in result.outcomes:
        passed = sum(e["success"] for e in o.expectations)
        rows.append({"tabel": o.name, "bestand": o.file, "rijen": o.rows, "regels": len(o.expectations), "geslaagd": passed,
                     "waarschuwingen": sum(f.severity == "warning" for f in o.findings)})
    return pd.DataFrame(rows)
