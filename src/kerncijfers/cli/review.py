"""What a reviewer reads: `check-published`, `diff` and `explain`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from kerncijfers.cli.app import DataDir, OutDir, _did_you_mean, _layout, _say, _usage, app, console
from kerncijfers.paths import Layout

@app.command("check-published")
def check_published(
    letter: Optional[str] = typer.Argument(None, help="Folder under data/published/ (default: the latest brief's)."),
    data_dir: Optional[Path] = DataDir,
    all_checks: bool = typer.Option(False, "--all", help="Also list the checks that passed."),
) -> None:
    """Run the delivery rules over a letter as printed; list every inconsistency. Exits 1 if there is any."""
    from kerncijfers.brief import brief_by_slug, load_briefs
    from kerncijfers.published import LetterError, inconsistencies
    from kerncijfers.published import check_published as run_checks

    layout = _layout(data_dir)
    letters = sorted(p.name for p in layout.published.iterdir() if p.is_dir()) if layout.published.is_dir() else []
    if letter is None:
        try:
            letter = brief_by_slug(load_briefs(layout.briefs), None).published
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise _usage(f"no letter given and no default: {exc}") from None
        if letter is None:
            raise _usage(f"the latest brief in {layout.briefs} has no printed letter; name one of: {', '.join(letters) or 'none'}.")
    if letter not in letters:
        raise _usage(f"no letter {letter!r} in {layout.published}; letters: {', '.join(letters) or 'none'}.")
    try:
        checks = run_checks(layout.published / letter)
    except LetterError as exc:
        raise _usage(str(exc)) from None
    found = inconsistencies(checks)
    shown = checks if all_checks else found
    # Plain lines, never cut at the terminal's width: one check per line, its fields separated by tabs
    # (typer.echo, not rich, which would turn the tabs into spaces).
    typer.echo(f"{letter}: {len(found)} inconsistencies in {len(checks)} checks")
    typer.echo("\t".join(("plaats", "cel", "gedrukt", "verwacht", "soort", "regel", "toelichting")))
    for c in shown:
        fields = (c.plaats, c.cel, c.gedrukt, c.verwacht, c.soort if not c.klopt else "ok", c.regel)
        typer.echo("\t".join(fields) + (f"\t{c.toelichting}" if c.toelichting else ""))
    if found:
        raise typer.Exit(1)


@app.command()
def diff(
    peildatum_a: Optional[str] = typer.Argument(None, help="The old peildatum, YYYY-MM-DD."),
    peildatum_b: Optional[str] = typer.Argument(None, help="The new peildatum, YYYY-MM-DD."),
    against: Optional[str] = typer.Option(
        None, "--against", help="Compare this build's published CSVs with a git ref (HEAD, origin/main, a tag) or another build's folder."
    ),
    html_path: Optional[Path] = typer.Option(None, "--html", help="Also write the diff as a self-contained HTML page to this file."),
    table: Optional[list[str]] = typer.Option(None, "--table", help="Only this table (repeatable; between peildata only)."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Colour the output (default: when writing to a terminal)."),
    strict: bool = typer.Option(False, "--strict", help="With --against, also exit 1 when numbers are only added."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """What changed, cell by cell: between two peildata, or (--against) between this build and another.

    With --against, exits 1 when a published number changes or disappears, so it can guard CI or a release.
    """
    import os

    from kerncijfers.diff import added_published_numbers, changed_published_numbers, diff_against, diff_peildata, render_html, render_terminal

    layout = _layout(data_dir)
    if (against is None) == (peildatum_a is None or peildatum_b is None) or (against is not None and peildatum_a is not None):
        raise _usage("Give two peildata (kerncijfers diff 2023-05-01 2023-10-01) or --against <git ref or folder>, not both.")
    try:
        if against is not None:
            result = diff_against(layout.root, against)
        else:
            result = diff_peildata(layout.validated, peildatum_a, peildatum_b, table or None)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    except FileNotFoundError as exc:  # no git on PATH for --against <ref>
        raise _usage(f"--against {against}: {exc.strerror}: {exc.filename} (git is needed to read a ref; or give a build's folder)") from None
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # typer.echo, not rich: CSV values may hold [brackets] that rich would read as markup.
    typer.echo(render_terminal(result, color=color), nl=False, color=color)
    if html_path is not None:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(render_html(result), encoding="utf-8", newline="\n")
        _say(f"wrote {html_path}")
    if against is not None:
        changed, added = changed_published_numbers(result), added_published_numbers(result)
        if changed or (strict and added):
            _say(f"{changed} published numbers would change or disappear, {added} would be added, against {against}.", "red")
            raise typer.Exit(1)


@app.command()
def explain(
    brief: str = typer.Argument(..., help="The brief's slug in briefs.yml, e.g. 2023-12."),
    figure: str = typer.Argument(..., help="A table cell (tabel_2:2018:Totaal:Voldaan), a sentence figure's stable id (pip_pct_oktober) or the name the text writes (pip_pct)."),
    data_dir: Optional[Path] = DataDir,
    out_dir: Optional[Path] = OutDir,
) -> None:
    """Where a published figure comes from: its computation, the delivered cells, the rules they passed.

    Reads reports/<brief>/exports/provenance.csv, written by `kerncijfers build`. Names are matched
    without regard to case, spaces or punctuation. Exits 2 for an unknown brief or figure.
    """
    from kerncijfers.brief import load_briefs
    from kerncijfers.catalogue.evaluate import DEFINITIONS, named_ids
    from kerncijfers.provenance import EXPORT, close_names, find, read_csv
    from kerncijfers.provenance_text import explain as explain_figure

    layout = _layout(data_dir, out_dir)
    briefs = {b.slug: b for b in load_briefs(layout.briefs)}
    slugs = list(briefs)
    if brief not in slugs:
        _say(f"No brief {brief!r} in {layout.briefs.name}{_did_you_mean(close_names(brief, slugs)) or '.'} Known: {', '.join(slugs)}.", "red")
        raise typer.Exit(2)
    path = layout.out_dir / brief / "exports" / EXPORT
    if not path.exists():
        _say(f"No provenance for brief {brief}: {path} is missing. Run `kerncijfers build` first.", "red")
        raise typer.Exit(2)
    figures = read_csv(path)
    # A stable id (pip_pct_oktober, tabel_2:2018:Totaal:Voldaan), or the name the text writes (pip_pct).
    found = find(figures, figure) or [f for i in named_ids(layout.validated, briefs[brief], figure) for f in find(figures, i)]
    if not found:
        names = sorted({f.id for f in figures} | set(DEFINITIONS))
        hint = _did_you_mean(close_names(figure, names)) or " (name a table cell as tabel_2:2018:Totaal:Voldaan, a sentence figure by its id; see the column figure of provenance.csv)"
        _say(f"No figure {figure!r} in brief {brief}{hint}" + ("" if hint.endswith("?") else "."), "red")
        raise typer.Exit(2)
    console.print("\n\n".join(explain_figure(f) for f in found), markup=False)
    _explain_version(layout, brief, found)



def _explain_version(layout: Layout, brief: str, found: list) -> None:
    """Which version of an approved brief the figures explained belong to (kerncijfers.approval)."""
    from kerncijfers.approval import ApprovalError, load, record_path
    from kerncijfers.revisions import version_line

    try:
        record = load(layout, record_path(layout, brief))
    except ApprovalError as exc:
        _say(str(exc), "red")
        return
    for line in dict.fromkeys(version_line(record, f.id, f.shown) for f in found):
        if line:
            console.print(line, markup=False)
