"""The page "Afwijkingen ten opzichte van de gepubliceerde brief": check-published's findings, explained."""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from pathlib import Path

from kerncijfers.published import Check, check_published, inconsistencies
from kerncijfers.report.markup import page_table as _table, section_id as _id

_e = html.escape


@dataclass(frozen=True)
class Afwijking:
    """One inconsistency in the printed letter, with what is consistent and why."""

    plaats: str
    cel: str
    gedrukt: str  # as printed
    consistent: str  # the value the rule expects
    gebruikt: str | None  # the value the pipeline uses (correcties.csv), if documented
    soort: str
    regel: str
    reden: str | None  # from correcties.csv; None when it has no explanation yet
    analyse: str = ""  # the rules' own finding: the likely wrong cell and the value that fits (Check.toelichting)


@dataclass(frozen=True)
class AfwijkingenPage:
    """The page "Afwijkingen ten opzichte van de gepubliceerde brief"."""

    brief: str  # the folder under data/published/
    afwijkingen: tuple[Afwijking, ...]
    in_orde: tuple[tuple[str, tuple[Check, ...]], ...]  # per plaats, the checks that matched
    controles: int  # all checks run

    @property
    def zonder_reden(self) -> tuple[Afwijking, ...]:
        return tuple(a for a in self.afwijkingen if a.reden is None)

    def to_html(self) -> str:
        return _afwijkingen_html(self)


def read_correcties(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """correcties.csv by (plaats, cel)."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        return {(r["plaats"], r["cel"]): r for r in csv.DictReader(f)}


def afwijkingen(published_folder: Path) -> AfwijkingenPage:
    """check-published's findings, each joined with its explanation in correcties.csv, and every check that matched."""
    published_folder = Path(published_folder)
    checks = check_published(published_folder)
    correcties_path = published_folder / "correcties.csv"
    correcties = read_correcties(correcties_path) if correcties_path.exists() else {}
    found = []
    for c in inconsistencies(checks):
        uitleg = correcties.get((c.plaats, c.cel))
        found.append(
            Afwijking(
                c.plaats, c.cel, c.gedrukt, c.verwacht, uitleg["gebruikt"] if uitleg else None, c.soort, c.regel,
                uitleg["reden"] if uitleg else None, c.toelichting,
            )
        )
    # A cell with any failed check is not "in orde", even where another rule on it held.
    failed = {(c.plaats, c.cel) for c in checks if not c.klopt}
    groups: dict[str, list[Check]] = {}
    for c in checks:
        if c.klopt and (c.plaats, c.cel) not in failed:
            groups.setdefault(c.plaats, []).append(c)
    return AfwijkingenPage(published_folder.name, tuple(found), tuple((p, tuple(cs)) for p, cs in groups.items()), len(checks))



def _afwijkingen_html(page: AfwijkingenPage) -> str:
    # The counts add up for the reader: every check either found an afwijking or held; the checks
    # that held on a cell with an afwijking are not listed as "in orde", and the page says so.
    n_listed = sum(len(cs) for _, cs in page.in_orde)
    n_held = page.controles - len(page.afwijkingen)
    telling = (
        f"{page.controles} controles, waarvan {len(page.afwijkingen)} met een afwijking en {n_held} in orde."
    )
    if n_held != n_listed:
        telling += (
            f" Van die {n_held} gaan er {n_held - n_listed} over een cel die ook een afwijking heeft; "
            f"de andere {n_listed} staan onder ‘Wat is gecontroleerd en klopt’."
        )
    lines = [
        '<section class="afwijkingen" lang="nl">',
        f"<p>De gedrukte brief ({_e(page.brief)}) is met dezelfde regels gecontroleerd als de leveringen: {_e(telling)}</p>",
    ]
    rows = []
    for a in page.afwijkingen:
        reden = a.reden if a.reden is not None else "Nog geen toelichting in correcties.csv."
        consistent = a.consistent if a.gebruikt in (None, a.consistent) else f"{a.consistent} (gebruikt: {a.gebruikt})"
        regel = f"{a.regel} ({a.analyse})" if a.analyse else a.regel
        rows.append([f"{a.plaats}: {a.cel}", a.gedrukt, consistent, a.soort, regel, reden])
    lines += _table(
        f"Afwijkingen in de gedrukte brief ({len(page.afwijkingen)})",
        ["Cel", "Gedrukt", "Consistent", "Soort", "Regel", "Waarom"],
        rows,
    )
    lines += [f'<section aria-labelledby="{_id("afwijkingen", "in-orde")}">', f'<h2 id="{_id("afwijkingen", "in-orde")}">Wat is gecontroleerd en klopt</h2>']
    for plaats, checks in page.in_orde:
        lines += _table(f"{plaats}: {len(checks)} controles in orde", ["Cel", "Gedrukt", "Regel"], [[c.cel, c.gedrukt, c.regel] for c in checks])
    lines += ["</section>", "</section>"]
    return "\n".join(lines) + "\n"
