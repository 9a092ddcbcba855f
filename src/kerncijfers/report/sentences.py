"""The sentences of "Cijfers voor de tekst": the brief's text (tekst.md) rendered with the catalogue's figures.

The words are the analyst's (`data/briefs/<slug>/tekst.md`); every figure in them comes from
the figure catalogue (`kerncijfers.catalogue`), computed once per brief. A sentence's `figures`
map each figure it prints to the string it prints, keyed by the figure's stable id: the id of
`data/published/<brief>/tekstcijfers.csv` where the letter prints it in running text, or
`tabel_N:<row>:<column>` where the letter prints it only in a table. A figure whose delivery is
missing is never invented: the sentence says it is not delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers.brief import Brief
from kerncijfers.catalogue.definitions import TABLE_REF_PREFIX
from kerncijfers.catalogue.evaluate import Catalogue, evaluate, render_text
from kerncijfers.catalogue.sources import getal
from kerncijfers.provenance import Figure, Ledger

__all__ = ["Sentence", "TABLE_REF_PREFIX", "figure_values", "getal", "tekstcijfers"]


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
    #: The heading of the text above it ("5.2 De Wi2021"): its first word is the letter's paragraph.
    section: str = ""
    #: figure id -> (the catalogue name the text writes, the figure's peildatum as ISO date).
    names: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)


def tekstcijfers(validated_dir: Path, brief: Brief, raw_dir: Path | None = None, catalogue: Catalogue | None = None,
                 only: set[str] | None = None) -> list[Sentence]:
    """Every sentence of `brief`'s text (or those `only` names), in its order; with `raw_dir`, each figure with its provenance.

    Pass the `catalogue` already evaluated for the brief to use its figures rather than compute them again.
    """
    catalogue = catalogue or evaluate(validated_dir, brief)
    ledger = Ledger(validated_dir, raw_dir) if raw_dir is not None else None
    sentences = []
    for r in render_text(catalogue, only):
        figures, provenance, names = {}, {}, {}
        for cijfer, vorm in r.printed:
            shown, records = cijfer.form(vorm)
            for rec in records:
                figures.setdefault(rec.id, rec.shown)
                names.setdefault(rec.id, (cijfer.name, cijfer.peildatum.isoformat()))
                if ledger is not None and rec.id not in provenance:
                    provenance[rec.id] = ledger.record(rec, r.block.id)
        peildatum = r.peildatum.isoformat() if r.peildatum else ""
        sentences.append(Sentence(r.block.id, r.text, ", ".join(r.tables), peildatum, figures, provenance, r.block.section, names))
    return sentences


def figure_values(validated_dir: Path, brief: Brief) -> dict[str, str]:
    """The regenerated in-text figures by tekstcijfers id (table references left out)."""
    return {
        key: value
        for sentence in tekstcijfers(validated_dir, brief)
        for key, value in sentence.figures.items()
        if not key.startswith(TABLE_REF_PREFIX)
    }
