"""Ready-to-paste Dutch sentences for every DUO figure the letter cites in running text.

Each sentence is built from the deliveries the brief uses (the same selection as the tables,
see `tables.limit_for`). Its `figures` map each figure to the string the sentence prints, keyed
by the id of `data/published/<brief>/tekstcijfers.csv` where the letter prints it in running
text, or by `tabel_N:<row>:<column>` where the letter prints it only in a table. A figure whose
delivery is missing is never invented: the sentence says it is not delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pandas as pd
from babel.dates import format_date

from kerncijfers import formatting as fmt
from kerncijfers.brief import Brief
from kerncijfers.provenance import Figure, Ledger, Recorder, ref
from kerncijfers.rounding import approximately, share_half_up, to_hundreds
from kerncijfers.schema import DOELGROEPEN_WI2021, STATUSSEN_WI2013, WI2013_EERSTE_COHORT
from kerncijfers.report.tables import limit_for
from kerncijfers.store import read_validated, rows_where, table_peildata


@dataclass(frozen=True)
class Sentence:
    """One sentence to paste into the letter, with the figures it prints so each can be checked."""

    id: str
    text: str
    table: str  # the delivered table(s) the sentence draws on
    peildatum: str  # ISO date of the most recent delivery used; "" when not delivered
    figures: dict[str, str]  # figure id -> figure as it appears in `text`
    #: figure id -> its provenance (kerncijfers.provenance); empty without a ledger.
    provenance: dict[str, Figure] = field(default_factory=dict, compare=False)


#: Figures the letter prints in running text that no delivery holds, and why.
NOT_IN_DELIVERIES = {
    "wi2013_cohort_2022_opgelegd": (
        "The text's 2.117 counts everyone made inburgeringsplichtig in 2022, including plichten that "
        "vervallen since; wi2013_cohorten leaves vervallen out (2.095) and wi2013_status has no cohorts."
    ),
    "wi2013_cohort_2023_opgelegd": (
        "Same definition as 2022: opgelegd per cohort including vervallen is not delivered. Tabel 2's "
        "2023 total (380, without vervallen) equals the print, but no delivery shows that no plicht of 2023 has vervallen."
    ),
}

#: Figure ids that point to a table cell, not to a tekstcijfers id.
TABLE_REF_PREFIX = "tabel_"

#: The Wi2013 was withdrawn on 1 January 2022; later cohorts are late notifications (5.2).
WI2013_INGETROKKEN = 2022

#: The sentences of 5.4, one per loan category. The figure is rounded for running text and its
#: qualifier ("ruim", "bijna", none) follows from the value (formatting.afgerond); the verbs and
#: nouns follow the figure (1 persoon, 2 personen).
LENINGEN_IN_TEKST = {
    "toegekend": "Tot peildatum {datum} is in totaal aan {n} {personen} een lening toegekend.",
    "kwijtgescholden": "Sinds de start van de Wi2013 {zijn} er op peildatum {datum} {n} {leningen} geheel of gedeeltelijk kwijtgescholden.",
    "terugbetalingsfase": "Op {datum} {zijn} er {n} {leningen} waarop wordt afgelost (naar draagkracht).",
    "volledig_terugbetaald": "Op {datum} {hadden} {n} {personen} {hun} lening geheel terugbetaald.",
}

#: The letter writes small counts in words ("acht meldingen", "één keer") and larger ones in digits ("12").
_WOORDEN = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")


class NotDelivered(LookupError):
    """A figure needs a delivery, or a row of one, that the validated stage does not hold."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotComputable(NotDelivered):
    """A figure is delivered but cannot be computed, e.g. a share of a count that rounds to 0."""


def _aandeel(part: int, whole: int, decimals: int = 0, *, wat: str) -> Decimal:
    """`part` as a percentage of `whole`; a whole of 0 is said, not divided by."""
    if whole == 0:
        raise NotComputable(f"{wat} is 0, dus een aandeel daarvan bestaat niet")
    return share_half_up(part, whole, decimals)


# --- the deliveries a brief uses -------------------------------------------------------------


class _Sources:
    """The validated deliveries one brief may use; a delivery is read when a sentence needs it, and once."""

    def __init__(self, validated_dir: Path, brief: Brief, ledger: Ledger | None = None):
        self.validated_dir, self.brief = Path(validated_dir), brief
        self._peildata: dict[str, list[dt.date]] = {}
        self._frames: dict[tuple[str, dt.date], pd.DataFrame] = {}
        self.ledger, self.recorder = ledger, Recorder(None, "")

    def note(self, figure: str, shown: str, operation: str, **inputs) -> None:
        """Provenance hook: record how the sentence being built made `figure` (see kerncijfers.provenance).

        `inputs` are Refs by role; parameters of the operation are given as `_name=value`.
        """
        parameters = {k[1:]: v for k, v in inputs.items() if k.startswith("_")}
        self.recorder.add(figure, shown, operation, {k: v for k, v in inputs.items() if not k.startswith("_")}, **parameters)

    def peildata(self, table: str) -> list[dt.date]:
        """The peildata of `table`'s deliveries the brief may use, oldest first."""
        if table not in self._peildata:
            found = table_peildata(self.validated_dir, table, limit_for(self.brief, table))
            self._peildata[table] = [dt.date.fromisoformat(p) for p in found]
        return self._peildata[table]

    def frame(self, table: str, peildatum: dt.date) -> pd.DataFrame:
        if (table, peildatum) not in self._frames:
            self._frames[table, peildatum] = read_validated(self.validated_dir, peildatum.isoformat(), table)
        return self._frames[table, peildatum]

    def newest_first(self, table: str):
        """(peildatum, frame) from the latest delivery back; stops reading where the caller stops."""
        for p in reversed(self.peildata(table)):
            yield p, self.frame(table, p)

    def delivery(self, table: str, back: int = 0) -> tuple[dt.date, pd.DataFrame]:
        """The latest delivery of `table`, or the one `back` deliveries before it."""
        peildata = self.peildata(table)
        if len(peildata) <= back:
            limit = fmt.datum(limit_for(self.brief, table))
            raise NotDelivered(f"{table}: {back + 1} levering(en) tot en met {limit} nodig, {len(peildata)} gevalideerd")
        p = peildata[-1 - back]
        return p, self.frame(table, p)

    def naam(self, table: str, peildatum: dt.date) -> str:
        """How a figure's id names its peildatum: by month, as the letter does (pip_pct_mei).

        Sentences compare the last two deliveries of a table; where those fall in one month, the
        month would give two figures one id, so both are named by their date (pip_pct_2024-05-15).
        """
        recent = self.peildata(table)[-2:]
        if len(recent) == 2 and maand(recent[0]) == maand(recent[1]):
            return peildatum.isoformat()
        return maand(peildatum)

    def aantal(self, table: str, back: int = 0, column: str = "aantal", **key) -> tuple[dt.date, int]:
        """One delivered count and its peildatum."""
        peildatum, frame = self.delivery(table, back)
        rows = rows_where(frame, **key)
        if len(rows) != 1:
            where = ", ".join(f"{k} {v}" for k, v in key.items())
            raise NotDelivered(f"{table} van {fmt.datum(peildatum)} heeft geen rij met {where}")
        return peildatum, int(frame[column].iloc[rows[0]])

    def overig(self, cijfer: str, peildatum: dt.date | None = None) -> tuple[dt.date, Decimal, str]:
        """The latest value of `cijfer` in overige_cijfers (or the one on `peildatum`), with its source."""
        for p, frame in self.newest_first("overige_cijfers"):
            if peildatum is not None and p != peildatum:
                continue
            rows = rows_where(frame, cijfer=cijfer)
            if len(rows) == 1:
                return p, _waarde(frame["waarde"].iloc[rows[0]]), str(frame["bron"].iloc[rows[0]])
        op = f" op {fmt.datum(peildatum)}" if peildatum else ""
        raise NotDelivered(f"overige_cijfers{op} heeft geen cijfer {cijfer}")

    def overig_reeks(self, prefix: str) -> tuple[dt.date, dict[str, Decimal]]:
        """All cijfers starting with `prefix` from the latest delivery holding any, by suffix."""
        for p, frame in self.newest_first("overige_cijfers"):
            found = {c[len(prefix):]: w for c, w in zip(frame["cijfer"].tolist(), frame["waarde"].tolist()) if c.startswith(prefix)}
            if found:
                return p, {suffix: _waarde(w) for suffix, w in found.items()}
        raise NotDelivered(f"overige_cijfers heeft geen cijfers {prefix}…")

    def vorige_overig(self, peildatum: dt.date) -> dt.date | None:
        """The overige_cijfers delivery before `peildatum`: the start of a reporting period."""
        earlier = [p for p in self.peildata("overige_cijfers") if p < peildatum]
        return earlier[-1] if earlier else None


def _waarde(value) -> Decimal:
    """An overige_cijfers value as Decimal with the decimals it was delivered with (34.5, 17)."""
    return Decimal(repr(float(value))).normalize()  # repr: the shortest text that reads back as the same float


# --- wording helpers -------------------------------------------------------------------------


def getal(n: int | Decimal) -> str:
    """A count as the letter writes it in running text: 'acht', 'één', but '12'."""
    if Decimal(n) != int(n):
        raise ValueError(f"{n} is not a whole count")
    return _WOORDEN[int(n)] if 0 <= int(n) < len(_WOORDEN) else fmt.aantal(int(n))


def meervoud(n: int | Decimal, enkel: str, meer: str) -> str:
    return enkel if int(n) == 1 else meer


def aantal_van(n: int, enkel: str, meer: str) -> str:
    """A count and its noun in the right number: '1 persoon', '7.503 personen'."""
    return f"{fmt.aantal(n)} {meervoud(n, enkel, meer)}"


def procent_woord(value: Decimal) -> str:
    """A percentage written out, with the decimals it has: Decimal('34.5') -> '34,5 procent'."""
    decimals = max(0, -value.normalize().as_tuple().exponent)
    return f"{fmt.decimaal(value, decimals)} procent"


def maand(peildatum: dt.date) -> str:
    """The month in Dutch, as the letter's figure ids name peildata: 'mei', 'oktober'."""
    return format_date(peildatum, format="MMMM", locale=fmt.LOCALE)


def periode(sources: _Sources, peildatum: dt.date, tot: str = "tot") -> str:
    """'in de periode van 1 mei 2023 tot 1 november 2023': since the previous delivery."""
    start = sources.vorige_overig(peildatum)
    if start is None:
        return f"{tot} {fmt.datum(peildatum)}"
    return f"in de periode van {fmt.datum(start)} {tot} {fmt.datum(peildatum)}"


# --- the sentences ---------------------------------------------------------------------------

Built = tuple[str, dt.date, dict[str, str]]
_BUILDERS: list[tuple[str, str, str, Callable[[_Sources], Built]]] = []


def _zin(id: str, table: str, onderwerp: str):
    """Register a sentence; `onderwerp` names the figure when its delivery is missing."""

    def register(build: Callable[[_Sources], Built]) -> Callable[[_Sources], Built]:
        _BUILDERS.append((id, table, onderwerp, build))
        return build

    return register


def tekstcijfers(validated_dir: Path, brief: Brief, raw_dir: Path | None = None) -> list[Sentence]:
    """Every in-text sentence of `brief`, in the letter's order; with `raw_dir`, each figure with its provenance."""
    ledger = Ledger(validated_dir, raw_dir) if raw_dir is not None else None
    sources = _Sources(validated_dir, brief, ledger)
    sentences = []
    for id, table, onderwerp, build in _BUILDERS:
        sources.recorder = Recorder(ledger, id)
        try:
            text, peildatum, figures = build(sources)
        except NotComputable as why:
            text, peildatum, figures = f"{onderwerp} is niet te berekenen ({why.detail}).", None, {}
        except NotDelivered as missing:
            text, peildatum, figures = f"{onderwerp} is niet geleverd ({missing.detail}).", None, {}
        provenance = {f.id: f for f in sources.recorder.figures} if figures else {}
        sentences.append(Sentence(id, text, table, peildatum.isoformat() if peildatum else "", figures, provenance))
    return sentences


def figure_values(validated_dir: Path, brief: Brief) -> dict[str, str]:
    """The regenerated in-text figures by tekstcijfers id (table references left out)."""
    return {
        key: value
        for sentence in tekstcijfers(validated_dir, brief)
        for key, value in sentence.figures.items()
        if not key.startswith(TABLE_REF_PREFIX)
    }


# Section 2 and 2.1: the Wi2021, published in hundreds (footnote 5).

W21 = "wi2021_kerncijfers"


def _w21(sources: _Sources, back: int = 0, **key) -> tuple[dt.date, int]:
    peildatum, n = sources.aantal(W21, back, **key)
    return peildatum, to_hundreds(n)


def _w21_ref(peildatum: dt.date, indicator: str, doelgroep: str):
    return ref(W21, peildatum, "aantal", indicator=indicator, doelgroep=doelgroep)


@_zin("wi2021_inburgeraars", W21, "Het aantal inburgeraars onder de Wi2021 per doelgroep")
def _wi2021_inburgeraars(sources: _Sources) -> Built:
    n = {}
    for doelgroep in DOELGROEPEN_WI2021:
        peildatum, count = _w21(sources, indicator="inburgeringsplichtigen", doelgroep=doelgroep)
        n[doelgroep] = fmt.aantal(count)
    text = (
        f"Op {fmt.datum(peildatum)} waren er onder de Wi2021 circa {n['totaal']} inburgeraars, waarvan "
        f"{n['asielstatushouder']} asielstatushouders, {n['gezinsmigrant']} gezinsmigranten en {n['overig']} overige migranten."
    )
    figures = {
        "wi2021_inburgeraars": n["totaal"],
        "wi2021_asielstatushouders": n["asielstatushouder"],
        "wi2021_gezinsmigranten": n["gezinsmigrant"],
        "wi2021_overige_migranten": n["overig"],
    }
    doelgroepen = {"wi2021_inburgeraars": "totaal", "wi2021_asielstatushouders": "asielstatushouder",
                   "wi2021_gezinsmigranten": "gezinsmigrant", "wi2021_overige_migranten": "overig"}
    for figure, doelgroep in doelgroepen.items():
        sources.note(figure, figures[figure], "honderdtallen", n=_w21_ref(peildatum, "inburgeringsplichtigen", doelgroep))
    return text, peildatum, figures


@_zin("wi2021_in_azc", W21, "Het aantal inburgeringsplichtige statushouders in een azc")
def _wi2021_in_azc(sources: _Sources) -> Built:
    peildatum, n = _w21(sources, indicator="in_azc", doelgroep="asielstatushouder")
    text = f"Op {fmt.datum(peildatum)} verbleven {fmt.aantal(n)} inburgeringsplichtige statushouders in een azc."
    sources.note("wi2021_in_azc", fmt.aantal(n), "honderdtallen", n=_w21_ref(peildatum, "in_azc", "asielstatushouder"))
    return text, peildatum, {"wi2021_in_azc": fmt.aantal(n)}


@_zin("pip_aandeel", W21, "Het aandeel inburgeraars met een vastgesteld PIP")
def _pip_aandeel(sources: _Sources) -> Built:
    share = {}
    for back in (0, 1):
        peildatum, plichtig = _w21(sources, back, indicator="inburgeringsplichtigen", doelgroep="totaal")
        _, pip = _w21(sources, back, indicator="pip_vastgesteld", doelgroep="totaal")
        share[back] = (peildatum, _aandeel(pip, plichtig, wat=f"het aantal inburgeraars op {fmt.datum(peildatum)}, afgerond op honderdtallen"))  # of the rounded counts, as Tabel 1
    (nu, pct_nu), (toen, pct_toen) = share[0], share[1]
    text = (
        f"Per {fmt.datum(nu)} had {fmt.procent(pct_nu)} van de inburgeraars een vastgesteld PIP, "
        f"tegen {procent_woord(pct_toen)} op {fmt.datum(toen)}."
    )
    figures = {}
    for p, shown, vorm in ((nu, fmt.procent(pct_nu), "procent"), (toen, procent_woord(pct_toen), "woord")):
        figures[id := f"pip_pct_{sources.naam(W21, p)}"] = shown
        sources.note(id, shown, "aandeel_honderdtallen", teller=_w21_ref(p, "pip_vastgesteld", "totaal"),
                     noemer=_w21_ref(p, "inburgeringsplichtigen", "totaal"), _vorm=vorm)
    return text, nu, figures


@_zin("pip_aantal", W21, "Het aantal inburgeraars met een vastgesteld PIP")
def _pip_aantal(sources: _Sources) -> Built:
    nu, pip_nu = _w21(sources, 0, indicator="pip_vastgesteld", doelgroep="totaal")
    toen, pip_toen = _w21(sources, 1, indicator="pip_vastgesteld", doelgroep="totaal")
    text = (
        f"Per {fmt.datum(nu)} hadden {fmt.aantal(pip_nu)} inburgeraars een vastgesteld PIP, "
        f"tegen {fmt.aantal(pip_toen)} per {fmt.datum(toen)}."
    )
    figures = {}
    for p, n in ((nu, pip_nu), (toen, pip_toen)):
        figures[id := f"pip_aantal_{sources.naam(W21, p)}"] = fmt.aantal(n)
        sources.note(id, fmt.aantal(n), "honderdtallen", n=_w21_ref(p, "pip_vastgesteld", "totaal"))
    return text, nu, figures


@_zin("aanbod_vorige_peildatum", f"{W21}, overige_cijfers", "Het aanbod aan asielstatushouders met een PIP op de vorige peildatum")
def _aanbod_vorige(sources: _Sources) -> Built:
    peildatum, aanbod = _w21(sources, 1, indicator="aanbod", doelgroep="asielstatushouder")
    try:
        _, pip = _w21(sources, 1, indicator="pip_vastgesteld", doelgroep="asielstatushouder")
    except NotDelivered:
        pip = None
    if pip is not None:
        pct, ongeveer = _aandeel(aanbod, pip, wat="het aantal PIP's bij asielstatushouders, afgerond op honderdtallen"), ""
        pct_bron = dict(teller=_w21_ref(peildatum, "aanbod", "asielstatushouder"), noemer=_w21_ref(peildatum, "pip_vastgesteld", "asielstatushouder"))
    else:
        # For this peildatum DUO supplied only the rounded share, not its denominator.
        overig_peildatum, pct, _ = sources.overig("aanbod_asiel_pip_pct", peildatum)
        ongeveer = "ongeveer "
        pct_bron = dict(waarde=ref("overige_cijfers", overig_peildatum, "waarde", cijfer="aanbod_asiel_pip_pct"))
    text = (
        f"Op {fmt.datum(peildatum)} had {ongeveer}{procent_woord(pct)} van de asielstatushouders "
        f"({fmt.aantal(aanbod)} personen) met een vastgesteld PIP ook een aanbod voor inburgering."
    )
    m = sources.naam(W21, peildatum)
    if "waarde" in pct_bron:
        sources.note(f"aanbod_pct_{m}", procent_woord(pct), "procent_woord", **pct_bron)
    else:
        sources.note(f"aanbod_pct_{m}", procent_woord(pct), "aandeel_honderdtallen", **pct_bron, _vorm="woord")
    sources.note(f"aanbod_aantal_{m}", fmt.aantal(aanbod), "honderdtallen", n=_w21_ref(peildatum, "aanbod", "asielstatushouder"))
    return text, peildatum, {f"aanbod_pct_{m}": procent_woord(pct), f"aanbod_aantal_{m}": fmt.aantal(aanbod)}


@_zin("aanbod", W21, "Het aanbod aan asielstatushouders met een PIP")
def _aanbod(sources: _Sources) -> Built:
    peildatum, aanbod = _w21(sources, indicator="aanbod", doelgroep="asielstatushouder")
    _, pip = _w21(sources, indicator="pip_vastgesteld", doelgroep="asielstatushouder")
    pct = _aandeel(aanbod, pip, wat="het aantal PIP's bij asielstatushouders, afgerond op honderdtallen")
    text = (
        f"Op {fmt.datum(peildatum)} had {procent_woord(pct)} van de asielstatushouders met een vastgesteld PIP ook een "
        f"aanbod voor inburgering: van de {fmt.aantal(pip)} PIP's bij asielstatushouders hebben er {fmt.aantal(aanbod)} een aanbod."
    )
    m = sources.naam(W21, peildatum)
    aanbod_ref, pip_ref = _w21_ref(peildatum, "aanbod", "asielstatushouder"), _w21_ref(peildatum, "pip_vastgesteld", "asielstatushouder")
    sources.note(f"aanbod_pct_{m}", procent_woord(pct), "aandeel_honderdtallen", teller=aanbod_ref, noemer=pip_ref, _vorm="woord")
    sources.note(f"pip_asiel_{m}", fmt.aantal(pip), "honderdtallen", n=pip_ref)
    sources.note(f"aanbod_aantal_{m}", fmt.aantal(aanbod), "honderdtallen", n=aanbod_ref)
    return text, peildatum, {f"aanbod_pct_{m}": procent_woord(pct), f"pip_asiel_{m}": fmt.aantal(pip), f"aanbod_aantal_{m}": fmt.aantal(aanbod)}


# Sections 3.1, 3.3 and 3.4: figures DUO, Blik op Werk and the Arbeidsinspectie supply without counts.


@_zin("onderwijsroute", "overige_cijfers", "Het aandeel asielstatushouders met de onderwijsroute in het PIP per cohort")
def _onderwijsroute(sources: _Sources) -> Built:
    peildatum, per_cohort = sources.overig_reeks("onderwijsroute_pip_asiel_cohort_")
    if len(per_cohort) < 2:
        raise NotDelivered(f"overige_cijfers van {fmt.datum(peildatum)} heeft de onderwijsroute voor één cohort")
    (c1, a), (c2, b) = sorted(per_cohort.items())[-2:]
    if a == b:
        verloop = f"in cohort {c1} en cohort {c2} gelijk is: {procent_woord(a)}"
    else:
        verloop = f"is {'gestegen' if b > a else 'gedaald'} van {procent_woord(a)} in het cohort {c1} naar {procent_woord(b)} in cohort {c2}"
    text = (
        f"Uit de meest recente DUO-cijfers (peildatum {fmt.datum(peildatum)}) blijkt dat het aandeel asielstatushouders "
        f"dat de onderwijsroute heeft laten vastleggen in het PIP {verloop}."
    )
    for cohort, value in ((c1, a), (c2, b)):
        sources.note(f"onderwijsroute_cohort_{cohort}", procent_woord(value), "procent_woord",
                     waarde=ref("overige_cijfers", peildatum, "waarde", cijfer=f"onderwijsroute_pip_asiel_cohort_{cohort}"))
    return text, peildatum, {f"onderwijsroute_cohort_{c1}": procent_woord(a), f"onderwijsroute_cohort_{c2}": procent_woord(b)}


@_zin("keurmerkhouders", "overige_cijfers", "Het aantal keurmerkhouders dat de kortetermijnmaatregelen NT2 gebruikt")
def _keurmerkhouders(sources: _Sources) -> Built:
    peildatum, met, _ = sources.overig("keurmerkhouders_met_maatregelen")
    _, totaal, _ = sources.overig("keurmerkhouders_totaal", peildatum)
    circa = f"circa {getal(totaal)}"  # Blik op Werk gives the total as an approximation
    text = (
        f"Op peildatum {fmt.datum(peildatum)} hebben {getal(met)} van de in totaal {circa} keurmerkhouders bij "
        f"Blik op Werk gemeld dat ze gebruik maken van de maatregelen."
    )
    _note_overig(sources, peildatum, {"keurmerkhouders_met_maatregelen": getal(met)})
    sources.note("keurmerkhouders_totaal", circa, "getal", n=ref("overige_cijfers", peildatum, "waarde", cijfer="keurmerkhouders_totaal"), _voorvoegsel="circa")
    return text, peildatum, {"keurmerkhouders_met_maatregelen": getal(met), "keurmerkhouders_totaal": circa}


@_zin("duo_meldingen_misbruik", "overige_cijfers", "Het aantal meldingen van mogelijk misbruik bij DUO")
def _duo_meldingen(sources: _Sources) -> Built:
    peildatum, totaal, _ = sources.overig("duo_meldingen_misbruik")
    _, taalschool, _ = sources.overig("duo_meldingen_misbruik_taalschool", peildatum)
    _, derde, _ = sources.overig("duo_meldingen_misbruik_inburgeraar_of_derde", peildatum)
    text = (
        f"{periode(sources, peildatum).capitalize()} heeft DUO {getal(totaal)} {meervoud(totaal, 'melding', 'meldingen')} "
        f"van mogelijk misbruik gekregen. Daarvan {meervoud(taalschool, 'gaat', 'gaan')} er {getal(taalschool)} over een "
        f"taalschool en {getal(derde)} over mogelijk misbruik door een inburgeraar of een derde."
    )
    figures = {
        "duo_meldingen_misbruik": getal(totaal),
        "duo_meldingen_misbruik_taalschool": getal(taalschool),
        "duo_meldingen_misbruik_inburgeraar_of_derde": getal(derde),
    }
    _note_overig(sources, peildatum, figures)
    return text, peildatum, figures


@_zin("blik_op_werk_toezicht", "overige_cijfers", "Het toezicht van Blik op Werk op taalscholen")
def _blik_op_werk(sources: _Sources) -> Built:
    peildatum, ingetrokken, _ = sources.overig("keurmerken_ingetrokken")
    _, kwaliteit, _ = sources.overig("keurmerken_ingetrokken_kwaliteitseisen", peildatum)
    _, afgewezen, _ = sources.overig("aspirant_keurmerk_afgewezen", peildatum)
    _, meldingen, _ = sources.overig("bow_meldingen_onregelmatigheden", peildatum)
    text = (
        f"Blik op Werk heeft {periode(sources, peildatum)} {getal(ingetrokken)} keer een keurmerk ingetrokken, waarvan "
        f"{getal(kwaliteit)} vanwege het niet voldoen aan kwaliteitseisen. Daarnaast is {getal(afgewezen)} keer besloten "
        f"een aanvraag voor een Aspirant-Keurmerk af te wijzen. Verder {meervoud(meldingen, 'is', 'zijn')} er "
        f"{getal(meldingen)} {meervoud(meldingen, 'melding', 'meldingen')} binnengekomen over mogelijke onregelmatigheden bij taalscholen."
    )
    figures = {
        "keurmerken_ingetrokken": getal(ingetrokken),
        "keurmerken_ingetrokken_kwaliteitseisen": getal(kwaliteit),
        "aspirant_keurmerk_afgewezen": getal(afgewezen),
        "bow_meldingen_onregelmatigheden": getal(meldingen),
    }
    _note_overig(sources, peildatum, figures)
    return text, peildatum, figures


@_zin("arbeidsinspectie_meldingen", "overige_cijfers", "Het aantal meldingen van inburgeringsfraude bij de Arbeidsinspectie")
def _arbeidsinspectie(sources: _Sources) -> Built:
    peildatum, n, _ = sources.overig("arbeidsinspectie_meldingen_inburgeringsfraude")
    van = periode(sources, peildatum, tot="tot en met").replace("in de periode van", "van")
    text = (
        f"De opsporingsdienst van de Arbeidsinspectie heeft {van} {getal(n)} {meervoud(n, 'melding', 'meldingen')} "
        f"van mogelijke inburgeringsfraude gehad."
    )
    _note_overig(sources, peildatum, {"arbeidsinspectie_meldingen_inburgeringsfraude": getal(n)})
    return text, peildatum, {"arbeidsinspectie_meldingen_inburgeringsfraude": getal(n)}


def _note_overig(sources: _Sources, peildatum: dt.date, figures: dict[str, str], operation: str = "getal") -> None:
    """Provenance of figures that are an overige_cijfers value of the same name, in words or as a percentage."""
    role = "waarde" if operation == "procent_woord" else "n"
    for figure, shown in figures.items():
        sources.note(figure, shown, operation, **{role: ref("overige_cijfers", peildatum, "waarde", cijfer=figure)})


# Section 5.1: Divosa.


@_zin("arbeidsparticipatie", "overige_cijfers", "De arbeidsparticipatie van statushouders")
def _arbeidsparticipatie(sources: _Sources) -> Built:
    peildatum, alle, bron = sources.overig("arbeidsparticipatie_statushouders")
    _, vrouwen, _ = sources.overig("arbeidsparticipatie_vrouwelijke_statushouders", peildatum)
    text = (
        f"Van de totale groep statushouders is {procent_woord(alle)} aan het werk; van de vrouwelijke statushouders "
        f"is dat {procent_woord(vrouwen)} (bron: {bron})."
    )
    figures = {
        "arbeidsparticipatie_statushouders": procent_woord(alle),
        "arbeidsparticipatie_vrouwelijke_statushouders": procent_woord(vrouwen),
    }
    _note_overig(sources, peildatum, figures, "procent_woord")
    return text, peildatum, figures


# Section 5.2: the Wi2013.

_STAND_WI2013 = {
    "ingeburgerd": "ingeburgerd via de Wi2013 of NT2",
    "ontheven": "ontheven van de inburgeringsplicht",
    "vrijgesteld": "vrijgesteld van de inburgeringsplicht",
    "vervallen": "waarbij de inburgeringsplicht is vervallen",
    "nog_plichtig": "zijn nog inburgeringsplichtig onder de Wi2013",
}


@_zin("wi2013_stand", "wi2013_status", "De stand van de inburgeringsplicht onder de Wi2013")
def _wi2013_stand(sources: _Sources) -> Built:
    peildatum, opgelegd = sources.aantal("wi2013_status", status="opgelegd")
    figures = {"wi2013_opgelegd": fmt.aantal(opgelegd)}
    opgelegd_ref = ref("wi2013_status", peildatum, "aantal", status="opgelegd")
    sources.note("wi2013_opgelegd", figures["wi2013_opgelegd"], "aantal", n=opgelegd_ref)
    lines = []
    for status in STATUSSEN_WI2013[1:]:
        _, n = sources.aantal("wi2013_status", status=status)
        # Each share on its own, half-up to one decimal of `opgelegd`, as 5.2 prints them (they sum to 100,1).
        pct = fmt.procent(_aandeel(n, opgelegd, 1, wat="het aantal opgelegde plichten"), 1)
        figures |= {f"wi2013_{status}": fmt.aantal(n), f"wi2013_{status}_pct": pct}
        n_ref = ref("wi2013_status", peildatum, "aantal", status=status)
        sources.note(f"wi2013_{status}", fmt.aantal(n), "aantal", n=n_ref)
        sources.note(f"wi2013_{status}_pct", pct, "aandeel", teller=n_ref, noemer=opgelegd_ref, _decimalen=1)
        lines.append(f"- {aantal_van(n, 'inburgeraar', 'inburgeraars')} ({pct}) {_STAND_WI2013[status]};")
    lines[-1] = lines[-1].rstrip(";") + "."
    text = (
        f"In totaal is door DUO in de jaren {WI2013_EERSTE_COHORT} tot en met {peildatum.year} aan {aantal_van(opgelegd, 'persoon', 'personen')} "
        f"de inburgeringsplicht voor de Wi2013 opgelegd. Daarvan zijn er op {fmt.datum(peildatum)}:\n" + "\n".join(lines)
    )
    return text, peildatum, figures


@_zin("wi2013_verloop", "wi2013_status", "De verandering van het aantal inburgeringsplichtigen onder de Wi2013")
def _wi2013_verloop(sources: _Sources) -> Built:
    # The previous delivery holds only ingeburgerd and nog_plichtig: enough for both figures.
    toen, nog_toen = sources.aantal("wi2013_status", 1, status="nog_plichtig")
    nu, nog_nu = sources.aantal("wi2013_status", 0, status="nog_plichtig")
    _, ingeburgerd_toen = sources.aantal("wi2013_status", 1, status="ingeburgerd")
    _, ingeburgerd_nu = sources.aantal("wi2013_status", 0, status="ingeburgerd")
    daling, diploma = nog_toen - nog_nu, ingeburgerd_nu - ingeburgerd_toen
    if daling > 0:
        verloop, key = f"met {aantal_van(daling, 'persoon', 'personen')} gedaald", "wi2013_daling_nog_plichtig"
    elif daling < 0:
        verloop, key = f"met {aantal_van(-daling, 'persoon', 'personen')} gestegen", "wi2013_stijging_nog_plichtig"
    else:
        verloop, key = "gelijk gebleven", "wi2013_verschil_nog_plichtig"
    daarvan = "Daarvan" if daling > 0 else "In dezelfde periode"
    text = (
        f"Ten opzichte van de stand per {fmt.datum(toen)} is het aantal inburgeringsplichtigen onder de Wi2013 {verloop}. "
        f"{daarvan} {meervoud(diploma, 'heeft', 'hebben')} {aantal_van(diploma, 'persoon', 'personen')} een inburgeringsdiploma gehaald."
    )
    status = {s: {"nu": ref("wi2013_status", nu, "aantal", status=s), "toen": ref("wi2013_status", toen, "aantal", status=s)} for s in ("nog_plichtig", "ingeburgerd")}
    sources.note(key, fmt.aantal(abs(daling)), "verschil", **status["nog_plichtig"], _absoluut=True)
    sinds = f"wi2013_diploma_sinds_{sources.naam('wi2013_status', toen)}"
    sources.note(sinds, fmt.aantal(diploma), "verschil", **status["ingeburgerd"])
    return text, nu, {key: fmt.aantal(abs(daling)), sinds: fmt.aantal(diploma)}


@_zin("wi2013_na_intrekking", "wi2013_cohorten", "Het aantal inburgeringsplichtigen in de cohorten na intrekking van de Wi2013")
def _wi2013_na_intrekking(sources: _Sources) -> Built:
    peildatum, frame = sources.delivery("wi2013_cohorten")
    cohorten = sorted(int(c) for c in frame["cohort"].unique() if int(c) >= WI2013_INGETROKKEN)
    if not cohorten:
        raise NotDelivered(f"wi2013_cohorten van {fmt.datum(peildatum)} heeft geen cohort vanaf {WI2013_INGETROKKEN}")
    totaal = {c: sources.aantal("wi2013_cohorten", column="totaal", cohort=c, doelgroep="totaal")[1] for c in cohorten}
    eerste = cohorten[0]
    _, voldaan_pct = sources.aantal("wi2013_cohorten", column="voldaan_pct", cohort=eerste, doelgroep="totaal")
    eerste_aantal = aantal_van(totaal[cohorten[0]], "persoon", "personen")
    per_cohort = " en ".join([f"{eerste_aantal} in cohort {cohorten[0]}"] + [f"{fmt.aantal(totaal[c])} in cohort {c}" for c in cohorten[1:]])
    pct = fmt.procent(Decimal(voldaan_pct))  # Tabel 2's percentage as delivered
    text = (
        f"Ook na intrekking van de Wi2013 per 1 januari {WI2013_INGETROKKEN} zijn er personen inburgeringsplichtig gemaakt "
        f"onder de Wi2013. Hoeveel personen per jaar inburgeringsplichtig zijn gemaakt, inclusief plichten die "
        f"inmiddels vervallen zijn, is niet geleverd. Tabel 2, die vervallen plichten niet telt, heeft {per_cohort}. "
        f"Van de groep {eerste} heeft inmiddels {pct} aan de inburgeringsplicht voldaan."
    )
    figures = {f"{TABLE_REF_PREFIX}2:{c}:Totaal": fmt.aantal(totaal[c]) for c in cohorten}
    figures[f"wi2013_cohort_{eerste}_voldaan_pct"] = pct
    for c in cohorten:
        sources.note(f"{TABLE_REF_PREFIX}2:{c}:Totaal", fmt.aantal(totaal[c]), "aantal", n=ref("wi2013_cohorten", peildatum, "totaal", cohort=c, doelgroep="totaal"))
    sources.note(f"wi2013_cohort_{eerste}_voldaan_pct", pct, "procent", pct=ref("wi2013_cohorten", peildatum, "voldaan_pct", cohort=eerste, doelgroep="totaal"))
    return text, peildatum, figures


# Section 5.3: ELIP.


@_zin("elip_verloop", "elip", "Het verloop van de ELIP-groep")
def _elip(sources: _Sources) -> Built:
    # The last three deliveries: two for the change, the third to tell whether it happens again.
    count = min(3, max(2, len(sources.peildata("elip"))))
    totalen = [sources.aantal("elip", back, cohort="totaal") for back in reversed(range(count))]
    (toen, vorig), (nu, laatst) = totalen[-2:]
    if laatst == vorig:
        verloop = "geen verandering zien"
    else:
        richting = "stijging" if laatst > vorig else "daling"
        wederom = len(totalen) == 3 and (vorig > totalen[0][1]) == (laatst > vorig) and vorig != totalen[0][1]
        verloop = f"{'wederom ' if wederom else ''}een {richting} zien"
    text = (
        f"De meest recente ELIP-cijfers, van {fmt.datum(nu)}, laten {verloop}: {aantal_van(laatst, 'asielstatushouder', 'asielstatushouders')} "
        f"die minstens € 9.500 {meervoud(laatst, 'heeft', 'hebben')} geleend en nog niet aan de inburgeringsplicht {meervoud(laatst, 'heeft', 'hebben')} voldaan, "
        f"tegen {fmt.aantal(vorig)} op {fmt.datum(toen)}."
    )
    figures = {f"{TABLE_REF_PREFIX}3:{p.strftime('%d-%m-%Y')}:Totaal": fmt.aantal(n) for p, n in ((toen, vorig), (nu, laatst))}
    for p, n in ((toen, vorig), (nu, laatst)):
        sources.note(f"{TABLE_REF_PREFIX}3:{p.strftime('%d-%m-%Y')}:Totaal", fmt.aantal(n), "aantal", n=ref("elip", p, "aantal", cohort="totaal"))
    return text, nu, figures


# Section 5.4: loans, rounded in the text.


def _lening(categorie: str, template: str) -> Callable[[_Sources], Built]:
    def build(sources: _Sources) -> Built:
        peildatum, n = sources.aantal("wi2013_leningen", categorie=categorie)
        figure = fmt.afgerond(n)
        sources.note(f"leningen_{categorie}_afgerond", figure, "afgerond", n=ref("wi2013_leningen", peildatum, "aantal", categorie=categorie))
        rounded = approximately(n).figure
        words = {
            "personen": meervoud(rounded, "persoon", "personen"),
            "leningen": meervoud(rounded, "lening", "leningen"),
            "zijn": meervoud(rounded, "is", "zijn"),
            "hadden": meervoud(rounded, "had", "hadden"),
            "hun": meervoud(rounded, "zijn of haar", "hun"),
        }
        text = template.format(datum=fmt.datum(peildatum), n=figure, **words)
        return text, peildatum, {f"leningen_{categorie}_afgerond": figure}

    return build


for _categorie, _template in LENINGEN_IN_TEKST.items():
    _zin(f"leningen_{_categorie}", "wi2013_leningen", f"Het aantal leningen ({_categorie.replace('_', ' ')})")(
        _lening(_categorie, _template)
    )
