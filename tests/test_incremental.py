"""A build reruns exactly the steps whose inputs changed, on a fictitious history."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerncijfers.build import run_build
from kerncijfers.paths import Layout
from kerncijfers.synthetic import MARKER, generate


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Layout, list[str], object]:
    base = tmp_path_factory.mktemp("syn")
    days = generate(base / "data", 3)
    layout = Layout.make(data_dir=base / "data", out_dir=base / "reports")
    first = run_build(layout)
    return layout, days, first


def test_first_build_runs_every_step(history):
    layout, days, first = history
    assert first.ran == [f"validate:{d}" for d in days] + ["report"]


def test_second_build_with_unchanged_inputs_runs_no_step(history):
    layout, days, _ = history
    again = run_build(layout)
    assert again.ran == []
    assert again.skipped == [f"validate:{d}" for d in days] + ["report"]


def test_changed_brief_reruns_only_the_report(history):
    layout, days, _ = history
    text = layout.briefs.read_text(encoding="utf-8")
    layout.briefs.write_text(text.replace("(testdata)", "(testdata, herzien)"), encoding="utf-8")
    assert run_build(layout).ran == ["report"]


def test_redelivered_file_reruns_its_delivery_the_later_ones_and_the_report(history):
    layout, days, _ = history
    folder = layout.raw / days[1]
    path = folder / "overige_cijfers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("geen echte cijfers", "geen echte cijfers (herlevering)"), encoding="utf-8")
    (folder / "SHA256SUMS").unlink()  # a reviewed re-delivery: the manifest is written anew
    result = run_build(layout)
    # Later deliveries are checked against their previous delivery, so they depend on it too.
    assert result.ran == [f"validate:{days[1]}", f"validate:{days[2]}", "report"]
    assert (folder / "SHA256SUMS").exists()
    assert "herlevering" in (layout.validated / days[1] / "overige_cijfers.csv").read_text(encoding="utf-8")


def test_added_delivery_runs_only_its_steps(history, tmp_path):
    layout, days, _ = history
    extra = generate(tmp_path / "more", 4)[-1]
    import shutil

    shutil.copytree(tmp_path / "more" / "raw" / extra, layout.raw / extra)
    assert run_build(layout).ran == [f"validate:{extra}", "report"]


def test_a_published_file_changed_by_hand_reruns_its_step_and_is_named(history):
    """As after `git checkout reports/` or an edit: the build says which file and writes it again."""
    layout, days, _ = history
    chart = next((layout.out_dir).glob("*/exports/pip.png"))
    table = layout.validated / days[0] / "overige_cijfers.csv"
    written = chart.read_bytes(), table.read_bytes()
    chart.write_bytes(b"not the chart")
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    said: list[str] = []
    result = run_build(layout, progress=said.append)
    assert result.ran == [f"validate:{days[0]}", "report"]
    shown = chart.relative_to(layout.data_dir.parent).as_posix()
    assert f"{shown}: not as the last build wrote it (changed or removed since); rebuilding report" in said
    assert any(m.startswith(f"data/validated/{days[0]}/overige_cijfers.csv: ") for m in said), said
    assert (chart.read_bytes(), table.read_bytes()) == written


def test_a_removed_site_page_reruns_the_report(history):
    layout, _, _ = history
    page = next((layout.out_dir / "_site").rglob("tabellen.html"))
    written = page.read_bytes()
    page.unlink()
    assert run_build(layout).ran == ["report"]
    assert page.read_bytes() == written
    assert run_build(layout).ran == []


def test_force_reruns_everything(history):
    layout, _, _ = history
    result = run_build(layout, force=True)
    assert result.skipped == []


def test_fictitious_history_is_marked_in_data_and_on_every_page(history):
    layout, days, _ = history
    assert (layout.data_dir / MARKER).exists()
    assert "fictieve_testdata" in (layout.validated / days[0] / "overige_cijfers.csv").read_text(encoding="utf-8")
    pages = sorted((layout.out_dir / "_site").rglob("*.html"))
    pages = [p for p in pages if "exports" not in p.parts]
    assert len(pages) >= 8
    for page in pages:
        assert 'class="fictief"' in page.read_text(encoding="utf-8"), page.name


def test_real_report_has_no_fictief_banner(repo_root):
    site = repo_root / "reports" / "_site"
    for page in site.rglob("*.html"):
        assert 'class="fictief"' not in page.read_text(encoding="utf-8")


def test_generator_refuses_the_projects_raw_folder(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    with pytest.raises(FileExistsError):
        generate(repo_root / "data", 2)


def _project_copy(repo_root: Path, tmp_path: Path) -> Layout:
    """The files plan() hashes, copied, so a test can edit them without touching the repository."""
    import shutil

    root = tmp_path / "project"
    for name in ("src", "notebooks", "expectations", "site"):
        shutil.copytree(repo_root / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("_quarto.yml", "requirements.lock"):
        shutil.copy(repo_root / name, root / name)
    shutil.copytree(repo_root / "data" / "raw", root / "data" / "raw")
    shutil.copy(repo_root / "data" / "briefs.yml", root / "data" / "briefs.yml")
    return Layout.make(root=root)


@pytest.mark.parametrize("edited, reruns", [
    ("src/kerncijfers/report/charts.py", {"report"}),
    ("site/brief/tekst.qmd", {"report"}),
    ("_quarto.yml", {"report"}),
    ("src/kerncijfers/report/publicatie.yml", {"report"}),  # publisher, licence, base URL of the open data
    ("site/toegankelijkheid-resultaten.json", {"report"}),  # the machine check the statement shows
    ("notebooks/brief.ipynb", {"report"}),
    ("src/kerncijfers/rules.py", "all"),
    ("notebooks/validate_delivery.ipynb", "all"),
])
def test_an_edit_changes_the_keys_of_exactly_the_steps_that_read_it(repo_root, tmp_path, edited, reruns):
    from kerncijfers.build import plan

    layout = _project_copy(repo_root, tmp_path)
    before = {s.id: s.key for s in plan(layout)}
    path = layout.root / edited
    path.write_bytes(path.read_bytes() + b"\n")
    after = {s.id: s.key for s in plan(layout)}
    changed = {step for step in before if before[step] != after[step]}
    assert changed == (set(before) if reruns == "all" else reruns)
