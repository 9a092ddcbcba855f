"""Benchmark the build and write docs/performance.md. Run with `make bench`.

Measures on the machine it runs on, as medians of several runs:
cold build (seed data), no-op build, adding one delivery, cold builds over
10/50/200 synthetic peildata, peak memory, and the naive way (a papermill CLI
run per notebook per peildatum, then a full re-render) side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KERNCIJFERS = str(BIN / "kerncijfers")
PAPERMILL = str(BIN / "papermill")


#: The renderer of the site in the builds measured: the preview, unless a section says otherwise.
RENDERER = {"KERNCIJFERS_RENDERER": "preview"}
#: The Quarto section of docs/performance.md, which `--quarto-only` rewrites on its own.
QUARTO_START, QUARTO_END = "<!-- quarto:start -->", "<!-- quarto:end -->"


def run(cmd: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    """Wall time of `cmd` and the peak RSS (KiB) of the largest process it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=os.environ | RENDERER)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(after, before)


def seed_tree(base: Path) -> Path:
    tree = base / "data"
    shutil.copytree(ROOT / "data" / "raw", tree / "raw", ignore=shutil.ignore_patterns("SHA256SUMS"))
    shutil.copy(ROOT / "data" / "briefs.yml", tree / "briefs.yml")
    return tree


def synthetic_tree(base: Path, n: int) -> Path:
    from kerncijfers.synthetic import generate

    tree = base / f"syn{n}"
    generate(tree, n)
    return tree


def build(tree: Path, *extra: str) -> tuple[float, int]:
    return run([KERNCIJFERS, "build", "--data-dir", str(tree), "--out-dir", str(tree / "reports"), *extra])


def median_of(fn, repeats: int) -> tuple[float, int]:
    times, peak = [], 0
    for _ in range(repeats):
        t, p = fn()
        times.append(t)
        peak = max(peak, p)
    return statistics.median(times), peak


def cold(tree_factory, repeats: int) -> tuple[float, int]:
    def once():
        with tempfile.TemporaryDirectory() as tmp:
            return build(tree_factory(Path(tmp)))
    return median_of(once, repeats)


def _check(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def naive_notebook(folder: Path) -> Path:
    """The validation notebook as a naive pipeline would run it: each run checks only its own delivery."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "validate_delivery.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace(
            "result = validate_to_stage(raw_dir, peildatum, expectations_dir, stage_dir)",
            "from pathlib import Path\nfrom kerncijfers.pipeline import validate_delivery\nfrom kerncijfers.store import write_delivery_stage\n"
            "result = validate_delivery(Path(raw_dir), peildatum, Path(expectations_dir))\n"
            "write_delivery_stage(Path(stage_dir) / peildatum, result.tables, result.summary)",
        )
    path = folder / "validate_one.ipynb"
    nbformat.write(nb, path)
    return path


def naive(tree: Path) -> float:
    """The build without kerncijfers' orchestration: one papermill CLI per notebook, then a re-render."""
    stage = tree / "naive-stage"
    stage.mkdir()
    notebook = naive_notebook(stage)
    t = time.perf_counter()
    for p in sorted(x.name for x in (tree / "raw").iterdir()):
        _check([PAPERMILL, "--no-progress-bar", str(notebook), str(stage / f"{p}.ipynb"),
                        "-p", "peildatum", p, "-p", "raw_dir", str(tree / "raw"), "-p", "stage_dir", str(stage / "validated"),
                        "-p", "expectations_dir", str(ROOT / "expectations")])
    shutil.copytree(stage / "validated", tree / "validated", dirs_exist_ok=True)
    from kerncijfers.brief import load_briefs

    for brief in load_briefs(tree / "briefs.yml"):
        _check([PAPERMILL, "--no-progress-bar", str(ROOT / "notebooks/brief.ipynb"), str(stage / f"brief-{brief.slug}.ipynb"),
                        "-p", "brief", brief.slug, "-p", "peildatum", brief.peildatum.isoformat(), "-p", "data_dir", str(tree),
                        "-p", "validated_dir", str(tree / "validated"), "-p", "published_dir", str(ROOT / "data" / "published")])
        _check([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(stage / f"brief-{brief.slug}.ipynb")])
    return time.perf_counter() - t


def add_one(n: int, repeats: int) -> float:
    """Median time to build after adding the n-th delivery (and a brief for it) to a built history of n − 1.

    The history is built once; each repeat adds the delivery to a fresh copy of it.
    """
    from kerncijfers.synthetic import generate

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full"
        generate(full, n)
        history = Path(tmp) / "history"
        (history / "raw").mkdir(parents=True)
        shutil.copy(full / "briefs.yml", history / "briefs.yml")
        (history / "FICTIEF").write_text((full / "FICTIEF").read_text())
        days = sorted(p.name for p in (full / "raw").iterdir())
        for p in days[:-1]:
            shutil.copytree(full / "raw" / p, history / "raw" / p)
        _write_brief(history, days[-2])
        build(history)
        for i in range(repeats):
            tree = Path(tmp) / f"tree{i}"
            shutil.copytree(history, tree, symlinks=True)
            shutil.copytree(full / "raw" / days[-1], tree / "raw" / days[-1])
            _write_brief(tree, days[-1])
            os.sync()  # the copy's writes are not timed
            times.append(build(tree)[0])
    return statistics.median(times)


def _write_brief(tree: Path, peildatum: str) -> None:
    text = (tree / "briefs.yml").read_text()
    import re

    text = re.sub(r"(peildatum|cutoff|datum): \d{4}-\d{2}-\d{2}", lambda m: f"{m.group(1)}: {peildatum}", text)
    (tree / "briefs.yml").write_text(text)


def quarto_rows(repeats: int) -> list[tuple[str, float, str, int]]:
    """The same builds of the seed data with Quarto rendering the site (HTML and the Word cijferbijlage).

    Cold, no-op, and adding the newest seed delivery (2023-11-01) to a built history of the
    others; then the render step alone, Quarto's against the preview's, on one rendered reports/.
    """
    if shutil.which("quarto") is None:
        raise SystemExit("Quarto is not on PATH: install it to measure the Quarto render (README, Quarto)")
    global RENDERER
    RENDERER = {"KERNCIJFERS_RENDERER": "quarto"}
    rows = []
    try:
        print("quarto: cold build, seed data …", flush=True)
        t_cold, peak = cold(seed_tree, repeats)
        rows.append(("Cold build, seed data, Quarto", t_cold, "", peak))
        with tempfile.TemporaryDirectory() as tmp:
            tree = seed_tree(Path(tmp))
            build(tree)
            print("quarto: no-op build …", flush=True)
            t_noop, _ = median_of(lambda: build(tree), max(repeats, 5))
            rows.append(("No-op build, seed data, Quarto", t_noop, "≤ 1 s", 0))
            print("quarto: render step alone …", flush=True)
            from kerncijfers.report.render import build as render_site

            reports = tree / "reports"
            for label, quarto in (("Quarto", True), ("preview", False)):
                def once(quarto=quarto):
                    t = time.perf_counter()
                    render_site(ROOT, reports, quarto=quarto, epoch=0)
                    return time.perf_counter() - t, 0
                rows.append((f"Render step alone (site from the executed notebooks), {label}", median_of(once, repeats)[0], "", 0))
        print("quarto: add one delivery …", flush=True)
        times = []
        with tempfile.TemporaryDirectory() as tmp:
            history = seed_tree(Path(tmp) / "history")
            newest = sorted(p.name for p in (history / "raw").iterdir() if p.is_dir())[-1]
            held = Path(tmp) / newest
            shutil.move(history / "raw" / newest, held)
            build(history)
            for i in range(repeats):
                tree = Path(tmp) / f"tree{i}" / "data"
                shutil.copytree(history, tree, symlinks=True)
                shutil.copytree(held, tree / "raw" / newest)
                os.sync()
                times.append(build(tree)[0])
        rows.append((f"Add the newest seed delivery ({newest}) to the other five, Quarto", statistics.median(times), "", 0))
    finally:
        RENDERER = {"KERNCIJFERS_RENDERER": "preview"}
    return rows


def measurement_table(rows) -> list[str]:
    """The measurements as Markdown table lines: name, seconds, target, peak RSS."""
    lines = ["| measurement | seconds | target | peak RSS (MiB) |", "|---|---:|---|---:|"]
    for name, seconds, target, peak in rows:
        lines.append(f"| {name} | {seconds:.2f} | {target} | {peak / 1024:.0f} |" if peak else f"| {name} | {seconds:.2f} | {target} | |")
    return lines


def quarto_section(rows) -> str:
    lines = [
        QUARTO_START,
        "## Quarto",
        "",
        "The same builds with Quarto rendering the site (`KERNCIJFERS_RENDERER=quarto`): the HTML pages",
        "and the Word cijferbijlage. Measured by `make bench` (or `bench/run.py --quarto-only`, which",
        "rewrites only this section).",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        "",
        *measurement_table(rows),
    ]
    lines += [
        "",
        "- Quarto renders every page of the site from the executed notebooks; it never executes them.",
        "  The report step runs again only when its inputs change (deliveries, code, `_quarto.yml`,",
        "  `site/`, the renderer itself), so a build with nothing to do starts neither Quarto nor a kernel;",
        "  and then only for the briefs whose inputs changed (`build/plan.py`, `brief_keys`). The seed has one brief,",
        "  so adding its newest delivery renders it whole.",
        "- Most of the render step is Quarto itself: deno starting, pandoc per page, and its HTML",
        "  post-processing (this installation has no native deno-dom plugin, see",
        "  `../shared/tools/quarto/README.md`, so that step is slower than with an official install).",
        QUARTO_END,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200])
    parser.add_argument("--naive-size", type=int, default=50)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--quarto-only", action="store_true", help="measure only the Quarto builds; rewrite only their section")
    args = parser.parse_args()
    if args.quarto_only:
        text = args.out.read_text(encoding="utf-8")
        section = quarto_section(quarto_rows(args.repeats))
        if QUARTO_START in text:
            head, rest = text.split(QUARTO_START, 1)
            text = head + section + rest.split(QUARTO_END, 1)[1].lstrip("\n")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        args.out.write_text(text, encoding="utf-8")
        print(section)
        return
    rows = []
    print("cold build, seed data …", flush=True)
    t_cold, peak = cold(seed_tree, args.repeats)
    rows.append(("Cold build, seed data (6 peildata)", t_cold, "", peak))
    with tempfile.TemporaryDirectory() as tmp:
        tree = seed_tree(Path(tmp))
        build(tree)
        print("no-op build …", flush=True)
        t_noop, _ = median_of(lambda: build(tree), max(args.repeats, 5))
    rows.append(("No-op build, seed data", t_noop, "≤ 1 s", 0))
    noops = {"seed data": t_noop}
    cold_by_size, peak_by_size = {}, {}
    for n in args.sizes:
        print(f"cold build, {n} synthetic peildata …", flush=True)
        t, p = cold(lambda base, n=n: synthetic_tree(base, n), args.repeats)
        cold_by_size[n], peak_by_size[n] = t, p
        rows.append((f"Cold build, {n} synthetic peildata", t, "", p))
        with tempfile.TemporaryDirectory() as tmp:
            tree = synthetic_tree(Path(tmp), n)
            build(tree)
            t_noop_n, _ = median_of(lambda: build(tree), 3)
        noops[f"{n} peildata"] = t_noop_n
        rows.append((f"No-op build, {n} synthetic peildata", t_noop_n, "≤ 1 s", 0))
    small, large = min(cold_by_size), max(cold_by_size)
    marginal = (cold_by_size[large] - cold_by_size[small]) / (large - small)
    rows.append((f"Marginal cost per delivery ({small}→{large})", marginal, "≤ 0,5 s", 0))
    print(f"adding one delivery to {large - 1} …", flush=True)
    t_add = add_one(large, args.repeats)
    rows.append((f"Add the {large}th delivery to {large - 1} peildata", t_add, f"≤ 10 % of the cold build of {large} ({_s(0.1 * cold_by_size[large], 1)})", 0))
    print(f"naive way, {args.naive_size} peildata …", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = synthetic_tree(Path(tmp), args.naive_size)
        t_naive = naive(tree)
    ours = cold_by_size.get(args.naive_size)
    rows.append((f"Naive way, {args.naive_size} peildata (papermill CLI per notebook + re-render)", t_naive,
                 f"ratio {t_naive / ours:.1f}× (target ≥ 5×)" if ours else "", 0))
    targets = [
        ("no-op build ≤ 1 s at any history size", max(noops.values()) <= 1.0,
         "; ".join(f"{k}: {_s(v)}" for k, v in noops.items())),
        ("marginal cost per delivery in a cold build ≤ 0,5 s", marginal <= 0.5,
         f"({_s(cold_by_size[large])} − {_s(cold_by_size[small])}) / {large - small} = {_s(marginal, 3)}"),
        (f"adding one delivery to a history of {large} peildata ≤ 10 % of its cold build", t_add <= 0.1 * cold_by_size[large],
         f"{_s(t_add)} = {100 * t_add / cold_by_size[large]:.1f} % of {_s(cold_by_size[large])}".replace(".", ",")),
    ]
    if ours:
        targets.append((f"at {args.naive_size} peildata ≥ 5× faster than the naive way", t_naive / ours >= 5,
                        f"{t_naive / ours:.1f}× ({_s(ours)} against {_s(t_naive)})".replace(".", ",", 1)))
    peak = peak_by_size[large] / 1024
    targets.append((f"peak memory at {large} peildata < 1,5 GB", 3 * peak < 1536,
                    f"{peak:.0f} MiB for the largest process; the build process and both kernels together at most 3 × {peak:.0f} MiB"))
    quarto = quarto_section(quarto_rows(args.repeats)) if shutil.which("quarto") else ""
    write_report(args.out, rows, targets, quarto)
    print(args.out.read_text())


def _s(seconds: float, digits: int = 2) -> str:
    """Seconds as the docs write them: Dutch decimal comma, as the report does."""
    return f"{seconds:.{digits}f} s".replace(".", ",")


def write_report(path: Path, rows, targets, quarto: str = "") -> None:
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run.py`); the figures are wall-clock medians on the machine below.",
        "The builds render the Quarto-free preview; the section Quarto at the end renders with Quarto.",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        *measurement_table(rows),
    ]
    lines += ["", "## Against the targets", "", "| target | result | |", "|---|---|---|"]
    lines += [f"| {target} | {'met' if met else '**not met**'} | {detail} |" for target, met, detail in targets]
    lines += [
        "",
        "## How it is measured",
        "",
        "- Every build is `kerncijfers build --data-dir … --out-dir …` in a subprocess, on a copy of the",
        "  seed data or on a fictitious history from `kerncijfers.synthetic` (two weeks between peildata).",
        "- Cold: an empty validated/ and reports/. No-op: the same tree built again. Add one: a history of",
        "  n − 1 built once; each repeat adds the n-th delivery and a brief for it to a fresh copy of that",
        "  history (copied and synced to disk before the clock starts).",
        "- Peak RSS is the largest single process of the build, the Jupyter kernels included",
        "  (`ru_maxrss` of the children). The build process and its two kernels are separate processes.",
        "- The naive way runs, per peildatum, the papermill CLI on the validation notebook (checking only",
        "  its own delivery), then the brief notebook and `jupyter nbconvert`, as a hand-made pipeline would.",
        "",
        "## Where the time goes",
        "",
        "- Fixed costs of a build: two Jupyter kernels and the Great Expectations import. Both kernels start",
        "  as soon as the build knows what it will run, and each runs its warm-up as it starts (IPython's",
        "  `exec_lines`): the validation kernel imports GX and loads the suites; the report kernel imports",
        "  pandas, Altair and vl-convert and reads the validated tables the briefs use from what is published",
        "  (it computes no figure), so those files are not parsed again when the report runs on the staged",
        "  copy (hard links, same files).",
        "- jsonschema (imported by GX, Altair and nbformat) would compile rfc3987-syntax's IRI grammars at",
        "  import, about 1 s in each process; `kerncijfers.startup` skips them (no schema used here needs them).",
        "- Per delivery: one papermill execution in the kept-alive kernel (about 0,3 s, mostly papermill and",
        "  nbclient bookkeeping) and writing its CSV and Parquet files. All deliveries of a build are",
        "  validated in one GX run per table, in the first notebook.",
        "- The report reads each validated file once per process, and only the deliveries it shows: the",
        "  charts show the last four peildata, and the Datakwaliteit page has one row per delivery.",
        "- The exports (CSV, XLSX, Vega-Lite, SVG, PNG) are written in the build process while the kernel",
        "  runs the brief notebook: two processes on two cores.",
        "- A no-op build reads and hashes the inputs and imports no heavy library; the command ends",
        "  without tearing down its imports.",
    ]
    # Sections below KEEP_MARKER are measured by hand (the page weight of the provenance); keep them.
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if quarto:
        lines += ["", quarto.rstrip("\n")]
    if KEEP_MARKER in old:
        kept = old[old.index(KEEP_MARKER):]
        if quarto and QUARTO_START in kept:  # the Quarto section was just measured again: keep it once
            head, rest = kept.split(QUARTO_START, 1)
            kept = head + rest.split(QUARTO_END, 1)[1].lstrip("\n")
        lines += ["", kept.rstrip("\n")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


#: docs/performance.md keeps what follows this line when `make bench` rewrites the file.
KEEP_MARKER = "<!-- make bench keeps the sections below this line -->"


if __name__ == "__main__":
    main()
