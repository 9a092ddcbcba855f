"""What the last build recorded (`data/.kerncijfers/state.json`), and which steps are stale.

For every step the state holds its key (`plan`) and the SHA-256 of every file it published.
A step is skipped when its key is unchanged and its published files still have the bytes it
wrote: a file restored from git, edited by hand or deleted makes the step run again, and the
build says which file. The state is written only after a publication is complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kerncijfers.build.plan import Step, file_digest
from kerncijfers.notebooks import display_path
from kerncijfers.paths import Layout

STATE_FILE = "state.json"
#: The site's folder in reports/; published last, so the site switches once its sources are in place.
SITE = "_site"


def read_state(layout: Layout) -> dict:
    path = layout.state_dir / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"steps": {}}


def write_state(layout: Layout, state: dict) -> None:
    write_json(layout.state_dir / STATE_FILE, state)


def output_folder(layout: Layout, step: Step) -> Path:
    """Where a step publishes: data/validated/<peildatum>/, or the whole reports folder (the site included)."""
    return layout.validated / step.params["peildatum"] if step.kind == "validate" else layout.out_dir


def _output_exists(layout: Layout, step: Step) -> bool:
    if step.kind == "validate":
        return (output_folder(layout, step) / "validatie.json").exists()
    return (layout.out_dir / SITE / "index.html").exists()


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
            out[rel.as_posix()] = file_digest(path).hex()
    return out


def changed_outputs(layout: Layout, step: Step, recorded: dict[str, str]) -> list[str]:
    """The files the step published whose bytes are no longer those it wrote (changed or gone), as shown to the analyst."""
    folder = output_folder(layout, step)
    changed = []
    for rel, digest in recorded.items():
        path = folder / rel
        try:
            same = file_digest(path).hex() == digest
        except OSError:  # removed, or no longer a readable file
            same = False
        if not same:
            changed.append(shown(layout, path))
    return changed


def as_published(layout: Layout, folder: str, recorded: dict[str, str]) -> bool:
    """Whether reports/<folder>/ still holds exactly the bytes the last build published there."""
    files = {rel: digest for rel, digest in recorded.items() if rel.startswith(folder + "/")}
    return bool(files) and all(
        (layout.out_dir / rel).is_file() and file_digest(layout.out_dir / rel).hex() == digest for rel, digest in files.items()
    )


def stale_steps(layout: Layout, steps: list[Step], force: bool, say=lambda msg: None) -> list[Step]:
    """The steps to run: forced, inputs changed, output missing, or a published file changed since it was written."""
    state = read_state(layout)
    done, recorded = state.get("steps", {}), state.get("outputs", {})
    stale = []
    for step in steps:
        if force or done.get(step.id) != step.key or step.id not in recorded or not _output_exists(layout, step):
            stale.append(step)
            continue
        changed = changed_outputs(layout, step, recorded[step.id])
        if changed:
            listed = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            say(f"{listed}: not as the last build wrote {'it' if len(changed) == 1 else 'them'} (changed or removed since); rebuilding {step.id}")
            stale.append(step)
    return stale


def shown(layout: Layout, path: Path) -> str:
    """A path as the analyst names it: relative to the project, or to the data tree's parent."""
    return display_path(path, layout.root, layout.data_dir.parent)


def write_json(path: Path, data: dict, durable: bool = False) -> None:
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
