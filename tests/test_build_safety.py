"""A killed build never damages what was published, and the next build completes normally.

Two layers:

- In process, fast: the publication of a small staged tree is interrupted before and after
  every rename it makes (a test double of `os.rename`, `os.replace` and the one-step swap
  raises an exception that stands in for SIGKILL), with and without the one-step swap; then
  `recover` completes it. Readers never see a half-written entry, and afterwards everything is new.
- End to end, slow: `kerncijfers build` is killed with SIGKILL at chosen renames
  (`tests/kill_at.py` wraps the file operations from outside) while it adds a delivery to a
  built tree; the published outputs are checked right after the kill, and the next build must
  equal a build that was never interrupted. The killed builds run side by side to save time.

And one build at a time: a second build is refused while one runs, and a lock left by a
killed build does not block the next.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kerncijfers import build
from kerncijfers.build import Move, PublicationBroken, Step, publish
from kerncijfers.paths import Layout

ROOT = Path(__file__).resolve().parents[1]
NEW = "2024-05-01"  # the delivery the killed builds add: a copy of 2023-11-01's elip.csv


# --- helpers ---------------------------------------------------------------------------------


def digest(*roots: Path) -> dict[str, str]:
    """Every file under `roots` (hidden ones too) by path relative to its root's parent: its sha256."""
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                with open(path, "rb") as f:
                    out[path.relative_to(root.parent).as_posix()] = hashlib.file_digest(f, "sha256").hexdigest()
    return out


def entries(files: dict[str, str], folder: str) -> dict[str, dict[str, str]]:
    """`files` grouped by their entry directly under `folder` (validated/2023-10-01, reports/_site, ...)."""
    out: dict[str, dict[str, str]] = {}
    for path, sha in files.items():
        if path.startswith(folder + "/"):
            entry = path[len(folder) + 1 :].split("/", 1)[0]
            out.setdefault(entry, {})[path] = sha
    return out


# --- in process: every point of the publication ------------------------------------------------


class Interrupted(BaseException):
    """Stands in for SIGKILL: nothing after the point runs, no cleanup either."""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def staged(tmp_path: Path) -> tuple[Layout, list[Step]]:
    """A published tree ("old") and a complete stage ("new"): one changed and one new delivery, a new report."""
    layout = Layout.make(root=ROOT, data_dir=tmp_path / "data", out_dir=tmp_path / "reports")
    _write(layout.raw / "2023-10-01" / "elip.csv", "peildatum,cohort,aantal\n")
    _write(layout.raw / "2023-10-01" / "SHA256SUMS", "registered before\n")
    _write(layout.raw / NEW / "elip.csv", "peildatum,cohort,aantal\n2024-05-01,totaal,1\n")
    _write(layout.raw / NEW / "LEESMIJ.md", "Levering van DUO.\n")
    for root, version in ((layout.data_dir, "old"), (layout.stage, "new")):
        _write(root / "validated" / "2023-10-01" / "elip.csv", version)
    _write(layout.stage / "validated" / NEW / "elip.csv", "new")
    for root, version in ((layout.out_dir, "old"), (layout.stage / "reports", "new")):
        _write(root / "2023-12" / "brief.ipynb", version)
        _write(root / "_site" / "index.html", version)
        _write(root / "site.css", version)
    _write(layout.stage / "reports" / "index.qmd", "new")  # not published before
    _write(layout.out_dir / "notes.txt", "not the build's")  # left alone
    steps = [Step(f"validate:{p}", "validate", "key", {"peildatum": p}) for p in ("2023-10-01", NEW)]
    return layout, steps


class FileOperations:
    """A test double of the renames publication makes: raises Interrupted before or after the n-th."""

    def __init__(self, monkeypatch, *, swap: bool):
        self.calls = 0
        self.stop: tuple[int, str] | None = None
        for name in ("rename", "replace"):
            monkeypatch.setattr(os, name, self._counted(getattr(os, name)))
        monkeypatch.setattr(publish, "_exchange", self._counted(publish._exchange) if swap else (lambda a, b: False))

    def _counted(self, real):
        def operation(*args, **kwargs):
            self.calls += 1
            if self.stop == (self.calls, "before"):
                raise Interrupted(self.stop)
            result = real(*args, **kwargs)
            if self.stop == (self.calls, "after"):
                raise Interrupted(self.stop)
            return result

        return operation


def _published_versions(layout: Layout) -> dict[str, str]:
    """What a reader sees now: each published entry's content ("old"/"new"), or "missing"."""
    out = {}
    for path in ("validated/2023-10-01/elip.csv", f"validated/{NEW}/elip.csv"):
        p = layout.data_dir / path
        out[path] = p.read_text(encoding="utf-8") if p.exists() else "missing"
    for path in ("2023-12/brief.ipynb", "_site/index.html", "site.css", "index.qmd"):
        p = layout.out_dir / path
        out[f"reports/{path}"] = p.read_text(encoding="utf-8") if p.exists() else "missing"
    return out


def test_publication_order_puts_the_site_last(staged):
    layout, steps = staged
    publish.publish(layout, steps, True, say=lambda msg: None)  # run_build then writes the state and finishes
    journal_targets = [m.target.relative_to(layout.data_dir.parent).as_posix() for m in publish.read_journal(layout)[0]]
    assert journal_targets == [
        "data/validated/2023-10-01", f"data/validated/{NEW}",
        "reports/2023-12", "reports/index.qmd", "reports/site.css", "reports/_site",
    ]


@pytest.mark.parametrize("swap", [True, False], ids=["one-step-swap", "two-renames"])
def test_every_point_of_the_publication_is_recovered(staged, monkeypatch, swap):
    layout, steps = staged
    before = _published_versions(layout)
    pristine = layout.data_dir.parent.parent / f"pristine-{layout.data_dir.parent.name}"
    shutil.copytree(layout.data_dir.parent, pristine, symlinks=True)
    ops = FileOperations(monkeypatch, swap=swap)
    publish.publish(layout, steps, True, say=lambda msg: None)
    # The journal, 6 entries (3 of them folders replaced: two renames each without the swap), 1 manifest.
    assert ops.calls == (1 + 6 + 1 if swap else 1 + 6 + 3 + 1)
    points = [(n, when) for n in range(1, ops.calls + 1) for when in ("before", "after")]
    halfway = 0
    for point in points:
        tree = layout.data_dir.parent
        shutil.rmtree(tree)
        shutil.copytree(pristine, tree, symlinks=True)
        ops.calls, ops.stop = 0, point
        with pytest.raises(Interrupted):
            publish.publish(layout, steps, True, say=lambda msg: None)
        ops.stop = None

        # Right after the kill: every entry is the old one or the new one, never a mix. Only between
        # the two renames of a replaced folder is it missing, and then its backup holds the old one.
        seen = _published_versions(layout)
        for path, version in seen.items():
            if version != "missing" or before[path] == "missing":
                assert version in ("new", before[path]), (point, path)
            else:
                assert not swap, (point, path)
                halfway += 1
                folder, entry, *inside = Path(path).parts
                backup = (layout.validated if folder == "validated" else layout.out_dir) / f".{entry}.old"
                assert backup.joinpath(*inside).read_text(encoding="utf-8") == "old", point

        note = build.recover(layout)

        if point == (1, "before"):  # the journal not yet written: nothing to complete, nothing changed
            assert note is None and seen == before
            continue
        assert note and "interrupted while publishing" in note
        assert set(_published_versions(layout).values()) == {"new"}, point
        assert (layout.raw / NEW / "SHA256SUMS").exists(), point
        assert (layout.raw / "2023-10-01" / "SHA256SUMS").read_text(encoding="utf-8") == "registered before\n"
        assert (layout.out_dir / "notes.txt").read_text(encoding="utf-8") == "not the build's"
        leftovers = [p.name for folder in (layout.validated, layout.out_dir) for p in folder.iterdir() if p.name.startswith(".")]
        assert leftovers == [] and not layout.stage.exists() and not (layout.state_dir / build.JOURNAL).exists(), point
        assert build.recover(layout) is None
    # Without the swap, each of the 3 replaced folders is missing between its two renames: after the
    # first and before the second.
    assert halfway == (0 if swap else 3 * 2)


def test_a_manifest_lists_the_tables_and_the_notes(staged):
    layout, steps = staged
    publish.publish(layout, steps, True, say=lambda msg: None)
    folder = layout.raw / NEW
    assert (folder / "SHA256SUMS").read_text(encoding="utf-8") == "".join(
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n" for name in ("LEESMIJ.md", "elip.csv")
    )
    assert (layout.raw / "2023-10-01" / "SHA256SUMS").read_text(encoding="utf-8") == "registered before\n"


def test_publication_without_swapping_in_one_step(staged, monkeypatch):
    """Where renameat2 is missing, a folder is renamed away and the new one in: the result is the same."""
    layout, steps = staged
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    moves = publish.publish(layout, steps, True, say=lambda msg: None)
    publish.finish_publication(layout, moves)
    assert set(_published_versions(layout).values()) == {"new"}


def test_publication_across_file_systems(staged, tmp_path):
    """Reports on another file system than the data: entries are first copied beside their target."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a writable /dev/shm on another file system")
    layout, steps = staged
    elsewhere = Path(shm / f"kerncijfers-test-{os.getpid()}")
    try:
        shutil.copytree(layout.out_dir, elsewhere / "reports")
        layout = Layout(layout.root, layout.data_dir, elsewhere / "reports")
        moves = publish.publish(layout, steps, True, say=lambda msg: None)
        publish.finish_publication(layout, moves)
        assert set(_published_versions(layout).values()) == {"new"}
        assert [p.name for p in layout.out_dir.iterdir() if p.name.startswith(".")] == []
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)


def test_recovery_refuses_when_a_staged_entry_is_gone(staged, monkeypatch):
    layout, steps = staged
    ops = FileOperations(monkeypatch, swap=True)
    ops.stop = (2, "after")  # the journal written, the first entry moved
    with pytest.raises(Interrupted):
        publish.publish(layout, steps, True, say=lambda msg: None)
    shutil.rmtree(layout.stage / "reports" / "_site")  # someone cleaned up by hand
    with pytest.raises(PublicationBroken) as broken:
        build.recover(layout)
    assert str(broken.value).startswith("an interrupted build left reports/_site half published")
    assert "data/.kerncijfers/publish.json" in str(broken.value)


def test_moves_are_recognised_by_inode_after_a_swap(tmp_path):
    """After a one-step swap the staged path holds the old entry: the inode tells it is not the new one."""
    old, new = tmp_path / "target", tmp_path / "staged"
    _write(old / "f", "old")
    _write(new / "f", "new")
    move = Move(new, old, os.lstat(new).st_ino)
    publish._move(move)
    assert publish._inode(move.target) == move.inode
    assert (old / "f").read_text() == "new"
    assert not new.exists() or (new / "f").read_text() == "old"


# --- end to end: SIGKILL at chosen renames of `kerncijfers build` ---------------------------------

#: Where tests/kill_at.py kills the build: everything staged, before the journal is written; mid-publish
#: after the first move; between the two renames of reports/2023-12 (without the one-step swap);
#: after publishing and the manifests, before the state is written.
KILL_POINTS = {
    "staged": ["--before-rename-to", "data/.kerncijfers/publish.json"],
    "moved-1": ["--after-rename-to", f"data/validated/{NEW}"],
    "half-moved-2": ["--no-exchange", "--after-rename-to", "reports/.2023-12.old"],
    "registered": ["--after-rename-to", f"data/raw/{NEW}/SHA256SUMS"],
}
KILL_AT = str(Path(__file__).with_name("kill_at.py"))


def _command(tree: Path, kill: list[str] | None = None) -> list[str]:
    start = [sys.executable, KILL_AT, *kill, "--"] if kill else [sys.executable, "-m", "kerncijfers"]
    return [*start, "build", "--data-dir", str(tree / "data"), "--out-dir", str(tree / "reports")]


#: The builds' own temp directory: whatever a build, a killed build or a refused one leaves there shows.
PRIVATE_TMP = Path(tempfile.mkdtemp(prefix="kerncijfers-test-tmp-"))


@pytest.fixture(scope="module", autouse=True)
def _remove_private_tmp():
    yield
    shutil.rmtree(PRIVATE_TMP, ignore_errors=True)


def _env() -> dict[str, str]:
    return os.environ | {"NO_COLOR": "1", "TERM": "dumb", "TMPDIR": str(PRIVATE_TMP)}


def _run_together(commands: dict[str, tuple[list[str], dict]]) -> dict[str, subprocess.CompletedProcess]:
    """Run the builds side by side (separate trees); their results by name."""
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name, (cmd, env) in commands.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=900)
        out[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return out


def _add_delivery(tree: Path) -> None:
    folder = tree / "data" / "raw" / NEW
    folder.mkdir()
    text = (ROOT / "data" / "raw" / "2023-11-01" / "elip.csv").read_text(encoding="utf-8")
    (folder / "elip.csv").write_text(text.replace("2023-11-01,", f"{NEW},"), encoding="utf-8")


def _outputs(tree: Path) -> dict[str, str]:
    return digest(tree / "data" / "raw", tree / "data" / "validated", tree / "reports")


@dataclass
class KillRuns:
    before: dict[str, str]  # the built tree with the new delivery added, before any build
    reference: dict[str, str]  # the same tree after a build that was not interrupted
    reference_state: str
    killed: dict[str, subprocess.CompletedProcess]
    after_kill: dict[str, dict[str, str]]
    left_over: dict[str, list[str]]  # hidden entries in validated/ and reports/ right after the kill
    next_build: dict[str, subprocess.CompletedProcess]
    after_next: dict[str, dict[str, str]]
    trees: dict[str, Path]


@pytest.fixture(scope="module")
def kill_runs(tmp_path_factory) -> KillRuns:
    base = tmp_path_factory.mktemp("kill")
    good = base / "good"
    shutil.copytree(ROOT / "data" / "raw", good / "data" / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", good / "data" / "briefs.yml")
    first = subprocess.run(_command(good), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr
    trees = {}
    for name in ("reference", *KILL_POINTS):
        trees[name] = base / name
        shutil.copytree(good, trees[name], symlinks=True)
        _add_delivery(trees[name])
    before = _outputs(trees["reference"])
    killed = _run_together({
        name: (_command(tree, KILL_POINTS.get(name)), _env())
        for name, tree in trees.items()
    })
    assert killed["reference"].returncode == 0, killed["reference"].stderr
    after_kill = {p: _outputs(trees[p]) for p in KILL_POINTS}
    left_over = {
        p: sorted(f"{folder.name}/{e.name}" for folder in (trees[p] / "data" / "validated", trees[p] / "reports")
                  for e in folder.iterdir() if e.name.startswith(".") and e.name != ".gitignore")  # a published file
        for p in KILL_POINTS
    }
    next_build = _run_together({p: (_command(trees[p]), _env()) for p in KILL_POINTS})
    return KillRuns(
        before=before,
        reference=_outputs(trees["reference"]),
        reference_state=(trees["reference"] / "data" / ".kerncijfers" / build.STATE_FILE).read_text(encoding="utf-8"),
        killed={p: killed[p] for p in KILL_POINTS},
        after_kill=after_kill,
        left_over=left_over,
        next_build=next_build,
        after_next={p: _outputs(trees[p]) for p in KILL_POINTS},
        trees=trees,
    )


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_build_leaves_the_published_outputs_whole(kill_runs: KillRuns, point: str):
    run = kill_runs.killed[point]
    assert run.returncode == -signal.SIGKILL, run.stderr
    after = kill_runs.after_kill[point]
    if point == "staged":
        assert after == kill_runs.before, "killed before publishing: nothing may change"
        assert kill_runs.left_over[point] == []
        return
    # Killed while publishing: each entry of validated/ and reports/ is the last good one or the new one.
    for folder in ("validated", "reports"):
        old = entries(kill_runs.before, folder)
        new = entries(kill_runs.reference, folder)
        now = entries(after, folder)
        for name, files in now.items():
            if name.startswith("."):
                continue
            assert files in (old.get(name), new.get(name)), f"{folder}/{name} is neither the old nor the new version"
        missing = sorted(set(old) - set(now))
        if point.startswith("half-moved-"):
            # Between the two renames: the old folder waits, whole, in its backup.
            assert missing == ["2023-12"] if folder == "reports" else missing == []
            if missing:
                backup = {k.replace(f"{folder}/.2023-12.old/", f"{folder}/2023-12/"): v for k, v in entries(after, folder)[".2023-12.old"].items()}
                assert backup == old["2023-12"]
        else:
            assert missing == []
    if point == "registered":
        assert entries(after, "validated") == entries(kill_runs.reference, "validated")
        assert entries(after, "reports") == entries(kill_runs.reference, "reports")


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_next_build_completes_and_equals_an_uninterrupted_build(kill_runs: KillRuns, point: str):
    run = kill_runs.next_build[point]
    assert run.returncode == 0, run.stderr
    if point != "staged":
        assert "A build was interrupted while publishing: completed its publication" in run.stderr
    assert kill_runs.after_next[point] == kill_runs.reference
    state_dir = kill_runs.trees[point] / "data" / ".kerncijfers"
    assert (state_dir / build.STATE_FILE).read_text(encoding="utf-8") == kill_runs.reference_state
    assert not (state_dir / build.JOURNAL).exists() and not (state_dir / "stage").exists()


@pytest.mark.slow
def test_built_and_killed_builds_leave_nothing_in_the_temp_directory(kill_runs: KillRuns):
    assert sorted(p.name for p in PRIVATE_TMP.iterdir()) == []


# --- one build at a time ----------------------------------------------------------------------


@pytest.mark.slow
def test_second_build_is_refused_while_one_runs_and_a_killed_builds_lock_is_recovered(tmp_path: Path):
    tree = tmp_path
    shutil.copytree(ROOT / "data" / "raw", tree / "data" / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", tree / "data" / "briefs.yml")
    first = subprocess.Popen(_command(tree), cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Stopped by the test once the lock file names it: from then on it holds the lock.
        lock = tree / "data" / ".kerncijfers" / build.LOCK_FILE
        deadline = time.monotonic() + 120
        while f'"pid": {first.pid}' not in (lock.read_text() if lock.exists() else ""):
            assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGSTOP)

        second = subprocess.run(_command(tree), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)

        assert second.returncode == 3, second.stderr
        assert re.fullmatch(
            rf"Build refused: a build is already running since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d \(pid {first.pid}\); "
            r"wait for it to finish, or stop it, then build again\n",
            second.stderr,
        ), second.stderr
        assert not (tree / "data" / "validated").exists() and not (tree / "reports").exists()
    finally:
        first.kill()  # SIGKILL: the lock file stays, with the killed build's pid in it
        first.wait()
    assert f'"pid": {first.pid}' in (tree / "data" / ".kerncijfers" / build.LOCK_FILE).read_text()

    # The OS released the flock with the killed process: the next build gets past the lock.
    third = subprocess.run(_command(tree, ["--after-lock"]), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
    assert third.returncode == -signal.SIGKILL, third.stderr
    assert "already running" not in third.stderr
    assert sorted(p.name for p in PRIVATE_TMP.iterdir()) == []  # nor does a refused build


def test_a_data_folder_without_deliveries_or_briefs_is_refused_and_left_untouched(tmp_path):
    empty = tmp_path / "leeg"
    empty.mkdir()
    with pytest.raises(build.BuildFailed) as refused:
        build.run_build(Layout.make(data_dir=empty, out_dir=tmp_path / "reports"))
    assert refused.value.messages == [
        f"No raw/ folder in {empty}: put each delivery in raw/<peildatum>/ (data/raw/README.md says what a "
        "delivery holds), or pass the right --data-dir.",
        f"No briefs.yml in {empty}: list the briefs to build, as data/briefs.yml does.",
    ]
    assert list(empty.iterdir()) == [] and not (tmp_path / "reports").exists()
