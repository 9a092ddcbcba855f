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
