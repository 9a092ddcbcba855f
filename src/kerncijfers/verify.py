"""`kerncijfers verify [<brief>]`: is what is published what the reviewer approved, byte for byte?

Two checks per approved brief:

1. The manifest of its approval record (kerncijfers.approval): every file that carries its
   figures (exports, open data, validated tables up to the cut-off) still has the approved SHA-256.
2. Its pages and Word file, which show the approval and so are not in the manifest: the brief
   is rendered again into a scratch folder (builds are deterministic) and every file of
   `reports/<brief>/` and `reports/_site/<brief>/` is compared with the published one.

A brief that is not approved, was withdrawn, or was revised since, fails with one line saying so.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers import approval
from kerncijfers.build.lock import build_lock
from kerncijfers.build.publish import JOURNAL
from kerncijfers.build.stage import stage_validated
from kerncijfers.paths import Layout

SITE = "_site"


@dataclass
class Verdict:
    brief: str
    problems: list[str] = field(default_factory=list)
    ok: str = ""


def _files(folder: Path) -> dict[str, Path]:
    """Every file under `folder` by its relative path; hidden entries (Quarto's cache) are not published."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def compare_folders(published: Path, rebuilt: Path, shown: str) -> list[str]:
    """The files that differ between a published folder and its rebuild: `<shown>/<path> (changed|missing|not rebuilt)`."""
    ours, theirs = _files(published), _files(rebuilt)
    out = []
    for rel in sorted(set(ours) | set(theirs)):
        if rel not in ours:
            out.append(f"{shown}/{rel} (missing: a rebuild writes it)")
        elif rel not in theirs:
            out.append(f"{shown}/{rel} (a rebuild does not write it)")
        elif ours[rel].read_bytes() != theirs[rel].read_bytes():
            out.append(f"{shown}/{rel} (differs from a rebuild)")
    return out


def status_problem(slug: str, record: dict | None) -> str | None:
    """Why the brief is not approved now, in one line; None when it is."""
    state = approval.status(record)
    if state == approval.APPROVED:
        return None
    if state is None:
        return f"Brief {slug} is not approved (a concept): kerncijfers approve {slug} --by \"<name>\" after review."
    version = approval.approved_version(record)
    if state == approval.REVISED:
        r = record["revisions"][-1]
        return (f"Brief {slug} was revised on {r['date']} ({r['reason']}) since version {version['version']} was approved "
                f"on {version['date']} by {version['by']}: it is not approved; review the revision and approve it again.")
    event = record["events"][-1]
    return f"Brief {slug} is not approved: its approval was withdrawn on {event['date']} ({event.get('reason', '')})."


def verify(layout: Layout, slug: str | None = None, *, rebuild: bool = True, say=lambda msg: None) -> list[Verdict]:
    """Check the named brief, or every brief that has an approval record. Raises approval.UnknownBrief."""
    from kerncijfers.brief import load_briefs

    briefs = [approval.find_brief(layout, slug)] if slug else [
        b for b in load_briefs(layout.briefs) if approval.record_path(layout, b.slug).exists()
    ]
    verdicts, to_rebuild = [], []
    with build_lock(layout):
        for brief in briefs:
            verdict = Verdict(brief.slug)
            verdicts.append(verdict)
            try:
                record = approval.load(layout, approval.record_path(layout, brief.slug))
            except approval.ApprovalError as exc:
                verdict.problems.append(str(exc))
                continue
            problem = status_problem(brief.slug, record)
            if problem:
                verdict.problems.append(problem)
                continue
            version = approval.approved_version(record)
            verdict.problems += [f"{d}: not as approved" for d in
                                 approval.manifest_differences(version["manifest"], approval.manifest(layout, brief))]
            verdict.ok = (f"Brief {brief.slug} is as approved: version {version['version']}, {version['date']}, by {version['by']}; "
                          f"fingerprint {version['fingerprint']}.")
            to_rebuild.append(verdict)
        if rebuild and to_rebuild:
            _compare_with_rebuild(layout, to_rebuild, say)
    return verdicts


def _compare_with_rebuild(layout: Layout, verdicts: list[Verdict], say) -> None:
    from kerncijfers.report.render import render_all

    if (layout.state_dir / JOURNAL).exists():
        raise approval.ApprovalError("an interrupted build left its publication unfinished: run kerncijfers build first, then verify")
    # Rendered as a build renders: from the staged copy of data/validated/, which the executed notebook names.
    # The build lock is held, so no build uses the stage now.
    shutil.rmtree(layout.stage, ignore_errors=True)
    layout.stage.mkdir(parents=True)
    try:
        stage_validated(layout)
        scratch = layout.stage / "reports"
        say("Rebuilding the pages and Word files into a scratch folder to compare them byte for byte")
        render_all(layout, scratch, say=say, notes=[], validated_dir=layout.stage / "validated")  # kernel log in the state folder
        out = layout.out_dir.name
        for verdict in verdicts:
            slug = verdict.brief
            verdict.problems += compare_folders(layout.out_dir / slug, Path(scratch) / slug, f"{out}/{slug}")
            verdict.problems += compare_folders(layout.out_dir / SITE / slug, Path(scratch) / SITE / slug, f"{out}/{SITE}/{slug}")
    finally:
        shutil.rmtree(layout.stage, ignore_errors=True)
