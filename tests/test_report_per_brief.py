"""Only the briefs whose inputs changed are rendered again; the others are kept as published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kerncijfers.build import run_build
from kerncijfers.paths import Layout
from kerncijfers.synthetic import generate


def _two_briefs(base: Path) -> tuple[Layout, list[str]]:
    """A fictitious history of four deliveries, with a brief on the third and one on the fourth."""
    days = generate(base / "data", 4, step_days=40)
    briefs = base / "data" / "briefs.yml"
    text = briefs.read_text(encoding="utf-8")
    entry = text[text.index("  - slug:"):]
    older = entry.replace(days[-1], days[-2])
    briefs.write_text(text + older, encoding="utf-8")
    return Layout.make(data_dir=base / "data", out_dir=base / "reports"), days


def _add_elip(layout: Layout, after: str, days: int = 10) -> str:
    """A new ELIP delivery `days` after `after`: the numbers of that delivery, its own peildatum."""
    import datetime as dt

    new = (dt.date.fromisoformat(after) + dt.timedelta(days=days)).isoformat()
    (layout.raw / new).mkdir()
    text = (layout.raw / after / "elip.csv").read_text(encoding="utf-8")
    (layout.raw / new / "elip.csv").write_text(text.replace(after, new), encoding="utf-8")
    return new


def test_a_brief_whose_inputs_did_not_change_is_kept(tmp_path, hashes):
    layout, days = _two_briefs(tmp_path)
    said: list[str] = []
    run_build(layout)
    older = f"fictief-{days[-2]}"
    newer = f"fictief-{days[-1]}"
    before = hashes(layout.out_dir / older)

    # A delivery after the older brief's cut-off: only the newer brief shows it.
    _add_elip(layout, days[-2])
    result = run_build(layout, progress=said.append)
    assert "report" in result.ran
    assert f"[1/2] report {older}: inputs unchanged, kept as published" in said
    assert not any(line.startswith(f"[2/2] report {newer}: inputs unchanged") for line in said), said
    assert hashes(layout.out_dir / older) == before

    # A published file of the kept brief edited by hand: that brief is rendered again, and mended.
    export = layout.out_dir / older / "exports" / "tabel_1.csv"
    export.write_text(export.read_text(encoding="utf-8") + "0,0,0,0\n", encoding="utf-8")
    said.clear()
    run_build(layout, progress=said.append)
    assert not any(f"report {older}: inputs unchanged" in line for line in said), said
    assert hashes(layout.out_dir / older) == before


def test_force_renders_every_brief(tmp_path):
    layout, days = _two_briefs(tmp_path)
    run_build(layout)
    said: list[str] = []
    run_build(layout, force=True, progress=said.append)
    assert not any("inputs unchanged" in line for line in said), said


@pytest.mark.slow
def test_quarto_renders_only_the_home_page_and_the_changed_brief(tmp_path, monkeypatch, quarto, hashes):
    """With every brief's entry as before, Quarto starts from the published site: the kept brief's
    pages keep their bytes, and the site equals a full render of the same inputs."""
    monkeypatch.setenv("KERNCIJFERS_RENDERER", "quarto")
    layout, days = _two_briefs(tmp_path / "partial")
    run_build(layout)
    new = _add_elip(layout, days[-2])
    said: list[str] = []
    result = run_build(layout, progress=said.append)
    assert f"[1/2] report fictief-{days[-2]}: inputs unchanged, kept as published" in said
    assert any(note.startswith("Rendered the home page and 1 of the briefs with Quarto") for note in result.notes), result.notes
    assert not any(f"quarto [1/8] fictief-{days[-2]}" in line for line in said), said  # the kept brief's pages are not rendered

    full, _ = _two_briefs(tmp_path / "full")
    shutil.copytree(layout.raw / new, full.raw / new)
    run_build(full)
    assert hashes(layout.out_dir / "_site") == hashes(full.out_dir / "_site")
