"""The in-text sentences regenerate every figure the letter prints in running text that the data holds."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kerncijfers.published import approximate, number
from kerncijfers.rounding import text_step
from kerncijfers.report.sentences import figure_values, getal, tekstcijfers
from kerncijfers.catalogue.text import TextError
from kerncijfers.report.tables import letter_tables

#: Printed in-text figures no delivery holds (niet_geleverd.csv of the letter says why). May only change on purpose.
NOT_REGENERABLE = {"wi2013_cohort_2022_opgelegd", "wi2013_cohort_2023_opgelegd"}

#: In-text figures correcties.csv documents as printed wrongly: id -> the value used.
TEXT_CORRECTIONS = {"wi2013_vrijgesteld_pct": "3,0%", "leningen_kwijtgescholden_afgerond": "circa 88.000"}

#: Rounded loan figures of 5.4: the sentence words them by the value (rounding.approximately), so
#: where the letter chose "ruim", "circa" or "afgerond" the wording differs: id -> (delivered, generated).
WORDED_BY_THE_VALUE = {
    "leningen_toegekend_afgerond": (138610, "bijna 139.000"),
    "leningen_kwijtgescholden_afgerond": (87716, "bijna 88.000"),
    "leningen_terugbetalingsfase_afgerond": (14767, "bijna 15.000"),
    "leningen_volledig_terugbetaald_afgerond": (1874, "bijna 1.900"),
}


@pytest.fixture(scope="module")
def printed(published) -> dict[str, dict]:
    with open(published / "tekstcijfers.csv", encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def sentences(validated, brief):
    return tekstcijfers(validated, brief)


@pytest.fixture(scope="module")
def values(validated, brief):
    return figure_values(validated, brief)


def text_corrections(published: Path, printed: dict[str, dict]) -> dict[str, str]:
    """correcties.csv rows about running text, matched to tekstcijfers by paragraph and printed value."""
    with open(published / "correcties.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for c in rows:
        if not c["plaats"].startswith("Tekst "):
            continue
        paragraaf = c["plaats"].split()[1]
        ids = [i for i, p in printed.items() if p["paragraaf"] == paragraaf and p["gedrukt"] == c["gedrukt"]]
        assert len(ids) <= 1, (c["id"], ids)
        if ids:
            out[ids[0]] = c["gebruikt"]
    return out


def test_text_corrections_are_the_documented_ones(published, printed):
    assert text_corrections(published, printed) == TEXT_CORRECTIONS


def test_every_printed_figure_is_regenerated_except_the_listed_ones(values, printed, published):
    assert set(printed) - set(values) == NOT_REGENERABLE
    with open(published / "niet_geleverd.csv", encoding="utf-8", newline="") as f:
        assert {row["id"] for row in csv.DictReader(f)} == NOT_REGENERABLE
    assert set(values) <= set(printed), "figure ids must be tekstcijfers ids"


def test_every_regenerated_figure_equals_the_print(values, printed):
    differences = {
        id: (values[id], TEXT_CORRECTIONS.get(id, row["gedrukt"]))
        for id, row in printed.items()
        if id in values and id not in WORDED_BY_THE_VALUE and values[id] != TEXT_CORRECTIONS.get(id, row["gedrukt"])
    }
    assert differences == {}


def test_rounded_figures_agree_with_the_value_as_the_print_does(values, printed, validated):
    import pandas as pd

    leningen = pd.read_csv(validated / "2023-10-01" / "wi2013_leningen.csv")
    delivered = {f"leningen_{c}_afgerond": int(n) for c, n in zip(leningen["categorie"], leningen["aantal"]) if c != "teniet_gegaan"}
    assert {id: (delivered[id], values[id]) for id in delivered} == WORDED_BY_THE_VALUE
    for id, (value, generated) in WORDED_BY_THE_VALUE.items():
        used = TEXT_CORRECTIONS.get(id, printed[id]["gedrukt"])
        # Both wordings pass check-published's rule; the figures are the same or neighbours on the step
        # (the letter wrote 138.610 as "ruim 138.000", the nearest figure is 139.000).
        assert abs(number(generated) - number(used)) <= text_step(value)
        assert approximate(used, value) == used and approximate(generated, value) == generated


def test_corrected_figures_differ_from_the_print(values, printed):
    for id, used in TEXT_CORRECTIONS.items():
        assert used != printed[id]["gedrukt"]
        assert values[id] == WORDED_BY_THE_VALUE.get(id, (None, used))[1]


def test_each_figure_appears_in_its_sentence(sentences):
    assert len({s.id for s in sentences}) == len(sentences)
    for s in sentences:
        assert s.figures, s.id
        for figure in s.figures.values():
            assert figure in s.text, (s.id, figure)


def test_table_references_match_the_tables(sentences, validated, brief):
    tables = {t.id: t for t in letter_tables(validated, brief)}
    refs = {k: v for s in sentences for k, v in s.figures.items() if k.startswith("tabel_")}
    assert refs == {
        "tabel_2:2022:Totaal": "2.095",
        "tabel_2:2023:Totaal": "380",
        "tabel_3:01-07-2023:Totaal": "2.436",
        "tabel_3:01-11-2023:Totaal": "2.739",
    }
    for ref, value in refs.items():
        table_id, row_label, column = ref.split(":")
        table = tables[table_id]
        row = next(r for r in table.rows if r[0] == row_label)
        assert row[table.header[-1].index(column)] == value


def test_sentences_read_as_the_letter(sentences):
    text = {s.id: s.text for s in sentences}
    assert text["wi2021_inburgeraars"] == (
        "Op 1 oktober 2023 waren er onder de Wi2021 circa 51.600 inburgeraars, waarvan 34.400 asielstatushouders, "
        "16.100 gezinsmigranten en 1.100 overige migranten."
    )
    assert text["wi2021_in_azc"] == "Op 1 oktober 2023 verbleven 10.900 inburgeringsplichtige statushouders in een azc."
    assert text["wi2013_verloop"] == (
        "Ten opzichte van de stand per 1 mei 2023 is het aantal inburgeringsplichtigen onder de Wi2013 met 7.503 personen "
        "gedaald. Daarvan hebben 5.510 personen een inburgeringsdiploma gehaald."
    )
    assert "- 5.823 inburgeraars (3,0%) vrijgesteld van de inburgeringsplicht;" in text["wi2013_stand"]
    assert "ongeveer 40 procent van de asielstatushouders (3.700 personen)" in text["aanbod_vorige_peildatum"]
    assert "laten wederom een stijging zien: 2.739" in text["elip_verloop"]
    assert "in de periode van 1 mei 2023 tot 1 november 2023 vijf keer een keurmerk ingetrokken" in text["blik_op_werk_toezicht"]
    assert "van 1 mei 2023 tot en met 1 november 2023 één melding van mogelijke inburgeringsfraude" in text["arbeidsinspectie_meldingen"]


def test_cohort_2022_opgelegd_is_said_to_be_missing_not_invented(sentences):
    s = next(s for s in sentences if s.id == "wi2013_na_intrekking")
    assert "is niet geleverd" in s.text
    assert "2.117" not in s.text
    assert s.figures["wi2013_cohort_2022_voldaan_pct"] == "8%"


def test_sentence_metadata(sentences):
    meta = {s.id: (s.table, s.peildatum) for s in sentences}
    assert meta["wi2021_inburgeraars"] == ("wi2021_kerncijfers", "2023-10-01")
    assert meta["elip_verloop"] == ("elip", "2023-11-01")
    assert meta["arbeidsparticipatie"] == ("overige_cijfers", "2023-05-01")
    assert meta["leningen_toegekend"] == ("wi2013_leningen", "2023-10-01")


def test_a_missing_delivery_is_said_not_invented(validated, brief, tmp_path):
    partial = tmp_path / "validated"
    shutil.copytree(validated, partial)
    (partial / "2023-05-01" / "wi2021_kerncijfers.csv").unlink()
    sentences = {s.id: s for s in tekstcijfers(partial, brief)}
    pip = sentences["pip_aandeel"]
    assert pip.figures == {} and pip.peildatum == ""
    assert pip.text.startswith("Het aandeel inburgeraars met een vastgesteld PIP is niet geleverd (wi2021_kerncijfers:")
    values = figure_values(partial, brief)
    assert "pip_pct_mei" not in values and "aanbod_aantal_mei" not in values
    assert values["wi2021_inburgeraars"] == "51.600"


def test_a_figure_whose_table_has_no_delivery_is_refused_naming_file_and_line(brief, tmp_path):
    (tmp_path / "validated").mkdir()
    with pytest.raises(TextError) as refused:
        tekstcijfers(tmp_path / "validated", brief)
    # The first sentence of the text, on line 12 of data/briefs/2023-12/tekst.md, needs wi2021_kerncijfers.
    assert str(refused.value).startswith("data/briefs/2023-12/tekst.md, line 12: figure 'wi2021_asielstatushouders' needs table wi2021_kerncijfers")
    assert "2023-10-01" in str(refused.value)


@pytest.mark.parametrize(("n", "expected"), [(1, "één"), (4, "vier"), (10, "tien"), (12, "12"), (1700, "1.700")])
def test_getal(n, expected):
    assert getal(n) == expected
