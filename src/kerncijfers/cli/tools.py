"""Tools around the data: a delivery `template`, `serve` the site, rewrite the `suites` and the `contract`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kerncijfers.cli.app import USAGE_ERROR, DataDir, OutDir, _layout, _peildatum, _say, _usage, app, console, err

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
        raise typer.Exit(USAGE_ERROR)
    try:
        server = make_server(site, port=port, quiet=False)
    except OSError as exc:
        _say(f"Cannot serve on 127.0.0.1:{port} ({exc.strerror}): pass another --port.", "red")
        raise typer.Exit(USAGE_ERROR) from None
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
