"""A figure's record in Dutch: as text for `kerncijfers explain`, and as a popover on the site."""

from __future__ import annotations

import datetime as dt
import html
import json

from kerncijfers import formatting as fmt
from kerncijfers.operations import OPERATIONS
from kerncijfers.provenance import Figure


def _datum(iso: str) -> str:
    return fmt.datum(dt.date.fromisoformat(iso))


def _locations(figure: Figure) -> str:
    """Where the inputs are, each file named once: 'data/raw/…/x.csv rij 17, kolommen voldaan en voldaan_pct'."""
    by_file: dict[str, dict[int, list[str]]] = {}
    for _, c in figure.inputs:
        columns = by_file.setdefault(c.file, {}).setdefault(c.row, [])
        if c.column not in columns:
            columns.append(c.column)

    def cols(names: list[str]) -> str:
        return f"kolom {names[0]}" if len(names) == 1 else f"kolommen {', '.join(names[:-1])} en {names[-1]}"

    return "; ".join(f"{file} " + "; ".join(f"rij {row}, {cols(names)}" for row, names in rows.items()) for file, rows in by_file.items())


def record_nl(figure: Figure) -> tuple[str, str]:
    """The record in Dutch, as the site and the CLI show it: what it is computed from, and where that is.

    ('12.212 68%: zoals geleverd',
     'data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolommen voldaan en voldaan_pct; gecontroleerd op 11 regels')
    """
    link = ": " if OPERATIONS[figure.operation].as_delivered else " = "
    return f"{figure.shown}{link}{figure.computation}", f"{_locations(figure)}; gecontroleerd op {len(figure.rules)} regels"


def explain(figure: Figure) -> str:
    """The whole record in Dutch, for the terminal: the site's text, then every input cell in full."""
    what, where = record_nl(figure)
    lines = [f"{figure.id} ({figure.place})", what, where, f"berekening: {figure.operation}"
             + (f" {json.dumps(figure.params, sort_keys=True, ensure_ascii=False)}" if figure.parameters else "")]
    for role, c in figure.inputs:
        lines += [
            f"  {role}: {c.file} rij {c.row}, kolom {c.column} = {c.value}",
            f"    peildatum {_datum(c.peildatum)}; sha256 {c.sha256}",
            f"    gecontroleerd op {len(c.rules)} regels: {', '.join(c.rules)}",
        ]
    return "\n".join(lines)


def button(figure: Figure, element_id: str) -> str:
    """The figure as a button that opens its record (HTML popover: no script, keyboard and mouse)."""
    e = html.escape
    return f'<button type="button" popovertarget="{e(element_id)}" aria-label="Herkomst van {e(figure.shown, quote=True)}">{e(figure.shown)}</button>'


def popover(figure: Figure, element_id: str) -> str:
    """The record in Dutch as a popover, opened by `button`; closed with Esc or a click elsewhere."""
    e = html.escape
    what, where = record_nl(figure)
    return f'<div popover id="{e(element_id)}"><p>{e(what)}</p><p>{e(where)}</p></div>'


def figure_html(figure: Figure | None, element_id: str, text: str) -> str:
    """`text` as a button with its popover when the figure has a record, else just `text`, escaped."""
    if figure is None:
        return html.escape(text)
    return button(figure, element_id) + popover(figure, element_id)

