"""The brief's text: the `figures` it can name, and a `new-brief` started from the previous one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from kerncijfers.cli.app import DataDir, _did_you_mean, _layout, _peildatum, _usage, app, err

@app.command()
def figures(
    brief: str = typer.Argument(..., help="The brief's slug in briefs.yml, e.g. 2023-12."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """Every figure the brief's text can name, as CSV on stdout: name, shown, meaning, unit, table, peildatum, ids, rule.

    `name` is what the text writes, {{ name }}; `shown` how it appears (empty, with the reason in
    `missing`, when its delivery is not there). Messages go to stderr. Exits 2 for an unknown brief.
    """
    import csv

    from kerncijfers.brief import load_briefs
    from kerncijfers.build.state import shown
    from kerncijfers.catalogue.evaluate import evaluate
    from kerncijfers.provenance import close_names

    layout = _layout(data_dir)
    briefs = {b.slug: b for b in load_briefs(layout.briefs)}
    if brief not in briefs:
        raise _usage(f"No brief {brief!r} in {layout.briefs.name}{_did_you_mean(close_names(brief, list(briefs))) or '.'} Known: {', '.join(briefs)}.")
    catalogue = evaluate(layout.validated, briefs[brief])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["name", "shown", "meaning", "unit", "table", "peildatum", "ids", "rule", "missing"])
    for name, d in catalogue.definitions().items():
        c = catalogue.figures.get(name)
        missing = catalogue.missing[name].detail if name in catalogue.missing else ""
        writer.writerow([name, c.shown if c else "", d.meaning, d.unit, d.table, c.peildatum.isoformat() if c else "",
                         " ".join(c.ids) if c else "", d.rule, missing])
    err.print(f"{len(catalogue.figures)} of {len(catalogue.definitions())} figures computed for brief {brief}; write one in "
              f"{shown(layout, briefs[brief].tekst) if briefs[brief].tekst else 'the text'} as {{{{ name }}}}", markup=False)


@app.command("new-brief")
def new_brief(
    slug: str = typer.Argument(..., help="The new brief's slug, e.g. 2024-06: its folder in the report and in data/briefs/."),
    source: str = typer.Option(..., "--from", help="The brief whose text to start from, e.g. 2023-12."),
    titel: str = typer.Option(..., prompt=True, help="Title, e.g. 'Uitvoeringsbrief inburgering juni 2024'."),
    datum: str = typer.Option(..., prompt=True, help="Date of the letter, YYYY-MM-DD."),
    kamerstuk: str = typer.Option(..., prompt=True, help="Kamerstuk number, e.g. '32 824, nr. 420'."),
    peildatum: str = typer.Option(..., prompt=True, help="The brief's main peildatum, YYYY-MM-DD."),
    cutoff: str = typer.Option(..., prompt=True, help="The last peildatum a table may come from, YYYY-MM-DD."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """Start the next brief from the previous one: add its entry to briefs.yml and copy the previous text.

    Then edit data/briefs/<slug>/tekst.md (see docs/next-brief.md) and run `kerncijfers build`.
    Exits 2 when the slug exists, the previous brief is unknown or a date is wrong.
    """
    import datetime as dt

    from kerncijfers.brief import new_brief as add

    layout = _layout(data_dir)
    dates = {what: dt.date.fromisoformat(_peildatum(v, what)) for what, v in (("datum", datum), ("peildatum", peildatum), ("cutoff", cutoff))}
    try:
        target = add(layout.briefs, slug, source, titel=titel, kamerstuk=kamerstuk, **dates)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    err.print(f"added brief {slug} to {layout.briefs}; its text is {target}, copied from brief {source}: edit it, then run kerncijfers build",
              markup=False)
