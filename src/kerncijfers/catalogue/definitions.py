"""Every figure the text of a brief can name, defined once: name, meaning, unit, computation, wording.

A group computes figures that read the same cells together. Names are relative to the brief:
a bare name is the figure at the brief's peildatum (or, for tables delivered on their own dates,
the latest delivery up to the cut-off); `_vorige` is the delivery before it. Each figure's
records name it by a stable id for provenance, `diff` and `check-published`.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.cells import in_hundreds
from kerncijfers.catalogue.model import Cijfer, Definition, record
from kerncijfers.catalogue.sources import NotDelivered, Sources, aandeel, getal, procent_woord
from kerncijfers.provenance import ref

#: Figure ids that point to a table cell ("tabel_2:2022:Totaal") rather than to a figure of the text.
TABLE_REF_PREFIX = "tabel_"

#: The Wi2013 was withdrawn on 1 January 2022; later cohorts are late notifications.
WI2013_INGETROKKEN = 2022

W21 = "wi2021_kerncijfers"
OVERIG = "overige_cijfers"

DEFINITIONS: dict[str, Definition] = {}
Group = Callable[[Sources], dict[str, Cijfer | NotDelivered]]  # a figure missing in a group that computes others
GROUPS: list[tuple[tuple[str, ...], Group]] = []


def define(name: str, meaning: str, unit: str, table: str, rule: str) -> str:
    DEFINITIONS[name] = Definition(name, meaning, unit, table, rule)
    return name


def group(*names: str):
    """Register the computation of `names` (defined with `define`)."""

    def register(compute: Group) -> Group:
        GROUPS.append((names, compute))
        return compute

    return register


def cijfer(name: str, waarde, shown: str, peildatum: dt.date, *records, forms=None, **extra) -> Cijfer:
    return Cijfer(DEFINITIONS[name], waarde, shown, peildatum, tuple(records), dict(forms or {}), extra)


HONDERDTAL = "afgerond op honderdtallen (voetnoot van de brief), met punt per duizendtal"
WOORDEN = "tot en met tien in woorden (acht, één), daarboven in cijfers"


# --- Wi2021: published in hundreds -----------------------------------------------------------------

_DOELGROEP_NAMEN = {
    "totaal": ("wi2021_inburgeraars", "inburgeraars onder de Wi2021"),
    "asielstatushouder": ("wi2021_asielstatushouders", "asielstatushouders onder de Wi2021"),
    "gezinsmigrant": ("wi2021_gezinsmigranten", "gezinsmigranten onder de Wi2021"),
    "overig": ("wi2021_overige_migranten", "overige migranten onder de Wi2021"),
}
for _name, _meaning in _DOELGROEP_NAMEN.values():
    define(_name, f"Aantal {_meaning} (inburgeringsplichtigen)", "aantal", W21, HONDERDTAL)


def _w21(sources: Sources, back: int, indicator: str, doelgroep: str):
    peildatum, n = sources.aantal(W21, back, indicator=indicator, doelgroep=doelgroep)
    return peildatum, in_hundreds(n), ref(W21, peildatum, "aantal", indicator=indicator, doelgroep=doelgroep)


def _honderdtal(sources, name, id_, back, indicator, doelgroep) -> Cijfer:
    p, n, cell = _w21(sources, back, indicator, doelgroep)
    return cijfer(name, n, fmt.aantal(n), p, record(id_, fmt.aantal(n), "honderdtallen", n=cell))


@group(*(name for name, _ in _DOELGROEP_NAMEN.values()))
def _wi2021_doelgroepen(sources: Sources) -> dict[str, Cijfer]:
    return {name: _honderdtal(sources, name, name, 0, "inburgeringsplichtigen", d) for d, (name, _) in _DOELGROEP_NAMEN.items()}


@group(define("wi2021_in_azc", "Aantal inburgeringsplichtige statushouders in een azc", "aantal", W21, HONDERDTAL))
def _wi2021_in_azc(sources: Sources) -> dict[str, Cijfer]:
    return {"wi2021_in_azc": _honderdtal(sources, "wi2021_in_azc", "wi2021_in_azc", 0, "in_azc", "asielstatushouder")}


_VORIGE = {0: "", 1: "_vorige"}
_OP = {0: "op de peildatum van de brief", 1: "op de peildatum daarvoor"}
for _back, _suffix in _VORIGE.items():
    define(f"pip_pct{_suffix}", f"Aandeel inburgeraars (Wi2021) met een vastgesteld PIP, {_OP[_back]}", "procent", W21,
           "aandeel van de op honderdtallen afgeronde aantallen, half naar boven op hele procenten; "
           "'75%', met | procent_woord '75 procent'")
    define(f"pip_aantal{_suffix}", f"Aantal inburgeraars (Wi2021) met een vastgesteld PIP, {_OP[_back]}", "aantal", W21, HONDERDTAL)


def _pip(sources: Sources, back: int) -> dict[str, Cijfer]:
    suffix, out = _VORIGE[back], {}
    p, plichtig, noemer = _w21(sources, back, "inburgeringsplichtigen", "totaal")
    _, pip, teller = _w21(sources, back, "pip_vastgesteld", "totaal")
    m = sources.naam(W21, p)
    out[f"pip_aantal{suffix}"] = cijfer(f"pip_aantal{suffix}", pip, fmt.aantal(pip), p,
                                        record(f"pip_aantal_{m}", fmt.aantal(pip), "honderdtallen", n=teller))
    pct = aandeel(pip, plichtig, wat=f"het aantal inburgeraars op {fmt.datum(p)}, afgerond op honderdtallen", hundreds=True)
    forms = {vorm: (shown, (record(f"pip_pct_{m}", shown, "aandeel_honderdtallen", teller=teller, noemer=noemer, _vorm=vorm),))
             for vorm, shown in (("procent", fmt.procent(pct)), ("woord", procent_woord(pct)))}
    out[f"pip_pct{suffix}"] = cijfer(f"pip_pct{suffix}", pct, forms["procent"][0], p, *forms["procent"][1], forms=forms)
    return out


@group("pip_pct", "pip_aantal")
def _pip_nu(sources: Sources) -> dict[str, Cijfer]:
    return _pip(sources, 0)


@group("pip_pct_vorige", "pip_aantal_vorige")
def _pip_vorige(sources: Sources) -> dict[str, Cijfer]:
    return _pip(sources, 1)


_AANBOD = "met een vastgesteld PIP ook een aanbod voor inburgering"
for _back, _suffix in _VORIGE.items():
    define(f"aanbod_pct{_suffix}", f"Aandeel asielstatushouders {_AANBOD}, {_OP[_back]}", "procent", W21,
           "aandeel van de op honderdtallen afgeronde aantallen, in woorden ('90 procent'); waar DUO alleen het "
           "afgeronde aandeel leverde (overige_cijfers aanbod_asiel_pip_pct) is het benaderd: test 'is benaderd'")
    define(f"aanbod_aantal{_suffix}", f"Aantal asielstatushouders {_AANBOD}, {_OP[_back]}", "aantal", W21, HONDERDTAL)
    define(f"pip_asiel{_suffix}", f"Aantal vastgestelde PIP's bij asielstatushouders, {_OP[_back]}", "aantal", W21, HONDERDTAL)


def _aanbod(sources: Sources, back: int) -> dict[str, Cijfer]:
    suffix, out = _VORIGE[back], {}
    p, aanbod, teller = _w21(sources, back, "aanbod", "asielstatushouder")
    m = sources.naam(W21, p)
    out[f"aanbod_aantal{suffix}"] = cijfer(f"aanbod_aantal{suffix}", aanbod, fmt.aantal(aanbod), p,
                                           record(f"aanbod_aantal_{m}", fmt.aantal(aanbod), "honderdtallen", n=teller))
    try:
        _, pip, noemer = _w21(sources, back, "pip_vastgesteld", "asielstatushouder")
    except NotDelivered as why:
        out[f"pip_asiel{suffix}"] = why
        # For this peildatum DUO supplied only the rounded share, not its denominator.
        bron, pct, _ = sources.overig("aanbod_asiel_pip_pct", p)
        shown = procent_woord(pct)
        rec = record(f"aanbod_pct_{m}", shown, "procent_woord", waarde=ref(OVERIG, bron, "waarde", cijfer="aanbod_asiel_pip_pct"))
        out[f"aanbod_pct{suffix}"] = cijfer(f"aanbod_pct{suffix}", pct, shown, p, rec, benaderd=True, tabel=OVERIG)
        return out
    out[f"pip_asiel{suffix}"] = cijfer(f"pip_asiel{suffix}", pip, fmt.aantal(pip), p,
                                       record(f"pip_asiel_{m}", fmt.aantal(pip), "honderdtallen", n=noemer))
    pct = aandeel(aanbod, pip, wat="het aantal PIP's bij asielstatushouders, afgerond op honderdtallen", hundreds=True)
    shown = procent_woord(pct)
    out[f"aanbod_pct{suffix}"] = cijfer(f"aanbod_pct{suffix}", pct, shown, p,
                                        record(f"aanbod_pct_{m}", shown, "aandeel_honderdtallen", teller=teller, noemer=noemer, _vorm="woord"))
    return out


@group("aanbod_pct", "aanbod_aantal", "pip_asiel")
def _aanbod_nu(sources: Sources) -> dict[str, Cijfer]:
    return _aanbod(sources, 0)


@group("aanbod_pct_vorige", "aanbod_aantal_vorige", "pip_asiel_vorige")
def _aanbod_vorige(sources: Sources) -> dict[str, Cijfer]:
    return _aanbod(sources, 1)


# --- overige cijfers: figures DUO, Blik op Werk, Divosa and the Arbeidsinspectie supply without counts ---------

PROCENT_WOORD = "zoals geleverd, in woorden met de geleverde decimalen ('34,5 procent')"


def _overig(sources: Sources, name: str, peildatum: dt.date | None = None, *, vorm: str = "getal", prefix: str = "") -> Cijfer:
    """The overige_cijfers value `name` (from the delivery on `peildatum`), in words or as a percentage."""
    p, value, bron = sources.overig(name, peildatum)
    shown = (procent_woord(value) if vorm == "procent_woord" else getal(value))
    shown = f"{prefix} {shown}" if prefix else shown
    role = "waarde" if vorm == "procent_woord" else "n"
    params = {"_voorvoegsel": prefix} if prefix else {}
    rec = record(name, shown, vorm, **{role: ref(OVERIG, p, "waarde", cijfer=name)}, **params)
    return cijfer(name, value, shown, p, rec, vorige=sources.vorige(OVERIG, p), bron=bron)


def _overige(main: str, *others: str, vorm: str = "getal"):
    """A group of overige_cijfers figures reported together: the others come from `main`'s delivery."""

    def compute(sources: Sources) -> dict[str, Cijfer]:
        first = _overig(sources, main, vorm=vorm)
        return {main: first} | {o: _overig(sources, o, first.peildatum, vorm=vorm) for o in others}

    group(main, *others)(compute)


_OVERIGE_AANTALLEN = {
    "keurmerkhouders_met_maatregelen": "Aantal keurmerkhouders dat bij Blik op Werk meldde de kortetermijnmaatregelen NT2 te gebruiken",
    "duo_meldingen_misbruik": "Aantal meldingen van mogelijk misbruik bij DUO in de periode",
    "duo_meldingen_misbruik_taalschool": "Daarvan: meldingen over een taalschool",
    "duo_meldingen_misbruik_inburgeraar_of_derde": "Daarvan: meldingen over mogelijk misbruik door een inburgeraar of een derde",
    "keurmerken_ingetrokken": "Aantal keren dat Blik op Werk in de periode een keurmerk introk",
    "keurmerken_ingetrokken_kwaliteitseisen": "Daarvan: ingetrokken omdat niet aan kwaliteitseisen werd voldaan",
    "aspirant_keurmerk_afgewezen": "Aantal afgewezen aanvragen voor een Aspirant-Keurmerk in de periode",
    "bow_meldingen_onregelmatigheden": "Aantal meldingen bij Blik op Werk over mogelijke onregelmatigheden bij taalscholen",
    "arbeidsinspectie_meldingen_inburgeringsfraude": "Aantal meldingen van mogelijke inburgeringsfraude bij de Arbeidsinspectie",
}
for _name, _meaning in _OVERIGE_AANTALLEN.items():
    define(_name, _meaning, "aantal", OVERIG, WOORDEN + "; | periode geeft de periode sinds de vorige levering")
define("keurmerkhouders_totaal", "Totaal aantal keurmerkhouders (benadering van Blik op Werk)", "aantal", OVERIG,
       WOORDEN + ", met 'circa' ervoor: Blik op Werk geeft een benadering")
for _name, _meaning in (("arbeidsparticipatie_statushouders", "Aandeel statushouders dat werkt"),
                        ("arbeidsparticipatie_vrouwelijke_statushouders", "Aandeel vrouwelijke statushouders dat werkt")):
    define(_name, _meaning + " (| bron geeft de bron)", "procent", OVERIG, PROCENT_WOORD)


@group("keurmerkhouders_met_maatregelen", "keurmerkhouders_totaal")
def _keurmerkhouders(sources: Sources) -> dict[str, Cijfer]:
    met = _overig(sources, "keurmerkhouders_met_maatregelen")
    return {met.name: met, "keurmerkhouders_totaal": _overig(sources, "keurmerkhouders_totaal", met.peildatum, prefix="circa")}


_overige("duo_meldingen_misbruik", "duo_meldingen_misbruik_taalschool", "duo_meldingen_misbruik_inburgeraar_of_derde")
_overige("keurmerken_ingetrokken", "keurmerken_ingetrokken_kwaliteitseisen", "aspirant_keurmerk_afgewezen", "bow_meldingen_onregelmatigheden")
_overige("arbeidsinspectie_meldingen_inburgeringsfraude")
_overige("arbeidsparticipatie_statushouders", "arbeidsparticipatie_vrouwelijke_statushouders", vorm="procent_woord")

_ROUTE = "onderwijsroute_pip_asiel_cohort_"
define("onderwijsroute_cohort_laatst", "Aandeel asielstatushouders met de onderwijsroute in het PIP, laatst geleverde cohort "
       "(| cohort geeft het cohort; | richting de verandering sinds het cohort ervoor)", "procent", OVERIG, PROCENT_WOORD)
define("onderwijsroute_cohort_vorig", "Hetzelfde aandeel voor het cohort daarvoor", "procent", OVERIG, PROCENT_WOORD)


@group("onderwijsroute_cohort_vorig", "onderwijsroute_cohort_laatst")
def _onderwijsroute(sources: Sources) -> dict[str, Cijfer]:
    p, per_cohort = sources.overig_reeks(_ROUTE)
    if len(per_cohort) < 2:
        raise NotDelivered(f"overige_cijfers van {fmt.datum(p)} heeft de onderwijsroute voor één cohort")
    (c1, a), (c2, b) = sorted(per_cohort.items())[-2:]

    def make(name, cohort, value, **extra):
        shown = procent_woord(value)
        rec = record(f"onderwijsroute_cohort_{cohort}", shown, "procent_woord", waarde=ref(OVERIG, p, "waarde", cijfer=f"{_ROUTE}{cohort}"))
        return cijfer(name, value, shown, p, rec, cohort=cohort, **extra)

    return {"onderwijsroute_cohort_vorig": make("onderwijsroute_cohort_vorig", c1, a),
            "onderwijsroute_cohort_laatst": make("onderwijsroute_cohort_laatst", c2, b, verschil=b - a)}
