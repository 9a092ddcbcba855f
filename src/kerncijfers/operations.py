"""The operations a figure's record names: machine-applicable, and the same ones say in words what they do.

`provenance.Ledger` applies a record's operation to the delivered cells it names and refuses a
figure it does not reproduce; `recompute` does the same on provenance.csv for tests and reviewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from kerncijfers import formatting as fmt
from kerncijfers.catalogue import sources as wording
from kerncijfers.rounding import approximately, average_half_up, share_half_up, share_of_hundreds, text_step, to_hundreds


@dataclass(frozen=True)
class Operation:
    compute: Callable[[dict, dict], str]  # input values by role, parameters -> the figure as shown
    words: Callable[[dict, dict], str]  # the same, in Dutch, for people
    as_delivered: bool = False  # the figure is the delivered value, only formatted


#: What an as-delivered operation says it does.
ZOALS_GELEVERD = "zoals geleverd"


def number(text: str) -> int | Decimal:
    """A delivered value as a number: '7172' -> 7172, '34.5' -> Decimal('34.5'), '17.0' -> 17."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else value.normalize()


def _n(v) -> str:
    return fmt.aantal(v)


def _aandeel(v: dict) -> Decimal:
    return share_of_hundreds(v["teller"], v["noemer"])


def _procent(value: Decimal, vorm: str) -> str:
    return wording.procent_woord(value) if vorm == "woord" else fmt.procent(value)


def _decimalen(n: int) -> str:
    return "hele procenten" if n == 0 else "één decimaal" if n == 1 else f"{n} decimalen"


_STAPPEN = {1: "eenheden", 10: "tientallen", 100: "honderdtallen", 1000: "duizendtallen", 100_000: "honderdduizendtallen"}


def _afgerond_uitleg(n: int) -> str:
    """How running text rounds a count (rounding.approximately): half-up to its step, then the qualifier."""
    rounded = approximately(n)
    zegt = {"ruim": "'ruim': de waarde ligt erboven", "bijna": "'bijna': de waarde ligt eronder"}.get(rounded.qualifier, "gelijk aan de waarde")
    return f"{_n(n)} half naar boven afgerond op {_stap(text_step(n))}; {zegt}"


def _stap(step: int) -> str:
    return _STAPPEN.get(step, f"veelvouden van {_n(step)}")


def _gemiddelde(v: dict) -> str:
    return fmt.bedrag(average_half_up(v["bedrag"], v["aantal"])) if v["aantal"] else "–"


OPERATIONS: dict[str, Operation] = {
    "aantal": Operation(lambda v, p: _n(v["n"]), lambda v, p: ZOALS_GELEVERD, as_delivered=True),
    "bedrag": Operation(lambda v, p: fmt.bedrag(v["n"]), lambda v, p: ZOALS_GELEVERD, as_delivered=True),
    "aantal_en_procent": Operation(
        lambda v, p: (f"{_n(v['n'])} ({fmt.procent(v['pct'])})" if p.get("haakjes") else f"{_n(v['n'])} {fmt.procent(v['pct'])}"),
        lambda v, p: ZOALS_GELEVERD,
        as_delivered=True,
    ),
    "honderdtallen": Operation(
        lambda v, p: _n(to_hundreds(v["n"])), lambda v, p: f"{_n(v['n'])} afgerond op honderdtallen"
    ),
    "honderdtallen_en_aandeel": Operation(
        lambda v, p: f"{_n(to_hundreds(v['teller']))} ({fmt.procent(_aandeel(v))})",
        lambda v, p: (
            f"{_n(v['teller'])} afgerond op honderdtallen; het aandeel is {_n(to_hundreds(v['teller']))} van "
            f"{_n(to_hundreds(v['noemer']))} ({_n(v['noemer'])} afgerond), half naar boven op hele procenten"
        ),
    ),
    "aandeel_honderdtallen": Operation(
        lambda v, p: _procent(_aandeel(v), p.get("vorm", "procent")),
        lambda v, p: (
            f"{_n(to_hundreds(v['teller']))} van {_n(to_hundreds(v['noemer']))} (beide afgerond op honderdtallen, "
            f"van {_n(v['teller'])} en {_n(v['noemer'])}), half naar boven op hele procenten"
        ),
    ),
    "aandeel": Operation(
        lambda v, p: fmt.procent(share_half_up(v["teller"], v["noemer"], p.get("decimalen", 0)), p.get("decimalen", 0)),
        lambda v, p: f"{_n(v['teller'])} van {_n(v['noemer'])}, half naar boven op {_decimalen(p.get('decimalen', 0))}",
    ),
    "gemiddelde": Operation(
        lambda v, p: _gemiddelde(v),
        lambda v, p: f"{fmt.bedrag(v['bedrag'])} gedeeld door {_n(v['aantal'])} leningen, half naar boven op hele euro's",
    ),
    "verschil": Operation(
        lambda v, p: _n(abs(v["nu"] - v["toen"]) if p.get("absoluut") else v["nu"] - v["toen"]),
        lambda v, p: f"{_n(v['nu'])} min {_n(v['toen'])}" + (", zonder teken" if p.get("absoluut") else ""),
    ),
    "getal": Operation(
        lambda v, p: (p.get("voorvoegsel", "") + " " if p.get("voorvoegsel") else "") + wording.getal(v["n"]),
        lambda v, p: f"{_n(v['n'])}, zoals geleverd; in de tekst tot en met tien als woord" + (f", met '{p['voorvoegsel']}'" if p.get("voorvoegsel") else ""),
    ),
    "procent_woord": Operation(
        lambda v, p: wording.procent_woord(Decimal(v["waarde"])),
        lambda v, p: ZOALS_GELEVERD,
        as_delivered=True,
    ),
    "procent": Operation(lambda v, p: fmt.procent(Decimal(v["pct"])), lambda v, p: ZOALS_GELEVERD, as_delivered=True),
    "afgerond": Operation(lambda v, p: fmt.afgerond(v["n"]), lambda v, p: _afgerond_uitleg(v["n"])),
}
