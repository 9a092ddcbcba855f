"""The lock promises exact, hashed versions, and the environment the tests run in keeps that promise."""

import pytest

from kerncijfers.audit import installed_mismatches, locked_packages


def test_lock_is_pinned_and_hashed(repo_root):
    pins = locked_packages(repo_root / "requirements.lock")
    assert pins["great-expectations"].startswith("1.")
    assert "pandas" in pins and "altair" in pins and "papermill" in pins


def test_installed_environment_equals_the_lock(repo_root):
    assert installed_mismatches(locked_packages(repo_root / "requirements.lock")) == []


def test_unhashed_or_unpinned_lines_are_refused(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas>=2\nnumpy==2.0.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not pinned with ==: pandas>=2; no hash for numpy"):
        locked_packages(lock)
