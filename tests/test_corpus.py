"""Malformed deliveries are refused with one exact message, and a refusal changes nothing.

Every case of tests/corpus/cases.py runs in-process through `validate_delivery` (Great
Expectations is imported once per session). The cases marked e2e also run through
`kerncijfers build` in a subprocess, on a copy of a tree that was built successfully
once: the build must exit 1, print the message and "Nothing was published", and leave
raw/, validated/ and reports/ byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from corpus.cases import ACCEPTED, CASES
from corpus.steps import ROOT, Case, ToXlsx, prepare, tree_digest
from kerncijfers.errors import DeliveryError
from kerncijfers.pipeline import validate_delivery

EXPECTATIONS = ROOT / "expectations"
NOTHING_PUBLISHED = "Nothing was published: data/validated/ and reports/ are as they were before this build."


def _copy_repo_tree(data: Path) -> None:
    """raw/, validated/ and briefs.yml of the repository: a tree as it is after a good build."""
    for name in ("raw", "validated"):
        shutil.copytree(ROOT / "data" / name, data / name, symlinks=True)
    shutil.copy(ROOT / "data" / "briefs.yml", data / "briefs.yml")


def _case_id(case: Case) -> str:
    return case.id


def test_the_corpus_is_complete():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(ids) >= 30
    assert 3 <= sum(c.e2e for c in CASES) <= 8, "keep the subprocess cases to a handful"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_refused_in_process(case: Case, tmp_path: Path):
    data = tmp_path / "data"
    _copy_repo_tree(data)
    prepare(case, data)
    before = tree_digest(tmp_path)

    tracing = case.max_peak_mb is not None
    if tracing:
        tracemalloc.start()
    try:
        with pytest.raises(DeliveryError) as refused:
            validate_delivery(data / "raw", case.target, EXPECTATIONS)
    finally:
        if tracing:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    assert len(case.messages) == 1 or case.note, "one message per case; say in `note` why a case expects more"
    assert [str(f) for f in refused.value.findings] == case.expected(dt.date.today())
    for finding in refused.value.findings:
        assert finding.file.startswith("data/raw/") and finding.rule and finding.hint
    assert tree_digest(tmp_path) == before, "a refused delivery must change nothing"
    if tracing:
        assert peak < case.max_peak_mb * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB while refusing"


@pytest.mark.parametrize("case", ACCEPTED, ids=_case_id)
def test_valid_variants_are_accepted(case: Case, tmp_path: Path):
    data = tmp_path / "data"
    _copy_repo_tree(data)
    prepare(case, data)
    result = validate_delivery(data / "raw", case.target, EXPECTATIONS)
    assert result.summary["status"] == "geaccepteerd"
    tables = sorted(p.stem for p in (data / "raw" / case.target).iterdir() if p.name not in ("Thumbs.db", "desktop.ini"))
    assert sorted(result.tables) == tables


def test_a_decimal_comma_in_dutch_excels_csv_is_read_as_its_value(tmp_path: Path):
    """34,5 in a semicolon-separated file is 34.5 (the letter's 34,5% arbeidsparticipatie), not 345 or a refusal."""
    case = next(c for c in ACCEPTED if c.id == "semicolons-with-commas-in-text")
    data = tmp_path / "data"
    _copy_repo_tree(data)
    prepare(case, data)
    assert '"34,5"' not in (data / "raw" / case.target / "overige_cijfers.csv").read_text(encoding="utf-8")
    result = validate_delivery(data / "raw", case.target, EXPECTATIONS)
    frame = result.tables["overige_cijfers"]
    assert frame.loc[3, "cijfer"] == "arbeidsparticipatie_statushouders"
    assert frame.loc[3, "waarde"] == 34.5


def test_windows_explorer_files_are_neither_read_nor_registered(tmp_path: Path):
    """Thumbs.db and desktop.ini are ignored like .DS_Store, also by the manifest the build writes."""
    from kerncijfers.delivery import manifest_text, registered_files

    case = next(c for c in ACCEPTED if c.id == "windows-explorer-files")
    data = tmp_path / "data"
    _copy_repo_tree(data)
    folder = prepare(case, data)
    assert sorted(p.name for p in folder.iterdir()) == ["Thumbs.db", "desktop.ini", "elip.csv"]
    assert manifest_text(registered_files(folder)).endswith("  elip.csv\n")
    assert len(manifest_text(registered_files(folder)).splitlines()) == 1


# --- end to end: `kerncijfers build` -----------------------------------------------------------


def _build(data: Path, reports: Path, tmp: Path | None = None) -> subprocess.CompletedProcess:
    # A wide console, so that rich prints each message on one line; `tmp` the build's own temp directory.
    env = dict(os.environ, COLUMNS="1000", NO_COLOR="1", TERM="dumb") | ({"TMPDIR": str(tmp)} if tmp else {})
    return subprocess.run(
        [sys.executable, "-m", "kerncijfers", "build", "--data-dir", str(data), "--out-dir", str(reports)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="session")
def built_tree(tmp_path_factory) -> Path:
    """A tree built once, successfully, from the seed deliveries: what a refused build must leave alone."""
    base = tmp_path_factory.mktemp("corpus-built")
    shutil.copytree(ROOT / "data" / "raw", base / "data" / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", base / "data" / "briefs.yml")
    run = _build(base / "data", base / "reports")
    assert run.returncode == 0, run.stderr
    seeds = sorted(p.name for p in (ROOT / "data" / "raw").iterdir() if p.is_dir())
    assert sorted(p.name for p in (base / "data" / "validated").iterdir() if p.is_dir()) == seeds
    return base


def _refusal_lines(stderr: str, peildatum: str) -> list[str]:
    """The message lines between "Delivery <peildatum> refused:" and "Nothing was published"."""
    lines = stderr.splitlines()
    start = lines.index(f"Delivery {peildatum} refused:")
    end = lines.index(NOTHING_PUBLISHED)
    return lines[start + 1 : end]


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.e2e], ids=_case_id)
def test_refused_by_build(case: Case, built_tree: Path, tmp_path: Path):
    root = tmp_path / "tree"
    shutil.copytree(built_tree, root, symlinks=True)
    data, reports = root / "data", root / "reports"
    prepare(case, data)
    watched = (data / "raw", data / "validated", reports, root / "outside")
    before = tree_digest(*watched)
    assert any(k.startswith("validated/") for k in before), "the earlier build published nothing to protect"

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    run = _build(data, reports, tmp)

    assert run.returncode == 1, run.stdout + run.stderr
    assert list(tmp.iterdir()) == [], "a refused build leaves nothing in the temp directory"
    assert run.stderr.count(" refused:") == 1, run.stderr
    assert _refusal_lines(run.stderr, case.target) == case.expected(dt.date.today()), run.stderr
    assert tree_digest(*watched) == before, "a refused build must leave raw/, validated/ and reports/ byte-identical"


# --- the corpus's own machinery ------------------------------------------------------------------


def test_xlsx_fixtures_are_deterministic(tmp_path: Path):
    step = ToXlsx("elip.csv", title_rows=("ELIP",), cells=(("C3", "=1+1"),), styled=("D1",))
    made = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(ROOT / "data" / "raw" / "2023-11-01" / "elip.csv", folder / "elip.csv")
        step.apply(folder)
        made.append((folder / "elip.xlsx").read_bytes())
    assert made[0] == made[1]


def test_registered_delivery_with_a_leesmij_is_accepted(tmp_path: Path):
    """The build registers a LEESMIJ.md next to the tables; checking the manifest must not call it missing."""
    from kerncijfers.delivery import sha256

    data = tmp_path / "data"
    _copy_repo_tree(data)
    folder = data / "raw" / "2023-11-01"
    (folder / "LEESMIJ.md").write_text("Levering ELIP en overige cijfers.\n", encoding="utf-8")
    names = sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    (folder / "SHA256SUMS").write_text("".join(f"{sha256(folder / n)}  {n}\n" for n in names), encoding="utf-8")

    result = validate_delivery(data / "raw", "2023-11-01", EXPECTATIONS)
    assert result.summary["status"] == "geaccepteerd"

    (folder / "LEESMIJ.md").write_text("Gewijzigd.\n", encoding="utf-8")
    with pytest.raises(DeliveryError) as refused:
        validate_delivery(data / "raw", "2023-11-01", EXPECTATIONS)
    assert [f.rule for f in refused.value.findings] == ["manifest-checksum"]
