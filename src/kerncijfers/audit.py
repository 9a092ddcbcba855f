"""`make audit`: check requirements.lock, offline first, then against a vulnerability database.

Offline it checks what the lock promises: every package pinned with `==` and hashed, and the
installed environment equal to the lock. Online it runs pip-audit. It says exactly what it
checked and what it did not: the hashes themselves are verified by pip when it installs
(`make env`), not here; locked packages whose environment marker excludes this machine are
named, not checked; packages the vulnerability database could not look up are named with
the reason; and when no database answers (no network, or a registry mirror without PyPI's
JSON API) it says that nothing was audited instead of reporting a clean result it did not get.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REQ = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")
MARKER = re.compile(r";\s*([^\\]+?)\s*\\?$")


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


def locked_markers(lock: Path) -> dict[str, str]:
    """{normalised name: environment marker} of the locked packages that have one."""
    out = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m, marker = REQ.match(line.strip()), MARKER.search(line.strip())
        if m and marker:
            out[normalise(m.group(1))] = marker.group(1)
    return out


def not_installed(pins: dict[str, str], markers: dict[str, str]) -> tuple[list[str], list[str]]:
    """Locked packages not installed here: (excluded by their marker on this machine, missing although required)."""
    from packaging.markers import Marker

    excluded, missing = [], []
    for name in sorted(pins):
        try:
            metadata.version(name)
            continue
        except metadata.PackageNotFoundError:
            pass
        if name in markers and not Marker(markers[name]).evaluate():
            excluded.append(name)
        else:
            missing.append(name)
    return excluded, missing


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


def online_audit(lock: Path, timeout: int = 180) -> tuple[str | None, int, list[str], list[str], list[str]]:
    """(service, audited, not audited with the reason, vulnerabilities, why each service failed) from pip-audit.

    Tries OSV, then PyPI; `service` is None when neither answered.
    """
    failures = []
    for service in ("osv", "pypi"):
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
                 "--progress-spinner", "off", "-f", "json", "-s", service],
                capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            failures.append(f"{service}: no answer within {timeout} s")
            continue
        try:
            report = json.loads(proc.stdout)
        except ValueError:  # no database reachable: pip-audit printed a traceback
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            failures.append(f"{service}: {last[:200]}")
            continue
        deps = report.get("dependencies", [])
        skipped = [f"{d['name']} ({d['skip_reason']})" for d in deps if d.get("skip_reason")]
        vulns = [f"{d['name']} {d['version']}: {v['id']}" for d in deps for v in d.get("vulns", [])]
        if len(deps) - len(skipped):
            return service, len(deps) - len(skipped), skipped, vulns, failures
        failures.append(f"{service}: could look up none of the {len(deps)} packages")
    return None, 0, [], [], failures


def main(argv: list[str] | None = None) -> int:
    lock = Path((argv or sys.argv[1:] or ["requirements.lock"])[0])
    pins = locked_packages(lock)
    print(f"{lock}: {len(pins)} packages, all pinned with == and hashed "
          "(pip verifies the hashes when it installs them, make env; this command does not download them again).")
    mismatches = installed_mismatches(pins)
    excluded, missing = not_installed(pins, locked_markers(lock))
    installed = len(pins) - len(excluded) - len(missing)
    print(f"Installed environment: {installed - len(mismatches)} of the {installed} locked packages installed here are at the locked version.")
    for m in mismatches:
        print(f"  installed differs from lock: {m}")
    for name in missing:
        print(f"  MISSING: {name} is locked for this machine but not installed (make clean-venv env)")
    if excluded:
        print(f"  Not checked: {len(excluded)} locked for other machines only (their environment markers exclude this one): {', '.join(excluded)}.")
    service, audited, skipped, vulns, failures = online_audit(lock)
    if service is None:
        print(f"Vulnerabilities: NOT checked, none of the {len(pins)} packages was audited: no vulnerability database answered "
              "(offline, or the registry mirror has no JSON API). Run `make audit` where OSV or PyPI is reachable.")
    else:
        print(f"Vulnerabilities: {audited} of {len(pins)} packages audited with {service.upper()}, {len(vulns)} known vulnerabilities.")
        for s in skipped:
            print(f"  Not audited: {s}")
    for f in failures:
        print(f"  {f}")
    for v in vulns:
        print(f"  VULNERABLE: {v}")
    return 1 if (vulns or mismatches or missing) else 0


if __name__ == "__main__":
    sys.exit(main())
