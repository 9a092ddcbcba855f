"""Sign-off: `approve` (and withdraw) a brief, `verify` what is published against its approval."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kerncijfers.cli.app import BUILD_LOCKED, DataDir, OutDir, _layout, _say, _usage, app, console

@app.command()
def approve(
    brief: str = typer.Argument(..., help="The brief's slug in briefs.yml, e.g. 2023-12."),
    by: Optional[str] = typer.Option(None, "--by", help="Who approves (or withdraws): the reviewer's name."),
    role: Optional[str] = typer.Option(None, "--role", help="The reviewer's role, e.g. \"hoofd statistiek\"."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the brief's approval (needs --reason)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="With --withdraw: why."),
    data_dir: Optional[Path] = DataDir,
    out_dir: Optional[Path] = OutDir,
) -> None:
    """Record that a reviewer approved the brief's figures as published now (data/briefs/<brief>/vastgesteld.json).

    The record holds the SHA-256 of every file that carries the brief's figures; a later build
    that would change one is refused unless it is a revision (kerncijfers build --revise).

    Exits 1 when the approval is refused (the last build refused a delivery, the published files
    are not as it wrote them, the record was tampered with), 2 for an unknown brief or an empty
    --by, 3 when a build of the same data tree is running (approve again when it is finished).
    """
    from kerncijfers.approval import ApprovalError, UnknownBrief
    from kerncijfers.approval import approve as record_approval
    from kerncijfers.approval import withdraw as withdraw_approval
    from kerncijfers.build import BuildLocked

    layout = _layout(data_dir, out_dir)
    if by is None or not by.strip():
        raise _usage("--by: give the name of who approves, e.g. --by \"A. de Vries\" (it is shown on the brief's pages).")
    if withdraw and (reason is None or not reason.strip()):
        raise _usage("--withdraw needs --reason \"<why>\": the record keeps it.")
    if reason is not None and not withdraw:
        raise _usage("--reason goes with --withdraw (a revision's reason goes with kerncijfers build --revise).")
    try:
        message = withdraw_approval(layout, brief, by, reason) if withdraw else record_approval(layout, brief, by, role)
    except UnknownBrief as exc:
        raise _usage(str(exc)) from None
    except BuildLocked as exc:
        _say(f"Approval refused: {exc}", "red")
        raise typer.Exit(BUILD_LOCKED) from None
    except ApprovalError as exc:
        _say(str(exc), "red")
        raise typer.Exit(1) from None
    except (ValueError, OSError) as exc:  # briefs.yml unreadable, a folder that cannot be written
        _say(f"Approval not recorded: {exc}", "red")
        raise typer.Exit(1) from None
    console.print(message, markup=False)


@app.command()
def verify(
    brief: Optional[str] = typer.Argument(None, help="The brief's slug (default: every brief with an approval record)."),
    data_dir: Optional[Path] = DataDir,
    out_dir: Optional[Path] = OutDir,
) -> None:
    """Check that what is published is what was approved, byte for byte; exits 1 naming each file that differs.

    The approved files by their SHA-256; the pages and the Word file by rebuilding them into a scratch folder.
    Exits 1 when a file differs, the brief is not approved or was revised since, or the rebuild
    fails; 2 for an unknown brief; 3 when a build of the same data tree is running.
    """
    from kerncijfers.approval import ApprovalError, UnknownBrief
    from kerncijfers.build import BuildLocked
    from kerncijfers.report.quarto import RenderFailed
    from kerncijfers.verify import verify as run_verify

    layout = _layout(data_dir, out_dir)
    try:
        verdicts = run_verify(layout, brief, say=lambda m: _say(m, "dim"))
    except UnknownBrief as exc:
        raise _usage(str(exc)) from None
    except BuildLocked as exc:
        _say(f"Verify refused: {exc}", "red")
        raise typer.Exit(BUILD_LOCKED) from None
    except (RenderFailed, ApprovalError, ValueError) as exc:
        _say(f"Verify could not rebuild: {exc}", "red")
        raise typer.Exit(1) from None
    if not verdicts:
        console.print("No brief has been approved: nothing to verify (kerncijfers approve <brief> --by NAME).", markup=False)
        return
    failed = False
    for v in verdicts:
        for problem in v.problems:
            _say(problem if problem.startswith("Brief ") else f"Brief {v.brief}: {problem}", "red")
        if v.problems:
            failed = True
        else:
            console.print(v.ok, markup=False)
    if failed:
        raise typer.Exit(1)
