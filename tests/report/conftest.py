"""Fixtures for the report tests: one render of every brief per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rendered(repo_root: Path, tmp_path_factory) -> Path:
    """`reports/` as `kerncijfers build` writes it, rendered from data/ into a temporary folder.

    Executes the brief notebooks (one kernel) and builds the static site with nbconvert.
    """
    from kerncijfers.report.render import render

    out_dir = tmp_path_factory.mktemp("reports")
    render(repo_root, out_dir=out_dir, say=lambda msg: None, quarto=False)
    return out_dir


@pytest.fixture(scope="session")
def brief(repo_root: Path):
    """The December 2023 brief, Kamerstuk 32 824 nr. 408."""
    from kerncijfers.brief import brief_by_slug, load_briefs

    return brief_by_slug(load_briefs(repo_root / "data" / "briefs.yml"), "2023-12")


@pytest.fixture(scope="session")
def validated(repo_root: Path) -> Path:
    return repo_root / "data" / "validated"


@pytest.fixture(scope="session")
def published(repo_root: Path, brief) -> Path:
    return repo_root / "data" / "published" / brief.published
