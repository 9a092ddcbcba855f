"""The report kernel's head start: what it read of the published state is not read again from the staged copy.

It reads the validated tables and computes no figure: figures are computed once, by the report (the catalogue).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kerncijfers import store
from kerncijfers.report import render, sentences, tables


def test_the_staged_hard_links_are_read_from_what_preload_read(validated: Path, brief, repo_root: Path, tmp_path: Path, monkeypatch):
    stage = tmp_path / "validated"
    shutil.copytree(validated, stage, copy_function=os.link)  # as build._stage_validated does
    parsed: list[Path] = []
    parse = store._parse_validated
    monkeypatch.setattr(store, "_READ_CACHE", {})
    monkeypatch.setattr(store, "_parse_validated", lambda path, table: parsed.append(path) or parse(path, table))

    render.preload(str(validated), str(repo_root / "data" / "briefs.yml"))
    assert parsed and all(validated in p.parents for p in parsed)
    read_by_preload = len(parsed)

    # The report on the staged copy parses nothing again, and gets the same figures.
    assert [t.rows for t in tables.letter_tables(stage, brief)] == [t.rows for t in tables.letter_tables(validated, brief)]
    assert sentences.tekstcijfers(stage, brief) == sentences.tekstcijfers(validated, brief)
    assert len(parsed) == read_by_preload

    # A file validated again (a new file, not a link) is read anew.
    table = stage / "2023-10-01" / "wi2021_kerncijfers.csv"
    content = table.read_bytes()
    table.unlink()
    table.write_bytes(content)
    tables.letter_tables(stage, brief)
    assert parsed[read_by_preload:] == [table]


def test_preload_keeps_quiet_about_a_history_it_cannot_draw(tmp_path: Path, repo_root: Path, brief):
    """Failing there is the report's job, with its own message; the head start only stops."""
    import pytest

    nothing = tmp_path / "nothing"
    with pytest.raises(tables.MissingDelivery, match="Tabel 1 needs 2 validated deliveries of wi2021_kerncijfers"):
        tables.letter_tables(nothing, brief)  # what the report says about this history
    render.preload(str(nothing), str(repo_root / "data" / "briefs.yml"))  # the head start raises nothing


def test_preload_computes_no_figure_and_reads_each_file_the_briefs_may_use_once(validated: Path, repo_root: Path, monkeypatch):
    from kerncijfers.catalogue import evaluate
    from kerncijfers.report import charts

    computed: list[str] = []  # recorded, not raised: a head start that swallowed the error would hide it

    for module, name in ((tables, "letter_tables"), (charts, "letter_charts"), (evaluate, "evaluate"), (sentences, "tekstcijfers")):
        monkeypatch.setattr(module, name, lambda *args, name=name, **kwargs: computed.append(name))
    parsed: list[Path] = []
    parse = store._parse_validated
    monkeypatch.setattr(store, "_READ_CACHE", {})
    monkeypatch.setattr(store, "_parse_validated", lambda path, table: parsed.append(path) or parse(path, table))
    render.preload(str(validated), str(repo_root / "data" / "briefs.yml"))
    assert computed == []
    # 2023-12 may use wi2021_kerncijfers, wi2013_* up to 1 October 2023, ELIP and overige cijfers up to 1 November 2023:
    # every CSV in data/validated/ except those of later deliveries, each once.
    expected = sorted(p for p in validated.glob("*/*.csv") if p.parent.name <= ("2023-11-01" if p.stem in ("elip", "overige_cijfers") else "2023-10-01"))
    assert sorted(parsed) == expected and len(expected) > 10
