"""Render the report: execute the brief notebooks, assemble the Quarto project, build the site.

`reports/` after a render:

    _quarto.yml, site.css, index.qmd     the Quarto project (_quarto.yml and site/, index listing every brief)
    <brief>/brief.ipynb                  the executed notebook, byte-identical for the same inputs
    <brief>/*.qmd                        the brief's pages (site/brief/*.qmd with its metadata)
    <brief>/exports/                     tables (CSV, XLSX, HTML, Markdown), charts (Vega-Lite, SVG, PNG)
    _site/                               the site: Quarto's when it is installed, else nbconvert's

All notebooks of a build run in one kernel (kerncijfers.notebooks.kernel_session):
papermill starts no kernel per notebook and imports pandas, Altair and vl-convert once.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
import datetime as dt
import json
import os
import pickle
import shutil
import string
import tempfile
import time
from pathlib import Path
from typing import Callable

from kerncijfers import fonts, formatting, webfont
from kerncijfers.brief import Brief, load_briefs
from kerncijfers.paths import Layout
from kerncijfers.report import statement
from kerncijfers.report.quarto import RenderFailed, quarto_path, quarto_version, render_quarto

#: Quarto's output folder (_quarto.yml's output-dir), the site readers get.
SITE_FOLDER = "_site"
#: The report notebook, run once per brief.
REPORT_NOTEBOOK = "brief.ipynb"
#: The Quarto project's sources, copied into the reports folder.
SITE_SOURCES = "site"
#: Project files copied into the reports folder: the top-level _quarto.yml and the site's CSS.
PROJECT_FILES = (
    "_quarto.yml",
    f"{SITE_SOURCES}/site.css",
    f"{SITE_SOURCES}/embedded-cells.lua",
    f"{SITE_SOURCES}/cijferbijlage-referentie.docx",
)
BRIEF_PAGES = "brief"

#: What the report notebooks import: a build's report kernel loads them while validation runs (warm_up).
WARM_MODULES = ("pandas", "altair", "vl_convert", "kerncijfers.notebooks", "kerncijfers.report.tables",
                "kerncijfers.report.charts", "kerncijfers.report.sentences", "kerncijfers.report.site", "kerncijfers.report.changes")


def warm_up(validated_dir: str, briefs: str) -> None:
    """What a build's report kernel calls as it starts (build.kernels): load WARM_MODULES, then preload().

    By name: it warms the kernel's cache, nothing here depends on them. The small conversion starts
    vl-convert's JavaScript engine, which the first chart would wait for.
    """
    for name in WARM_MODULES:
        importlib.import_module(name)
    importlib.import_module("vl_convert").vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]}})
    preload(validated_dir, briefs)


def preload(validated_dir: str, briefs: str) -> None:
    """Read every validated table the briefs may use into the cache (kerncijfers.store); compute no figure.

    Run in the report kernel while the build validates: the report then reads only the
    deliveries that are new. Figures are computed once, by the report itself (the catalogue,
    kerncijfers.catalogue, per brief): a head start that computed them too would only be thrown away.
    """
    from kerncijfers.brief import limit_for
    from kerncijfers.schema import TABLES
    from kerncijfers.store import read_validated, table_peildata

    validated = Path(validated_dir)
    wanted = {(p, table) for brief in load_briefs(Path(briefs)) for table in TABLES
              for p in table_peildata(validated, table, limit_for(brief, table))}
    for p, table in sorted(wanted):
        read_validated(validated, p, table)


QUARTO_MISSING = "Quarto not found: built the static HTML preview with nbconvert (no Word file; see README, Quarto)"
QUARTO_SKIPPED = "Built the static HTML preview with nbconvert (the preview was asked for, not Quarto)"
def render(
    root: Path,
    out_dir: Path | None = None,
    data_dir: Path | None = None,
    *,
    say: Callable[[str], None] = print,
    quarto: bool | None = None,
) -> str:
    """Render every brief in `data_dir/briefs.yml` into `out_dir` (default reports/) and build the site.

    `quarto=None` uses Quarto when it is on PATH; False always builds with nbconvert.
    Returns what the build says about how it built the site.
    """
    layout = Layout.make(root, data_dir, out_dir)
    notes: list[str] = []
    # No kernel log in the data tree: a render on its own leaves data/ untouched.
    render_all(layout, layout.out_dir, say=say, notes=notes, kernel_log=None, quarto=quarto)
    return "\n".join(notes)


#: Default for `kernel_log`: the build's state folder (data/.kerncijfers/), next to the validation kernel's log.
_STATE_LOG = object()


def render_all(
    layout: Layout,
    out_dir: Path,
    *,
    say: Callable[[str], None] | None = None,
    notes: list[str] | None = None,
    validated_dir: Path | None = None,
    kernel_log: Path | None | object = _STATE_LOG,
    quarto: bool | None = None,
    run: Callable | None = None,
    kept: set[str] | frozenset[str] = frozenset(),
    published: Path | None = None,
    site_as_before: bool = False,
) -> None:
    """Execute every brief's notebooks in one kernel into `out_dir`, then build `out_dir/_site`.

    Pass `run` from a `kernel_session` the caller opened (warmed by warm_up) to use a kernel
    that has already imported what the report needs.

    A build passes the briefs whose inputs did not change (`kept`, build/plan.brief_keys) and the
    published reports folder: those briefs are copied from it, their notebooks not run. With
    `site_as_before` (no brief's entry changed), Quarto starts from the published site and
    renders only the home page and the other briefs.

    `validated_dir` defaults to the layout's; a build passes its staged copy, so the report
    shows the new deliveries before anything is published. The kernel's start-up chatter
    goes to `kernel_log` (default: the build's state folder).
    """
    from kerncijfers.notebooks import kernel_session

    say = say or (lambda msg: None)
    notes = notes if notes is not None else []
    out_dir = Path(out_dir)
    briefs = load_briefs(layout.briefs)
    if not briefs:
        raise ValueError(f"{layout.briefs} lists no briefs: add one entry per uitvoeringsbrief")
    assemble_project(layout.root, out_dir, briefs)
    log = layout.state_dir / "kernel-report.log" if kernel_log is _STATE_LOG else kernel_log
    session = contextlib.nullcontext(run) if run is not None else kernel_session(layout.root, log=log)
    with session as run:
        # In a build's kernel the imports and the published history are warm (warm_up); later briefs reuse them.
        for i, brief in enumerate(briefs, start=1):
            t = time.perf_counter()
            if brief.slug in kept and published is not None:
                shutil.copytree(published / brief.slug, out_dir / brief.slug)
                say(f"[{i}/{len(briefs)}] report {brief.slug}: inputs unchanged, kept as published")
                continue
            render_brief(
                layout.root, brief, out_dir, data_dir=layout.data_dir, validated_dir=validated_dir or layout.validated,
                published_dir=layout.published, run=run,
            )
            say(f"[{i}/{len(briefs)}] report {brief.slug}: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    # The newest brief's date is what pandoc writes into the Word files: the same for every render.
    epoch = int(dt.datetime.combine(max(b.datum for b in briefs), dt.time(), dt.timezone.utc).timestamp())
    changed = [b.slug for b in briefs if b.slug not in kept]
    previous_site = published / SITE_FOLDER if site_as_before and published is not None else None
    message = build(layout.root, out_dir, quarto=quarto, say=say, epoch=epoch, only=changed, previous_site=previous_site)
    # The site as a DCAT-AP-NL catalogue of every brief's open data (report.dcat), whichever renderer built it.
    from kerncijfers.report.dcat import write_catalogue

    write_catalogue(briefs, out_dir, out_dir / SITE_FOLDER)
    notes.append(f"{message} ({time.perf_counter() - t:.1f} s)")


def render_brief(
    root: Path,
    brief: Brief,
    out_dir: Path,
    *,
    data_dir: Path | None = None,
    validated_dir: Path | None = None,
    published_dir: Path | None = None,
    run: Callable | None = None,
) -> Path:
    """Execute the report notebooks for `brief` into `out_dir/<slug>/`, with its pages and exports.

    Pass `run` from `kernel_session` to reuse one kernel for several briefs; without it,
    this starts (and stops) a kernel of its own. Returns the brief's folder.
    """
    from kerncijfers.notebooks import display_path, kernel_session

    root = Path(root).resolve()
    data_dir = Path(data_dir).resolve() if data_dir else root / "data"
    validated_dir = Path(validated_dir).resolve() if validated_dir else data_dir / "validated"
    published_dir = Path(published_dir).resolve() if published_dir else data_dir / "published"
    folder = Path(out_dir) / brief.slug
    folder.mkdir(parents=True, exist_ok=True)
    # The kernel runs in the repository and gets paths relative to it. The executed notebook
    # shows them relative to the repository or the data folder's parent (data/..., as messages
    # do), so it records no path of this machine, wherever the checkout and the data live.
    folders = {"data_dir": data_dir, "validated_dir": validated_dir, "published_dir": published_dir}
    ids = {"brief": brief.slug, "peildatum": brief.peildatum.isoformat()}
    parameters = ids | {k: _relative(v, root) for k, v in folders.items()}
    shown = ids | {k: display_path(v, root, data_dir.parent) for k, v in folders.items()}
    # The brief's text is checked before anything runs: a mistake in it refuses the build (exit 1), naming file and line.
    catalogue = checked_text(validated_dir, brief)
    # Every figure is computed once, here: the notebook shows these objects, the exports write them.
    computed = brief_figures("", validated_dir, brief, data_dir / "raw", catalogue)
    # In the output folder, not the system's temp dir: a killed build leaves it in the stage, which the next build removes.
    with tempfile.TemporaryDirectory(prefix=".figures-", dir=Path(out_dir)) as tmp:
        handed = Path(tmp) / "figures.pickle"
        handed.write_bytes(pickle.dumps(computed, protocol=pickle.HIGHEST_PROTOCOL))
        parameters, shown = parameters | {"figures": str(handed)}, shown | {"figures": FIGURES_SHOWN}
        # The exports are written here while the kernel runs the notebook: two processes, two cores.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            exports = pool.submit(write_exports, validated_dir, brief, folder / "exports", data_dir / "raw", computed=computed)
            if run is None:
                with kernel_session(root) as own_run:
                    _execute(own_run, root, folder, parameters, shown)
            else:
                _execute(run, root, folder, parameters, shown)
            exports.result()
    write_pages(root, brief, folder)
    return folder


def build(root: Path, out_dir: Path, *, quarto: bool | None = None, say: Callable[[str], None] | None = None,
          epoch: int | None = None, only: list[str] | None = None, previous_site: Path | None = None) -> str:
    """Build `out_dir/_site`: with Quarto (HTML and a Word file per brief), else the nbconvert preview.

    Returns one line saying which. `epoch` (SOURCE_DATE_EPOCH) is the date pandoc writes
    into the Word files, so that two renders give the same bytes. With `previous_site` (the
    published site, every brief's entry as it was), Quarto renders only the home page and
    the brief folders in `only` into a copy of it. The preview always builds every page: it
    takes seconds.
    """
    from kerncijfers.report.postrender import after_quarto
    from kerncijfers.report.preview import build_site

    found = quarto_path(quarto)
    if found is None:
        build_site(root, out_dir)
        statement.fill_machine_check(root, out_dir / SITE_FOLDER, "preview")
        return QUARTO_MISSING if shutil.which("quarto") is None else QUARTO_SKIPPED
    version = quarto_version(found)
    say = say or (lambda msg: None)
    if previous_site is not None and previous_site.is_dir() and only is not None:
        shutil.copytree(previous_site, out_dir / SITE_FOLDER)  # copies: Quarto rewrites files in place
        for target in ["index.qmd", statement.PAGE, *only]:
            render_quarto(found, out_dir, say=say, epoch=epoch, target=target)
        after_quarto(out_dir / SITE_FOLDER)  # Quarto's icon font cut to the icons used; the sidebar named
        statement.fill_machine_check(root, out_dir / SITE_FOLDER, "quarto")
        kept = "" if only else "; every brief as published"
        return f"Rendered the home page and {len(only)} of the briefs with Quarto {version}{kept}"
    render_quarto(found, out_dir, say=say, epoch=epoch)
    after_quarto(out_dir / SITE_FOLDER)
    statement.fill_machine_check(root, out_dir / SITE_FOLDER, "quarto")
    return f"Rendered the site with Quarto {version} (HTML, and a Word cijferbijlage per brief)"


# --- the Quarto project ------------------------------------------------------------------


def assemble_project(root: Path, out_dir: Path, briefs: list[Brief]) -> None:
    """Copy the Quarto project files into `out_dir` and write its home page listing every brief."""
    source = Path(root) / SITE_SOURCES
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copyfile(Path(root) / name, out_dir / Path(name).name)
    # The site's font (kerncijfers.webfont: a subset of kerncijfers.fonts), a Quarto resource (_quarto.yml).
    webfont.write_site_fonts(out_dir / fonts.SITE_FOLDER)
    # What Quarto would add to a project in a git checkout, and the font copies; the same every build.
    _write_text(out_dir / ".gitignore", f"/.quarto/\n/{fonts.SITE_FOLDER}/\n")
    listing = "\n".join(
        f"- [{b.titel}]({b.slug}/index.qmd): Kamerstuk {b.kamerstuk}, {formatting.datum(b.datum)}, "
        f"peildatum {formatting.datum(b.peildatum)}."
        for b in sorted(briefs, key=lambda b: b.datum, reverse=True)
    )
    template = string.Template((source / "index.qmd").read_text(encoding="utf-8"))
    banner = ""
    if any(b.fictief for b in briefs):
        from kerncijfers.report.site import fictief_banner

        banner = fictief_banner(next(b for b in briefs if b.fictief)).html
        listing = banner + "\n\n" + listing
    _write_text(out_dir / "index.qmd", template.substitute(brieven=listing))
    statement.write_page(root, out_dir, banner)  # the toegankelijkheidsverklaring; its machine check is filled in after rendering


def write_pages(root: Path, brief: Brief, folder: Path) -> list[Path]:
    """The brief's pages: site/brief/*.qmd with the brief's title and Kamerstuk in their front matter."""
    values = {
        # JSON strings are valid YAML scalars, whatever quotes or colons a title holds.
        "titel": json.dumps(brief.titel, ensure_ascii=False),
        "kamerstuk": json.dumps(f"Kamerstuk {brief.kamerstuk}, {formatting.datum(brief.datum)}", ensure_ascii=False),
        "datum": brief.datum.isoformat(),
    }
    written = []
    for page in sorted((Path(root) / SITE_SOURCES / BRIEF_PAGES).glob("*.qmd")):
        target = folder / page.name
        _write_text(target, string.Template(page.read_text(encoding="utf-8")).substitute(values))
        written.append(target)
    return written


def checked_text(validated_dir: Path, brief: Brief):
    """The brief's catalogue, once its text has rendered without a mistake; else RenderFailed naming file and line."""
    from kerncijfers.catalogue.evaluate import evaluate, render_text
    from kerncijfers.catalogue.text import TextError

    catalogue = evaluate(Path(validated_dir), brief)
    try:
        render_text(catalogue)
    except TextError as exc:
        raise RenderFailed(f"Text of brief {brief.slug} refused: {exc}") from None
    return catalogue


#: What the executed notebook's parameters cell says the build passed as `figures` (a temporary file).
FIGURES_SHOWN = "computed once by the build (report.render.brief_figures)"


def brief_figures(handed: str, validated_dir: Path, brief: Brief, raw_dir: Path | None = None, catalogue=None) -> tuple[list, list, list]:
    """The brief's tables, charts and sentences (with provenance when `raw_dir` is given).

    `handed` is the file a build passes the notebook (`figures`): the objects the build computed once,
    which its exports write too. Without it (the notebook run on its own) they are computed here.
    """
    if handed and Path(handed).is_file():
        return pickle.loads(Path(handed).read_bytes())
    from kerncijfers.catalogue.evaluate import evaluate
    from kerncijfers.report.charts import letter_charts
    from kerncijfers.report.sentences import tekstcijfers
    from kerncijfers.report.tables import letter_tables

    validated = Path(validated_dir)
    catalogue = catalogue or evaluate(validated, brief)
    return letter_tables(validated, brief, raw_dir), letter_charts(validated, brief, raw_dir), tekstcijfers(validated, brief, raw_dir, catalogue)


def write_open_data(tables: list, brief: Brief, validated_dir: Path, out_dir: Path, sentences: list = ()) -> list[Path]:
    """The brief's open-data package (report.opendata) in `out_dir`, which holds nothing else."""
    from kerncijfers.report.opendata import write_package

    if out_dir.exists():
        shutil.rmtree(out_dir)
    return write_package(tables, brief, validated_dir, out_dir, sentences)


def write_exports(validated_dir: Path, brief: Brief, out_dir: Path, raw_dir: Path | None = None, computed=None) -> list[Path]:
    """Tables and charts as files: the objects the notebook shows (`computed`, from brief_figures; computed here without).

    Beside `out_dir`, in `data/`, the open-data package of the tables (report.opendata).
    With `raw_dir`, also provenance.csv: every figure of the tables, charts and sentences, traced to the delivered cells.
    """
    from kerncijfers.report.charts import write_chart_exports
    from kerncijfers.report.opendata import DATA_FOLDER
    from kerncijfers.report.tables import write_table_exports

    if out_dir.exists():
        shutil.rmtree(out_dir)
    tables, charts, sentences = computed or brief_figures("", validated_dir, brief, raw_dir)
    paths = write_table_exports(tables, out_dir) + write_chart_exports(charts, out_dir)
    paths += write_open_data(tables, brief, Path(validated_dir), out_dir.parent / DATA_FOLDER, sentences)
    if raw_dir is not None:
        from kerncijfers.provenance import write_export

        from kerncijfers.report.vaststelling import publish_versions, write_versions

        places = [*tables, *charts, *sentences]
        paths.append(write_export(out_dir, places))
        paths += write_versions(out_dir, brief, Path(validated_dir), raw_dir.parent, places)  # once a brief has been approved
        paths += publish_versions(brief, raw_dir.parent, out_dir.parent)  # the approved versions' files, as Parliament received them
    return paths


# --- notebooks -------------------------------------------------------------------------------


def _execute(run: Callable, root: Path, folder: Path, parameters: dict, shown: dict) -> None:
    from kerncijfers.notebooks import NotebookFailed

    target = folder / REPORT_NOTEBOOK
    try:
        run(root / "notebooks" / REPORT_NOTEBOOK, target, parameters, shown=shown)
    except NotebookFailed as exc:
        # Name the brief, and where the executed notebook with the traceback is.
        raise NotebookFailed(f"report of brief {parameters['brief']} ({target})", exc.ename, exc.evalue) from None


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
