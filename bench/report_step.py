"""What the report step costs, against another version of the code. Run: `python bench/report_step.py --against <git ref>`.

Measures, in fresh processes on the seed data (data/validated/ as committed), medians of several runs:

- warm-up: `report.render.preload`, which the report kernel runs while the build validates;
- figures: the brief's tables, charts and sentences with provenance, computed once, as the notebook
  shows them and the exports write them;
- figure computations per build: how often a build computes them (counted from the code's calls);
- report step: `report.render.render` with the preview renderer (kernel, notebook, exports, pages).

The other version is `git archive <ref>` into a temporary folder, run with this checkout's environment.
Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys, time, tempfile
from pathlib import Path
root = Path(sys.argv[1]); what = sys.argv[2]
from kerncijfers.brief import load_briefs
from kerncijfers.report import render, tables, charts, sentences
brief = load_briefs(root / "data" / "briefs.yml")[0]
validated, raw = root / "data" / "validated", root / "data" / "raw"
calls = {"n": 0}
original = tables.letter_tables
def counting(*a, **k):
    calls["n"] += 1
    return original(*a, **k)
tables.letter_tables = counting
t = time.perf_counter()
if what == "preload":
    render.preload(str(validated), str(root / "data" / "briefs.yml"))
elif what == "figures":
    tables.letter_tables(validated, brief, raw); charts.letter_charts(validated, brief, raw); sentences.tekstcijfers(validated, brief, raw)
elif what == "report":
    out = Path(tempfile.mkdtemp())
    render.render(root, out_dir=out, say=lambda m: None, quarto=False)
print(json.dumps({"seconds": time.perf_counter() - t, "computations_here": calls["n"]}))
"""


def probe(root: Path, what: str) -> dict:
    env = os.environ | {"PYTHONPATH": str(root / "src")}
    out = subprocess.run([sys.executable, "-c", PROBE, str(root), what], cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(root: Path, repeats: int) -> dict:
    result = {}
    for what in ("preload", "figures", "report"):
        runs = [probe(root, what) for _ in range(repeats)]
        result[what] = statistics.median(r["seconds"] for r in runs)
        result[f"{what}_computations"] = runs[0]["computations_here"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", required=True, help="git ref of the version to compare with")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        other.mkdir()
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
        before, after = measure(other, args.repeats), measure(ROOT, args.repeats)
    # The build runs preload in the kernel, the figures in the build process (exports) and, before, in the notebook too.
    per_build = {
        "before": before["preload_computations"] + before["report_computations"],
        "after": after["preload_computations"] + after["report_computations"],
    }
    rows = [
        ("Warm-up of the report kernel (preload)", before["preload"], after["preload"]),
        ("Tables, charts and sentences with provenance, once", before["figures"], after["figures"]),
        ("Report step, preview renderer (kernel, notebook, exports, pages)", before["report"], after["report"]),
    ]
    print(f"| measurement ({args.against} → this checkout) | before (s) | after (s) |")
    print("|---|---:|---:|")
    for name, b, a in rows:
        print(f"| {name} | {b:.2f} | {a:.2f} |")
    print(f"| Times a build computes the brief's tables (warm-up + report step) | {per_build['before']} | {per_build['after']} |")


if __name__ == "__main__":
    main()
