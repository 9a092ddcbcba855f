"""Published outputs are safe to open: no trace of the build machine, labels escaped, no formulas.

One build of the seed deliveries with hostile labels where the contract allows free text
(overige_cijfers.bron and .omschrijving: markup, a spreadsheet formula, rich markup), run
with a recognisable home folder and user name, then every file under validated/ and
reports/ is searched: executed notebooks, exports, JSON, Parquet, the XLSX parts and the site.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What the build's environment says about the user: it must not reach any output.
SENTINEL_USER = "analist-q7xk"
#: Text a spreadsheet would run as a formula (OWASP's list: =, +, -, @, tab, carriage return).
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?%?$")

#: (file, old, new): hostile labels in two seed deliveries, each made a reviewed re-delivery (no SHA256SUMS).
HOSTILE = (
    ("2023-05-01/overige_cijfers.csv",
     '"Divosa, Factsheet Statushouders en Gezinsmigranten, mei 2023, p. 42",Statushouders aan het werk',
     '"Divosa <script>alert(1)</script> =HYPERLINK(""http://example.org/x"")",<script>alert(2)</script> & [red]aan het werk[/red]'),
    ("2023-11-01/overige_cijfers.csv", "Keurmerkhouders in totaal (circa)", "<img src=x onerror=alert(3)> @SUM(A1) in totaal"),
    # Text that starts like a formula (=, +, -, @) is refused at delivery: see test_validation.py.
    ("2023-11-01/overige_cijfers.csv", ",DUO,Waarvan over een taalschool", ",DUO +31,Waarvan -over een taalschool"),
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("safe")
    raw = base / "data" / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    shutil.copy(ROOT / "data" / "briefs.yml", base / "data" / "briefs.yml")
    for file, old, new in HOSTILE:
        path = raw / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        (path.parent / "SHA256SUMS").unlink(missing_ok=True)
    home = base / f"home-{SENTINEL_USER}"
    home.mkdir()
    env = dict(os.environ)
    env |= {"HOME": str(home), "USER": SENTINEL_USER, "LOGNAME": SENTINEL_USER, "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "kerncijfers", "build", "--data-dir", str(base / "data"), "--out-dir", str(base / "reports")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr
    return base


def _outputs(base: Path) -> list[Path]:
    return sorted(p for folder in (base / "data" / "validated", base / "reports") for p in folder.rglob("*") if p.is_file())


def _texts(path: Path) -> list[str]:
    """What a file holds, as text: the members of an XLSX, the metadata and strings of a Parquet file."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = pq.read_metadata(path)
        strings = [str(v) for column in table.columns for v in column.to_pylist() if isinstance(v, str)]
        return [str(table.schema.metadata), str(meta.created_by), str(meta.metadata), *strings]
    return [path.read_bytes().decode("utf-8", "replace")]


def _machine_traces(base: Path) -> list[str]:
    """Strings that would give the build machine away, as absolute paths and as the relative paths they become."""
    traces = {str(base), str(ROOT), f"home-{SENTINEL_USER}", SENTINEL_USER}
    traces |= {t.lstrip("/") for t in (str(base), str(ROOT))}
    home = str(Path.home())
    if len(home) > 1:
        traces.add(home)
    user = getpass.getuser()
    traces |= {f"/home/{user}", f"/Users/{user}", f"\\{user}\\", f"{user}@"}
    host = socket.gethostname()
    if len(host) >= 6:  # a short name ("vm") is a word in itself
        traces.add(host)
    return sorted(traces)


@pytest.mark.slow
def test_no_output_names_the_build_machine(built: Path):
    traces = _machine_traces(built)
    found = [
        f"{p.relative_to(built)}: {trace}"
        for p in _outputs(built)
        for text in _texts(p)
        for trace in traces
        if trace in text
    ]
    assert found == []
    # The executed notebooks name their folders as the project does.
    notebook = (built / "data" / "validated" / "2023-10-01" / "validatie.ipynb").read_text(encoding="utf-8")
    assert 'raw_dir = \\"data/raw\\"' in notebook and 'expectations_dir = \\"expectations\\"' in notebook


@pytest.mark.slow
def test_labels_from_deliveries_are_escaped_on_the_site(built: Path):
    pages = sorted((built / "reports" / "_site").rglob("*.html"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    # The labels reached the site (the Ontwikkeling page lists the changed cijfers, a sentence cites its bron) ...
    assert "&lt;script&gt;alert(2)&lt;/script&gt; &amp; [red]aan het werk[/red]" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # ... as text: the site has no script, no element from a delivery, and loads nothing from elsewhere.
    assert "<script" not in text and "<img src=x" not in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)


@pytest.mark.slow
def test_exports_hold_no_spreadsheet_formula(built: Path):
    exports = [p for p in _outputs(built) if p.suffix in (".csv", ".xlsx") and "reports" in p.relative_to(built).parts]
    assert len(exports) >= 8
    formulas = []
    for path in exports:
        if path.suffix == ".csv":
            cells = [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) for c in row]
        else:
            from openpyxl import load_workbook

            book = load_workbook(path)
            cells = []
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            formulas.append(f"{path.name}!{cell.coordinate}: formula {cell.value}")
                        elif isinstance(cell.value, str):
                            cells.append(cell.value)
        formulas += [f"{path.name}: {c!r}" for c in cells if FORMULA.match(c) and not NUMBER.match(c)]
    assert formulas == []
