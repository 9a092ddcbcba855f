"""`run_build`: raw -> validated -> reports, staged, then published together.

Outputs are written to the stage and moved into place only when every step succeeded: a
refused delivery or a crash leaves what was published before.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field

from kerncijfers.build import kernels, stage
from kerncijfers.build.errors import BuildFailed
from kerncijfers.build.lock import build_lock
from kerncijfers.build.plan import Step, brief_keys, plan
from kerncijfers.build.publish import finish_publication, publish, recover
from kerncijfers.build.state import output_hashes, read_state, stale_steps, write_state
from kerncijfers.paths import Layout


@dataclass
class BuildResult:
    ran: list[str]
    skipped: list[str]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_build(layout: Layout, *, force: bool = False, progress=None, revise: str | None = None, reason: str | None = None) -> BuildResult:
    """Run the stale steps and publish their outputs together. Raises BuildFailed, publishing nothing.

    `revise` names an approved brief whose figures this build may change, for `reason`
    (kerncijfers.revisions); such a build renders everything again.
    """
    from kerncijfers import revisions  # imports approval, which reads records only a report build needs

    say = progress or (lambda msg: None)
    force = force or revise is not None
    _check_inputs(layout)
    with build_lock(layout):
        recover(layout, say)  # says what it did, also when this build then fails
        steps = plan(layout)
        stale = stale_steps(layout, steps, force, say)
        result = BuildResult(ran=[s.id for s in stale], skipped=[s.id for s in steps if s not in stale])
        if not stale:
            return result
        validate = [s for s in stale if s.kind == "validate"]
        report = any(s.kind == "report" for s in stale)
        _build_stage(layout, steps, validate, report, force, say, result, lambda: revisions.stage_revision(layout, revise, reason))

        # The stage holds every output of this build, and nothing published has changed yet:
        # an approved brief's figures change only by a revision (kerncijfers.revisions).
        try:
            revisions.guard(layout, revise)
        except BaseException:
            shutil.rmtree(layout.stage, ignore_errors=True)  # nothing was published
            raise
        moves = publish(layout, validate, report, say)
        _record(layout, result, report)
        finish_publication(layout, moves)
        return result


def _build_stage(layout: Layout, steps: list[Step], validate: list[Step], report: bool, force: bool, say, result: BuildResult,
                 stage_records) -> None:
    """Validate the stale deliveries and render the report into the stage; on any failure, remove the stage.

    `stage_records` writes what the stage needs before rendering: a revision's approval record.
    """
    if layout.stage.exists():
        shutil.rmtree(layout.stage)  # left by a killed build that published nothing (recover() ran)
    layout.stage.mkdir(parents=True)
    try:
        stage_records()
        with contextlib.ExitStack() as validation, kernels.report_kernel(layout, report) as render_run:
            validate_run = validation.enter_context(kernels.validation_kernel(layout)) if validate else None
            stage.stage_validated(layout)
            if report:
                # This process builds the site: it imports nbconvert while the kernels start.
                import kerncijfers.report.preview  # noqa: F401
            failures = stage.validate(layout, validate, say, result.warnings, validate_run) if validate else []
            validation.close()
            if failures:
                raise BuildFailed(failures)
            if report:
                stage.render(layout, steps, say, result.notes, render_run, force)
    except BaseException:
        shutil.rmtree(layout.stage, ignore_errors=True)  # nothing was published
        raise


def _record(layout: Layout, result: BuildResult, report: bool) -> None:
    """Write the state: each step's key and the bytes of every file it published, as they are now.

    Planned again: the manifests written at publication change the delivery folders' hashes.
    """
    state = read_state(layout)
    state.setdefault("steps", {})
    state.setdefault("outputs", {})
    published_steps = plan(layout)
    for s in published_steps:
        if s.id in result.ran:
            state["steps"][s.id] = s.key
            state["outputs"][s.id] = output_hashes(layout, s)
    if report:
        state["report"] = brief_keys(layout, published_steps)  # what the next build keeps a brief by
    write_state(layout, state)


def _check_inputs(layout: Layout) -> None:
    """Refuse a data folder without deliveries or briefs before anything is written into it."""
    problems = []
    if not layout.raw.is_dir():
        problems.append(f"No raw/ folder in {layout.data_dir}: put each delivery in raw/<peildatum>/ "
                        "(data/raw/README.md says what a delivery holds), or pass the right --data-dir.")
    if not layout.briefs.is_file():
        problems.append(f"No briefs.yml in {layout.data_dir}: list the briefs to build, as data/briefs.yml does.")
    if problems:
        raise BuildFailed(problems)
