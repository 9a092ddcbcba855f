"""Publication: the stage moved into place, journaled, so that a build killed meanwhile is completed by the next.

The moves are listed in a journal (`data/.kerncijfers/publish.json`) before the first one is
made. A build killed while publishing leaves the journal behind, and the next build completes
the publication (`recover`) before it plans anything. The state is written only after
publishing, so that build also reruns the steps.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from kerncijfers.build.errors import PublicationBroken
from kerncijfers.build.plan import Step
from kerncijfers.build.state import SITE, shown, write_json
from kerncijfers.paths import Layout

JOURNAL = "publish.json"


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


def publish(layout: Layout, validate: list[Step], report: bool, say) -> list[Move]:
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
    for move in moves:
        _move(move)
    for peildatum, text in manifests.items():
        _register(layout.raw / peildatum, text)
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
    moves, manifests = read_journal(layout)
    waiting = []
    for move in moves:
        if _inode(move.target) == move.inode:
            continue
        if _inode(move.staged) != move.inode:
            raise PublicationBroken(
                f"an interrupted build left {shown(layout, move.target)} half published, and its staged copy is gone, "
                f"so it cannot be completed. Restore {shown(layout, move.target)} (git checkout, or an earlier copy), "
                f"then delete {shown(layout, path)} and build again"
            )
        waiting.append(move)
    for move in waiting:
        _move(move)
    for peildatum, text in manifests.items():
        _register(layout.raw / peildatum, text)
    finish_publication(layout, moves)
    note = (
        f"A build was interrupted while publishing: completed its publication ({len(waiting)} of {len(moves)} entries "
        "were still to be moved); what it had not recorded as built is built again."
    )
    say(note)
    return note


def _move(move: Move) -> None:
    """Put `move.staged` in place of `move.target`; readers see the old entry or the new one.

    Folders are swapped in one step where Linux can (renameat2 RENAME_EXCHANGE). Elsewhere
    the old folder is first renamed to its backup: a kill between the two renames leaves
    the target missing until the next build's `recover`.
    """
    staged, target = move.staged, move.target
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    if staged.is_file() and target.is_file() and not target.is_symlink():
        os.replace(staged, target)  # one step for files everywhere
        return
    if _exchange(staged, target):
        return  # the staged path now holds the old entry; it goes with the stage
    os.rename(target, move.backup)
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


def finish_publication(layout: Layout, moves: list[Move]) -> None:
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

    write_json(layout.state_dir / JOURNAL, {
        "moves": [{"staged": rel(m.staged), "target": rel(m.target), "inode": m.inode} for m in moves],
        "manifests": manifests,
    }, durable=True)


def read_journal(layout: Layout) -> tuple[list[Move], dict[str, str]]:
    path = layout.state_dir / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        moves = [Move(Path(os.path.normpath(layout.state_dir / m["staged"])), Path(os.path.normpath(layout.state_dir / m["target"])), int(m["inode"]))
                 for m in data["moves"]]
        return moves, dict(data["manifests"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublicationBroken(
            f"{shown(layout, path)} cannot be read ({exc}); it lists the moves of an interrupted publication. "
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


def _manifest_text(folder: Path) -> str:
    """What SHA256SUMS lists: every file of the delivery but itself, the tables and the notes beside them."""
    from kerncijfers.delivery import manifest_text, registered_files

    return manifest_text(registered_files(folder))


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
