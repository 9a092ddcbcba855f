"""The build's two kept-alive kernels, and what each loads as it starts.

Both start together as soon as the build knows what to run, and warm up on the second core
while this process stages its copy. What each kernel keeps, and when that goes stale:

- The validation kernel imports Great Expectations and loads the suites
  (`pipeline.validator_for`, cached per suite folder for the kernel's life: a build never
  changes expectations/). Its first notebook validates every delivery of the build in one
  GX run per table (`pipeline.validate_to_stage`, cached per list of deliveries and their
  files' sizes and times); the list comes from `BATCH_FILE` in the staged validated
  folder, which `stage.validate` writes. The kernel is shut down before the report runs.
- The report kernel imports pandas, Altair and vl-convert and computes every brief from
  what is published (`report.render.warm_up`): the files it read stay
  cached (`kerncijfers.store`, keyed by path, size and modification time), so the report
  then reads only the deliveries that are new.

Each kernel lives for one build, so no cache outlives the inputs it was made from.
"""

from __future__ import annotations

from contextlib import contextmanager

from kerncijfers.notebooks import kernel_session
from kerncijfers.paths import Layout


@contextmanager
def validation_kernel(layout: Layout):
    """Yield `run(notebook, output, parameters, shown)` for the validation notebooks."""
    warm = ("kerncijfers.pipeline.validator_for", layout.expectations)
    with kernel_session(layout.root, log=layout.state_dir / "kernel.log", warm=warm) as run:
        yield run


@contextmanager
def report_kernel(layout: Layout, needed: bool):
    """Yield `run` for the brief notebooks, or None when the build renders no report."""
    if not needed:
        yield None
        return
    warm = ("kerncijfers.report.render.warm_up", layout.validated, layout.briefs)
    with kernel_session(layout.root, log=layout.state_dir / "kernel-report.log", warm=warm) as run:
        yield run
