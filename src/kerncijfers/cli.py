"""The `kerncijfers` command line.

Heavy libraries (pandas, Great Expectations, papermill) are imported inside
the commands that need them, so `kerncijfers build` with nothing to do and
`kerncijfers --help` return at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kerncijfers.paths import Layout

app = typer.Typer(
    help="Validate DUO deliveries and regenerate the figures of the uitvoeringsbrief inburgering.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help (Click's): typer's rich panels label every flag "<bool>", which reads as if it took a value.
    rich_markup_mode=None,
)
# soft_wrap: a message stays one line, however narrow the terminal or wherever the output goes.
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = typer.Option(None, "--data-dir", help="Data tree with raw/, validated/ and briefs.yml (default: data/).")
OutDir = typer.Option(None, "--out-dir", help="Where the report goes (default: reports/).")


#: Exit codes (README, Exit codes): 1 = the data or the letter has a problem (refused, inconsistent);
#: 2 = the command was used wrongly; 3 = another build is running (build only).
USAGE_ERROR = 2
BUILD_LOCKED = 3


def _usage(message: str) -> typer.Exit:
    """One line saying how the command was used wrongly; raise the returned Exit (code 2)."""
    err.print(message, style="red", markup=False)
    return typer.Exit(USAGE_ERROR)


def _layout(data_dir: Optional[Path], out_dir: Optional[Path] = None) -> Layout:
    if data_dir is not None and not Path(data_dir).is_dir():
        raise _usage(f"--data-dir {data_dir}: no such folder; pass a data tree with raw/ and briefs.yml (default: data/).")
    try:
        return Layout.make(data_dir=data_dir, out_dir=out_dir)
    except FileNotFoundError as exc:
        raise _usage(str(exc)) from None


def _peildatum(value: str, what: str = "peildatum") -> str:
    """A peildatum argument as YYYY-MM-DD, or a usage error naming what is wrong with it."""
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit():
            raise _usage(f"{what} {value} is not a date: {exc}. Write it as YYYY-MM-DD, e.g. 2024-05-01.") from None
        raise _usage(f"{what} {value!r} is not written as YYYY-MM-DD, e.g. 2024-05-01.") from None
    return value


def _say(message: str, style: str | None = None) -> None:
    """Print a message from a delivery or the build as it is: values may hold [brackets], which rich reads as markup."""
    err.print(message, style=style, markup=False)


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


def _count(n: int, noun: str) -> str:
    """'1 table', '4 tables'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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
def template(
    peildatum: str = typer.Argument(..., help="Peildatum of the new delivery, YYYY-MM-DD."),
    fmt: str = typer.Option("csv", "--format", help="csv or xlsx."),
    data_dir: Optional[Path] = DataDir,
    table: Optional[list[str]] = typer.Option(None, "--table", help="Only these tables (repeatable)."),
) -> None:
    """Write an empty delivery folder raw/<peildatum>/ with the contract's headers, to fill in."""
    from kerncijfers.template import write_template

    if fmt not in ("csv", "xlsx"):
        raise _usage(f"--format {fmt}: choose csv or xlsx.")
    _peildatum(peildatum)
    layout = _layout(data_dir)
    try:
        paths = write_template(layout.raw / peildatum, peildatum, fmt, table)
    except (FileExistsError, ValueError) as exc:
        raise _usage(str(exc)) from None
    for p in paths:
        console.print(f"wrote {p.relative_to(layout.data_dir.parent)}", markup=False)
    console.print("Fill in the rows; delete the files of tables this delivery does not hold. Then run `kerncijfers build`.")


@app.command()
def serve(
    out_dir: Optional[Path] = OutDir,
    port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1."),
) -> None:
    """Serve the report site (reports/_site) on http://127.0.0.1:<port>/, as a web server serves it to readers."""
    from kerncijfers.serve import make_server

    layout = _layout(None, out_dir)
    site = layout.out_dir / "_site"
    if not (site / "index.html").is_file():
        _say(f"No site in {site}: build it first (make report).", "red")
        raise typer.Exit(2)
    try:
        server = make_server(site, port=port, quiet=False)
    except OSError as exc:
        _say(f"Cannot serve on 127.0.0.1:{port} ({exc.strerror}): pass another --port.", "red")
        raise typer.Exit(2) from None
    console.print(f"Serving {site} on http://127.0.0.1:{port}/ (Ctrl+C stops).", markup=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def suites(check: bool = typer.Option(False, "--check", help="Only check that expectations/ is up to date.")) -> None:
    """Write the expectation suites in expectations/ from the contract (schema.py)."""
    from kerncijfers.store import dumps
    from kerncijfers.suites import all_suites, write_suites

    layout = _layout(None)
    if check:
        stale = [n for n, s in all_suites().items() if not (layout.expectations / f"{n}.json").exists()
                 or (layout.expectations / f"{n}.json").read_text(encoding="utf-8") != dumps(s)]
        if stale:
            err.print(f"[red]Out of date: {', '.join(stale)}. Run `kerncijfers suites`.[/red]")
            raise typer.Exit(1)
        console.print("expectations/ is up to date.")
        return
    for p in write_suites(layout.expectations):
        console.print(f"wrote {p.relative_to(layout.root)}")


@app.command()
def contract(check: bool = typer.Option(False, "--check", help="Only check that data/raw/README.md is up to date.")) -> None:
    """Write the delivery contract data/raw/README.md from schema.py."""
    from kerncijfers.contract import contract_markdown

    layout = _layout(None)
    path = layout.root / "data" / "raw" / "README.md"
    text = contract_markdown()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            err.print("[red]data/raw/README.md is out of date. Run `kerncijfers contract`.[/red]")
            raise typer.Exit(1)
        console.print("data/raw/README.md is up to date.")
        return
    path.write_text(text, encoding="utf-8", newline="\n")
    console.print(f"wrote {path.relative_to(layout.root)}")


@app.command()
def explain(
    brief: str = typer.Argument(..., help="The brief's slug in briefs.yml, e.g. 2023-12."),
    figure: str = typer.Argument(..., help="A table cell (tabel_2:2018:Totaal:Voldaan) or a sentence figure (leningen_toegekend_afgerond)."),
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


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    quoted = [repr(n) for n in names]
    return "; did you mean " + (f"{', '.join(quoted[:-1])} or {quoted[-1]}" if len(quoted) > 1 else quoted[0]) + "?"


# --- approval: approve, verify (kerncijfers.approval, kerncijfers.verify) -----------------------------


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
        raise typer.Exit(3) from None
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
        raise typer.Exit(3) from None
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


# --- the figure catalogue and the brief's text (issue 16) -------------------------------------


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
              f"{briefs[brief].tekst or 'the text'} as {{{{ name }}}}", markup=False)


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


def main() -> int:  # pragma: no cover - the `kerncijfers` command and `python -m kerncijfers`
    """Run the command; its exit code (see the README, Exit codes)."""
    from kerncijfers.startup import skip_iri_grammars

    skip_iri_grammars()
    from typer import Abort, TyperException  # TyperException: the base of the (vendored) Click's usage errors

    try:
        code = app(standalone_mode=False)
        code = code if isinstance(code, int) else 0
    except TyperException as exc:
        # A usage error (unknown command or option, missing argument) in one line, as our own usage errors.
        command = exc.ctx.command_path if getattr(exc, "ctx", None) else "kerncijfers"
        err.print(f"{exc.format_message()} (see {command} --help)", style="red", markup=False)
        code = exc.exit_code
    except Abort:
        err.print("Aborted.", markup=False)
        code = 1
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    return code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
