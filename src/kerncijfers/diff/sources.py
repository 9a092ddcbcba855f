"""This build against another: every published file read from a folder or a git ref, and what it holds to compare.

Every published file (`data/validated/**` and `reports/**`) is compared: tables (CSV) cell by
cell, the data behind each chart (`.vl.json`) cell by cell, and every other file (PNG, SVG, XLSX,
Parquet, notebooks, pages) as changed or not, byte for byte. The figures and sentences of the
text are compared through the structured exports the build writes beside the tables
(`exports/provenance.csv`, each figure's id and shown value, and the open data's
`data/tekstcijfers.csv`, each figure of each sentence), never by reading rendered HTML back. `reports/_site` is left out: it is built from the
same files and not committed.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from kerncijfers.diff.compare import Diff, Rows, _unique, compare, key_for, number, read_csv_text

#: The folders of a build tree whose files are published, relative to its root.
PUBLISHED_FOLDERS = ("data/validated", "reports")
#: A chart's Vega-Lite spec; the data it draws is compared cell by cell.
CHART_SUFFIX = ".vl.json"
#: Encoding channels whose discrete fields place a mark: together they identify a row of a chart's data.
_POSITION_CHANNELS = ("x", "y", "row", "column", "facet", "color", "shape", "detail")
#: Inside `reports/`, the rendered site: HTML around the same numbers, not compared.
NOT_COMPARED = ("reports/_site",)


@dataclass(frozen=True)
class OneSided:
    """A published file only one build holds, with the rows and numbers of the tables it holds."""

    path: str
    rows: int
    numbers: int


@dataclass(frozen=True)
class BuildDiff(Diff):
    only_old_files: tuple[OneSided, ...] = field(default=())
    only_new_files: tuple[OneSided, ...] = field(default=())
    #: Files both builds hold whose bytes differ, compared cell by cell or not.
    changed_files: tuple[str, ...] = field(default=())
    #: How many files both builds hold.
    files_compared: int = 0

    @property
    def changed_otherwise(self) -> tuple[str, ...]:
        """Changed files that are not a table compared cell by cell: charts (their data is), images, workbooks,
        Parquet, pages, notebooks (what they show is, through the exports)."""
        return tuple(p for p in self.changed_files if not p.endswith(".csv"))


def published_files(root: Path) -> dict[str, bytes]:
    """The bytes of every published file under `root`, by path relative to it (POSIX)."""
    root = Path(root)
    out = {}
    for folder in PUBLISHED_FOLDERS:
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and _is_published(rel):
                out[rel] = path.read_bytes()
    return out


def _is_published(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    # Hidden folders hold build state and the previous copy during a swap (the build's publish journal).
    if any(p.startswith(".") for p in parts):
        return False
    return not any(rel == f or rel.startswith(f + "/") for f in NOT_COMPARED) and any(rel.startswith(f + "/") for f in PUBLISHED_FOLDERS)


def _git(root: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    if result.returncode:
        raise ValueError(f"git {' '.join(args)}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def files_at_ref(repo: Path, ref: str) -> tuple[str, dict[str, bytes]]:
    """The published files committed at `ref` (read from `git archive`, never the working tree) and the commit."""
    if ref.startswith("-"):
        raise ValueError(f"{ref!r} is not a git ref or a folder")
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except ValueError:
        raise ValueError(f"no commit {ref!r} in the repository at {Path(repo).resolve().name}") from None
    present = [f for f in PUBLISHED_FOLDERS if _git(repo, "ls-tree", "--name-only", commit, "--", f).strip()]
    out: dict[str, bytes] = {}
    if present:
        archive = _git(repo, "archive", "--format=tar", commit, "--", *present)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
            for member in tar.getmembers():
                if member.isfile() and _is_published(member.name):
                    out[member.name] = tar.extractfile(member).read()
    return commit, dict(sorted(out.items()))


def tables_in(path: str, content: bytes) -> dict[str, tuple[Rows, tuple[str, ...] | None]]:
    """The tables a published file holds, by the name the diff shows: {name: (rows, key or None)}.

    A CSV is one table: a delivery's validated table, a table of the letter, or an export of the
    text's figures and sentences (`exports/provenance.csv`). A chart (`.vl.json`) holds the data it
    draws. Any other file holds none: it is compared byte for byte. Notebooks and pages are never
    parsed back: what they show is compared through those exports.
    """
    if path.endswith(".csv"):
        return {path: (read_csv_text(content.decode("utf-8")), None)}
    if path.endswith(CHART_SUFFIX):
        return chart_data(path, content)
    return {}


def chart_data(path: str, content: bytes) -> dict[str, tuple[Rows, tuple[str, ...] | None]]:
    """The data a chart draws, as rows: one table per dataset, keyed on the fields that place a mark."""
    spec = json.loads(content.decode("utf-8"))
    datasets = spec.get("datasets") or {}
    if not datasets and isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        datasets = {"values": spec["data"]["values"]}
    key = tuple(dict.fromkeys(_position_fields(spec)))
    out = {}
    for i, records in enumerate(datasets.values(), start=1):
        columns = list(dict.fromkeys(c for r in records for c in r))
        rows = [columns] + [[_cell(r.get(c)) for c in columns] for r in records]
        name = f"{path} (data)" if len(datasets) == 1 else f"{path} (data {i})"
        usable = key and set(key) <= set(columns) and _unique([tuple(r[columns.index(k)] for k in key) for r in rows[1:]])
        out[name] = (rows, key if usable else None)
    return out


def _position_fields(spec) -> list[str]:
    """The discrete fields of the channels that place a mark, anywhere in a (layered, concatenated) spec."""
    fields = []
    if isinstance(spec, dict):
        encoding = spec.get("encoding")
        if isinstance(encoding, dict):
            for channel in _POSITION_CHANNELS:
                enc = encoding.get(channel)
                if isinstance(enc, dict) and enc.get("type") in ("nominal", "ordinal", "temporal") and "field" in enc:
                    fields.append(enc["field"])
        for value in spec.values():
            fields += _position_fields(value)
    elif isinstance(spec, list):
        for value in spec:
            fields += _position_fields(value)
    return fields


def _cell(value) -> str:
    """A chart's data value as CSV text: numbers as the pipeline writes them, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def diff_against(current_root: Path, other: str | Path) -> BuildDiff:
    """This tree's published files (new) against another build's (old): a folder, or a git ref of this repository."""
    current_root = Path(current_root)
    if Path(other).is_dir():
        if not any((Path(other) / f).is_dir() for f in PUBLISHED_FOLDERS):
            raise ValueError(f"{other} holds neither {' nor '.join(PUBLISHED_FOLDERS)}; give the root of another checkout or build tree")
        old_files, label = published_files(Path(other)), str(other)
    else:
        try:
            commit, old_files = files_at_ref(current_root, str(other))
        except ValueError as exc:
            raise ValueError(
                f"{other} is neither a folder nor a git ref ({exc}); give a build tree's folder or a ref such as HEAD, main or a tag"
            ) from None
        label = f"{other} ({commit[:12]})"
    new_files = published_files(current_root)
    both = sorted(set(old_files) & set(new_files))
    comparisons = []
    for path in both:
        old_tables, new_tables = tables_in(path, old_files[path]), tables_in(path, new_files[path])
        for name in sorted(set(old_tables) & set(new_tables)):
            (old, key), (new, new_key) = old_tables[name], new_tables[name]
            comparisons.append(compare(name, old, new, key if key == new_key else None))

    def one_sided(files: dict[str, bytes], paths: Iterable[str]) -> tuple[OneSided, ...]:
        out = []
        for path in sorted(paths):
            rows = numbers = 0
            for name, (table, key) in tables_in(path, files[path]).items():
                header = table[0] if table else []
                key = key or key_for(name, header, table)
                values = [i for i, c in enumerate(header) if c not in key]  # key cells (cohort 2013) are not published numbers
                rows += len(table) - 1 if table else 0
                numbers += sum(number(r[i]) is not None for r in table[1:] for i in values if i < len(r))
            out.append(OneSided(path, rows, numbers))
        return tuple(out)

    only_old = one_sided(old_files, set(old_files) - set(new_files))
    only_new = one_sided(new_files, set(new_files) - set(old_files))
    return BuildDiff(
        title=f"kerncijfers diff --against {label}",
        old_label=label,
        new_label="this build",
        comparisons=tuple(comparisons),
        only_old=tuple(f.path for f in only_old),
        only_new=tuple(f.path for f in only_new),
        only_old_files=only_old,
        only_new_files=only_new,
        changed_files=tuple(p for p in both if old_files[p] != new_files[p]),
        files_compared=len(both),
    )


def _figures(text: str) -> list[str]:
    """The figures a text holds, as written: '51.600', '52,5'."""
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def changed_published_numbers(diff: BuildDiff) -> int:
    """Published numbers that would read differently or disappear: changed (in a cell or a sentence), in removed rows, columns or files."""
    changed = sum(c.is_number or _figures(c.old) != _figures(c.new) for t in diff.comparisons for c in t.changes)
    removed = sum(r.numbers() for t in diff.comparisons for r in t.removed)
    columns = sum(t.removed_column_numbers for t in diff.comparisons)
    return changed + removed + columns + sum(f.numbers for f in diff.only_old_files)


def added_published_numbers(diff: BuildDiff) -> int:
    """Numbers this build would publish that the other did not: in added rows and added files."""
    rows = sum(r.numbers() for t in diff.comparisons for r in t.added)
    return rows + sum(f.numbers for f in diff.only_new_files)
