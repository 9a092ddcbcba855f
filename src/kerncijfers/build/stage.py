"""The steps of a build, each writing into the stage (`data/.kerncijfers/stage/`), never into what is published.

    stage/validated/   a hard-linked copy of data/validated/, and each delivery validated again
    stage/reports/     the report rendered from stage/validated/
    stage/notebooks/   executed validation notebooks on their way into stage/validated/
"""

from __future__ import annotations

import json
import os
import shutil

from kerncijfers.build.errors import BuildFailed
from kerncijfers.build.plan import VALIDATE_NOTEBOOK, Step, brief_keys
from kerncijfers.build.state import SITE, as_published, read_state
from kerncijfers.notebooks import NotebookFailed, display_path
from kerncijfers.paths import BATCH_FILE, Layout


def stage_validated(layout: Layout) -> None:
    """Start the staged validated tree as a copy of what is published, so the report can be
    rendered from the new state before anything is moved into place.

    The copy is made of hard links (a copy where the file system has none): nothing writes
    into a staged file in place. A delivery that is validated again gets a new folder
    (its staged one is removed first), and the report only reads.
    """
    staged = layout.stage / "validated"
    if not layout.validated.is_dir():
        staged.mkdir()
        return
    shutil.copytree(layout.validated, staged, ignore=shutil.ignore_patterns(".*"), copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def validate(layout: Layout, steps: list[Step], say, warnings: list[str], run) -> list[str]:
    """Run the validation notebook for each delivery into stage/validated/; the refusals and crashes, as messages."""
    failures = []
    notebook = layout.notebooks / VALIDATE_NOTEBOOK
    say(f"Validating {len(steps)} deliveries")
    # The first notebook validates every delivery listed here in one GX run per table (see kernels).
    # A file, not a notebook parameter, so executed notebooks do not depend on what a build reran.
    (layout.stage / "validated" / BATCH_FILE).write_text(json.dumps([s.params["peildatum"] for s in steps]), encoding="utf-8")
    for i, step in enumerate(steps, start=1):
        p = step.params["peildatum"]
        say(f"[{i}/{len(steps)}] validate {p}")
        executed = layout.stage / "notebooks" / f"validate-{p}.ipynb"
        shutil.rmtree(layout.stage / "validated" / p, ignore_errors=True)
        folders = {"raw_dir": layout.raw, "expectations_dir": layout.expectations, "stage_dir": layout.stage / "validated"}
        try:
            run(
                notebook, executed,
                {"peildatum": p} | {k: os.path.relpath(v, layout.root) for k, v in folders.items()},
                # The published notebook names the folders as the project does, never this machine's paths.
                shown={"peildatum": p} | {k: display_path(v, layout.root, layout.data_dir.parent) for k, v in folders.items()},
            )
        except NotebookFailed as exc:
            log = layout.state_dir / "logs" / f"validate-{p}.ipynb"
            log.parent.mkdir(parents=True, exist_ok=True)
            if executed.exists():
                shutil.move(executed, log)
            if exc.ename == "DeliveryError":
                failures.append(f"Delivery {p} refused:\n{exc.evalue}")
            else:
                failures.append(f"Validation of {p} crashed ({exc.ename}: {exc.evalue}); the executed notebook is in {log.relative_to(layout.data_dir.parent)}")
            continue
        os.replace(executed, layout.stage / "validated" / p / "validatie.ipynb")
        summary = json.loads((layout.stage / "validated" / p / "validatie.json").read_text(encoding="utf-8"))
        for f in summary["findings"]:
            if f["severity"] == "warning":
                warnings.append(f"{f['file']}, row {f['row']}, column {f['column']}: {f['message']} ({f['value']})")
    (layout.stage / "validated" / BATCH_FILE).unlink()
    return failures


def render(layout: Layout, steps: list[Step], say, notes: list[str], run, force: bool) -> None:
    """Render the report into stage/reports/; a brief whose inputs are as the last build left them is kept.

    A kept brief's folder is copied from what is published, if its files still have the bytes
    the last build wrote; its notebook does not run again. When no brief's entry changed either,
    the published site is the starting point and Quarto renders only the home page and the
    briefs that changed.
    """
    from kerncijfers.report.quarto import RenderFailed
    from kerncijfers.report.render import render_all

    keys = brief_keys(layout, steps)
    last = read_state(layout)
    recorded = last.get("outputs", {}).get("report") or {}
    before = last.get("report", {})
    kept = set() if force else {
        slug for slug, key in keys["briefs"].items()
        if before.get("briefs", {}).get(slug) == key and as_published(layout, slug, recorded)
    }
    site_as_before = not force and before.get("site") == keys["site"] and as_published(layout, SITE, recorded)
    try:
        render_all(layout, layout.stage / "reports", validated_dir=layout.stage / "validated", say=say, notes=notes, run=run,
                   kept=kept, published=layout.out_dir, site_as_before=site_as_before)
    except RenderFailed as exc:
        raise BuildFailed([str(exc)]) from None
