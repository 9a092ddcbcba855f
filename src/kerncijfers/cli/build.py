"""`build` and `validate`: validate deliveries and publish the report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kerncijfers.cli.app import BUILD_LOCKED, DataDir, OutDir, _count, _layout, _peildatum, _say, _usage, app, console, err
from kerncijfers.paths import Layout

@app.command()
def build(
    data_dir: Optional[Path] = DataDir,
    out_dir: Optional[Path] = OutDir,
    force: bool = typer.Option(False, "--force", help="Rebuild every step, even if its inputs did not change."),
    revise: Optional[str] = typer.Option(None, "--revise", help="Let this build change the figures of this approved brief, as a visible revision."),
    reason: Optional[str] = typer.Option(None, "--reason", help="With --revise: why the approved figures change (shown on the brief's pages)."),
) -> None:
    """Validate every delivery in raw/ and build the report. Only steps whose inputs changed run.

    Exits 1 when a delivery is refused or a step fails (nothing is published then), 3 when
    another build of the same data tree is running.
    """
    from kerncijfers.approval import ApprovalError
    from kerncijfers.build import BuildFailed, BuildLocked, PublicationBroken, run_build

    layout = _layout(data_dir, out_dir)
    if revise is not None:
        _check_revision(layout, revise, reason)
    elif reason is not None:
        raise _usage("--reason goes with --revise <brief>: kerncijfers build --revise 2023-12 --reason \"<why>\".")
    said: list[str] = []

    def progress(message: str) -> None:
        said.append(message)
        _say(message, "dim")

    try:
        result = run_build(layout, force=force, progress=progress, revise=revise, reason=reason)
    except ApprovalError as exc:
        _say(f"Build refused: {exc}", "red")
        raise typer.Exit(1) from None
    except BuildLocked as exc:
        _say(f"Build refused: {exc}", "red")
        raise typer.Exit(BUILD_LOCKED) from None
    except PublicationBroken as exc:
        _say(f"Build stopped: {exc}", "red")
        raise typer.Exit(1) from None
    except BuildFailed as exc:
        for message in exc.messages:
            _say(message, "red")
        _say("Nothing was published: data/validated/ and reports/ are as they were before this build.", "red")
        raise typer.Exit(1) from None
    for warning in result.warnings:
        _say(f"warning: {warning}", "yellow")
    for note in result.notes:
        if not any(line.startswith(note) for line in said):  # each message once: a note may have been said as progress
            _say(note)
    if not result.ran:
        console.print(f"Nothing to do: {_count(len(result.skipped), 'step')} up to date.", markup=False)
    else:
        console.print(f"Built {_count(len(result.ran), 'step')} ({_steps(result.ran)}); {len(result.skipped)} up to date.", markup=False)


def _steps(ids: list[str], shown: int = 6) -> str:
    """Step ids as a list, or for a long history the count of deliveries validated, first and last."""
    if len(ids) <= shown:
        return ", ".join(ids)
    validated = [i.split(":", 1)[1] for i in ids if i.startswith("validate:")]
    others = [i for i in ids if not i.startswith("validate:")]
    return ", ".join([f"validate: {len(validated)} deliveries, {validated[0]} to {validated[-1]}", *others])


def _check_revision(layout: Layout, brief: str, reason: Optional[str]) -> None:
    from kerncijfers.approval import ApprovalError, UnknownBrief
    from kerncijfers.revisions import check_revision

    if reason is None or not reason.strip():
        raise _usage(f"--revise {brief} needs --reason \"<why>\": the brief's pages show it with each changed figure.")
    try:
        check_revision(layout, brief)
    except UnknownBrief as exc:
        raise _usage(str(exc)) from None
    except (ApprovalError, ValueError) as exc:
        _say(f"Build refused: {exc}", "red")
        raise typer.Exit(1) from None



@app.command()
def validate(peildatum: str = typer.Argument(..., help="The delivery folder, YYYY-MM-DD."), data_dir: Optional[Path] = DataDir) -> None:
    """Check one delivery without publishing it. Exits 1 if it would be refused."""
    from kerncijfers.errors import DeliveryError
    from kerncijfers.pipeline import checked_counts, validate_delivery

    layout = _layout(data_dir)
    _peildatum(peildatum)
    folder = layout.raw / peildatum
    if not folder.is_dir():
        known = sorted(p.name for p in layout.raw.iterdir() if p.is_dir()) if layout.raw.is_dir() else []
        raise _usage(f"no delivery folder {folder}; delivery folders: {', '.join(known) or 'none'}.")
    with err.status(f"Validating {peildatum} (Great Expectations takes a few seconds to load)"):
        try:
            result = validate_delivery(layout.raw, peildatum, layout.expectations)
        except DeliveryError as exc:
            for finding in exc.findings:
                _say(str(finding), "red")
            files = len({f.file for f in exc.findings})
            _say(f"Delivery {peildatum} would be refused: {_count(len(exc.findings), 'problem')} in {_count(files, 'file')}.", "red")
            raise typer.Exit(1) from None
    for finding in result.warnings:
        _say(f"warning: {finding}", "yellow")
    s = result.summary
    tables, cross_checks = checked_counts(s)
    console.print(
        f"Delivery {peildatum} accepted: {_count(s['expectations_evaluated'], 'rule')} over {_count(tables, 'table')} "
        f"and {_count(cross_checks, 'cross-table check')}, {_count(s['warnings'], 'warning')}.",
        markup=False,
    )
