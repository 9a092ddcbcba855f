"""The build: which steps are stale, running them in one kernel, and publishing atomically.

Every step records a content hash of all its inputs (raw files, suites,
notebooks, package source, parameters) in `data/.kerncijfers/state.json`, and
the SHA-256 of every file it published. A step is skipped when its input hash is
unchanged and its published files still have the bytes it wrote: a file restored
from git, edited by hand or deleted makes the step run again, and the build says
which file. A build with nothing to do reads and hashes some files and stops. This
module imports only the standard library at the top for that reason.

Outputs are written to a staging folder and moved into place only when every
step succeeded: a refused delivery or a crash leaves what was published before.
The moves are listed in a journal (`data/.kerncijfers/publish.json`) before the
first one is made. A build killed while publishing leaves the journal behind,
and the next build completes the publication before it plans anything; the
state is written only after publishing, so that build also reruns the steps.

For the tests, `KERNCIJFERS_TEST_KILL_AT=<point>` kills the build with SIGKILL
at a named point and `KERNCIJFERS_TEST_STOP_AT=<point>` stops it with SIGSTOP;
the points are the `_checkpoint` calls below.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers.paths import Layout

STATE_FILE = "state.json"
LOCK_FILE = "build.lock"
JOURNAL = "publish.json"
VALIDATE_NOTEBOOK = "validate_delivery.ipynb"
BATCH_FILE = ".batch.json"  # read by pipeline.validate_to_stage; same name as pipeline.BATCH_FILE
#: Published last, so the site switches to the new report once its sources are in place.
SITE = "_site"


class BuildLocked(Exception):
    """Another build holds the lock."""


class BuildFailed(Exception):
    """One or more steps failed; nothing was published."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class PublicationBroken(Exception):
    """An interrupted publication cannot be completed: something else changed the outputs since."""


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


#: Test hooks: the environment variable names a point where the build gets the signal.
TEST_SIGNALS = {"KERNCIJFERS_TEST_KILL_AT": signal.SIGKILL, "KERNCIJFERS_TEST_STOP_AT": signal.SIGSTOP}


def _test_signal(point: str) -> signal.Signals | None:
    return next((sig for var, sig in TEST_SIGNALS.items() if os.environ.get(var) == point), None)


def _checkpoint(point: str) -> None:
    """A point where the tests kill or stop the build (see the module docstring)."""
    sig = _test_signal(point)
    if sig is not None:
        os.kill(os.getpid(), sig)


# --- hashing --------------------------------------------------------------------------


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a file, read in blocks: a huge stray file costs no memory."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def _hash_files(paths, base: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(_file_digest(p))
    return h.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def code_hash(layout: Layout, *, report: bool) -> str:
    """The package source and the locked environment a step runs on.

    Validation never imports `kerncijfers.report`, so `report=False` leaves that subpackage out:
    editing the report reruns the report, not every delivery.
    """
    src = layout.root / "src" / "kerncijfers"
    files = [
        p for p in src.rglob("*")
        if p.is_file() and p.suffix in (".py", ".css", ".html", ".js", ".json", ".j2", ".tpl")
        and (report or "report" not in p.relative_to(src).parts)
    ]
    lock = layout.root / "requirements.lock"
    extra = [lock] if lock.exists() else []
    return _hash(_hash_files(files, layout.root), _hash_files(extra, layout.root) if extra else "")


def delivery_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# --- planning ------------------------------------------------------------------------


def plan(layout: Layout) -> list[Step]:
    """Every step of a full build, each with the hash of its inputs, in execution order."""
    code = code_hash(layout, report=False)
    suites = _hash_files(list(layout.expectations.glob("*.json")), layout.root)
    notebook = _hash_files([layout.notebooks / VALIDATE_NOTEBOOK], layout.root)
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
        steps.append(Step(f"validate:{p}", "validate", _hash(code, suites, notebook, folder_hashes[p], earlier, p), {"peildatum": p}))
    validated_key = _hash(*(s.key for s in steps))
    briefs = layout.briefs.read_bytes().decode() if layout.briefs.exists() else ""
    published = _hash_files([p for p in layout.published.rglob("*") if p.is_file()], layout.published) if layout.published.is_dir() else ""
    # The report also reads the Quarto project: _quarto.yml and the page templates in site/.
    site = [layout.root / "_quarto.yml", *(p for p in (layout.root / "site").rglob("*") if p.is_file())]
    report_inputs = _hash_files([p for p in layout.notebooks.glob("*.ipynb")] + [p for p in site if p.exists()], layout.root)
    from kerncijfers.report.quarto import RenderFailed, renderer_key

    try:
        renderer = renderer_key()
    except RenderFailed as exc:
        raise BuildFailed([str(exc)]) from None
    shared = _hash(code_hash(layout, report=True), report_inputs, published, renderer)
    from kerncijfers import approval

    records = [k for b in (layout.data_dir / "briefs").glob("*") for k in approval.key(layout, b.name)]
    steps.append(Step("report", "report", _hash(shared, validated_key, briefs, *sorted(records)), {"shared": shared}))
    return steps


def brief_keys(layout: Layout, steps: list[Step]) -> dict:
    """What each brief's pages are made of, hashed, and what the site's navigation is made of.

    A brief's key covers the report's code and Quarto project (the report step's shared
    inputs), its entry in briefs.yml, and the deliveries up to its cut-off: a new delivery
    after that changes nothing in its pages. The site key covers every brief's entry: the
    sidebar of every page lists them all.
    """
    from kerncijfers.brief import load_briefs

    shared = next(s for s in steps if s.kind == "report").params["shared"]
    validated = [(s.params["peildatum"], s.key) for s in steps if s.kind == "validate"]
    briefs = load_briefs(layout.briefs)
    from kerncijfers.approval import key as approval_key

    keys = {b.slug: _hash(shared, repr(b), *(key for p, key in validated if p <= b.cutoff.isoformat()), *approval_key(layout, b.slug)) for b in briefs}
    return {"briefs": keys, "site": _hash(shared, *(repr(b) for b in briefs))}


def _as_published(layout: Layout, folder: str, recorded: dict[str, str]) -> bool:
    """Whether reports/<folder>/ still holds exactly the bytes the last build published there."""
    files = {rel: digest for rel, digest in recorded.items() if rel.startswith(folder + "/")}
    return bool(files) and all(
        (layout.out_dir / rel).is_file() and _file_digest(layout.out_dir / rel).hex() == digest for rel, digest in files.items()
    )


def read_state(layout: Layout) -> dict:
    path = layout.state_dir / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"steps": {}}


def write_state(layout: Layout, state: dict) -> None:
    _write_json(layout.state_dir / STATE_FILE, state)


def output_exists(layout: Layout, step: Step) -> bool:
    if step.kind == "validate":
        return (layout.validated / step.params["peildatum"] / "validatie.json").exists()
    return (layout.out_dir / SITE / "index.html").exists()


def output_folder(layout: Layout, step: Step) -> Path:
    """Where a step publishes: data/validated/<peildatum>/, or the whole reports folder (the site included)."""
    return layout.validated / step.params["peildatum"] if step.kind == "validate" else layout.out_dir


def output_hashes(layout: Layout, step: Step) -> dict[str, str]:
    """SHA-256 of every file the step published, by path relative to its output folder.

    Hidden entries are the build's own (Quarto's cache, a backup during a swap), not published.
    """
    folder = output_folder(layout, step)
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = _file_digest(path).hex()
    return out


def changed_outputs(layout: Layout, step: Step, recorded: dict[str, str] | None) -> list[str]:
    """The files the step published whose bytes are no longer those it wrote (changed or gone), as shown to the analyst.

    A step recorded before outputs were (None) is only checked for its output existing.
    """
    if not recorded:
        return []
    folder = output_folder(layout, step)
    changed = []
    for rel, digest in recorded.items():
        path = folder / rel
        try:
            same = _file_digest(path).hex() == digest
        except OSError:  # removed, or no longer a readable file
            same = False
        if not same:
            changed.append(_shown(layout, path))
    return changed


def stale_steps(layout: Layout, steps: list[Step], force: bool, say=lambda msg: None) -> list[Step]:
    """The steps to run: forced, inputs changed, output missing, or a published file changed since it was written."""
    state = read_state(layout)
    done, recorded = state.get("steps", {}), state.get("outputs", {})
    stale = []
    for step in steps:
        if force or done.get(step.id) != step.key or not output_exists(layout, step):
            stale.append(step)
            continue
        changed = changed_outputs(layout, step, recorded.get(step.id))
        if changed:
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            say(f"{shown}: not as the last build wrote {'it' if len(changed) == 1 else 'them'} (changed or removed since); rebuilding {step.id}")
            stale.append(step)
    return stale


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
        # The file stays when a build is killed; the flock does not, so a stale file never blocks.
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds")}).encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


# --- running -------------------------------------------------------------------------


def run_build(layout: Layout, *, force: bool = False, progress=None, revise: str | None = None, reason: str | None = None) -> BuildResult:
    """Run the stale steps and publish their outputs together. Raises BuildFailed, publishing nothing.

    `revise` names an approved brief whose figures this build may change (kerncijfers.revisions)."""
    from kerncijfers import revisions

    say = progress or (lambda msg: None)
    _check_inputs(layout)
    with build_lock(layout):
        _checkpoint("locked")
        recover(layout, say)  # says what it did, also when this build then fails
        steps = plan(layout)
        stale = stale_steps(layout, steps, force or revise is not None, say)
        result = BuildResult(ran=[s.id for s in stale], skipped=[s.id for s in steps if s not in stale])
        if not stale:
            return result
        if layout.stage.exists():
            shutil.rmtree(layout.stage)  # left by a killed build that published nothing (recover() ran)
        layout.stage.mkdir(parents=True)
        revisions.stage_revision(layout, revise, reason)  # the revised record, which the pages are rendered from
        validate = [s for s in stale if s.kind == "validate"]
        report = any(s.kind == "report" for s in stale)
        try:
            # Both kernels start now and warm up on two cores while the build stages its copy:
            # the validation kernel imports Great Expectations and loads the suites, the report
            # kernel imports pandas, Altair and vl-convert and computes the briefs from what is
            # published (render.preload). The validation kernel is shut down before the report runs.
            with contextlib.ExitStack() as validation_kernel, _report_kernel(layout, report) as report_run:
                validate_run = validation_kernel.enter_context(_validation_kernel(layout)) if validate else None
                _stage_validated(layout)
                if report:
                    # This process builds the site: it imports nbconvert while the kernels start.
                    import kerncijfers.report.site  # noqa: F401
                failures = _run_validation(layout, validate, say, result, validate_run) if validate else []
                validation_kernel.close()
                if failures:
                    raise BuildFailed(failures)
                _checkpoint("validated")
                if report:
                    _run_report(layout, say, result, report_run, steps, force or revise is not None)
            _checkpoint("rendered")
            revisions.guard(layout, revise)  # an approved brief's figures change only by a revision
        except BaseException:
            shutil.rmtree(layout.stage, ignore_errors=True)  # nothing was published
            raise
        moves = _publish(layout, validate, report, say)
        state = read_state(layout)
        state.setdefault("steps", {})
        state.setdefault("outputs", {})
        # Manifests written at publication change the folder hash: record the hashes as they are now.
        # With them, the bytes of every file each step published, so the next build sees a changed one.
        published_steps = plan(layout)
        for s in published_steps:
            if s.id in result.ran:
                state["steps"][s.id] = s.key
                state["outputs"][s.id] = output_hashes(layout, s)
        if report:
            state["report"] = brief_keys(layout, published_steps)  # what the next build keeps a brief by
        write_state(layout, state)
        _checkpoint("state-written")
        _finish_publication(layout, moves)
        return result


def _check_inputs(layout: Layout) -> None:
    """Refuse a data folder without deliveries or briefs before anything is written into it."""
    problems = []
    if not layout.raw.is_dir():
        problems.append(f"No raw/ folder in {layout.data_dir}: put each delivery in raw/<peildatum>/ "
                        "(data/raw/README.md says what a delivery holds), or pass the right --data-dir.")
    if not layout.briefs.is_file():
        problems.append(f"No briefs.yml in {layout.data_dir}: list the briefs to build, as data/briefs.yml does.")
    if problems:
        raise BuildFailed(problems)


def _stage_validated(layout: Layout) -> None:
    """Start the staged validated tree as a copy of what is published, so the report can be
    rendered from the new state before anything is moved into place.

    The copy is made of hard links (a copy where the file system has none): nothing writes
    into a staged file in place. A delivery that is validated again gets a new folder
    (its staged one is removed first), and the report only reads.
    """
    staged = layout.stage / "validated"
    if not layout.validated.is_dir():
        staged.mkdir()
        return
    shutil.copytree(layout.validated, staged, ignore=shutil.ignore_patterns(".*"), copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextmanager
def _validation_kernel(layout: Layout):
    """The validation notebooks' kernel; it imports Great Expectations and loads the suites at once."""
    from kerncijfers.notebooks import kernel_session

    warm = f"from kerncijfers.pipeline import validator_for\nvalidator_for({str(layout.expectations)!r})"
    with kernel_session(layout.root, log=layout.state_dir / "kernel.log", warm=warm) as run:
        yield run


def _run_validation(layout: Layout, steps: list[Step], say, result: BuildResult, run) -> list[str]:
    from kerncijfers.notebooks import NotebookFailed, display_path

    failures = []
    notebook = layout.notebooks / VALIDATE_NOTEBOOK
    say(f"Validating {len(steps)} deliveries in one kernel")
    # Which deliveries this build validates: the first notebook checks them all in one GX run per table.
    # A file, not a notebook parameter, so executed notebooks do not depend on what a build reran.
    (layout.stage / "validated" / BATCH_FILE).write_text(json.dumps([s.params["peildatum"] for s in steps]), encoding="utf-8")
    for i, step in enumerate(steps, start=1):
        p = step.params["peildatum"]
        say(f"[{i}/{len(steps)}] validate {p}")
        executed = layout.stage / "notebooks" / f"validate-{p}.ipynb"
        shutil.rmtree(layout.stage / "validated" / p, ignore_errors=True)
        folders = {"raw_dir": layout.raw, "expectations_dir": layout.expectations, "stage_dir": layout.stage / "validated"}
        try:
            run(
                notebook, executed,
                {"peildatum": p} | {k: os.path.relpath(v, layout.root) for k, v in folders.items()},
                # The published notebook names the folders as the project does, never this machine's paths.
                shown={"peildatum": p} | {k: display_path(v, layout.root, layout.data_dir.parent) for k, v in folders.items()},
            )
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


@contextmanager
def _report_kernel(layout: Layout, needed: bool):
    """The report's kernel, started before validation so it imports on the second core meanwhile."""
    if not needed:
        yield None
        return
    from kerncijfers.notebooks import kernel_session
    from kerncijfers.report.render import warm_code

    warm = warm_code(layout.validated, layout.briefs)
    with kernel_session(layout.root, log=layout.state_dir / "kernel-report.log", warm=warm) as run:
        yield run


def _run_report(layout: Layout, say, result: BuildResult, run=None, steps: list[Step] | None = None, force: bool = False) -> None:
    """Render the report into the stage; a brief whose inputs are as the last build left them is kept.

    A kept brief's folder is copied from what is published, if its files still have the bytes
    the last build wrote; its notebook does not run again. When no brief's entry changed either,
    the published site is the starting point and Quarto renders only the home page and the
    briefs that changed.
    """
    from kerncijfers.report.quarto import RenderFailed
    from kerncijfers.report.render import render_all

    keys = brief_keys(layout, steps or plan(layout))
    last = read_state(layout)
    recorded = last.get("outputs", {}).get("report") or {}
    before = last.get("report", {})
    kept = set() if force else {
        slug for slug, key in keys["briefs"].items()
        if before.get("briefs", {}).get(slug) == key and _as_published(layout, slug, recorded)
    }
    site_as_before = not force and before.get("site") == keys["site"] and _as_published(layout, SITE, recorded)
    try:
        render_all(layout, layout.stage / "reports", validated_dir=layout.stage / "validated", say=say, notes=result.notes, run=run,
                   kept=kept, published=layout.out_dir, site_as_before=site_as_before)
    except RenderFailed as exc:
        raise BuildFailed([str(exc)]) from None


# --- publishing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One staged file or folder to put in place of `target`.

    `inode` is the staged entry's inode number: renames keep it, so after a kill it tells
    whether the entry already is in place (at `target`) or still waits (at `staged`).
    """

    staged: Path
    target: Path
    inode: int

    @property
    def backup(self) -> Path:
        return _backup(self.target)


def _backup(target: Path) -> Path:
    """Where a replaced folder waits when the system cannot swap two paths in one step."""
    return target.with_name(f".{target.name}.old")


def _publish(layout: Layout, validate: list[Step], report: bool, say) -> list[Move]:
    """Move the staged outputs into place, journaled so that a killed build's successor completes it.

    Raw data is only ever added a manifest, for each newly accepted delivery.
    """
    pairs = [(layout.stage / "validated" / s.params["peildatum"], layout.validated / s.params["peildatum"]) for s in validate]
    staged_reports = layout.stage / "reports"
    if report and staged_reports.is_dir():
        # The site last, so it switches once its sources are in place; Quarto's .gitignore before it.
        entries = sorted(staged_reports.iterdir(), key=lambda p: (p.name == SITE, p.name.startswith("."), p.name))
        pairs += [(item, layout.out_dir / item.name) for item in entries]
    moves = []
    for staged, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(staged).st_dev != os.stat(target.parent).st_dev:
            # A rename cannot cross file systems: first copy the entry beside its target.
            incoming = target.with_name(f".{target.name}.incoming")
            _remove(incoming)
            (shutil.copytree if staged.is_dir() else shutil.copy2)(staged, incoming)
            staged = incoming
        if target.exists() and os.path.lexists(_backup(target)):
            _remove(_backup(target))  # left by an earlier publication; the target is the live copy
        moves.append(Move(staged, target, os.lstat(staged).st_ino))
    # Hashed now, from the files just validated; written after the moves, for the folders not yet registered.
    folders = {s.params["peildatum"]: layout.raw / s.params["peildatum"] for s in validate}
    manifests = {p: _manifest_text(folder) for p, folder in folders.items() if not _manifest(folder).exists()}
    _write_journal(layout, moves, manifests)
    _checkpoint("journaled")
    for i, move in enumerate(moves, start=1):
        _move(move, half_point=f"half-moved-{i}")
        _checkpoint(f"moved-{i}")
    for peildatum, text in manifests.items():
        _register(layout.raw / peildatum, text)
    _checkpoint("registered")
    say("Published")
    return moves


def recover(layout: Layout, say=lambda msg: None) -> str | None:
    """Complete the publication of a build that was killed while publishing. Returns what it did, or None.

    Every entry of the journal is either in place already or still waits in the stage;
    the remaining moves are made, the manifests written. The state is not: that build's
    steps run again, from its inputs as they are now.
    """
    path = layout.state_dir / JOURNAL
    if not path.exists():
        return None
    moves, manifests = _read_journal(layout)
    waiting = []
    for move in moves:
        if _inode(move.target) == move.inode:
            continue
        if _inode(move.staged) != move.inode:
            raise PublicationBroken(
                f"an interrupted build left {_shown(layout, move.target)} half published, and its staged copy is gone, "
                f"so it cannot be completed. Restore {_shown(layout, move.target)} (git checkout, or an earlier copy), "
                f"then delete {_shown(layout, path)} and build again"
            )
        waiting.append(move)
    for move in waiting:
        _move(move)
    for peildatum, text in manifests.items():
        _register(layout.raw / peildatum, text)
    _finish_publication(layout, moves)
    note = (
        f"A build was interrupted while publishing: completed its publication ({len(waiting)} of {len(moves)} entries "
        "were still to be moved); its steps run again."
    )
    say(note)
    return note


def _move(move: Move, half_point: str | None = None) -> None:
    """Put `move.staged` in place of `move.target`; readers see the old entry or the new one.

    Folders are swapped in one step where Linux can (renameat2 RENAME_EXCHANGE). Elsewhere
    the old folder is first renamed to its backup: a kill between the two renames leaves
    the target missing until the next build's `recover`. The test point `half_point`
    takes that second path and is the moment between the two renames.
    """
    staged, target = move.staged, move.target
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    if staged.is_file() and target.is_file() and not target.is_symlink():
        os.replace(staged, target)  # one step for files everywhere
        return
    if (half_point is None or _test_signal(half_point) is None) and _exchange(staged, target):
        return  # the staged path now holds the old entry; it goes with the stage
    os.rename(target, move.backup)
    if half_point is not None:
        _checkpoint(half_point)
    os.rename(staged, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 with RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, or another C library
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # the kernel or file system cannot swap
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _finish_publication(layout: Layout, moves: list[Move]) -> None:
    """Remove what the replaced entries left (backups, copies beside a target), the stage, then the journal."""
    for move in moves:
        _remove(move.backup)
        if not move.staged.is_relative_to(layout.stage):
            _remove(move.staged)  # an `.incoming` copy, holding the old entry after a swap
    shutil.rmtree(layout.stage, ignore_errors=True)
    (layout.state_dir / JOURNAL).unlink(missing_ok=True)


def _write_journal(layout: Layout, moves: list[Move], manifests: dict[str, str]) -> None:
    # Paths relative to the state folder: the tree may be moved or copied between a kill and the next build.
    def rel(p: Path) -> str:
        return os.path.relpath(p, layout.state_dir)

    _write_json(layout.state_dir / JOURNAL, {
        "moves": [{"staged": rel(m.staged), "target": rel(m.target), "inode": m.inode} for m in moves],
        "manifests": manifests,
    }, durable=True)


def _read_journal(layout: Layout) -> tuple[list[Move], dict[str, str]]:
    path = layout.state_dir / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        moves = [Move(Path(os.path.normpath(layout.state_dir / m["staged"])), Path(os.path.normpath(layout.state_dir / m["target"])), int(m["inode"]))
                 for m in data["moves"]]
        return moves, dict(data["manifests"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublicationBroken(
            f"{_shown(layout, path)} cannot be read ({exc}); it lists the moves of an interrupted publication. "
            "Check data/validated/ and reports/ against git, then delete it and build again"
        ) from None


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def _shown(layout: Layout, path: Path) -> str:
    from kerncijfers.notebooks import display_path

    return display_path(path, layout.root, layout.data_dir.parent)


def _write_json(path: Path, data: dict, durable: bool = False) -> None:
    """Write JSON whole or not at all; `durable` also survives a power cut once written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)
    if durable:
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _manifest_text(folder: Path) -> str:
    """What SHA256SUMS lists: every file of the delivery but itself, the tables and the notes beside them.

    Which notes a delivery may hold is delivery.NON_TABLE_FILES; check_manifest verifies them when listed.
    """
    from kerncijfers.delivery import MANIFEST, manifest_text

    return manifest_text({p.name: p for p in delivery_files(folder) if p.name != MANIFEST})


def _manifest(folder: Path) -> Path:
    from kerncijfers.delivery import MANIFEST

    return folder / MANIFEST


def _register(folder: Path, text: str) -> None:
    """Write the checksum manifest of a newly accepted delivery; an existing one is never touched."""
    manifest = _manifest(folder)
    if manifest.exists():
        return
    tmp = manifest.with_name(f".{manifest.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, manifest)
