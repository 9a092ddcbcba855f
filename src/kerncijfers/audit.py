"""`make audit`: check requirements.lock, offline first, then against a vulnerability database.

Offline it checks what the lock promises: every package pinned with `==` and hashed, and the
installed environment equal to the lock. Online it runs pip-audit. When no vulnerability
database answers (no network, or a registry mirror without PyPI's JSON API), it says how
many packages could not be audited instead of reporting a clean result it did not get.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REQ = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def locked_packages(lock: Path) -> dict[str, str]:
    """{normalised name: version} from a hashed lock file; refuses unpinned or unhashed requirements."""
    pins: dict[str, str] = {}
    hashed: set[str] = set()
    problems, current = [], None
    for line in lock.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            if current:
                hashed.add(current)
            continue
        m = REQ.match(stripped)
        if not m:
            problems.append(f"not pinned with ==: {stripped}")
            current = None
            continue
        current = normalise(m.group(1))
        pins[current] = m.group(2)
    problems += [f"no hash for {name}" for name in sorted(set(pins) - hashed)]
    if problems:
        raise ValueError(f"{lock.name}: " + "; ".join(problems))
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_mismatches(pins: dict[str, str]) -> list[str]:
    """Locked packages that are installed at another version (markers may leave some out)."""
    out = []
    for name, version in sorted(pins.items()):
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if have != version:
            out.append(f"{name}: locked {version}, installed {have}")
    return out


def online_audit(lock: Path, timeout: int = 180) -> tuple[int, int, list[str]]:
    """(audited, not audited, vulnerabilities) from pip-audit, trying OSV then PyPI."""
    for service in ("osv", "pypi"):
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
                 "--progress-spinner", "off", "-f", "json", "-s", service],
                capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            continue
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            continue  # no database reachable: pip-audit printed a traceback
        deps = report.get("dependencies", [])
        skipped = sum(1 for d in deps if d.get("skip_reason"))
        vulns = [f"{d['name']} {d['version']}: {v['id']}" for d in deps for v in d.get("vulns", [])]
        if len(deps) - skipped:
            return len(deps) - skipped, skipped, vulns
    return 0, 0, []


def main(argv: list[str] | None = None) -> int:
    lock = Path((argv or sys.argv[1:] or ["requirements.lock"])[0])
    pins = locked_packages(lock)
    print(f"{lock}: {len(pins)} packages, all pinned with == and hashed.")
    mismatches = installed_mismatches(pins)
    for m in mismatches:
        print(f"  installed differs from lock: {m}")
    audited, skipped, vulns = online_audit(lock)
    if audited == 0:
        print("No vulnerability database could be reached (offline, or the registry mirror has no JSON API): "
              "the lock was NOT audited for known vulnerabilities. Run `make audit` with network access.")
    else:
        print(f"Audited {audited} packages for known vulnerabilities ({skipped} could not be looked up).")
    for v in vulns:
        print(f"  VULNERABLE: {v}")
    return 1 if (vulns or mismatches) else 0


if __name__ == "__main__":
    sys.exit(main())
