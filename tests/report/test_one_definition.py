"""Every published figure has one definition, in the figure catalogue (issue 16, "done when").

Two halves. The code: a figure's record (`catalogue.model.record`) is made only in
`kerncijfers.catalogue`, provenance takes nothing but those records, and the rounding rules
that make a published figure are called only there (and by the modules that re-check a figure
rather than publish one). The outputs: every number of every export of the December 2023
brief (the tidy CSVs of exports/ and the open-data CSVs of data/) is a number a catalogue
figure shows, or a delivered cell its record names.
"""

from __future__ import annotations

import ast
import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kerncijfers import provenance

SRC = Path(__file__).resolve().parents[2] / "src" / "kerncijfers"

#: The rounding rules that turn delivered counts into published figures.
COMPUTATIONS = {"to_hundreds", "share_of_hundreds", "share_half_up", "average_half_up", "approximately", "half_up", "text_step"}
#: Modules that may call them without publishing a figure: the rules themselves, the wording of a
#: rounded count (formatting.afgerond), the re-check of a record (operations, for provenance and
#: its test), and check-published, which checks the printed letter in data/published/.
RECHECKS = {"rounding", "formatting", "operations", "published"}
#: Still computing a figure the report shows, to be moved into the catalogue: none. The test
#: fails once an entry has moved, so the list only shrinks.
KNOWN_COMPUTING: set[str] = set()


def _module(path: Path) -> str:
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")


def _imported(tree: ast.AST, module: str) -> dict[str, str]:
    """Local name -> imported name, for every `from <module> import ...` (at any depth, function-level too)."""
    return {
        (a.asname or a.name): a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for a in node.names
    }


def _calls(tree: ast.AST, names: set[str], attributes: set[str] = frozenset(), aliases: set[str] = frozenset()) -> list[int]:
    """Lines calling one of `names` directly, or one of `attributes` as `<alias>.<attribute>`."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in names:
            lines.append(node.lineno)
        elif isinstance(f, ast.Attribute) and f.attr in attributes and isinstance(f.value, ast.Name) and f.value.id in aliases:
            lines.append(node.lineno)
    return lines


def _module_aliases(tree: ast.AST, package: str, module: str) -> set[str]:
    """The local names of `from <package> import <module>`."""
    return {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == package for a in n.names if a.name == module}


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        yield _module(path), path, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_catalogue_makes_a_figures_record():
    found = []
    for module, path, tree in _sources():
        if module.startswith("kerncijfers.catalogue"):
            continue
        names = {local for local, name in _imported(tree, "kerncijfers.catalogue.model").items() if name in ("record", "Record")}
        aliases = _module_aliases(tree, "kerncijfers.catalogue", "model")
        found += [f"{module}:{line}" for line in _calls(tree, names, {"record", "Record"}, aliases)]
    assert found == [], "a published figure is made outside the catalogue (kerncijfers/catalogue): " + ", ".join(found)


def test_provenance_takes_figures_only_from_catalogue_records():
    found = []
    for module, path, tree in _sources():
        if module == "kerncijfers.provenance":
            continue
        names = {local for local, name in _imported(tree, "kerncijfers.provenance").items() if name == "Figure"}
        found += [f"{module}:{line}" for line in _calls(tree, names, {"Figure"}, _module_aliases(tree, "kerncijfers", "provenance"))]
    assert found == [], "a figure enters provenance without a catalogue record: " + ", ".join(found)
    # A ledger records a catalogue record (Ledger.record) and nothing else.
    assert [m for m in vars(provenance.Ledger) if not m.startswith("_")] == ["record", "cell"]


def test_only_the_catalogue_computes_a_published_figure():
    found: dict[str, list[int]] = {}
    for module, path, tree in _sources():
        short = module.removeprefix("kerncijfers.")
        if module.startswith("kerncijfers.catalogue") or short in RECHECKS:
            continue
        names = {local for local, name in _imported(tree, "kerncijfers.rounding").items() if name in COMPUTATIONS}
        lines = _calls(tree, names, COMPUTATIONS, _module_aliases(tree, "kerncijfers", "rounding"))
        if lines:
            found[module] = lines
    new = {m: lines for m, lines in found.items() if m not in KNOWN_COMPUTING}
    assert new == {}, f"a published figure is computed outside the catalogue (kerncijfers/catalogue), module: lines {new}"
    assert KNOWN_COMPUTING - set(found) == set(), "computes no figure any more: remove it from KNOWN_COMPUTING"


# --- the outputs --------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?")


def _numbers(shown: str) -> set[Decimal]:
    """The numbers in a figure as shown: '26.000 (50%)' -> {26000, 50}; '€ 1.234' -> {1234}; '45,3%' -> {45.3}."""
    return {Decimal(m.replace(".", "").replace(",", ".")) for m in _NUMBER.findall(shown)}


@pytest.fixture(scope="module")
def built(brief, validated: Path, repo_root: Path, tmp_path_factory) -> Path:
    """The brief's exports/ and data/ as the build writes them, from data/."""
    from kerncijfers.report.render import write_exports

    out = tmp_path_factory.mktemp("built") / "exports"
    write_exports(validated, brief, out, repo_root / "data" / "raw")
    return out


def _catalogued(built: Path) -> dict[str, set[Decimal]]:
    """Per place (tabel_1, grafiek_pip, a sentence): every number its catalogue figures show or read from a delivered cell."""
    out: dict[str, set[Decimal]] = {}
    for figure in provenance.read_csv(built / provenance.EXPORT):
        numbers = out.setdefault(figure.place, set())
        numbers |= _numbers(figure.shown)
        numbers |= {Decimal(c.value) for _, c in figure.inputs}
    return out


@pytest.mark.parametrize("folder", ["exports", "data"])
def test_every_number_of_every_table_export_is_a_catalogue_figure(built: Path, folder: str):
    catalogued = _catalogued(built)
    files = sorted((built if folder == "exports" else built.parent / "data").glob("tabel_*.csv"))
    assert [f.stem for f in files] == ["tabel_1", "tabel_2", "tabel_3", "tabel_4"]
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows, path
        strays = [(i, r["waarde"]) for i, r in enumerate(rows, start=2) if Decimal(r["waarde"]) not in catalogued[path.stem]]
        assert strays == [], f"{folder}/{path.name}: values (line, value) that no catalogue figure of {path.stem} shows or reads"


def test_every_figure_of_the_text_is_catalogued_with_its_record(brief, validated: Path, repo_root: Path):
    from kerncijfers.catalogue.evaluate import evaluate
    from kerncijfers.report.sentences import tekstcijfers

    catalogue = evaluate(validated, brief)
    ids = {r.id for c in catalogue.figures.values() for _, recs in [("", c.records), *c.forms.values()] for r in recs}
    for sentence in tekstcijfers(validated, brief, repo_root / "data" / "raw", catalogue):
        assert set(sentence.figures) <= ids, sentence.id
        assert set(sentence.provenance) == set(sentence.figures), sentence.id
