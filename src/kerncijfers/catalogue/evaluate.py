"""The catalogue computed for one brief, once, and the brief's text rendered from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers.brief import Brief
from kerncijfers.catalogue import wi2013  # noqa: F401 - registers the Wi2013 and ELIP figures
from kerncijfers.catalogue.definitions import DEFINITIONS, GROUPS
from kerncijfers.catalogue.model import Cijfer, Definition
from kerncijfers.catalogue.sources import NotComputable, NotDelivered, Sources
from kerncijfers.catalogue.text import Block, TextError, blocks, render, shown_path


@dataclass
class Catalogue:
    """Every figure of the catalogue for one brief: computed, or why it cannot be."""

    brief: Brief
    figures: dict[str, Cijfer]
    missing: dict[str, NotDelivered]
    sources: Sources = field(repr=False)

    def definitions(self) -> dict[str, Definition]:
        return DEFINITIONS


def evaluate(validated_dir: Path | None, brief: Brief, sources: Sources | None = None) -> Catalogue:
    """Compute every figure for `brief` from the validated tables (or `sources`), each group of figures once."""
    sources = sources or Sources(validated_dir, brief)
    figures, missing = {}, {}
    for names, compute in GROUPS:
        try:
            computed = compute(sources)
        except NotDelivered as why:
            missing |= {n: why for n in names}
            continue
        for n in names:  # a group may say why one of its figures is missing and compute the others
            if isinstance(computed.get(n), Cijfer):
                figures[n] = computed[n]
            else:
                missing[n] = computed.get(n) or NotDelivered(f"{n} is niet berekend")
    return Catalogue(brief, figures, missing, sources)


@dataclass(frozen=True)
class Rendered:
    """One sentence of the text with the figures it printed (figure, form) and its place in the file."""

    block: Block
    text: str
    printed: tuple[tuple[Cijfer, str], ...]
    peildatum: dt.date | None
    tables: tuple[str, ...]


def text_file(brief: Brief) -> Path:
    if not brief.tekst:
        raise TextError(f"brief {brief.slug} has no text: write data/briefs/{brief.slug}/tekst.md "
                        f"(kerncijfers new-brief {brief.slug} --from <previous brief> copies the previous one)")
    return Path(brief.tekst)


def render_text(catalogue: Catalogue, only: set[str] | None = None) -> list[Rendered]:
    """The brief's text, sentence by sentence (or the sentences `only` names). Refuses (TextError) an unknown
    name, a syntax error, or a figure whose table has no delivery at all up to the brief's cut-off."""
    path = text_file(catalogue.brief)
    out = []
    for block in blocks(path, set(DEFINITIONS)):
        if only is not None and block.id not in only:
            continue
        lacking = [n for n in block.names if n in catalogue.missing]
        for name in lacking:
            table = DEFINITIONS[name].table
            if not catalogue.sources.peildata(table):
                limit = catalogue.sources.limit(table)
                raise TextError(f"{shown_path(path)}, line {block.line}: figure {name!r} needs table {table}, which has no validated "
                                f"delivery up to {limit.isoformat()}; add the delivery or take the figure out of the text")
        if lacking:
            why = catalogue.missing[lacking[0]]
            said = "is niet te berekenen" if isinstance(why, NotComputable) else "is niet geleverd"
            onderwerp = block.onderwerp or f"Het cijfer {lacking[0]}"
            out.append(Rendered(block, f"{onderwerp} {said} ({why.detail}).", (), None, tuple(DEFINITIONS[n].table for n in lacking[:1])))
            continue
        text, printed = render(block, catalogue.figures, path)
        used = [catalogue.figures[n] for n in block.names]
        shown = [c for c, _ in printed] or used
        tables = tuple(dict.fromkeys(t for c in shown for t in (c.definition.table, c.extra.get("tabel")) if t))
        peildatum = max((c.peildatum for c in used), default=None)
        out.append(Rendered(block, text, tuple(printed), peildatum, tables))
    return out


def named_ids(validated_dir: Path, brief: Brief, name: str) -> tuple[str, ...]:
    """The stable ids (provenance.csv's `figure`) of the figure the text calls `name` (`pip_pct` -> pip_pct_oktober),
    in every form the text may print it; () for a name the catalogue does not know or cannot compute for `brief`."""
    if name not in DEFINITIONS:
        return ()
    figure = evaluate(validated_dir, brief).figures.get(name)
    if figure is None:
        return ()
    records = [*figure.records, *(r for _, recs in figure.forms.values() for r in recs)]
    return tuple(dict.fromkeys(r.id for r in records))
