"""The delivery folder: its name (the peildatum), and which of its files are tables.

Files the operating system or Excel put beside the tables are ignored (`IGNORED_FILES`, and hidden
files such as macOS's `.DS_Store`); anything else that is not a table of the contract is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from kerncijfers.errors import refuse
from kerncijfers.schema import TABLES

PEILDATUM_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SUFFIXES = (".csv", ".xlsx")
MANIFEST = "SHA256SUMS"
#: Files in a delivery folder that are not tables; the manifest lists them too.
NON_TABLE_FILES = {MANIFEST, "README.md", "LEESMIJ.md"}
#: What Windows' Explorer writes into a folder (thumbnails, folder settings): never part of a delivery.
IGNORED_FILES = ("thumbs.db", "desktop.ini")


def is_ignored(name: str) -> bool:
    """A file the system put there, not the analyst: hidden (`.DS_Store`), or one of `IGNORED_FILES` in any case."""
    return name.startswith(".") or name.lower() in IGNORED_FILES


def parse_peildatum(name: str, *, today: dt.date | None = None, where: str | None = None) -> dt.date:
    """The peildatum a folder name stands for; refuses names that are not a past date."""
    where = where or name
    if not PEILDATUM_RE.match(name):
        raise refuse(
            where, "folder-is-peildatum", f"folder name {name!r} is not a peildatum",
            "Name the folder after the delivery's peildatum as YYYY-MM-DD, e.g. data/raw/2024-05-01/.",
        )
    try:
        peildatum = dt.date.fromisoformat(name)
    except ValueError:
        raise refuse(
            where, "folder-is-peildatum", f"folder name {name!r} is not a valid date",
            "Check the day and month: the folder must be named YYYY-MM-DD.",
        ) from None
    today = today or dt.date.today()
    if peildatum > today:
        raise refuse(
            where, "peildatum-not-in-future", f"peildatum {name} lies in the future (today is {today.isoformat()})",
            "A delivery describes a past reference date: check the folder name.",
        )
    return peildatum


def list_peildata(raw_dir: Path) -> list[str]:
    """The delivery folders under `raw_dir`, oldest first. Non-date names are included so they get refused."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise refuse(str(raw_dir), "raw-dir-exists", "the data folder does not exist", "Pass --data-dir pointing at a folder with raw/.")
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() or p.is_symlink())


def table_files(folder: Path, raw_dir: Path) -> dict[str, Path]:
    """The table files in a delivery folder, by table name, refusing anything unsafe or unknown."""
    found: dict[str, Path] = {}
    root = raw_dir.resolve()
    if folder.is_symlink() or not folder.resolve().is_relative_to(root):
        raise refuse(
            shown_path(folder, raw_dir), "no-symlinks", "the delivery folder is a symbolic link or lies outside data/raw/",
            "Copy the delivery's files into a real folder under data/raw/.", value=_link_target(folder),
        )
    if not folder.is_dir():
        raise refuse(
            shown_path(folder, raw_dir), "delivery-exists", "there is no delivery folder for this peildatum",
            "Check the peildatum: the delivery must be a folder data/raw/<peildatum>/ holding the table files.",
        )
    for path in sorted(folder.iterdir()):
        shown = shown_path(path, raw_dir)
        if "\\" in path.name or path.name.startswith(".."):
            # ".." or a Windows path separator in a name points outside the folder once copied or unzipped on Windows.
            raise refuse(
                shown, "safe-file-name", "the file name holds a path ('..' or '\\')",
                "Name the file after its table only, e.g. elip.csv.",
            )
        if path.name in NON_TABLE_FILES or is_ignored(path.name):
            continue
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            raise refuse(
                shown, "no-symlinks", "file is a symbolic link or points outside data/raw/",
                "Copy the file itself into the delivery folder; links are not accepted.", value=_link_target(path),
            )
        if path.name.startswith("~$"):
            raise refuse(
                shown, "no-lock-files", "this is the lock file Excel keeps while a workbook is open",
                "Close the workbook in Excel (the lock file then disappears) and build again; "
                "if no workbook is open, Excel left it behind: delete it.",
            )
        if path.is_dir():
            raise refuse(shown, "flat-folder", "a delivery folder holds no subfolders", "Move the table files directly into the peildatum folder.")
        stem, suffix = path.stem, path.suffix.lower()
        if suffix not in SUFFIXES:
            raise refuse(
                shown, "known-format", f"unsupported file type {suffix or '(none)'!r}",
                "Deliver each table as .csv (comma or semicolon, UTF-8 or Windows-1252) or .xlsx.",
            )
        if stem not in TABLES:
            raise refuse(
                shown, "known-table", f"{stem!r} is not a known table",
                f"Name the file after its table: one of {', '.join(sorted(TABLES))}.",
            )
        if stem in found:
            raise refuse(
                shown, "one-file-per-table", f"table {stem} is delivered twice ({found[stem].name} and {path.name})",
                "Keep one file per table in a delivery.",
            )
        found[stem] = path
    if not found:
        raise refuse(
            shown_path(folder, raw_dir), "delivery-not-empty", "the delivery folder holds no table files",
            "Put at least one table file in it, or remove the folder.",
        )
    return found


def _link_target(path: Path) -> str | None:
    """Where a symbolic link points, as written in the link; None for a real file or folder."""
    return os.readlink(path) if path.is_symlink() else None


def shown_path(path: Path, raw_dir: Path) -> str:
    """The path of a raw file as messages show it: data/raw/<peildatum>/<file>."""
    rel = path.relative_to(raw_dir)
    return (Path(raw_dir.parent.name) / raw_dir.name / rel).as_posix()


