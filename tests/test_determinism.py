"""Building twice from the same inputs gives byte-identical published files."""

from __future__ import annotations

import shutil
from pathlib import Path

from kerncijfers import fonts
from kerncijfers.build import run_build
from kerncijfers.paths import Layout


def _built_copy(repo_root: Path, tmp_path: Path) -> Layout:
    """The seed deliveries copied into a fresh tree, built once."""
    tree = tmp_path / "data"
    shutil.copytree(repo_root / "data" / "raw", tree / "raw")
    shutil.copy(repo_root / "data" / "briefs.yml", tree / "briefs.yml")
    layout = Layout.make(data_dir=tree, out_dir=tmp_path / "reports")
    run_build(layout)
    return layout


def test_two_builds_of_the_same_inputs_are_byte_identical(repo_root, tmp_path, hashes):
    layout = _built_copy(repo_root, tmp_path)
    first = hashes(layout.validated, hidden=False), hashes(layout.out_dir, hidden=False)
    # Each delivery built alone (its published folder removed, so only it runs, in a kernel of its
    # own) gives the bytes it had in the batch: validatie.ipynb does not count what ran before it.
    for peildatum in sorted(p.name for p in layout.validated.iterdir()):
        shutil.rmtree(layout.validated / peildatum)
        assert run_build(layout).ran == [f"validate:{peildatum}"]
        assert hashes(layout.validated, hidden=False) == first[0], peildatum
    run_build(layout, force=True)
    second = hashes(layout.validated, hidden=False), hashes(layout.out_dir, hidden=False)
    assert first[0] == second[0]
    assert first[1] == second[1]
    # Every kind of output was compared, the report site included.
    names = set(first[1])
    assert any(n.endswith("brief.ipynb") for n in names) and "_site/index.html" in names
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".vl.json") for n in names)
    assert any(n.endswith("validatie.ipynb") for n in first[0]) and any(n.endswith(".parquet") for n in first[0])


def test_committed_outputs_equal_a_fresh_build(repo_root, tmp_path, hashes):
    """What is committed in data/validated/ and reports/ is what the code produces now."""
    layout = _built_copy(repo_root, tmp_path)

    # What git does not hold: the site (reports/_site is built) and reports/fonts/, the build's copy
    # of the installed font package (reports/.gitignore). Everything else is committed, notebooks
    # included. A clean clone has neither, so the comparison must not depend on them.
    not_committed = ("_site/", f"{fonts.SITE_FOLDER}/")

    def comparable(hashes: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in hashes.items() if not k.startswith(not_committed)}

    assert comparable(hashes(layout.validated, hidden=False)) == comparable(hashes(repo_root / "data" / "validated", hidden=False))
    assert comparable(hashes(layout.out_dir, hidden=False)) == comparable(hashes(repo_root / "reports", hidden=False))
