"""The build: which steps are stale, running them in one kernel, and publishing atomically.

Every step records a content hash of all its inputs (raw files, suites,
notebooks, package source, parameters) in `data/.kerncijfers/state.json`.
A step whose hash is unchanged and whose output exists is skipped, so a build
with nothing to do reads some files, hashes them and stops. This module
imports only the standard library at the top for that reason.

Outputs are written to a staging folder and moved into place only when every
step succeeded: a refused delivery or a crash leaves what was published before.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers.paths import Layout

STATE_FILE = "state.json"
LOCK_FILE = "build.lock"
MANIFEST = "SHA256SUMS"  # same name as delivery.MANIFEST; kept here to avoid importing pandas
VALIDATE_NOTEBOOK = "validate_delivery.ipynb"


class BuildLocked(Exception):
    """Another build holds the lock."""


class BuildFailed(Exception):
    """One or more steps failed; nothing was published."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Step:
    id: str  # "validate:2023-10-01", "report:2023-12", "site"
    kind: str
    key: str  # content hash of every input
    params: dict = field(default_factory=dict)


@dataclass
class BuildResult:
    ran: list[str]
    skipped: list[str]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- hashing --------------------------------------------------------------------------


def _hash_files(paths, base: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def code_hash(layout: Layout) -> str:
    """The package source and the locked environment: a code change reruns every step."""
    src = layout.root / "src" / "kerncijfers"
    files = [p for p in src.rglob("*") if p.is_file() and p.suffix in (".py", ".css", ".html", ".js", ".json", ".j2", ".tpl")]
    lock = layout.root / "requirements.lock"
    extra = [lock] if lock.exists() else []
    return _hash(_hash_files(files, layout.root), _hash_files(extra, layout.root) if extra else "")


def delivery_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# --- planning ------------------------------------------------------------------------


def plan(layout: Layout) -> list[Step]:
    """Every step of a full build, each with the hash of its inputs, in execution order."""
    code = code_hash(layout)
    suites = _hash_files(list(layout.expectations.glob("*.json")), layout.root)
    notebooks = _hash_files([p for p in layout.notebooks.glob("*.ipynb")], layout.root)
    peildata = sorted(p.name for p in layout.raw.iterdir() if (p.is_dir() or p.is_symlink())) if layout.raw.is_dir() else []
    folder_hashes = {}
    for p in peildata:
        folder = layout.raw / p
        try:
            folder_hashes[p] = _hash_files(delivery_files(folder), layout.raw) if folder.is_dir() else "unreadable"
        except OSError:
            folder_hashes[p] = "unreadable"
    steps = []
    for i, p in enumerate(peildata):
        # Plausibility checks read earlier deliveries, so they are inputs too.
        earlier = "".join(folder_hashes[q] for q in peildata[:i])
        steps.append(Step(f"validate:{p}", "validate", _hash(code, suites, notebooks, folder_hashes[p], earlier, p), {"peildatum": p}))
    validated_key = _hash(*(s.key for s in steps))
    briefs = layout.briefs.read_bytes().decode() if layout.briefs.exists() else ""
    published = _hash_files([p for p in layout.published.rglob("*") if p.is_file()], layout.published) if layout.published.is_dir() else ""
    steps.append(Step("report", "report", _hash(code, notebooks, validated_key, briefs, published)))
    return steps


def read_state(layout: Layout) -> dict:
    path = layout.state_dir / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"steps": {}}


def write_state(layout: Layout, state: dict) -> None:
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    tmp = layout.state_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, layout.state_dir / STATE_FILE)


def output_exists(layout: Layout, step: Step) -> bool:
    if step.kind == "validate":
        return (layout.validated / step.params["peildatum"] / "validatie.json").exists()
    return (layout.out_dir / "_site" / "index.html").exists()


def stale_steps(layout: Layout, steps: list[Step], force: bool) -> list[Step]:
    done = read_state(layout).get("steps", {})
    return [s for s in steps if force or done.get(s.id) != s.key or not output_exists(layout, s)]


# --- locking -------------------------------------------------------------------------


@contextmanager
def build_lock(layout: Layout):
    """One build at a time per data tree. The OS releases the lock if a build is killed."""
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    path = layout.state_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode(errors="replace").strip() or "{}"
            try:
                info = json.loads(holder)
            except ValueError:
                info = {}
            raise BuildLocked(
                f"a build is already running since {info.get('started', 'an unknown time')} (pid {info.get('pid', '?')}); "
                "wait for it to finish, or stop it, then build again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds")}).encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


# --- running -------------------------------------------------------------------------


def run_build(layout: Layout, *, force: bool = False, progress=None) -> BuildResult:
    """Run the stale steps and publish their outputs together. Raises BuildFailed, publishing nothing."""
    say = progress or (lambda msg: None)
    with build_lock(layout):
        steps = plan(layout)
        stale = stale_steps(layout, steps, force)
        result = BuildResult(ran=[s.id for s in stale], skipped=[s.id for s in steps if s not in stale])
        if not stale:
            return result
        if layout.stage.exists():
            shutil.rmtree(layout.stage)  # left by a killed build; never published
        layout.stage.mkdir(parents=True)
        # The staged validated tree starts as a copy of what is published, so the report can be
        # rendered from the new state before anything is moved into place.
        staged_validated = layout.stage / "validated"
        if layout.validated.is_dir():
            shutil.copytree(layout.validated, staged_validated, ignore=shutil.ignore_patterns(".*"))
        else:
            staged_validated.mkdir()
        validate = [s for s in stale if s.kind == "validate"]
        failures = _run_validation(layout, validate, say, result) if validate else []
        if failures:
            shutil.rmtree(layout.stage, ignore_errors=True)
            raise BuildFailed(failures)
        report = [s for s in stale if s.kind == "report"]
        if report:
            _run_report(layout, say, result)
        _publish(layout, validate, bool(report), say)
        state = read_state(layout)
        state.setdefault("steps", {})
        # Manifests written at publication change the folder hash: record the hashes as they are now.
        for s in plan(layout):
            if s.id in result.ran:
                state["steps"][s.id] = s.key
        write_state(layout, state)
        shutil.rmtree(layout.stage, ignore_errors=True)
        return result


def _run_validation(layout: Layout, steps: list[Step], say, result: BuildResult) -> list[str]:
    from kerncijfers.notebooks import NotebookFailed, kernel_session

    failures = []
    notebook = layout.notebooks / VALIDATE_NOTEBOOK
    say(f"Validating {len(steps)} deliveries in one kernel")
    with kernel_session(layout.root, log=layout.state_dir / "kernel.log") as run:
        for i, step in enumerate(steps, start=1):
            p = step.params["peildatum"]
            say(f"[{i}/{len(steps)}] validate {p}")
            executed = layout.stage / "notebooks" / f"validate-{p}.ipynb"
            shutil.rmtree(layout.stage / "validated" / p, ignore_errors=True)
            try:
                nb = run(notebook, executed, {
                    "peildatum": p,
                    "raw_dir": os.path.relpath(layout.raw, layout.root),
                    "expectations_dir": os.path.relpath(layout.expectations, layout.root),
                    "stage_dir": os.path.relpath(layout.stage / "validated", layout.root),
                    "batch": [s.params["peildatum"] for s in steps],
                })
            except NotebookFailed as exc:
                log = layout.state_dir / "logs" / f"validate-{p}.ipynb"
                log.parent.mkdir(parents=True, exist_ok=True)
                if executed.exists():
                    shutil.move(executed, log)
                if exc.ename == "DeliveryError":
                    failures.append(f"Delivery {p} refused:\n{exc.evalue}")
                else:
                    failures.append(f"Validation of {p} crashed ({exc.ename}: {exc.evalue}); the executed notebook is in {log.relative_to(layout.data_dir.parent)}")
                continue
            os.replace(executed, layout.stage / "validated" / p / "validatie.ipynb")
            summary = json.loads((layout.stage / "validated" / p / "validatie.json").read_text(encoding="utf-8"))
            for f in summary["findings"]:
                if f["severity"] == "warning":
                    result.warnings.append(f"{f['file']}, row {f['row']}, column {f['column']}: {f['message']} ({f['value']})")
    return failures


def _run_report(layout: Layout, say, result: BuildResult) -> None:
    try:
        from kerncijfers.report.render import render_all
    except ImportError:
        result.notes.append("report: not available yet")
        return
    render_all(layout, layout.stage / "reports", validated_dir=layout.stage / "validated", say=say, notes=result.notes)


def _publish(layout: Layout, validate: list[Step], report: bool, say) -> None:
    """Move staged outputs into place. Each move is one rename; raw data is only ever added a manifest."""
    from kerncijfers.store import replace_dir

    for step in validate:
        p = step.params["peildatum"]
        replace_dir(layout.stage / "validated" / p, layout.validated / p)
        _register(layout.raw / p)
    if report and (layout.stage / "reports").exists():
        layout.out_dir.mkdir(parents=True, exist_ok=True)
        for item in sorted((layout.stage / "reports").iterdir()):
            target = layout.out_dir / item.name
            if item.is_dir():
                replace_dir(item, target)
            else:
                os.replace(item, target)
    say("Published")


def _register(folder: Path) -> None:
    """Write the checksum manifest of a newly accepted delivery; an existing one is never touched."""
    manifest = folder / MANIFEST
    if manifest.exists():
        return
    lines = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in delivery_files(folder) if p.name != MANIFEST and p.name != "README.md")
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(lines, encoding="utf-8")
    os.replace(tmp, manifest)
