"""The next brief, from deliveries no one has seen: every sentence and table agrees with the data it cites.

A fictitious history (kerncijfers.synthetic, marked fictief) that shares no peildatum and no value
with the seed deliveries is validated and rendered as `kerncijfers build` does (the preview renderer
when Quarto is not installed). Its sentences and tables are then checked three ways: each figure
against the validated table it cites, the letter's tables and sentences against each other with the
rules of `check-published` (as if the brief had been printed), and the rendered pages against both.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from kerncijfers import formatting as fmt
from kerncijfers.brief import load_briefs
from kerncijfers.build import run_build
from kerncijfers.paths import Layout
from kerncijfers.published import check_published, inconsistencies
from kerncijfers.report.sentences import TABLE_REF_PREFIX, tekstcijfers
from kerncijfers.report.tables import letter_tables
from kerncijfers.rounding import share_half_up, text_step, to_hundreds
from kerncijfers.synthetic import MARKER, generate

ROOT = Path(__file__).resolve().parents[2]


#: The next brief's text: December 2023's, with one sentence dropped and one added, as an analyst edits it.
DROPPED = "arbeidsinspectie_meldingen"
ADDED = (
    "<!-- zin: leningen_teniet_gegaan | Het aantal teniet gegane leningen -->\n"
    'Op {{ leningen_teniet_gegaan_afgerond | datum }} {{ leningen_teniet_gegaan_afgerond | meervoud("is", "zijn") }} er '
    '{{ leningen_teniet_gegaan_afgerond }} {{ leningen_teniet_gegaan_afgerond | meervoud("lening", "leningen") }} teniet gegaan.\n'
)


def next_text() -> str:
    paragraphs = (ROOT / "data" / "briefs" / "2023-12" / "tekst.md").read_text(encoding="utf-8").split("\n\n")
    kept = [p for p in paragraphs if not p.startswith(f"<!-- zin: {DROPPED} ")]
    assert len(kept) == len(paragraphs) - 1
    return "\n\n".join(kept).rstrip("\n") + "\n\n" + ADDED


@pytest.fixture(scope="module")
def next_brief(tmp_path_factory):
    base = tmp_path_factory.mktemp("next-brief")
    days = generate(base / "data", 3, seed=2024, step_days=150)
    [entry] = load_briefs(base / "data" / "briefs.yml")
    text = base / "data" / "briefs" / entry.slug / "tekst.md"
    text.parent.mkdir(parents=True)
    text.write_text(next_text(), encoding="utf-8")
    layout = Layout.make(data_dir=base / "data", out_dir=base / "reports")
    run_build(layout)
    [brief] = load_briefs(layout.briefs)
    return layout, days, brief, tekstcijfers(layout.validated, brief), {t.id: t for t in letter_tables(layout.validated, brief)}


def test_the_edited_text_drops_one_sentence_and_adds_one_without_python(next_brief):
    layout, days, brief, sentences, _ = next_brief
    assert brief.tekst == str(layout.data_dir / "briefs" / brief.slug / "tekst.md")
    ids = [s.id for s in sentences]
    assert DROPPED not in ids and ids[-1] == "leningen_teniet_gegaan"
    leningen = _validated(layout, days[-1], "wi2013_leningen").set_index("categorie")["aantal"]
    figure = fmt.afgerond(int(leningen["teniet_gegaan"]))
    assert sentences[-1].figures == {"leningen_teniet_gegaan_afgerond": figure}
    assert sentences[-1].text == f"Op {fmt.datum(pd.Timestamp(days[-1]).date())} zijn er {figure} leningen teniet gegaan."


def _validated(layout: Layout, peildatum: str, table: str) -> pd.DataFrame:
    return pd.read_csv(layout.validated / peildatum / f"{table}.csv")


def test_the_deliveries_are_fictitious_and_differ_from_every_seed_delivery(next_brief):
    layout, days, brief, _, _ = next_brief
    seeds = sorted(p.name for p in (ROOT / "data/raw").iterdir() if p.is_dir())
    assert brief.fictief and (layout.data_dir / MARKER).exists()
    assert not set(days) & set(seeds)
    for seed in seeds:
        mine = _validated(layout, days[-1], "wi2013_leningen")["aantal"].tolist()
        theirs = pd.read_csv(ROOT / "data/raw" / seed / "wi2013_leningen.csv")["aantal"].tolist() if (ROOT / "data/raw" / seed / "wi2013_leningen.csv").exists() else []
        assert mine != theirs


def test_every_sentence_is_built_from_the_deliveries(next_brief):
    *_, sentences, _ = next_brief
    missing = {s.id: s.text for s in sentences if "is niet geleverd" in s.text and s.id != "wi2013_na_intrekking"}
    # The previous-peildatum aanbod comes from the Wi2021 table here, as for any delivery with PIP counts.
    assert missing == {}
    for s in sentences:
        assert s.figures, s.id
        for figure in s.figures.values():
            assert figure in s.text, (s.id, figure)


def test_every_figure_is_what_its_table_says(next_brief):
    layout, days, _, sentences, tables = next_brief
    by_id = {k: (s, v) for s in sentences for k, v in s.figures.items()}
    last = days[-1]
    w21 = _validated(layout, last, "wi2021_kerncijfers")
    count = {(r.indicator, r.doelgroep): int(r.aantal) for r in w21.itertuples()}
    assert by_id["wi2021_inburgeraars"][1] == fmt.aantal(to_hundreds(count[("inburgeringsplichtigen", "totaal")]))
    assert by_id["wi2021_in_azc"][1] == fmt.aantal(to_hundreds(count[("in_azc", "asielstatushouder")]))
    status = {k: int(v) for k, v in _validated(layout, last, "wi2013_status").set_index("status")["aantal"].items()}
    for s in ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig"):
        assert by_id[f"wi2013_{s}"][1] == fmt.aantal(status[s])
        assert by_id[f"wi2013_{s}_pct"][1] == fmt.procent(share_half_up(status[s], status["opgelegd"], 1), 1)
    # 5.4: the rounded loan figures, their step and their qualifier agree with the delivered count.
    leningen = {k: int(v) for k, v in _validated(layout, last, "wi2013_leningen").set_index("categorie")["aantal"].items()}
    for categorie in ("toegekend", "kwijtgescholden", "terugbetalingsfase", "volledig_terugbetaald"):
        value, figure = leningen[categorie], by_id[f"leningen_{categorie}_afgerond"][1]
        qualifier, _, number = figure.rpartition(" ")
        rounded = int(number.replace(".", ""))
        assert rounded % text_step(value) == 0 and abs(rounded - value) * 2 <= text_step(value), figure
        assert qualifier == ("ruim" if value > rounded else "bijna" if value < rounded else ""), (value, figure)
    # Figures the letter prints in a table: the cell of that table.
    refs = {k: v for k, (_, v) in by_id.items() if k.startswith(TABLE_REF_PREFIX)}
    assert refs
    for ref, value in refs.items():
        table_id, row_label, column = ref.split(":")
        table = tables[table_id]
        row = next(r for r in table.rows if r[0] == row_label)
        assert row[table.header[-1].index(column)] == value, ref


def _as_letter(folder: Path, sentences, tables) -> Path:
    """The brief written as a printed letter is kept in data/published/: tables as TSV, figures as tekstcijfers.csv."""
    folder.mkdir()
    for table in tables.values():
        lines = [table.header[-1], *table.rows]
        (folder / f"{table.id}.tsv").write_text("".join("\t".join(r) + "\n" for r in lines), encoding="utf-8")
    with (folder / "tekstcijfers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "paragraaf", "gedrukt", "peildatum", "omschrijving"])
        for s in sentences:
            for key, value in s.figures.items():
                if not key.startswith(TABLE_REF_PREFIX):
                    w.writerow([key, s.section.split(" ")[0], value, s.peildatum, s.id])
    return folder


def test_the_brief_passes_check_published_as_if_printed(next_brief, tmp_path):
    *_, sentences, tables = next_brief
    checks = check_published(_as_letter(tmp_path / "fictief", sentences, tables))
    assert [(c.plaats, c.cel, c.gedrukt, c.verwacht) for c in inconsistencies(checks)] == []
    places = {c.plaats for c in checks}
    # Every table and the text's sections were checked, not skipped.
    assert {"Tabel 1", "Tabel 2", "Tabel 3", "Tabel 4", "Tekst 2", "Tekst 2 × Tabel 1", "Tekst 2.1", "Tekst 5.2",
            "Tekst 5.2 × Tabel 2", "Tekst 5.4"} <= places
    assert len(checks) > 250


def _page_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(text))


def test_the_rendered_brief_shows_these_sentences_and_tables(next_brief):
    layout, _, brief, sentences, tables = next_brief
    site = layout.out_dir / "_site" / brief.slug
    tekst, tabellen = _page_text(site / "tekst.html"), _page_text(site / "tabellen.html")
    assert "fictie" in _page_text(layout.out_dir / "_site" / "index.html").lower()
    for s in sentences:
        for line in s.text.split("\n"):
            assert re.sub(r"\s+", " ", line.lstrip("- ")) in tekst, (s.id, line)
    for table in tables.values():
        for row in table.rows:
            assert " ".join(row) in tabellen or all(cell in tabellen for cell in row), (table.id, row)


def test_two_peildata_in_one_month_give_each_figure_its_own_name(tmp_path):
    """The letter names in-text figures by month (pip_pct_mei); two deliveries in one month are named by date."""
    days = generate(tmp_path / "data", 3, seed=2025, step_days=14)
    assert days[-2][:7] == days[-1][:7]  # 2015-01-15 and 2015-01-29: one month
    layout = Layout.make(data_dir=tmp_path / "data", out_dir=tmp_path / "reports")
    run_build(layout)
    [brief] = load_briefs(layout.briefs)
    sentences = {s.id: s for s in tekstcijfers(layout.validated, brief, layout.raw)}
    assert set(sentences["pip_aandeel"].figures) == {f"pip_pct_{days[-1]}", f"pip_pct_{days[-2]}"}
    assert set(sentences["pip_aantal"].figures) == {f"pip_aantal_{days[-1]}", f"pip_aantal_{days[-2]}"}
    assert set(sentences["aanbod"].figures) == {f"aanbod_pct_{days[-1]}", f"pip_asiel_{days[-1]}", f"aanbod_aantal_{days[-1]}"}
    assert set(sentences["aanbod_vorige_peildatum"].figures) == {f"aanbod_pct_{days[-2]}", f"aanbod_aantal_{days[-2]}"}
    ids = [id for s in sentences.values() for id in s.figures]
    assert len(ids) == len(set(ids))
    for s in sentences.values():
        assert set(s.provenance) == set(s.figures), s.id
        for id, value in s.figures.items():
            if not id.startswith(TABLE_REF_PREFIX):
                assert value in s.text, (s.id, id)
