"""The pages "Ontwikkeling sinds de vorige peildatum" and "Afwijkingen ten opzichte van de gepubliceerde brief"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kerncijfers.brief import brief_by_slug, load_briefs
from kerncijfers.report.changes import afwijkingen, changes_since_previous
from kerncijfers.thresholds import GROOT, ONWAARSCHIJNLIJK, flags_for

ROOT = Path(__file__).resolve().parents[2]
VALIDATED = ROOT / "data" / "validated"


@pytest.fixture(scope="module")
def brief():
    return brief_by_slug(load_briefs(ROOT / "data" / "briefs.yml"), "2023-12")


@pytest.fixture(scope="module")
def page(brief):
    return changes_since_previous(VALIDATED, brief)


# --- Ontwikkeling sinds de vorige peildatum ----------------------------------------------------


def test_the_letters_sentence_on_the_wi2013_comes_from_the_data(page):
    status = page.table("wi2013_status")
    assert (status.vorige_peildatum, status.peildatum) == (dt.date(2023, 5, 1), dt.date(2023, 10, 1))
    assert status.zinnen == (
        "Ten opzichte van de vorige uitvoeringsbrief, waarin de stand per 1 mei 2023 werd weergegeven, "
        "is het aantal inburgeringsplichtigen onder de Wi2013 met 7.503 personen gedaald.",
        "Daarvan hebben 5.510 personen een inburgeringsdiploma gehaald.",
    )


def test_a_missing_previous_delivery_is_said_not_invented(page, brief):
    for table, subject in (("wi2013_cohorten", "de Wi2013-cohorten (Tabel 2)"), ("wi2013_leningen", "de Wi2013-leningen (Tabel 4)")):
        t = page.table(table)
        assert (t.vorige_peildatum, t.comparison, t.veranderingen) == (None, None, ())
        assert t.zinnen == (
            f"Van {subject} is geen levering van vóór 1 oktober 2023 gevalideerd; "
            "een verandering ten opzichte van de vorige peildatum is daarom niet te geven.",
        )
    early = dataclasses.replace(brief, peildatum=dt.date(2022, 1, 1), cutoff=dt.date(2022, 1, 1))
    none = changes_since_previous(VALIDATED, early).table("elip")
    assert none.zinnen == ("Van de ELIP-groep (Tabel 3) is tot en met 1 januari 2022 geen levering gevalideerd.",)


def test_wi2021_sentences_and_the_rows_the_previous_delivery_lacks(page):
    zinnen = page.table("wi2021_kerncijfers").zinnen
    assert zinnen[0] == (
        "Ten opzichte van de vorige uitvoeringsbrief, waarin de stand per 1 mei 2023 werd weergegeven, "
        "is het aantal inburgeringsplichtigen onder de Wi2021 gestegen van 36.200 naar 51.600."
    )
    assert "Het aantal vastgestelde PIP's is gestegen van 15.600 naar 26.000." in zinnen
    assert zinnen[-1].startswith("De levering van 1 mei 2023 heeft geen cijfer voor inburgeringsplichtigen onder de Wi2021 "
                                 "(asielstatushouders, gezinsmigranten en overige migranten)")


def test_elip_uses_the_previous_elip_delivery_and_flags_large_cohort_changes(page):
    elip = page.table("elip")
    assert (elip.vorige_peildatum, elip.peildatum) == (dt.date(2023, 7, 1), dt.date(2023, 11, 1))
    assert elip.zinnen == (
        "Ten opzichte van de vorige levering, met peildatum 1 juli 2023, is de ELIP-groep gestegen van 2.436 naar 2.739 personen.",
        "Het sterkst gestegen is cohort 2021 (van 156 naar 478); het sterkst gedaald is cohort 2019 (van 627 naar 485).",
    )
    flagged = {v.change.key[0]: [f.soort for f in v.flags] for v in elip.flagged}
    # 2020 +45,6% and 2021 +206,4% are large; 2013 (14 -> 10, -28,6%) is too small a count to flag.
    assert flagged == {"2020": [GROOT], "2021": [GROOT]}


def test_wi2021_build_up_is_flagged_large_but_the_wi2013_movement_is_not(page):
    assert {v.change.key: v.flags[0].soort for v in page.table("wi2021_kerncijfers").flagged} == {
        ("inburgeringsplichtigen", "totaal"): GROOT,
        ("pip_vastgesteld", "totaal"): GROOT,
        ("aanbod", "asielstatushouder"): GROOT,
    }
    assert page.table("wi2013_status").flagged == ()  # -14,6% and +5,6%


def test_overige_cijfers_without_common_figures(page):
    assert page.table("overige_cijfers").zinnen == (
        "De levering van 1 november 2023 heeft geen cijfer dat ook in die van 1 mei 2023 staat; er is geen verandering te geven.",
    )


def test_a_falling_cumulative_figure_is_flagged_implausible(tmp_path, brief):
    validated = tmp_path / "validated"
    shutil.copytree(VALIDATED, validated)
    status = validated / "2023-10-01" / "wi2013_status.csv"
    status.write_text(status.read_text(encoding="utf-8").replace("ingeburgerd,103206", "ingeburgerd,90000"), encoding="utf-8")
    t = changes_since_previous(validated, brief).table("wi2013_status")
    [flagged] = t.flagged
    assert flagged.change.key == ("ingeburgerd",)
    assert [f.soort for f in flagged.flags] == [ONWAARSCHIJNLIJK]
    assert t.zinnen[1] == "Het aantal ingeburgerden is in dezelfde periode met 7.696 personen gedaald."


def test_thresholds():
    d = Decimal
    assert flags_for(d(1000), d(1249), eenheid="personen") == ()
    assert [f.soort for f in flags_for(d(1000), d(1250), eenheid="personen")] == [GROOT]
    assert [f.soort for f in flags_for(d(1000), d(750), eenheid="personen")] == [GROOT]
    assert flags_for(d(14), d(10), eenheid="personen") == ()  # below MINIMUM_AANTAL
    assert [f.soort for f in flags_for(d(10), d(156), eenheid="personen")] == [GROOT]  # growth from a small base
    assert [f.soort for f in flags_for(d(51600), d(516), eenheid="personen")] == [ONWAARSCHIJNLIJK]  # hundreds slip
    assert [f.soort for f in flags_for(d(500), d(0), eenheid="personen")] == [ONWAARSCHIJNLIJK]  # blanked out
    assert [f.soort for f in flags_for(d(100), d(99), eenheid="personen", cumulatief=True)] == [ONWAARSCHIJNLIJK]
    assert flags_for(d(8), d(17), eenheid="procent") == ()
    assert [f.soort for f in flags_for(d(8), d(18), eenheid="procent")] == [GROOT]


def test_changes_html_is_escaped_and_accessible(page):
    fragment = page.to_html()
    assert fragment.startswith('<section class="ontwikkeling" lang="nl">')
    assert "Ontwikkeling sinds de vorige peildatum" not in fragment  # the page's h1, not repeated
    assert '<h2 id="ontwikkeling-elip">ELIP: minstens € 9.500 geleend, per cohort (Tabel 3)</h2>' in fragment
    assert "met 7.503 personen gedaald" in fragment
    assert "vastgestelde PIP&#x27;s" in fragment  # text is escaped
    assert "<caption>Veranderde cijfers, 1 juli 2023 tot 1 november 2023: ELIP: minstens € 9.500 geleend, per cohort (Tabel 3)</caption>" in fragment
    assert '<th scope="row">2020</th><td>aantal</td><td class="getal">645</td><td class="getal">939</td>' in fragment
    assert "<th>" not in fragment
    assert fragment.count('<table class="kerncijfers-tabel">') == fragment.count("<caption>")
    assert "Drempels voor grote en onwaarschijnlijke veranderingen" in fragment


# --- Afwijkingen ten opzichte van de gepubliceerde brief ---------------------------------------


@pytest.fixture(scope="module")
def findings(brief):
    return afwijkingen(ROOT / "data" / "published" / brief.published)


def test_nine_findings_each_explained(findings):
    assert len(findings.afwijkingen) == 9
    assert findings.zonder_reden == ()
    by_cell = {(a.plaats, a.cel): a for a in findings.afwijkingen}
    shifted = by_cell[("Tabel 2", "2018, Totaal, Voldaan")]
    assert (shifted.gedrukt, shifted.consistent, shifted.gebruikt, shifted.soort) == ("10.822", "12.212", "12.212", "waarde")
    assert "een rij verschoven" in shifted.reden
    elip = by_cell[("Tabel 3", "01-07-2023, Totaal")]
    assert (elip.gedrukt, elip.consistent) == ("2.341", "2.436")
    rounding = by_cell[("Tekst 5.4", "Kwijtgescholden leningen (afgerond)")]
    assert (rounding.gedrukt, rounding.consistent) == ("circa 87.000", "circa 88.000")
    assert all(a.reden for a in findings.afwijkingen)


def test_the_cells_that_matched_are_listed_by_place(findings):
    places = [p for p, _ in findings.in_orde]
    assert places[:4] == ["Tabel 1", "Tabel 2", "Tabel 3", "Tabel 4"]
    in_orde = {(c.plaats, c.cel) for _, checks in findings.in_orde for c in checks}
    assert not in_orde & {(a.plaats, a.cel) for a in findings.afwijkingen}
    assert ("Tabel 3", "01-05-2022, Totaal") in in_orde
    assert all(c.klopt for _, checks in findings.in_orde for c in checks)
    assert findings.controles == 293


def test_afwijkingen_html(findings):
    fragment = findings.to_html()
    assert "Afwijkingen ten opzichte van de gepubliceerde brief" not in fragment  # the page's h1, not repeated
    assert '<h2 id="afwijkingen-in-orde">Wat is gecontroleerd en klopt</h2>' in fragment
    assert "<caption>Afwijkingen in de gedrukte brief (9)</caption>" in fragment
    assert '<th scope="row">Tabel 2: 2016, Gezin &amp; Overig, Voldaan</th><td>5625</td><td>5.625</td>' in fragment
    assert '<td lang="en">' not in fragment  # correcties.csv explains in Dutch, as the page is
    assert "<caption>Tabel 4: 5 controles in orde</caption>" in fragment
    assert "<th>" not in fragment
    # The counts add up: 293 = 9 + 284, of which 2 held on a cell with an afwijking and 282 are listed.
    assert (
        "293 controles, waarvan 9 met een afwijking en 284 in orde. Van die 284 gaan er 2 over een cel "
        "die ook een afwijking heeft; de andere 282 staan onder ‘Wat is gecontroleerd en klopt’." in fragment
    )
    assert sum(len(cs) for _, cs in findings.in_orde) == 282
    # The rules' own analysis beside the rule: one wrong cell explains two broken sums.
    assert (
        "<td>Totaal is Asiel plus Gezin &amp; Overig (waarschijnlijk één foute cel: 2018, Totaal, Voldaan; "
        "met 12.212 kloppen Totaal is Voldaan plus Ontheven plus Nog plichtig en Totaal is Asiel plus Gezin &amp; Overig)</td>"
        in fragment
    )


def test_daarvan_is_right_on_both_pages_for_a_fall_of_100_with_500_diplomas(tmp_path, brief):
    """Mei: 97.696 ingeburgerd, 51.444 nog plichtig. Oktober made 98.196 (+500) and 51.344 (-100)."""
    from kerncijfers.report.sentences import tekstcijfers

    validated = tmp_path / "validated"
    shutil.copytree(VALIDATED, validated)
    status = validated / "2023-10-01" / "wi2013_status.csv"
    text = status.read_text(encoding="utf-8").replace("ingeburgerd,103206", "ingeburgerd,98196").replace("nog_plichtig,43941", "nog_plichtig,51344")
    status.write_text(text, encoding="utf-8")
    ontwikkeling = changes_since_previous(validated, brief).table("wi2013_status").zinnen
    assert ontwikkeling[0].endswith("is het aantal inburgeringsplichtigen onder de Wi2013 met 100 personen gedaald.")
    assert ontwikkeling[1] == "In dezelfde periode hebben 500 personen een inburgeringsdiploma gehaald."
    [zin] = tekstcijfers(validated, brief, only={"wi2013_verloop"})
    assert zin.text == (
        "Ten opzichte van de stand per 1 mei 2023 is het aantal inburgeringsplichtigen onder de Wi2013 met 100 personen gedaald. "
        "In dezelfde periode hebben 500 personen een inburgeringsdiploma gehaald."
    )
    assert zin.figures == {"wi2013_daling_nog_plichtig": "100", "wi2013_diploma_sinds_mei": "500"}


def test_the_pages_figures_come_from_the_catalogue():
    """Values as published in both deliveries, sums over cohorts, and the cohort that moved most (first on a tie)."""
    from kerncijfers.catalogue.ontwikkeling import Verandering as V, som, sterkste, wi2021

    assert wi2021(36_149, 51_550) == V(36_100, 51_600)  # in hundreds, as the letter publishes Wi2021 counts
    assert som([(7_172, 7_180), (12_212, 12_300)]) == V(19_384, 19_480)
    assert sterkste({"2013": V(10, 12), "2014": V(5, 7), "2015": V(9, 3), "2016": V(4, 4)}) == ("2013", "2015")
    assert sterkste({"2013": V(1, 1)}) == (None, None)
    assert sterkste({}) == (None, None)


def test_the_change_between_two_peildata_has_one_definition():
    """Absolute and relative, the relative one half-up to one decimal (6,25% is 6,3%), both signed as shown."""
    from kerncijfers.catalogue.ontwikkeling import Verandering as V

    assert (V(15_600, 26_000).verschil, V(15_600, 26_000).relatief_pct) == (10_400, Decimal("66.7"))
    assert V(16, 17).relatief_pct == Decimal("6.3")  # half-up, not to even (6,2)
    assert V(16, 15).relatief_pct == Decimal("-6.3")  # half away from zero
    assert V(15_600, 26_000).getoond() == ("+10.400", "+66,7%")
    assert V(14, 10).getoond() == ("-4", "-28,6%")
    assert V(5, 5).getoond() == ("0", "0,0%")
    assert V(Decimal("52.5"), Decimal("60.0")).getoond() == ("+7,5", "+14,3%")  # the values' decimals kept
    assert (V(0, 2).relatief, V(0, 2).getoond()) == (None, ("+2", ""))  # from 0: no relative change


def test_the_pages_verschil_and_relatief_are_the_catalogues_and_diffs(page):
    """The page's columns come from the catalogue's Verandering, and `kerncijfers diff` shows the very same."""
    from kerncijfers.catalogue.ontwikkeling import Verandering
    from kerncijfers.diff import show_change

    moved = {v.change.key[0]: v for v in page.table("elip").veranderingen}
    assert moved["2020"].verandering == Verandering(645, 939)
    assert "2022-2023" not in moved  # stayed at 2: not a change
    fragment = page.to_html()
    assert '<td class="getal">645</td><td class="getal">939</td><td class="getal">+294</td><td class="getal">+45,6%</td>' in fragment
    assert '<td class="getal">14</td><td class="getal">10</td><td class="getal">−4</td><td class="getal">−28,6%</td>' in fragment
    shown = [(v.change.key, v.verandering.getoond(), show_change(v.change)) for t in page.tabellen for v in t.veranderingen if v.verandering is not None]
    assert len(shown) == sum(len(t.veranderingen) for t in page.tabellen) == 15  # wi2021 3, wi2013_status 2, ELIP 10
    assert [(k, a) for k, a, b in shown if a != b] == []
