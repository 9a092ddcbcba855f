"""Sign-off of a brief: the approval record, its manifest, and the build's guard over it.

`kerncijfers approve <brief> --by NAME` writes `data/briefs/<slug>/vastgesteld.json`: who
approved which version of the brief's figures, when, on which commit, and the SHA-256 of
every file that carries those figures (the manifest): the brief's `exports/`, its open data
where it has any, and the validated tables up to its cut-off. The pages, the Word file and
the record itself are not in the manifest: they show the approval, and `kerncijfers verify`
checks them by rebuilding. The record carries a checksum of its own content, so an edit by
hand is refused rather than believed; its authority is the reviewed commit that adds it.

A build whose result would change a file in an approved brief's manifest publishes nothing
(`revisions.guard`), unless it is a revision (`kerncijfers build --revise <brief> --reason TEXT`):
then the record keeps the approved figures and says the brief was revised and is no longer
approved (kerncijfers.revisions). What the pages show of all this is `kerncijfers.report.vaststelling`.

Only the standard library and the build's own modules are imported at the top. The build's keys
read the record's bytes themselves (`build.plan`), so the build does not import this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from kerncijfers.build.errors import BuildFailed
from kerncijfers.build.lock import build_lock
from kerncijfers.build.plan import brief_keys, file_digest, plan
from kerncijfers.build.state import SITE, changed_outputs, read_state, shown
from kerncijfers.paths import APPROVAL_RECORD as RECORD, Layout

#: The folders of a brief's report that carry its figures: its exports and its open data
#: (`report.opendata.DATA_FOLDER`; not imported here, it pulls in pandas).
CONTENT_FOLDERS = ("exports", "data")
#: Files in those folders that show the approval rather than the figures (written from the record).
SHOWS_APPROVAL = ("versies.csv",)
#: The validated files a brief reads: the tables, as CSV and Parquet.
VALIDATED_SUFFIXES = (".csv", ".parquet")
PROVENANCE = "provenance.csv"
#: Status of a record: the last version is approved, the approval was withdrawn, or the figures were revised since.
APPROVED, WITHDRAWN, REVISED = "approved", "withdrawn", "revised"


class ApprovalError(Exception):
    """The brief cannot be approved, withdrawn or revised as asked; one line says why (exit 1)."""


class UnknownBrief(ApprovalError):
    """No such brief in briefs.yml (a usage error, exit 2)."""


# --- the record ------------------------------------------------------------------------------


def record_path(layout: Layout, slug: str) -> Path:
    return layout.approval_record(slug)


def staged_record_path(layout: Layout, slug: str) -> Path:
    return layout.staged_approval_record(slug)


def _canonical(record: dict) -> bytes:
    body = {k: v for k, v in record.items() if k != "checksum"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def checksum(record: dict) -> str:
    return hashlib.sha256(_canonical(record)).hexdigest()


def dumps(record: dict) -> str:
    """The record as written: indented JSON, keys sorted, its checksum last in the sort (readable in a diff)."""
    return json.dumps(record | {"checksum": checksum(record)}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def shown_path(layout: Layout, path: Path) -> str:
    return shown(layout, path)


def load(layout: Layout, path: Path) -> dict | None:
    """The record at `path`, None if there is none; ApprovalError if it is not as `approve` wrote it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ApprovalError(f"{shown_path(layout, path)} cannot be read ({exc.strerror}).") from None
    try:
        record = json.loads(text)
        valid = isinstance(record, dict) and record.get("checksum") == checksum(record)
    except ValueError:
        valid = False
    if not valid:
        raise ApprovalError(
            f"{shown_path(layout, path)}: its checksum does not match its content, so it is not as `kerncijfers approve` "
            f"wrote it (edited by hand, or damaged). Restore it from git (git checkout -- {shown_path(layout, path)}); "
            "to change an approval, use kerncijfers approve (--withdraw)."
        )
    return record


def current(layout: Layout, slug: str) -> dict | None:
    """The record in effect: a revising build's staged one, else the published one."""
    staged = staged_record_path(layout, slug)
    return load(layout, staged if staged.exists() else record_path(layout, slug))


def write(path: Path, record: dict) -> None:
    """Write the record whole or not at all: a temporary file in the same folder, synced, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(record))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def status(record: dict | None) -> str | None:
    return None if record is None else record.get("status")


def approved_version(record: dict | None) -> dict | None:
    """The last approved version (also when it was revised or withdrawn since), or None."""
    versions = (record or {}).get("versions") or []
    return versions[-1] if versions else None


# --- the manifest ----------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return file_digest(path).hex()


def manifest(layout: Layout, brief, *, reports: Path | None = None, validated: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file that carries the brief's figures, by its path as the project names it.

    `reports/<slug>/exports/...` (and open-data), `data/validated/<peildatum>/<table>.csv|.parquet`
    up to the brief's cut-off. A build passes its stage as `reports` and `validated`.
    """
    reports = reports or layout.out_dir
    validated = validated or layout.validated
    out = {}
    for folder in CONTENT_FOLDERS:
        base = reports / brief.slug / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            rel = path.relative_to(base).as_posix()
            if path.is_file() and not rel.startswith(".") and rel not in SHOWS_APPROVAL:
                out[f"reports/{brief.slug}/{folder}/{rel}"] = _digest(path)
    cutoff = brief.cutoff.isoformat()
    for peildatum in sorted(p.name for p in validated.iterdir() if p.is_dir()) if validated.is_dir() else []:
        if peildatum > cutoff:
            continue
        for path in sorted((validated / peildatum).iterdir()):
            if path.is_file() and path.suffix in VALIDATED_SUFFIXES:
                out[f"data/validated/{peildatum}/{path.name}"] = _digest(path)
    return out


def fingerprint(files: dict[str, str]) -> str:
    """A short fingerprint of a manifest, as the pages show it: the first 12 hex digits of its SHA-256."""
    text = "".join(f"{sha}  {path}\n" for path, sha in sorted(files.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def manifest_differences(approved: dict[str, str], now: dict[str, str]) -> list[str]:
    """The files whose bytes differ, that are new, or that are gone, as `path (changed|new|removed)`."""
    out = []
    for path in sorted(set(approved) | set(now)):
        if path not in now:
            out.append(f"{path} (removed)")
        elif path not in approved:
            out.append(f"{path} (new)")
        elif approved[path] != now[path]:
            out.append(f"{path} (changed)")
    return out


def figures(provenance: Path) -> dict[str, str]:
    """Each figure of a brief's provenance.csv by its id, as shown."""
    if not provenance.is_file():
        return {}
    with open(provenance, encoding="utf-8", newline="") as f:
        return {row["figure"]: row["shown"] for row in csv.DictReader(f)}


def changed_figures(old: dict[str, str], new: dict[str, str]) -> list[dict]:
    """Every figure whose shown value differs, in the new version's order, then the ones that are gone."""
    out = [{"figure": k, "old": old.get(k, ""), "new": v} for k, v in new.items() if old.get(k) != v]
    return out + [{"figure": k, "old": v, "new": ""} for k, v in old.items() if k not in new]


def change_text(change: dict) -> str:
    return f"{change['figure']} {change['old'] or '(nieuw)'} → {change['new'] or '(vervallen)'}"


# --- approve and withdraw ----------------------------------------------------------------------


def find_brief(layout: Layout, slug: str):
    from kerncijfers.brief import load_briefs

    briefs = load_briefs(layout.briefs)
    for b in briefs:
        if b.slug == slug:
            return b
    raise UnknownBrief(f"No brief {slug!r} in {layout.briefs.name}. Known: {', '.join(b.slug for b in briefs) or 'none'}.")


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def not_as_built(layout: Layout, brief) -> str | None:
    """Why the brief's published outputs are not those of a last, successful build from its inputs; None if they are."""
    state = read_state(layout)
    if not state.get("steps"):
        return _not_as_committed(layout, brief)
    try:
        steps = plan(layout)
    except BuildFailed as exc:
        return exc.messages[0]
    cutoff = brief.cutoff.isoformat()
    for step in steps:
        if step.kind == "validate" and step.params["peildatum"] <= cutoff:
            if state.get("steps", {}).get(step.id) != step.key:
                return (f"the inputs of delivery {step.params['peildatum']} (its files, the rules or the code) changed since the last "
                        "build, or that build refused it; run kerncijfers build, and approve what it publishes")
            changed = changed_outputs(layout, step, state.get("outputs", {}).get(step.id))
            if changed:
                return f"{', '.join(changed[:3])}: not as the last build wrote {'it' if len(changed) == 1 else 'them'}; run kerncijfers build first"
    keys = brief_keys(layout, steps)["briefs"]
    if state.get("report", {}).get("briefs", {}).get(brief.slug) != keys.get(brief.slug):
        return "its inputs (deliveries, code or briefs.yml) changed since the last build, or it was never built; run kerncijfers build first"
    recorded = {rel: sha for rel, sha in state.get("outputs", {}).get("report", {}).items()
                if rel.startswith((f"{brief.slug}/", f"{SITE}/{brief.slug}/"))}
    changed = [rel for rel, sha in recorded.items() if not (layout.out_dir / rel).is_file() or _digest(layout.out_dir / rel) != sha]
    if changed:
        shown = ", ".join(shown_path(layout, layout.out_dir / rel) for rel in changed[:3])
        return f"{shown}: not as the last build wrote {'it' if len(changed) == 1 else 'them'}; run kerncijfers build first"
    return None


def _not_as_committed(layout: Layout, brief) -> str | None:
    """In a fresh clone (no build ran here yet), the published outputs are those of the build that was
    committed: acceptable when git shows the deliveries and outputs exactly as committed."""
    paths = [layout.raw, layout.validated, layout.out_dir / brief.slug, layout.out_dir / SITE / brief.slug]
    inside = [str(p) for p in paths if p.exists()]
    listed = _git(layout.root, "status", "--porcelain", "--untracked-files=all", "--", *inside) if inside else ""
    tracked = _git(layout.root, "ls-files", "--", str(layout.out_dir / brief.slug / "exports"))
    if not tracked:
        return "no build ran here and its outputs are not committed; run kerncijfers build first"
    if listed:
        first = listed.splitlines()[0].split(maxsplit=1)[1]
        return f"no build ran here, and {first} is not as committed; run kerncijfers build first"
    return None


def approve(layout: Layout, slug: str, by: str, role: str | None = None, today: dt.date | None = None) -> str:
    """Record that `by` approved the brief as it is published now. Returns what was done, in one line."""
    by, role = by.strip(), (role or "").strip() or None
    with build_lock(layout):
        brief = find_brief(layout, slug)
        path = record_path(layout, slug)
        record = load(layout, path)
        files = manifest(layout, brief)
        if not any(p.startswith(f"reports/{slug}/") for p in files):
            raise ApprovalError(f"Brief {slug} has not been built ({shown_path(layout, layout.out_dir / slug / 'exports')} is empty): run kerncijfers build first.")
        last = approved_version(record)
        if status(record) == APPROVED and last["manifest"] == files:
            return (f"Brief {slug} is already approved as it is (version {last['version']}, on {last['date']} by {last['by']}; "
                    f"fingerprint {last['fingerprint']}); nothing changed.")
        why = not_as_built(layout, brief)
        if why:
            raise ApprovalError(f"Brief {slug} cannot be approved: {why}.")
        today = today or dt.date.today()
        record = record or {"brief": slug, "versions": [], "revisions": [], "events": []}
        number = len(record["versions"]) + 1
        version = {
            "version": number, "date": today.isoformat(), "by": by, "role": role,
            "commit": _git(layout.root, "rev-parse", "HEAD"), "commit_author": _git(layout.root, "log", "-1", "--format=%an <%ae>"),
            "manifest": files, "fingerprint": fingerprint(files),
            "figures": figures(layout.out_dir / slug / "exports" / PROVENANCE),
        }
        if status(record) == REVISED:
            # The erratum as approved now: every figure that differs from the version before, also those changed by builds since --revise.
            record["revisions"][-1]["changes"] = changed_figures(last["figures"], version["figures"])
        _archive(layout, slug, number)
        record["versions"].append(version)
        record["events"].append({"event": APPROVED, "date": today.isoformat(), "by": by, "role": role, "version": number})
        record["status"] = APPROVED
        write(path, record)
    shown = f"{by} ({role})" if role else by
    return (f"Approved brief {slug} (version {number}) by {shown}: {len(files)} files, fingerprint {version['fingerprint']}; "
            f"wrote {shown_path(layout, path)}. Run kerncijfers build so its pages show it, and commit both.")


def _archive(layout: Layout, slug: str, number: int) -> Path:
    """Keep the approved version's exports beside the record (data/briefs/<slug>/versie-<n>/), whole or not at all."""
    target = record_path(layout, slug).parent / f"versie-{number}"
    incoming = target.with_name(f".{target.name}.incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    for folder in CONTENT_FOLDERS:
        source = layout.out_dir / slug / folder
        if source.is_dir():
            shutil.copytree(source, incoming / folder, ignore=shutil.ignore_patterns(".*", *SHOWS_APPROVAL))
    shutil.rmtree(target, ignore_errors=True)  # left by an approval that was killed before its record was written
    os.replace(incoming, target)
    return target


def withdraw(layout: Layout, slug: str, by: str, reason: str, today: dt.date | None = None) -> str:
    """Withdraw the brief's approval; the record keeps the approved versions and says who withdrew it and why."""
    with build_lock(layout):
        find_brief(layout, slug)
        path = record_path(layout, slug)
        record = load(layout, path)
        if status(record) != APPROVED:
            raise ApprovalError(f"Brief {slug} is not approved ({status(record) or 'a concept'}): there is no approval to withdraw.")
        today = today or dt.date.today()
        record["events"].append({"event": WITHDRAWN, "date": today.isoformat(), "by": by.strip(), "reason": reason.strip(),
                                 "version": record["versions"][-1]["version"]})
        record["status"] = WITHDRAWN
        write(path, record)
    return f"Withdrew the approval of brief {slug}: its pages say concept again after kerncijfers build; wrote {shown_path(layout, path)}."
