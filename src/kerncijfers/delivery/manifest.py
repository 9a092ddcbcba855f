"""The checksum manifest `SHA256SUMS`: written when a delivery is accepted, checked on every read after."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kerncijfers.delivery.folder import MANIFEST, NON_TABLE_FILES, is_ignored, shown_path
from kerncijfers.errors import refuse


def sha256(path: Path) -> str:
    """The file's SHA-256, read in blocks: a wrong, huge file costs no memory."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The `SHA256SUMS` of a delivery folder (sha256sum format), or None if it has none yet."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        entries[name.lstrip("*")] = digest
    return entries


def manifest_text(files: dict[str, Path]) -> str:
    """The manifest for `files`, sorted by name, as `sha256sum` writes it."""
    return "".join(f"{sha256(p)}  {p.name}\n" for p in sorted(files.values(), key=lambda p: p.name))


def check_manifest(folder: Path, files: dict[str, Path], raw_dir: Path) -> bool:
    """Refuse a delivery whose files differ from its manifest. Returns whether a manifest exists."""
    manifest = read_manifest(folder)
    if manifest is None:
        return False
    names = {p.name for p in files.values()}
    for name, path in sorted((p.name, p) for p in files.values()):
        if name not in manifest:
            raise refuse(
                shown_path(path, raw_dir), "manifest-complete", f"file is not listed in {MANIFEST}",
                "A registered delivery does not change. Put a re-delivery in its own peildatum folder, "
                f"or, after review, remove {MANIFEST} so the next build registers the folder again.",
            )
        actual = sha256(path)
        if actual != manifest[name]:
            raise refuse(
                shown_path(path, raw_dir), "manifest-checksum",
                f"file changed after it was validated: sha256 {actual[:12]}… differs from {manifest[name][:12]}… in {MANIFEST}",
                "Restore the original file (git checkout or the DUO e-mail). A genuine re-delivery needs a "
                f"reviewed change: replace the file and remove {MANIFEST}.",
            )
    for name in sorted(set(manifest) - names):
        path = folder / name
        # The build registers every file of the folder, also a LEESMIJ.md next to the tables.
        if name in NON_TABLE_FILES and path.is_file() and not path.is_symlink():
            if sha256(path) != manifest[name]:
                raise refuse(
                    shown_path(path, raw_dir), "manifest-checksum", f"file changed after it was validated ({MANIFEST})",
                    "Restore the original file; a registered delivery does not change.",
                )
            continue
        raise refuse(
            shown_path(path, raw_dir), "manifest-complete", f"file listed in {MANIFEST} is missing",
            "Restore the file; a registered delivery must keep all its files.",
        )
    return True


def registered_files(folder: Path) -> dict[str, Path]:
    """What the manifest of `folder` lists: every file but the manifest itself and what the system put there."""
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST and not is_ignored(p.name)}
