"""Fixtures for the report tests: one render of every brief per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rendered(preview_reports: Path) -> Path:
    """`reports/` as `kerncijfers build` writes it without Quarto (the preview), from data/."""
    return preview_reports


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
