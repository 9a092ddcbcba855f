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


LOCK = """\
pandas==2.0.0 \\
    --hash=sha256:00
winonly-package==1.0 ; sys_platform == 'win32' \\
    --hash=sha256:01
never-installed-package==1.0 \\
    --hash=sha256:02
"""


def test_audit_says_what_it_could_not_check(tmp_path, monkeypatch, capsys):
    """Packages for other machines are named as not checked; a missing one fails; no database means nothing audited."""
    from kerncijfers import audit

    lock = tmp_path / "requirements.lock"
    lock.write_text(LOCK, encoding="utf-8")
    assert audit.locked_markers(lock) == {"winonly-package": "sys_platform == 'win32'"}
    assert audit.not_installed(audit.locked_packages(lock), audit.locked_markers(lock)) == (["winonly-package"], ["never-installed-package"])
    monkeypatch.setattr(audit, "online_audit", lambda lock: (None, 0, [], [], ["osv: ConnectionError: no route"]))
    assert audit.main([str(lock)]) == 1
    out = capsys.readouterr().out
    assert "MISSING: never-installed-package is locked for this machine but not installed" in out
    assert "Not checked: 1 locked for other machines only (their environment markers exclude this one): winonly-package." in out
    assert "Vulnerabilities: NOT checked, none of the 3 packages was audited" in out
    assert "osv: ConnectionError: no route" in out
