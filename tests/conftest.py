"""Shared fixtures: the repository, and throw-away copies of its data tree."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Builds in the tests render the nbconvert preview, in seconds; the tests of what Quarto
# renders (tests/quarto/) ask for Quarto themselves. Subprocess builds inherit this.
os.environ.setdefault("KERNCIJFERS_RENDERER", "preview")


def pytest_report_header(config) -> list[str]:
    """Say at the top of the run what the Quarto and browser tests run against, or that they can't."""
    from kerncijfers.report.quarto import quarto_version

    found = shutil.which("quarto")
    chromium = Path("/usr/bin/chromium")
    return [
        f"quarto: {quarto_version(found)} at {found} (tests/quarto and the [quarto] browser tests render with it)"
        if found else "quarto: not on PATH (tests/quarto and the [quarto] browser tests skip; on CI they fail)",
        f"chromium: {chromium}" if chromium.exists() else f"chromium: not at {chromium} (the browser tests fail: make test installs it as root)",
    ]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def file_hashes(folder: Path, *, hidden: bool = True, suffixes: tuple[str, ...] | None = None) -> dict[str, str]:
    """Every file under `folder` by its POSIX path relative to it: its SHA-256. Without `hidden`, files in or
    under hidden entries (the build's own state) are left out; with `suffixes`, only files ending so."""
    out = {}
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or (not hidden and any(part.startswith(".") for part in rel.parts)):
            continue
        if suffixes is None or path.suffix in suffixes:
            with open(path, "rb") as f:
                out[rel.as_posix()] = hashlib.file_digest(f, "sha256").hexdigest()
    return out


@pytest.fixture(scope="session")
def hashes():
    """`file_hashes`, for tests that compare trees byte for byte."""
    return file_hashes


@pytest.fixture
def seed_tree(tmp_path: Path) -> Path:
    """A copy of data/raw and data/briefs.yml, without validated outputs."""
    tree = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "raw", tree / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", tree / "briefs.yml")
    return tree


@pytest.fixture(scope="session")
def validator():
    """Great Expectations with every suite loaded, imported once per test session."""
    from kerncijfers.pipeline import validator_for

    return validator_for(ROOT / "expectations")


def require_quarto() -> str:
    """Quarto's path; without it the tests of Quarto's output skip on a developer's machine and fail on CI."""
    found = shutil.which("quarto")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("Quarto is not on PATH: CI renders the report with it (.ci/run installs it with ../shared/tools/quarto/install)")
    pytest.skip("Quarto is not installed: its HTML and Word output are not tested here (README, Quarto)")


@pytest.fixture
def quarto() -> str:
    """Quarto's path, for a test that builds with it (see require_quarto)."""
    return require_quarto()


@pytest.fixture(scope="session")
def quarto_reports(tmp_path_factory) -> Path:
    """`reports/` as `make report` builds it with Quarto installed: rendered by real Quarto from data/."""
    require_quarto()
    from kerncijfers.report.render import render

    out_dir = tmp_path_factory.mktemp("quarto-reports")
    render(ROOT, out_dir=out_dir, say=lambda msg: None, quarto=True)
    return out_dir


@pytest.fixture(scope="session")
def preview_reports(tmp_path_factory) -> Path:
    """`reports/` as the Quarto-free preview builds it, from data/."""
    from kerncijfers.report.render import render

    out_dir = tmp_path_factory.mktemp("preview-reports")
    render(ROOT, out_dir=out_dir, say=lambda msg: None, quarto=False)
    return out_dir
