"""Shared fixtures: the repository, and throw-away copies of its data tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Builds in the tests render the nbconvert preview, in seconds; the tests of what Quarto
# renders (tests/quarto/) ask for Quarto themselves. Subprocess builds inherit this.
os.environ.setdefault("KERNCIJFERS_RENDERER", "preview")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


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
