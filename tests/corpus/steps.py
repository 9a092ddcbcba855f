"""What a corpus case is made of: a seed delivery to copy and the steps that break it.

A case's data tree is a copy of a valid tree (raw/, validated/, briefs.yml). `prepare`
copies one seed delivery from the repository's data/raw/ into a new peildatum folder
(rewriting its peildatum column, leaving out SHA256SUMS so the copy is a fresh,
unregistered delivery), or breaks the registered seed folder in place, and then
applies the case's steps to that folder. Every step is deterministic: XLSX fixtures
are written by openpyxl with fixed timestamps, so a case builds the same bytes each run.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "data" / "raw"
MANIFEST = "SHA256SUMS"
PEILDATUM_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Timestamp written into XLSX fixtures (zip entries and document properties).
FIXED_TIME = (2024, 5, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    """One malformed delivery and the exact message(s) a refusal must print."""

    id: str
    about: str
    seed: str | None  # folder in data/raw/ to copy; None for an empty folder
    messages: tuple[str, ...]  # exact lines; "{today}" stands for today's date
    folder: str = "2024-05-01"  # the delivery folder in the case's raw/; == seed breaks the registered folder
    files: tuple[str, ...] | None = None  # files of the seed to copy (None: all)
    redate: bool = True  # rewrite the copied peildatum column to the folder's date
    steps: tuple = ()
    peildatum: str | None = None  # what to validate (default: folder)
    e2e: bool = False  # also run through `kerncijfers build` in a subprocess
    max_peak_mb: float | None = None  # bound on Python memory while validating (tracemalloc)
    note: str = ""  # why the case expects what it expects, when that is not obvious

    @property
    def target(self) -> str:
        return self.peildatum or self.folder

    def expected(self, today: dt.date) -> list[str]:
        return [m.replace("{today}", today.isoformat()) for m in self.messages]


def prepare(case: Case, tree: Path) -> Path:
    """Put the case's delivery into `tree/raw/` and apply its steps; returns the delivery folder."""
    folder = tree / "raw" / case.folder
    if case.seed is not None and case.folder != case.seed:
        folder.mkdir(parents=True)
        for src in sorted((SEEDS / case.seed).iterdir()):
            if src.name == MANIFEST or (case.files is not None and src.name not in case.files):
                continue
            text = src.read_text(encoding="utf-8")
            if case.redate and PEILDATUM_RE.match(case.folder):
                text = re.sub(rf"(?m)^{re.escape(case.seed)},", f"{case.folder},", text)
            (folder / src.name).write_bytes(text.encode("utf-8"))
    for step in case.steps:
        step.apply(folder)
    return folder


# --- hashing a tree -------------------------------------------------------------------


def tree_digest(*roots: Path) -> dict[str, str]:
    """Every file and link under `roots`, by path: content hash, or the link's target (links are not followed)."""
    out = {}
    for root in roots:
        if not root.exists() and not root.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            for name in sorted(dirnames + filenames):
                path = Path(dirpath) / name
                key = path.relative_to(root.parent).as_posix()
                if path.is_symlink():
                    out[key] = "link -> " + os.readlink(path)
                elif path.is_file():
                    with open(path, "rb") as f:
                        out[key] = hashlib.file_digest(f, "sha256").hexdigest()
                elif path.is_dir():
                    out[key] = "dir"
    return out


# --- steps on text files ----------------------------------------------------------------


@dataclass(frozen=True)
class Replace:
    """Replace the first occurrence of `old` by `new` in a text file."""

    file: str
    old: str
    new: str

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        text = path.read_bytes().decode("utf-8")
        assert self.old in text, f"{self.old!r} not in {path.name}"
        path.write_bytes(text.replace(self.old, self.new, 1).encode("utf-8"))


@dataclass(frozen=True)
class ReplaceBytes:
    """Replace bytes in a file, for encodings that are not UTF-8."""

    file: str
    old: bytes
    new: bytes

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        data = path.read_bytes()
        assert self.old in data, f"{self.old!r} not in {path.name}"
        path.write_bytes(data.replace(self.old, self.new, 1))


@dataclass(frozen=True)
class Encode:
    """Re-encode a UTF-8 text file (e.g. utf-16 with a byte order mark, utf-16-le without)."""

    file: str
    encoding: str

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        path.write_bytes(path.read_bytes().decode("utf-8").encode(self.encoding))


@dataclass(frozen=True)
class LineEndings:
    """Rewrite a text file's line endings (Windows writes \\r\\n)."""

    file: str
    newline: str

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        lines = path.read_bytes().decode("utf-8").splitlines()
        path.write_bytes("".join(line + self.newline for line in lines).encode("utf-8"))


@dataclass(frozen=True)
class Separator:
    """Rewrite a CSV file with another separator (and quoting as Excel does)."""

    file: str
    sep: str

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"))))
        out = io.StringIO()
        csv.writer(out, delimiter=self.sep, lineterminator="\n").writerows(rows)
        path.write_bytes(out.getvalue().encode("utf-8"))


def _edit_rows(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(edit(rows))
    path.write_bytes(out.getvalue().encode("utf-8"))


@dataclass(frozen=True)
class DropColumn:
    file: str
    column: str

    def apply(self, folder: Path) -> None:
        def edit(rows):
            i = rows[0].index(self.column)
            return [r[:i] + r[i + 1 :] for r in rows]

        _edit_rows(folder / self.file, edit)


@dataclass(frozen=True)
class AddColumn:
    file: str
    column: str
    value: str

    def apply(self, folder: Path) -> None:
        _edit_rows(folder / self.file, lambda rows: [rows[0] + [self.column]] + [r + [self.value] for r in rows[1:]])


@dataclass(frozen=True)
class SwapColumns:
    file: str
    a: str
    b: str

    def apply(self, folder: Path) -> None:
        def edit(rows):
            i, j = rows[0].index(self.a), rows[0].index(self.b)
            for r in rows:
                r[i], r[j] = r[j], r[i]
            return rows

        _edit_rows(folder / self.file, edit)


@dataclass(frozen=True)
class MakeFolder:
    """An empty delivery folder."""

    def apply(self, folder: Path) -> None:
        folder.mkdir(parents=True)


@dataclass(frozen=True)
class RepeatLastRow:
    """Append copies of the last row until the file has `rows` lines (a huge, otherwise plausible file)."""

    file: str
    rows: int

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
        with open(path, "ab") as f:
            for _ in range(self.rows - len(lines)):
                f.write(lines[-1].encode("utf-8"))


@dataclass(frozen=True)
class Write:
    """Write a file with the given content (bytes or UTF-8 text)."""

    file: str
    content: bytes | str

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content if isinstance(self.content, bytes) else self.content.encode("utf-8"))


@dataclass(frozen=True)
class Rename:
    file: str
    to: str

    def apply(self, folder: Path) -> None:
        (folder / self.file).rename(folder / self.to)


@dataclass(frozen=True)
class Delete:
    file: str

    def apply(self, folder: Path) -> None:
        (folder / self.file).unlink()


@dataclass(frozen=True)
class Sparse:
    """A file of `mb` megabytes that takes no disk space (a hole), e.g. a wrong export or a disk image."""

    file: str
    mb: int

    def apply(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / self.file, "wb") as f:
            f.truncate(self.mb * 1024 * 1024)


@dataclass(frozen=True)
class Truncate:
    """Keep only the first `size` bytes: a download or e-mail attachment cut off."""

    file: str
    size: int

    def apply(self, folder: Path) -> None:
        path = folder / self.file
        path.write_bytes(path.read_bytes()[: self.size])


# --- links out of raw/ -------------------------------------------------------------------


def _outside(folder: Path) -> Path:
    """A folder next to the case's data tree, i.e. outside raw/ (tree = <case>/data)."""
    return folder.parents[2] / "outside"


@dataclass(frozen=True)
class LinkFileOutside:
    """Move a file out of raw/ and leave a symbolic link to it in the delivery."""

    file: str

    def apply(self, folder: Path) -> None:
        outside = _outside(folder)
        outside.mkdir(exist_ok=True)
        shutil.move(folder / self.file, outside / self.file)
        os.symlink(os.path.relpath(outside / self.file, folder), folder / self.file)


@dataclass(frozen=True)
class LinkFolderOutside:
    """Move the whole delivery folder out of raw/ and leave a symbolic link in its place."""

    def apply(self, folder: Path) -> None:
        outside = _outside(folder)
        outside.mkdir(exist_ok=True)
        shutil.move(folder, outside / folder.name)
        os.symlink(os.path.relpath(outside / folder.name, folder.parent), folder)


# --- XLSX fixtures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToXlsx:
    """Turn a seed CSV into the workbook an analyst would make of it, with Excel's artefacts.

    The table is written as Excel holds it: dates as date cells, counts as numbers.
    `title_rows` go above the header, `first_column` moves the table right, `cells`
    overwrites cells ((coordinate, value) pairs) (a str that looks like a number is a number stored as text, a
    str starting with "=" is a formula), `merge` merges a range, `styled` formats
    empty cells (what makes Excel keep empty rows and columns), `sheets` adds sheets.
    """

    file: str
    title_rows: tuple[str, ...] = ()
    first_column: int = 1
    cells: tuple[tuple[str, object], ...] = ()
    merge: str | None = None
    styled: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()

    def apply(self, folder: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import PatternFill

        src = folder / self.file
        rows = list(csv.reader(io.StringIO(src.read_bytes().decode("utf-8"))))
        src.unlink()
        wb = Workbook()
        ws = wb.active
        ws.title = Path(self.file).stem[:31]
        r = 1
        for title in self.title_rows:
            if title:
                ws.cell(r, self.first_column, title)
            r += 1
        header = rows[0]
        for c, name in enumerate(header):
            ws.cell(r, self.first_column + c, name)
        for values in rows[1:]:
            r += 1
            for c, value in enumerate(values):
                cell = ws.cell(r, self.first_column + c, _excel_value(header[c], value))
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for coord, value in self.cells:
            ws[coord] = value
            ws[coord].number_format = "General"  # a serial number in a General cell is what Excel shows as 45413
            if isinstance(value, str) and not value.startswith("="):
                ws[coord].data_type = "s"  # keep a number typed as text as text
        if self.merge:
            ws.merge_cells(self.merge)
        fill = PatternFill("solid", fgColor="FFFF00")
        for coord in self.styled:
            ws[coord].fill = fill
        for name in self.sheets:
            wb.create_sheet(name)
        save_deterministic(wb, folder / (Path(self.file).stem + ".xlsx"))


def _excel_value(column: str, value: str):
    if column == "peildatum" and PEILDATUM_RE.match(value):
        return dt.date.fromisoformat(value)
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return float(value)
    return value


def save_deterministic(wb, path: Path) -> None:
    """Save a workbook with fixed timestamps, so a fixture has the same bytes on every run."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class PadXlsx:
    """Add a member of `mb` megabytes of zeros to a workbook: tiny on disk, huge when unpacked."""

    file: str
    mb: int

    def apply(self, folder: Path) -> None:
        info = zipfile.ZipInfo("xl/media/padding.bin", date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        block = bytes(1024 * 1024)
        with zipfile.ZipFile(folder / self.file, "a") as archive, archive.open(info, "w") as member:
            for _ in range(self.mb):
                member.write(block)
