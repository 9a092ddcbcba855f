"""Catalogue figures of the Wi2013 (status, cohorts, loans) and ELIP; see catalogue.definitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.definitions import TABLE_REF_PREFIX, WI2013_INGETROKKEN, cijfer, define, group
from kerncijfers.catalogue.model import Cijfer, record
from kerncijfers.catalogue.sources import NotDelivered, Sources, aandeel
from kerncijfers.provenance import ref
from kerncijfers.rounding import approximately
from kerncijfers.schema import LENING_CATEGORIEEN, STATUSSEN_WI2013

STATUS = "wi2013_status"

_STATUS_BETEKENIS = {
    "opgelegd": "Aantal personen aan wie DUO sinds de start van de Wi2013 de inburgeringsplicht oplegde",
    "ingeburgerd": "Daarvan ingeburgerd via de Wi2013 of NT2",
    "ontheven": "Daarvan ontheven van de inburgeringsplicht",
    "vrijgesteld": "Daarvan vrijgesteld van de inburgeringsplicht",
    "vervallen": "Daarvan met een vervallen inburgeringsplicht",
    "nog_plichtig": "Daarvan nog inburgeringsplichtig onder de Wi2013",
}
for _status in STATUSSEN_WI2013:
    define(f"wi2013_{_status}", _STATUS_BETEKENIS[_status], "aantal", STATUS, "zoals geleverd, met punt per duizendtal")
for _status in STATUSSEN_WI2013[1:]:
    define(f"wi2013_{_status}_pct", _STATUS_BETEKENIS[_status] + ", als aandeel van het aantal opgelegde plichten", "procent", STATUS,
           "elk aandeel apart half naar boven op één decimaal ('45,3%'); opgeteld kan dat 100,1% zijn")


@group(*(f"wi2013_{s}" for s in STATUSSEN_WI2013), *(f"wi2013_{s}_pct" for s in STATUSSEN_WI2013[1:]))
def _stand(sources: Sources) -> dict[str, Cijfer]:
    p, opgelegd = sources.aantal(STATUS, status="opgelegd")
    noemer = ref(STATUS, p, "aantal", status="opgelegd")
    out = {"wi2013_opgelegd": cijfer("wi2013_opgelegd", opgelegd, fmt.aantal(opgelegd), p, record("wi2013_opgelegd", fmt.aantal(opgelegd), "aantal", n=noemer))}
    for status in STATUSSEN_WI2013[1:]:
        _, n = sources.aantal(STATUS, status=status)
        teller = ref(STATUS, p, "aantal", status=status)
        pct = fmt.procent(aandeel(n, opgelegd, 1, wat="het aantal opgelegde plichten"), 1)
        out[f"wi2013_{status}"] = cijfer(f"wi2013_{status}", n, fmt.aantal(n), p, record(f"wi2013_{status}", fmt.aantal(n), "aantal", n=teller))
        out[f"wi2013_{status}_pct"] = cijfer(f"wi2013_{status}_pct", Decimal(n), pct, p,
                                             record(f"wi2013_{status}_pct", pct, "aandeel", teller=teller, noemer=noemer, _decimalen=1))
    return out


define("wi2013_verandering_nog_plichtig",
       "Verandering van het aantal nog inburgeringsplichtigen (Wi2013) sinds de vorige levering; | sinds geeft die datum, "
       "| richting 'gestegen', 'gedaald' of 'gelijk gebleven'", "aantal", STATUS, "het verschil zonder teken, met punt per duizendtal")
define("wi2013_diploma_sinds_vorige", "Aantal personen dat sinds de vorige levering een inburgeringsdiploma haalde (toename ingeburgerd, Wi2013)",
       "aantal", STATUS, "het verschil, met punt per duizendtal")


def _verschil(sources: Sources, status: str) -> tuple[dt.date, dt.date, int, dict[str, object]]:
    """The change of `status` since the previous delivery: (then, now, now minus then, the two cells by role)."""
    # The previous delivery holds only ingeburgerd and nog_plichtig: enough for both figures.
    toen, a = sources.aantal(STATUS, 1, status=status)
    nu, b = sources.aantal(STATUS, 0, status=status)
    return toen, nu, b - a, {"nu": ref(STATUS, nu, "aantal", status=status), "toen": ref(STATUS, toen, "aantal", status=status)}


@group("wi2013_verandering_nog_plichtig")
def _verandering_nog_plichtig(sources: Sources) -> dict[str, Cijfer]:
    toen, nu, verschil, refs = _verschil(sources, "nog_plichtig")
    id_ = "wi2013_daling_nog_plichtig" if verschil < 0 else "wi2013_stijging_nog_plichtig" if verschil > 0 else "wi2013_verschil_nog_plichtig"
    shown = fmt.aantal(abs(verschil))
    return {"wi2013_verandering_nog_plichtig": cijfer("wi2013_verandering_nog_plichtig", verschil, shown, nu,
                                                      record(id_, shown, "verschil", **refs, _absoluut=True), vorige=toen)}


@group("wi2013_diploma_sinds_vorige")
def _diploma_sinds_vorige(sources: Sources) -> dict[str, Cijfer]:
    toen, nu, diploma, refs = _verschil(sources, "ingeburgerd")
    sinds = f"wi2013_diploma_sinds_{sources.naam(STATUS, toen)}"
    return {"wi2013_diploma_sinds_vorige": cijfer("wi2013_diploma_sinds_vorige", diploma, fmt.aantal(diploma), nu,
                                                  record(sinds, fmt.aantal(diploma), "verschil", **refs), vorige=toen)}


COHORTEN = "wi2013_cohorten"
define("wi2013_na_intrekking_per_cohort",
       f"Aantal inburgeringsplichtigen (Tabel 2, zonder vervallen plichten) per cohort vanaf {WI2013_INGETROKKEN}, het jaar van de "
       "intrekking van de Wi2013, als opsomming ('1.234 personen in cohort 2022 en 380 in cohort 2023'); | cohort geeft het eerste cohort",
       "aantal", COHORTEN, "zoals geleverd, met punt per duizendtal")
define("wi2013_na_intrekking_voldaan_pct", f"Aandeel van het eerste cohort vanaf {WI2013_INGETROKKEN} dat aan de inburgeringsplicht voldeed "
       "(Tabel 2); | cohort geeft het cohort", "procent", COHORTEN, "zoals geleverd, als '12%'")


@group("wi2013_na_intrekking_per_cohort", "wi2013_na_intrekking_voldaan_pct")
def _na_intrekking(sources: Sources) -> dict[str, Cijfer]:
    p, frame = sources.delivery(COHORTEN)
    cohorten = sorted(int(c) for c in frame["cohort"].unique() if int(c) >= WI2013_INGETROKKEN)
    if not cohorten:
        raise NotDelivered(f"wi2013_cohorten van {fmt.datum(p)} heeft geen cohort vanaf {WI2013_INGETROKKEN}")
    totaal = {c: sources.aantal(COHORTEN, column="totaal", cohort=c, doelgroep="totaal")[1] for c in cohorten}
    eerste = cohorten[0]
    woord = "persoon" if totaal[eerste] == 1 else "personen"
    shown = " en ".join([f"{fmt.aantal(totaal[eerste])} {woord} in cohort {eerste}"] + [f"{fmt.aantal(totaal[c])} in cohort {c}" for c in cohorten[1:]])
    records = [record(f"{TABLE_REF_PREFIX}2:{c}:Totaal", fmt.aantal(totaal[c]), "aantal", n=ref(COHORTEN, p, "totaal", cohort=c, doelgroep="totaal"))
               for c in cohorten]
    _, voldaan = sources.aantal(COHORTEN, column="voldaan_pct", cohort=eerste, doelgroep="totaal")
    pct = fmt.procent(Decimal(voldaan))  # Tabel 2's percentage as delivered
    return {
        "wi2013_na_intrekking_per_cohort": cijfer("wi2013_na_intrekking_per_cohort", totaal[eerste], shown, p, *records, cohort=eerste),
        "wi2013_na_intrekking_voldaan_pct": cijfer(
            "wi2013_na_intrekking_voldaan_pct", Decimal(voldaan), pct, p,
            record(f"wi2013_cohort_{eerste}_voldaan_pct", pct, "procent", pct=ref(COHORTEN, p, "voldaan_pct", cohort=eerste, doelgroep="totaal")),
            cohort=eerste),
    }


define("elip_totaal", "Aantal asielstatushouders in de ELIP-groep (minstens € 9.500 geleend, nog niet voldaan), laatste levering; "
       "| richting('stijging', 'daling') de verandering sinds de levering ervoor; test 'is wederom': dezelfde richting als daarvoor",
       "aantal", "elip", "zoals geleverd, met punt per duizendtal")
define("elip_totaal_vorige", "Hetzelfde aantal in de ELIP-levering daarvoor", "aantal", "elip", "zoals geleverd, met punt per duizendtal")


@group("elip_totaal", "elip_totaal_vorige")
def _elip(sources: Sources) -> dict[str, Cijfer]:
    # The last three deliveries: two for the change, the third to tell whether it happens again.
    count = min(3, max(2, len(sources.peildata("elip"))))
    totalen = [sources.aantal("elip", back, cohort="totaal") for back in reversed(range(count))]
    (toen, vorig), (nu, laatst) = totalen[-2:]
    wederom = len(totalen) == 3 and (vorig > totalen[0][1]) == (laatst > vorig) and vorig != totalen[0][1]

    def make(name, p, n, **extra):
        rec = record(f"{TABLE_REF_PREFIX}3:{p.strftime('%d-%m-%Y')}:Totaal", fmt.aantal(n), "aantal", n=ref("elip", p, "aantal", cohort="totaal"))
        return cijfer(name, n, fmt.aantal(n), p, rec, **extra)

    return {"elip_totaal_vorige": make("elip_totaal_vorige", toen, vorig),
            "elip_totaal": make("elip_totaal", nu, laatst, verschil=laatst - vorig, wederom=wederom, vorige=toen)}


_LENING = {
    "toegekend": "Aantal personen aan wie sinds de start van de Wi2013 een lening is toegekend",
    "kwijtgescholden": "Aantal leningen dat sinds de start van de Wi2013 geheel of gedeeltelijk is kwijtgescholden",
    "teniet_gegaan": "Aantal leningen dat teniet is gegaan",
    "terugbetalingsfase": "Aantal leningen waarop wordt afgelost (naar draagkracht)",
    "volledig_terugbetaald": "Aantal personen dat de lening geheel heeft terugbetaald",
}
for _categorie in LENING_CATEGORIEEN:
    define(f"leningen_{_categorie}_afgerond", _LENING[_categorie] + ", afgerond voor de lopende tekst",
           "aantal", "wi2013_leningen", "afgerond op een rond getal, met 'ruim' of 'bijna' waar het geleverde aantal erboven of eronder ligt; "
           "enkelvoud of meervoud volgt het afgeronde getal")
    group(f"leningen_{_categorie}_afgerond")(
        lambda sources, categorie=_categorie: _lening(sources, categorie))


def _lening(sources: Sources, categorie: str) -> dict[str, Cijfer]:
    name = f"leningen_{categorie}_afgerond"
    p, n = sources.aantal("wi2013_leningen", categorie=categorie)
    shown = fmt.afgerond(n)
    rec = record(name, shown, "afgerond", n=ref("wi2013_leningen", p, "aantal", categorie=categorie))
    return {name: cijfer(name, approximately(n).figure, shown, p, rec)}
