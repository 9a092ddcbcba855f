"""Every in-text sentence, over wide ranges of values: wording, rounded figures, number and dates agree with the data.

The catalogue is computed from deliveries held in memory (a `Sources` that reads no files) and the
December 2023 text (data/briefs/2023-12/tekst.md) rendered with it, so Hypothesis can try thousands
of combinations; the seed deliveries are only one of them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerncijfers import formatting as fmt
from kerncijfers.brief import Brief
from kerncijfers.catalogue.definitions import WI2013_INGETROKKEN
from kerncijfers.catalogue.evaluate import evaluate
from kerncijfers.catalogue.sources import Sources
from kerncijfers.published import approximate
from kerncijfers.report import sentences as S
from kerncijfers.rounding import QUALIFIERS, approximately, text_step
from kerncijfers.schema import DOELGROEPEN_WI2021, ELIP_COHORTEN, LENING_CATEGORIEEN, TABLES

MAANDEN = "januari februari maart april mei juni juli augustus september oktober november december".split()
DATE_RE = re.compile(r"\b(\d{1,2}) (" + "|".join(MAANDEN) + r") (\d{4})\b")
ROUNDED_RE = re.compile(r"\b(" + "|".join(QUALIFIERS) + r") (\d{1,3}(?:\.\d{3})*)\b")


TEXT = Path(__file__).resolve().parents[2] / "data" / "briefs" / "2023-12" / "tekst.md"


class MemorySources(Sources):
    """The deliveries of one brief, held in memory: {table: {peildatum: frame}}."""

    def __init__(self, tables: dict[str, dict[dt.date, pd.DataFrame]]):
        last = max(p for frames in tables.values() for p in frames)
        brief = Brief(slug="test", titel="test", datum=last, kamerstuk="test", peildatum=last, cutoff=last, tekst=str(TEXT))
        super().__init__(validated_dir=".", brief=brief)
        self.tables = tables

    def peildata(self, table):
        return sorted(self.tables.get(table, {}))

    def frame(self, table, peildatum):
        return self.tables[table][peildatum]


def _frame(table: str, peildatum: dt.date, rows: list[list]) -> pd.DataFrame:
    names = [c for c in TABLES[table].column_names if c != "peildatum"]
    frame = pd.DataFrame(rows, columns=names)
    frame.insert(0, "peildatum", peildatum)
    return frame


counts = st.integers(min_value=0, max_value=5_000_000)
small = st.integers(min_value=0, max_value=40)
percent = st.decimals(min_value=0, max_value=100, places=1).map(lambda d: d.normalize() if d == d.to_integral() else d)


@st.composite
def deliveries(draw) -> tuple[dict, list[dt.date]]:
    days = sorted(draw(st.sets(st.dates(dt.date(2014, 1, 1), dt.date(2099, 12, 31)), min_size=3, max_size=3)))
    tables: dict[str, dict[dt.date, pd.DataFrame]] = {t: {} for t in TABLES}
    # wi2013_status counts since the start of the law: only nog_plichtig may shrink (the suites refuse the rest).
    status = {s: draw(counts) for s in ("ingeburgerd", "ontheven", "vrijgesteld", "vervallen", "nog_plichtig")}
    for p in days[1:]:
        plichtig = {g: draw(st.integers(1, 400_000)) for g in DOELGROEPEN_WI2021 if g != "totaal"}
        totaal = sum(plichtig.values())
        pip_asiel = draw(st.integers(1, plichtig["asielstatushouder"]))
        pip = draw(st.integers(pip_asiel, totaal))
        rows = [["inburgeringsplichtigen", "totaal", totaal]] + [["inburgeringsplichtigen", g, n] for g, n in plichtig.items()]
        rows += [["in_azc", "asielstatushouder", draw(st.integers(0, plichtig["asielstatushouder"]))],
                 ["pip_vastgesteld", "asielstatushouder", pip_asiel], ["pip_vastgesteld", "totaal", pip],
                 ["aanbod", "asielstatushouder", draw(st.integers(0, pip_asiel))]]
        tables["wi2021_kerncijfers"][p] = _frame("wi2021_kerncijfers", p, rows)
        status = {s: n + draw(counts) if s != "nog_plichtig" else draw(counts) for s, n in status.items()}
        status["nog_plichtig"] += not sum(status.values())  # something was opgelegd
        rows = [["opgelegd", sum(status.values())]] + [[s, n] for s, n in status.items()]
        tables["wi2013_status"][p] = _frame("wi2013_status", p, rows)
        tables["wi2013_leningen"][p] = _frame("wi2013_leningen", p, [[c, draw(counts), draw(counts)] for c in LENING_CATEGORIEEN])
        # At least one cohort after the Wi2013 was withdrawn, which 5.2 reports on.
        cohorten = draw(st.lists(st.integers(2013, 2030), max_size=3, unique=True).map(lambda cs: sorted(set(cs) | {2022 + len(cs)})))
        rows = []
        for c in sorted(cohorten):
            t = draw(st.integers(0, 50_000))
            rows.append([c, "totaal", t, 0, 0, t, draw(st.integers(0, 100)), 0, 100])
        tables["wi2013_cohorten"][p] = _frame("wi2013_cohorten", p, rows)
        overig = {
            "keurmerkhouders_met_maatregelen": draw(small), "keurmerkhouders_totaal": draw(st.integers(0, 400)),
            "duo_meldingen_misbruik": draw(small), "duo_meldingen_misbruik_taalschool": draw(small),
            "duo_meldingen_misbruik_inburgeraar_of_derde": draw(small), "keurmerken_ingetrokken": draw(small),
            "keurmerken_ingetrokken_kwaliteitseisen": draw(small), "aspirant_keurmerk_afgewezen": draw(small),
            "bow_meldingen_onregelmatigheden": draw(small), "arbeidsinspectie_meldingen_inburgeringsfraude": draw(small),
            "arbeidsparticipatie_statushouders": draw(percent), "arbeidsparticipatie_vrouwelijke_statushouders": draw(percent),
            "onderwijsroute_pip_asiel_cohort_2021": draw(percent), "onderwijsroute_pip_asiel_cohort_2022": draw(percent),
        }
        tables["overige_cijfers"][p] = _frame(
            "overige_cijfers", p, [[k, float(v), "personen", "Bron", "omschrijving"] for k, v in overig.items()]
        )
    for p in days:
        elip = [draw(st.integers(0, 20_000)) for _ in ELIP_COHORTEN[:-1]]
        tables["elip"][p] = _frame("elip", p, [[c, n] for c, n in zip(ELIP_COHORTEN, elip + [sum(elip)])])
    return tables, days


#: Nouns the sentences count, singular and plural.
NOUNS = {"persoon": "personen", "lening": "leningen", "melding": "meldingen", "inburgeraar": "inburgeraars", "asielstatushouder": "asielstatushouders"}
NUMBER = r"(één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|nul|\d{1,3}(?:\.\d{3})*)"


def _is_one(word: str) -> bool:
    return word in ("één", "1")


def check_sentence(sentence: S.Sentence, days: list[dt.date]) -> None:
    text = sentence.text
    for figure in sentence.figures.values():
        assert figure in text, (sentence.id, figure)
    # Dates: Dutch, and each one a peildatum of the deliveries.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    dates = [dt.date(int(jaar), MAANDEN.index(maand) + 1, int(day)) for day, maand, jaar in DATE_RE.findall(text)]
    assert set(dates) <= set(days) | {dt.date(WI2013_INGETROKKEN, 1, 1)}, text
    # Number: "één melding", "twee meldingen", never "1 personen" or "vijf lening".
    for enkel, meer in NOUNS.items():
        for number, noun in re.findall(rf"\b{NUMBER} (?:\w+ )?({enkel}|{meer})\b", text):
            assert (noun == enkel) == _is_one(number), (sentence.id, text)


def _delivered(tables, sentence_id: str) -> int:
    categorie = sentence_id.removeprefix("leningen_")
    frame = tables["wi2013_leningen"][max(tables["wi2013_leningen"])]
    return int(frame.loc[frame["categorie"] == categorie, "aantal"].iloc[0])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deliveries())
def test_every_sentence_agrees_with_any_delivery(drawn):
    tables, days = drawn
    for sentence in sentences_of(tables):
        if "is niet te berekenen" in sentence.text:  # a share of a count that rounds to 0 hundreds: said, not divided by 0
            assert " is 0, dus " in sentence.text and not sentence.figures
            continue
        check_sentence(sentence, days)
        if sentence.id.startswith("leningen_"):
            value = _delivered(tables, sentence.id)
            (figure,) = sentence.figures.values()
            assert_rounded_agrees(figure, value)
            # check-published, given the sentence as printed, finds nothing to correct.
            assert approximate(figure, value) == figure


def sentences_of(tables, only: set[str] | None = None) -> list[S.Sentence]:
    sources = MemorySources(tables)
    return S.tekstcijfers(None, sources.brief, catalogue=evaluate(None, sources.brief, sources), only=only)


def assert_rounded_agrees(figure: str, value: int) -> None:
    """The qualifier says on which side of the rounded figure the value lies; the figure fits its step."""
    qualifier, _, number = figure.rpartition(" ")
    rounded = int(number.replace(".", ""))
    step = text_step(value)
    assert rounded % step == 0, (figure, value)
    assert abs(value - rounded) * 2 <= step, (figure, value)  # the nearest figure on the step
    assert qualifier == ("ruim" if value > rounded else "bijna" if value < rounded else ""), (figure, value)


@given(st.integers(min_value=0, max_value=10**9))
def test_rounded_figure_agrees_with_the_value(value):
    assert_rounded_agrees(fmt.afgerond(value), value)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(QUALIFIERS))
def test_a_printed_qualifier_is_checked_on_the_same_step(value, qualifier):
    rounded = approximately(value, qualifier)
    step = text_step(value)
    assert rounded.figure % step == 0 and abs(rounded.figure - value) < step
    if qualifier == "ruim":
        assert rounded.figure <= value and rounded.qualifier == ("ruim" if rounded.figure < value else "")
    elif qualifier == "bijna":
        assert rounded.figure >= value and rounded.qualifier == ("bijna" if rounded.figure > value else "")
    else:
        assert rounded.qualifier == qualifier and abs(rounded.figure - value) * 2 <= step


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2011, "ruim 2.000"),  # the example: not "bijna 2.100"
        (1874, "bijna 1.900"),
        (14767, "bijna 15.000"),
        (87716, "bijna 88.000"),
        (138610, "bijna 139.000"),
        (138000, "138.000"),
        (1850, "bijna 1.900"),  # half-up, not half-to-even
        (99, "99"),
        (1, "1"),
    ],
)
def test_afgerond(value, expected):
    assert fmt.afgerond(value) == expected


@pytest.mark.parametrize(
    ("printed", "value", "expected"),
    [
        # The letter's 5.4, as check-published reads it.
        ("ruim 138.000", 138610, "ruim 138.000"),
        ("circa 87.000", 87716, "circa 88.000"),
        ("afgerond 15.000", 14767, "afgerond 15.000"),
        ("bijna 1.900", 1874, "bijna 1.900"),
        ("ruim 2.000", 2011, "ruim 2.000"),
        ("bijna 2.100", 2011, "bijna 2.100"),
        ("ruim 138.000", 138000, "138.000"),  # exactly on the step: not 'ruim'
        ("138.000", 138610, "138.610"),  # no qualifier: the exact figure
    ],
)
def test_check_of_a_printed_rounded_figure(printed, value, expected):
    assert approximate(printed, value) == expected


def test_one_loan_is_singular():
    day = dt.date(2024, 5, 1)
    tables = {t: {} for t in TABLES}
    tables["wi2013_leningen"][day] = _frame("wi2013_leningen", day, [[c, 1, 100] for c in LENING_CATEGORIEEN])
    texts = {s.id: s.text for s in sentences_of(tables, {f"leningen_{c}" for c in LENING_CATEGORIEEN})}
    assert texts["leningen_toegekend"] == "Tot peildatum 1 mei 2024 is in totaal aan 1 persoon een lening toegekend."
    assert texts["leningen_kwijtgescholden"].startswith("Sinds de start van de Wi2013 is er op peildatum 1 mei 2024 1 lening geheel")
    assert texts["leningen_volledig_terugbetaald"] == "Op 1 mei 2024 had 1 persoon zijn of haar lening geheel terugbetaald."


def _status(day: dt.date, ingeburgerd: int, nog_plichtig: int) -> pd.DataFrame:
    rest = {"ontheven": 300, "vrijgesteld": 40, "vervallen": 60}
    counts = {"ingeburgerd": ingeburgerd, **rest, "nog_plichtig": nog_plichtig}
    return _frame("wi2013_status", day, [["opgelegd", sum(counts.values())], *([s, n] for s, n in counts.items())])


@pytest.mark.parametrize(
    ("nog", "diploma", "expected"),
    [
        # A fall of 100 with 500 new diplomas: the 500 are not "of" the 100.
        ((1000, 900), 500, "met 100 personen gedaald. In dezelfde periode hebben 500 personen een inburgeringsdiploma gehaald."),
        # A fall of 500 with 100 new diplomas: they are.
        ((1000, 500), 100, "met 500 personen gedaald. Daarvan hebben 100 personen een inburgeringsdiploma gehaald."),
        ((1000, 500), 500, "met 500 personen gedaald. Daarvan hebben 500 personen een inburgeringsdiploma gehaald."),
        ((1000, 1001), 1, "met 1 persoon gestegen. In dezelfde periode heeft 1 persoon een inburgeringsdiploma gehaald."),
        ((1000, 1000), 0, "gelijk gebleven. In dezelfde periode hebben 0 personen een inburgeringsdiploma gehaald."),
    ],
)
def test_daarvan_only_when_the_diplomas_fit_inside_the_fall(nog, diploma, expected):
    toen, nu = dt.date(2024, 5, 1), dt.date(2024, 10, 1)
    tables = {t: {} for t in TABLES}
    tables["wi2013_status"] = {toen: _status(toen, 2000, nog[0]), nu: _status(nu, 2000 + diploma, nog[1])}
    (sentence,) = sentences_of(tables, {"wi2013_verloop"})
    assert sentence.text == ("Ten opzichte van de stand per 1 mei 2024 is het aantal inburgeringsplichtigen onder de Wi2013 " + expected)
