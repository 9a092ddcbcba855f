"""An approved brief changes only by a visible revision: the build's guard, `--revise`, and each figure's version.

`guard` is the build's last step before publishing. It refuses a result that would change a file
in an approved brief's manifest (kerncijfers.approval), naming the brief, the files, the figures
that would change and the ways on. With `kerncijfers build --revise <brief> --reason TEXT`,
`stage_revision` first writes the revised record into the build's stage, so the brief's pages are
rendered as revised (report.vaststelling), and `guard` completes it with the changed figures.
"""

from __future__ import annotations

import datetime as dt

from kerncijfers.build.errors import BuildFailed
from kerncijfers.approval import (
    APPROVED, PROVENANCE, REVISED, WITHDRAWN, ApprovalError, approved_version, change_text, changed_figures, current,
    figures, find_brief, load, manifest, manifest_differences, record_path, staged_record_path, status, write,
)
from kerncijfers.paths import Layout

#: How many changed figures a refusal names before it counts the rest.
SHOWN_CHANGES = 12


class ApprovedBriefWouldChange(BuildFailed):
    """A build would change what a reviewer approved; nothing is published."""


def check_revision(layout: Layout, slug: str) -> None:
    """Refuse `--revise` of a brief that is not approved: a plain build publishes its changes."""
    find_brief(layout, slug)
    record = load(layout, record_path(layout, slug))
    if status(record) != APPROVED:
        raise ApprovalError(
            f"Brief {slug} is not approved ({status(record) or 'a concept'}), so there is nothing to revise: build without --revise."
        )


def stage_revision(layout: Layout, slug: str | None, reason: str | None, today: dt.date | None = None) -> None:
    """Write the revised record into the build's stage, so the brief's pages are rendered as revised."""
    if slug is None:
        return
    check_revision(layout, slug)
    record = load(layout, record_path(layout, slug))
    today = (today or dt.date.today()).isoformat()
    number = record["versions"][-1]["version"]
    record["revisions"].append({"date": today, "reason": reason.strip(), "version": number, "changes": []})
    record["events"].append({"event": REVISED, "date": today, "reason": reason.strip(), "version": number})
    record["status"] = REVISED
    write(staged_record_path(layout, slug), record)


def guard(layout: Layout, revise: str | None = None) -> None:
    """Before publication: refuse a build that would change an approved brief's manifest, or finish its revision.

    Raises ApprovedBriefWouldChange naming each brief, the files and figures that would change,
    and the ways on. For the brief being revised, the changed figures go into its record, which
    is put in place now.
    """
    from kerncijfers.brief import load_briefs

    reports = layout.stage / "reports" if (layout.stage / "reports").is_dir() else layout.out_dir
    validated = layout.stage / "validated"
    problems = []
    for brief in load_briefs(layout.briefs):
        try:
            record = current(layout, brief.slug)
        except ApprovalError as exc:
            problems.append(str(exc))
            continue
        version = approved_version(record)
        if version is None or status(record) == WITHDRAWN:
            continue
        now = manifest(layout, brief, reports=reports, validated=validated)
        differing = manifest_differences(version["manifest"], now)
        changes = changed_figures(version["figures"], figures(reports / brief.slug / "exports" / PROVENANCE))
        if brief.slug == revise:
            if not differing:
                problems.append(f"Brief {brief.slug}: nothing it was approved with would change, so there is nothing to revise; build without --revise.")
                continue
            record["revisions"][-1]["changes"] = changes
            # Both: the staged copy is what this build's keys read until the stage is gone.
            write(staged_record_path(layout, brief.slug), record)
            write(record_path(layout, brief.slug), record)
        elif status(record) == APPROVED and differing:
            problems.append(_refusal(brief, version, differing, changes))
    if problems:
        raise ApprovedBriefWouldChange(problems)


def _refusal(brief, version: dict, differing: list[str], changes: list[dict]) -> str:
    files = ", ".join(differing[:5]) + (f" and {len(differing) - 5} more" if len(differing) > 5 else "")
    if changes:
        shown = "; ".join(change_text(c) for c in changes[:SHOWN_CHANGES])
        more = f"; and {len(changes) - SHOWN_CHANGES} more" if len(changes) > SHOWN_CHANGES else ""
        figures_line = f"Figures that would change ({len(changes)}): {shown}{more}."
    else:
        figures_line = "No figure it shows would change, but the files it was approved with would."
    role = f" ({version['role']})" if version.get("role") else ""
    return "\n".join([
        f"Brief {brief.slug} is approved (version {version['version']}, {version['date']}, by {version['by']}{role}); "
        f"this build would change {len(differing)} of its approved files: {files}.",
        figures_line,
        f'Either revise it visibly: kerncijfers build --revise {brief.slug} --reason "<why>"; or put the correction where it '
        f"belongs: a later peildatum, after the brief's cut-off {brief.cutoff.isoformat()}.",
    ])


def version_rows(record: dict | None, current_figures: dict[str, str]) -> list[dict]:
    """Per figure of the brief: the version it belongs to, and its value in the last approved version."""
    version = approved_version(record)
    if version is None:
        return []
    approved = version["figures"]
    revision = record["revisions"][-1] if status(record) == REVISED and record.get("revisions") else None
    label = f"versie {version['version']} (vastgesteld {version['date']})"
    out = []
    for figure, shown in current_figures.items():
        revised = revision is not None and approved.get(figure) != shown
        out.append({
            "figure": figure, "shown": shown,
            "versie": f"herzien {revision['date']}" if revised else label,
            "vastgesteld": approved.get(figure, ""),
        })
    return out


def version_line(record: dict | None, figure: str, shown: str) -> str | None:
    """For `kerncijfers explain`, in Dutch as its output: which version of the brief the figure belongs to; None for a concept."""
    rows = version_rows(record, {figure: shown})
    if not rows:
        return None
    r, number = rows[0], approved_version(record)["version"]
    if r["versie"].startswith("herzien"):
        return f"Versie: {r['versie'].replace('herzien', 'herzien op', 1)}, na versie {number}; in versie {number} was het {r['vastgesteld'] or '(niet opgenomen)'}."
    later = {APPROVED: "", REVISED: ", ongewijzigd in de herziening daarna", WITHDRAWN: ", vaststelling ingetrokken"}[status(record)]
    return f"Versie: {r['versie']}{later}."
