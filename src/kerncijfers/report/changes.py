"""The page "Ontwikkeling sinds de vorige peildatum" (`changes_since_previous`).

Per table the brief uses, its delivery against the delivery before it, with large or
implausible changes flagged (thresholds.py) and the sentences the letter writes about them,
from the data. The page "Afwijkingen" is `report/afwijkingen.py`. Both return plain data and
render an HTML fragment with `to_html()`; the site places it.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kerncijfers import formatting as fmt
from kerncijfers.brief import Brief
from kerncijfers.diff import CellChange, Row, TableComparison, compare, number, read_csv_text, show_value
from kerncijfers.report.afwijkingen import AfwijkingenPage, afwijkingen  # noqa: F401 - the pages import both from here
from kerncijfers.report.markup import page_table as _table, section_id as _id
from kerncijfers.catalogue import ontwikkeling
from kerncijfers.catalogue.ontwikkeling import Verandering
from kerncijfers.catalogue.evaluate import Catalogue, evaluate
from kerncijfers.catalogue.sources import fits_inside_fall
from kerncijfers.report.tables import OWN_PEILDATA, TABEL_4_RIJEN, limit_for
from kerncijfers.schema import ELIP_COHORTEN, LENING_CATEGORIEEN, TABLES
from kerncijfers.store import validated_peildata
from kerncijfers.thresholds import DREMPELS, Flag, cell_flags

#: How the sentences name each table's subject.
ONDERWERP = {
    "wi2021_kerncijfers": "de Wi2021-kerncijfers (inburgeringsplichtigen, PIP's en aanbod)",
    "wi2013_cohorten": "de Wi2013-cohorten (Tabel 2)",
    "wi2013_status": "de stand van de inburgeringsplicht onder de Wi2013",
    "elip": "de ELIP-groep (Tabel 3)",
    "wi2013_leningen": "de Wi2013-leningen (Tabel 4)",
    "overige_cijfers": "de overige cijfers in de tekst",
}

WI2021_INDICATOR = {
    "inburgeringsplichtigen": "inburgeringsplichtigen onder de Wi2021",
    "in_azc": "inburgeringsplichtigen in een azc",
    "pip_vastgesteld": "vastgestelde PIP's",
    "aanbod": "inburgeraars met een PIP en een aanbod voor inburgering",
}
WI2021_DOELGROEP = {"asielstatushouder": "asielstatushouders", "gezinsmigrant": "gezinsmigranten", "overig": "overige migranten"}

#: The loan categories in running text: Tabel 4's row labels (one list), without the amount, in lower case.
LENINGEN = {c: label.split(" / ")[0].lower() for c, label in TABEL_4_RIJEN.items()}


# --- Ontwikkeling sinds de vorige peildatum ----------------------------------------------------


@dataclass(frozen=True)
class FlaggedChange:
    """One changed cell, its change as the catalogue defines it (None unless both values are numbers), and the thresholds it crosses."""

    change: CellChange
    verandering: Verandering | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class TableChanges:
    """One table of the brief: its delivery against the previous one."""

    table: str
    titel: str
    peildatum: dt.date | None  # the delivery the brief uses; None when there is none
    vorige_peildatum: dt.date | None  # the delivery before it; None when there is none
    comparison: TableComparison | None  # None without both deliveries
    veranderingen: tuple[FlaggedChange, ...]
    zinnen: tuple[str, ...]

    @property
    def flagged(self) -> tuple[FlaggedChange, ...]:
        return tuple(v for v in self.veranderingen if v.flags)


@dataclass(frozen=True)
class ChangesPage:
    """The page "Ontwikkeling sinds de vorige peildatum" of one brief."""

    brief: Brief
    tabellen: tuple[TableChanges, ...]

    def table(self, name: str) -> TableChanges:
        return next(t for t in self.tabellen if t.table == name)

    def to_html(self) -> str:
        return _changes_html(self)


def _deliveries(validated_dir: Path, table: str, limit: dt.date) -> list[str]:
    """The peildata with a validated delivery of `table` up to `limit`, oldest first."""
    return [p for p in validated_peildata(validated_dir) if p <= limit.isoformat() and (validated_dir / p / f"{table}.csv").is_file()]


def changes_since_previous(validated_dir: Path, brief: Brief, catalogue: Catalogue | None = None) -> ChangesPage:
    """For every table: the delivery `brief` uses (as brief.limit_for selects it) against the one before.

    The sentences take their figures from the brief's catalogue (`catalogue`, evaluated here when not given).
    """
    validated_dir = Path(validated_dir)
    catalogue = catalogue or evaluate(validated_dir, brief)
    out = []
    for name, spec in TABLES.items():
        limit = limit_for(brief, name)
        peildata = _deliveries(validated_dir, name, limit)
        if not peildata:
            zin = f"Van {ONDERWERP[name]} is tot en met {fmt.datum(limit)} geen levering gevalideerd."
            out.append(TableChanges(name, spec.title, None, None, None, (), (zin,)))
            continue
        nu = dt.date.fromisoformat(peildata[-1])
        if len(peildata) == 1:
            zin = (
                f"Van {ONDERWERP[name]} is geen levering van vóór {fmt.datum(nu)} gevalideerd; "
                f"een verandering ten opzichte van de vorige peildatum is daarom niet te geven."
            )
            out.append(TableChanges(name, spec.title, nu, None, None, (), (zin,)))
            continue
        toen = dt.date.fromisoformat(peildata[-2])
        old, new = (read_csv_text((validated_dir / p / f"{name}.csv").read_text(encoding="utf-8")) for p in peildata[-2:])
        comparison = compare(name, old, new, spec.key, ignore=("peildatum",))
        rows = _by_key(new, spec.key)
        veranderingen = []
        for change in comparison.changes:
            a, b = number(change.old), number(change.new)
            if a is None or b is None:
                veranderingen.append(FlaggedChange(change, None, ()))
            else:
                veranderingen.append(FlaggedChange(change, Verandering(a, b), cell_flags(name, change.column, rows[change.key], a, b)))
        zinnen = SENTENCES.get(name, _generic)(toen, nu, _by_key(old, spec.key), rows, comparison, catalogue)
        out.append(TableChanges(name, spec.title, nu, toen, comparison, tuple(veranderingen), tuple(zinnen)))
    return ChangesPage(brief, tuple(out))


def _by_key(rows: list[list[str]], key: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, str]]:
    header = rows[0]
    return {tuple(r[header.index(k)] for k in key): dict(zip(header, r)) for r in rows[1:]}


# --- the sentences ------------------------------------------------------------------------------

Values = dict[tuple[str, ...], dict[str, str]]


def _ten_opzichte_van(table: str, toen: dt.date) -> str:
    # Tables delivered on the brief's peildatum come twice a year, one delivery per
    # uitvoeringsbrief: the previous delivery is what the previous brief showed. Tables on
    # their own peildata (ELIP, other sources) may have had deliveries in between.
    if table in OWN_PEILDATA:
        return f"Ten opzichte van de vorige levering, met peildatum {fmt.datum(toen)},"
    return f"Ten opzichte van de vorige uitvoeringsbrief, waarin de stand per {fmt.datum(toen)} werd weergegeven,"


def _beweging(v: Verandering, show: Callable = fmt.aantal) -> str:
    """'gestegen van 36.200 naar 51.600', 'gedaald van …', or 'gelijk gebleven op …'."""
    if v.verschil > 0:
        return f"gestegen van {show(v.toen)} naar {show(v.nu)}"
    if v.verschil < 0:
        return f"gedaald van {show(v.toen)} naar {show(v.nu)}"
    return f"gelijk gebleven op {show(v.nu)}"


def _personen(n: int) -> str:
    return f"{fmt.aantal(n)} {'persoon' if n == 1 else 'personen'}"


def _int(values: Values, key: tuple[str, ...], column: str) -> int | None:
    row = values.get(key)
    value = number(row[column]) if row is not None else None
    return None if value is None else int(value)


def _ontbreekt(toen: dt.date, wat: str) -> str:
    return f"De levering van {fmt.datum(toen)} heeft geen cijfer voor {wat}; daarvoor is geen verandering te geven."


def _wi2013_status(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """The letter's sentence of 5.2, from the catalogue's figures: the change of nog plichtig, and how many got their diploma."""
    figures = catalogue.figures
    if "wi2013_verandering_nog_plichtig" not in figures:
        return [_ontbreekt(toen if ("nog_plichtig",) not in old else nu, "nog inburgeringsplichtig")]
    verandering = int(figures["wi2013_verandering_nog_plichtig"].waarde)
    if verandering < 0:
        verloop = f"met {_personen(-verandering)} gedaald"
    elif verandering > 0:
        verloop = f"met {_personen(verandering)} gestegen"
    else:
        verloop = "gelijk gebleven"
    zinnen = [f"{_ten_opzichte_van('wi2013_status', toen)} is het aantal inburgeringsplichtigen onder de Wi2013 {verloop}."]
    if "wi2013_diploma_sinds_vorige" not in figures:
        zinnen.append(_ontbreekt(toen if ("ingeburgerd",) not in old else nu, "ingeburgerd"))
    else:
        diploma = int(figures["wi2013_diploma_sinds_vorige"].waarde)
        if diploma < 0:
            zinnen.append(f"Het aantal ingeburgerden is in dezelfde periode met {_personen(-diploma)} gedaald.")
        else:
            daarvan = "Daarvan" if fits_inside_fall(diploma, verandering) else "In dezelfde periode"
            zinnen.append(f"{daarvan} {'heeft' if diploma == 1 else 'hebben'} {_personen(diploma)} een inburgeringsdiploma gehaald.")
    return zinnen


def _wi2021_onderwerp(indicator: str, doelgroepen: list[str]) -> str:
    """'vastgestelde PIP's', or with doelgroepen 'vastgestelde PIP's (asielstatushouders en gezinsmigranten)'."""
    groepen = [WI2021_DOELGROEP.get(d, d) for d in doelgroepen if d != "totaal"]
    return WI2021_INDICATOR.get(indicator, indicator) + (f" ({_opsomming(groepen)})" if groepen else "")


def _wi2021(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """Each Wi2021 figure both deliveries hold, in hundreds as the letter publishes them (footnote 5)."""
    zinnen, nieuw = [], {}
    for key in new:
        indicator, doelgroep = key
        a, b = _int(old, key, "aantal"), _int(new, key, "aantal")
        if a is None:
            nieuw.setdefault(indicator, []).append(doelgroep)
            continue
        onderwerp, beweging = _wi2021_onderwerp(indicator, [doelgroep]), _beweging(ontwikkeling.wi2021(a, b))
        if not zinnen:
            zinnen.append(f"{_ten_opzichte_van('wi2021_kerncijfers', toen)} is het aantal {onderwerp} {beweging}.")
        else:
            zinnen.append(f"Het aantal {onderwerp} is {beweging}.")
    if nieuw:
        zinnen.append(_ontbreekt(toen, _opsomming([_wi2021_onderwerp(i, d) for i, d in nieuw.items()])))
    return zinnen


def _opsomming(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _elip(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """The ELIP total and the cohorts that moved most."""
    a, b = _int(old, ("totaal",), "aantal"), _int(new, ("totaal",), "aantal")
    if a is None or b is None:
        zinnen = [_ontbreekt(toen if a is None else nu, "het totaal van de ELIP-groep")]
    else:
        zinnen = [f"{_ten_opzichte_van('elip', toen)} is de ELIP-groep {_beweging(Verandering(a, b))} personen."]
    cohorten = [c for c in ELIP_COHORTEN if c != "totaal" and _int(old, (c,), "aantal") is not None and _int(new, (c,), "aantal") is not None]
    moves = {c: Verandering(_int(old, (c,), "aantal"), _int(new, (c,), "aantal")) for c in cohorten}
    delen = []
    for c, woord in zip(ontwikkeling.sterkste(moves), ("gestegen", "gedaald")):
        if c is not None:
            delen.append(f"het sterkst {woord} is cohort {c} (van {fmt.aantal(moves[c].toen)} naar {fmt.aantal(moves[c].nu)})")
    if delen:
        zin = "; ".join(delen)
        zinnen.append(zin[0].upper() + zin[1:] + ".")
    return zinnen


def _wi2013_cohorten(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """Tabel 2 summed over the cohorts both deliveries hold (doelgroep totaal)."""
    keys = [k for k in new if k[1] == "totaal" and k in old]
    if not keys:
        return [_ontbreekt(toen, "de cohorten van deze levering")]
    som = {col: ontwikkeling.som((_int(old, k, col) or 0, _int(new, k, col) or 0) for k in keys) for col in ("voldaan", "ontheven", "nog_plichtig")}
    cohorten = sorted(int(k[0]) for k in keys)
    zinnen = [
        f"{_ten_opzichte_van('wi2013_cohorten', toen)} is in de cohorten {cohorten[0]} tot en met {cohorten[-1]} het aantal personen "
        f"dat aan de inburgeringsplicht heeft voldaan {_beweging(som['voldaan'])}, het aantal ontheven personen "
        f"{_beweging(som['ontheven'])} en het aantal nog inburgeringsplichtigen {_beweging(som['nog_plichtig'])}."
    ]
    nieuw = sorted({k[0] for k in new} - {k[0] for k in old})
    if nieuw:
        zinnen.append(_ontbreekt(toen, "cohort " + _opsomming(nieuw)))
    return zinnen


def _wi2013_leningen(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """The number of loans per category of Tabel 4."""
    zinnen = []
    for categorie in LENING_CATEGORIEEN:
        a, b = _int(old, (categorie,), "aantal"), _int(new, (categorie,), "aantal")
        if a is None or b is None:
            continue
        if not zinnen:
            zinnen.append(f"{_ten_opzichte_van('wi2013_leningen', toen)} is het aantal {LENINGEN[categorie]} {_beweging(Verandering(a, b))}.")
        else:
            zinnen.append(f"Het aantal {LENINGEN[categorie]} is {_beweging(Verandering(a, b))}.")
    nieuw = [LENINGEN[c] for c in LENING_CATEGORIEEN if (c,) in new and (c,) not in old]
    if nieuw:
        zinnen.append(_ontbreekt(toen, _opsomming(nieuw)))
    return zinnen


def _overige_cijfers(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    """Figures from other sources that both deliveries hold, each with its own description and unit."""
    zinnen = []
    for key, row in new.items():
        if key not in old:
            continue
        a, b = number(old[key]["waarde"]), number(row["waarde"])
        if a is None or b is None:
            continue
        zinnen.append(f"{row['omschrijving']}: {_beweging(Verandering(a, b), lambda v: show_value(str(v)))} ({row['eenheid']}).")
    if not zinnen:
        return [
            f"De levering van {fmt.datum(nu)} heeft geen cijfer dat ook in die van {fmt.datum(toen)} staat; "
            f"er is geen verandering te geven."
        ]
    return [f"{_ten_opzichte_van('overige_cijfers', toen)} zijn deze cijfers veranderd:"] + zinnen


def _generic(toen: dt.date, nu: dt.date, old: Values, new: Values, comparison: TableComparison, catalogue: Catalogue) -> list[str]:
    return [f"Ten opzichte van {fmt.datum(toen)} zijn {len(comparison.changes)} van {comparison.cells_compared} cijfers veranderd."]


#: Per table, the sentences about its development: (previous date, date, old rows, new rows, comparison, catalogue) -> sentences.
SENTENCES: dict[str, Callable[..., list[str]]] = {
    "wi2021_kerncijfers": _wi2021,
    "wi2013_cohorten": _wi2013_cohorten,
    "wi2013_status": _wi2013_status,
    "elip": _elip,
    "wi2013_leningen": _wi2013_leningen,
    "overige_cijfers": _overige_cijfers,
}


# --- HTML -------------------------------------------------------------------------------------

_e = html.escape


def _minus(text: str) -> str:
    return "−" + text[1:] if text.startswith("-") else text


def _row_label(key: tuple[str, ...]) -> str:
    return ", ".join(key)


def _changes_html(page: ChangesPage) -> str:
    lines = [
        # The page's h1 is its title; its sections are the h2s.
        '<section class="ontwikkeling" lang="nl">',
        f"<p>{_e(page.brief.titel)} ({_e(page.brief.kamerstuk)}), per tabel: "
        "de levering die de brief gebruikt tegen de levering daarvoor. Grote en onwaarschijnlijke veranderingen zijn gemarkeerd "
        "volgens de drempels onderaan deze pagina.</p>",
    ]
    for t in page.tabellen:
        anchor = _id("ontwikkeling", t.table)
        lines += [f'<section aria-labelledby="{anchor}">', f'<h2 id="{anchor}">{_e(t.titel)}</h2>']
        if t.comparison is not None:
            c = t.comparison
            lines.append(
                f'<p class="peildata">Levering van {_e(fmt.datum(t.peildatum))} tegen die van {_e(fmt.datum(t.vorige_peildatum))}: '
                f"{len(c.changes)} van {c.cells_compared} cijfers veranderd, {len(c.added)} rijen erbij, {len(c.removed)} vervallen; "
                f"{len(t.flagged)} gemarkeerd.</p>"
            )
        lines += [f'<p class="zin">{_e(z)}</p>' for z in t.zinnen]
        if t.comparison is not None and t.veranderingen:
            oud, nieuw = fmt.datum(t.vorige_peildatum), fmt.datum(t.peildatum)
            rows = []
            for v in t.veranderingen:
                verschil, relatief = v.verandering.getoond() if v.verandering is not None else ("", "")
                signaal = "; ".join(f"{f.soort}: {f.reden}" for f in v.flags) or "geen"
                rows.append([_row_label(v.change.key), v.change.column, show_value(v.change.old), show_value(v.change.new), _minus(verschil), _minus(relatief), signaal])
            header = [f"Rij ({', '.join(t.comparison.key)})", "Kolom", oud, nieuw, "Verschil", "Relatief", "Markering"]
            lines += _table(f"Veranderde cijfers, {oud} tot {nieuw}: {t.titel}", header, rows, numeric=(2, 3, 4, 5))
        for rows, soort in ((t.comparison.added if t.comparison else (), "Nieuwe rijen"), (t.comparison.removed if t.comparison else (), "Vervallen rijen")):
            if rows:
                lines += _row_table(f"{soort}: {t.titel}", t.comparison.key, rows)
        lines.append("</section>")
    lines += [f'<section aria-labelledby="{_id("ontwikkeling", "drempels")}">', f'<h2 id="{_id("ontwikkeling", "drempels")}">Drempels voor markeringen</h2>']
    lines += _table("Drempels voor grote en onwaarschijnlijke veranderingen (kerncijfers/thresholds.py)", ["Drempel", "Waarde", "Betekenis"], [list(d) for d in DREMPELS])
    lines += ["</section>", "</section>"]
    return "\n".join(lines) + "\n"


def _row_table(caption: str, key: tuple[str, ...], rows: tuple[Row, ...]) -> list[str]:
    columns = [c for c, _ in rows[0].values]
    body = [[_row_label(r.key)] + [show_value(v) for _, v in r.values] for r in rows]
    numeric = tuple(i for i, (_, v) in enumerate(rows[0].values, start=1) if number(v) is not None)
    return _table(caption, [f"Rij ({', '.join(key)})"] + columns, body, numeric=numeric)
