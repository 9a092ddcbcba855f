"""What a figure of the catalogue is: a stable name, its meaning, its value, how it is shown, and its record.

The text (`tekst.md`) writes a figure by its name, which is relative to the brief
(`pip_pct` this peildatum, `pip_pct_vorige` the one before); the figure's stable id
(`pip_pct_oktober`, `tabel_3:01-11-2023:Totaal`) names it for provenance, `diff` and
`check-published`. A figure made of several published numbers (the totals of each cohort in
one phrase) has one id per number.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kerncijfers.provenance import Ref


@dataclass(frozen=True)
class Record:
    """How one published number is made: its id, as shown, the operation and its input cells (kerncijfers.provenance)."""

    id: str
    shown: str
    operation: str
    inputs: tuple[tuple[str, Ref], ...]
    parameters: tuple[tuple[str, object], ...] = ()


def record(id: str, shown: str, operation: str, **inputs) -> Record:
    """A record; inputs are Refs by role, parameters of the operation are given as `_name=value`."""
    params = tuple((k[1:], v) for k, v in inputs.items() if k.startswith("_"))
    refs = tuple((k, v) for k, v in inputs.items() if not k.startswith("_"))
    return Record(id, shown, operation, refs, params)


@dataclass(frozen=True)
class Definition:
    """One figure as the catalogue defines it, before it is computed for a brief."""

    name: str  # as the text writes it: {{ name }}
    meaning: str  # in Dutch, for the analyst looking for a name
    unit: str  # aantal, procent, datum, ...
    table: str  # the delivered table it is computed from
    rule: str  # rounding and wording, in Dutch


@dataclass(frozen=True)
class Cijfer:
    """A figure computed for one brief. `str()` gives it as the text shows it."""

    definition: Definition
    waarde: int | Decimal  # the value that decides wording: direction, singular or plural
    shown: str
    peildatum: dt.date
    records: tuple[Record, ...]
    #: Other forms the text may ask for by filter: {"woord": (shown, records)}.
    forms: dict[str, tuple[str, tuple[Record, ...]]] = field(default_factory=dict, compare=False)
    #: Dates and labels the text may show with a filter: vorige (the delivery compared with), cohort, bron, ...
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.records)

    def form(self, vorm: str = "") -> tuple[str, tuple[Record, ...]]:
        if vorm and vorm in self.forms:
            return self.forms[vorm]
        return self.shown, self.records

    def __str__(self) -> str:
        return printed(self)


#: While a sentence is rendered: the (figure, form) pairs it prints, in order (see catalogue.text).
PRINTING: contextvars.ContextVar[list | None] = contextvars.ContextVar("printing", default=None)


def printed(cijfer: Cijfer, vorm: str = "") -> str:
    """The figure in form `vorm` as the text prints it; noted for the sentence's figures and provenance."""
    log = PRINTING.get()
    if log is not None:
        log.append((cijfer, vorm))
    return cijfer.form(vorm)[0]
