"""Fictitious delivery histories for tests and benchmarks only. Never written into data/raw/.

Every generated tree is marked *fictief* three times: a `FICTIEF` file at its root, a
`fictief: true` flag on its brief (the report shows a banner on every page), and a row
`fictieve_testdata` in each delivery's `overige_cijfers`. The deliveries pass every suite:
cumulative counts grow, totals add up, Tabel 2 percentages follow the largest remainder.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from kerncijfers.rounding import largest_remainder
from kerncijfers.schema import ELIP_COHORTEN, TABLES

MARKER = "FICTIEF"
FIRST_PEILDATUM = dt.date(2015, 1, 1)
STEP_DAYS = 14


def _write(path: Path, table: str, rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(TABLES[table].column_names)
        w.writerows(rows)


def peildata(n: int, step_days: int = STEP_DAYS) -> list[dt.date]:
    """`n` past peildata, `step_days` apart (two weeks) from 1 January 2015."""
    days = [FIRST_PEILDATUM + dt.timedelta(days=step_days * i) for i in range(n)]
    if days and days[-1] > dt.date.today():
        raise ValueError(f"{n} peildata would run into the future")
    return days


def _overige_cijfers(p: str, rng: random.Random) -> list[list]:
    """The other figures the sentences cite (Blik op Werk, DUO, Divosa, the Arbeidsinspectie), fictitious."""
    taalschool, derde = rng.randint(0, 12), rng.randint(0, 12)
    ingetrokken = rng.randint(0, 11)
    bron = "kerncijfers.synthetic (FICTIEF)"
    rows = [
        ("keurmerkhouders_met_maatregelen", rng.randint(0, 60), "keurmerkhouders"),
        ("keurmerkhouders_totaal", rng.randint(120, 220), "keurmerkhouders"),
        ("duo_meldingen_misbruik", taalschool + derde, "meldingen"),
        ("duo_meldingen_misbruik_taalschool", taalschool, "meldingen"),
        ("duo_meldingen_misbruik_inburgeraar_of_derde", derde, "meldingen"),
        ("keurmerken_ingetrokken", ingetrokken, "besluiten"),
        ("keurmerken_ingetrokken_kwaliteitseisen", rng.randint(0, ingetrokken), "besluiten"),
        ("aspirant_keurmerk_afgewezen", rng.randint(0, 5), "besluiten"),
        ("bow_meldingen_onregelmatigheden", rng.randint(0, 15), "meldingen"),
        ("arbeidsinspectie_meldingen_inburgeringsfraude", rng.randint(0, 4), "meldingen"),
        ("arbeidsparticipatie_statushouders", rng.randint(200, 500) / 10, "procent"),
        ("arbeidsparticipatie_vrouwelijke_statushouders", rng.randint(50, 300) / 10, "procent"),
        ("onderwijsroute_pip_asiel_cohort_2022", rng.randint(5, 30), "procent"),
        ("onderwijsroute_pip_asiel_cohort_2023", rng.randint(5, 30), "procent"),
    ]
    return [[p, cijfer, str(waarde), eenheid, bron, "FICTIEF"] for cijfer, waarde, eenheid in rows]


def generate(data_dir: Path, n: int, seed: int = 2023, step_days: int = STEP_DAYS) -> list[str]:
    """Write `n` fictitious deliveries into `data_dir/raw/` plus a brief; returns the peildata."""
    data_dir = Path(data_dir)
    if (data_dir / "raw").exists() and any((data_dir / "raw").iterdir()):
        raise FileExistsError(f"{data_dir}/raw is not empty; generate into a new folder")
    if (data_dir / "raw").resolve() == (Path.cwd() / "data" / "raw").resolve():
        raise ValueError("synthetic deliveries never go into the project's data/raw/")
    rng = random.Random(seed)
    # A separate stream for the figures of the running text, so the tables stay as they were generated before.
    figures = random.Random(seed + 1)
    (data_dir / "raw").mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("Fictieve testdata, gegenereerd door kerncijfers.synthetic. Geen echte cijfers.\n", encoding="utf-8")
    cohorts = list(range(2013, 2024))
    size = {(c, g): rng.randint(200, 20000) for c in cohorts for g in ("asielstatushouder", "gezinsmigrant_overig")}
    voldaan = {k: 0 for k in size}
    ontheven = {k: 0 for k in size}
    vervallen = 0
    loans = {"toegekend": [100000, 700_000_000], "kwijtgescholden": [50000, 400_000_000], "teniet_gegaan": [500, 1_000_000],
             "volledig_terugbetaald": [1000, 1_500_000]}
    wi2021 = {"asielstatushouder": 20000, "gezinsmigrant": 10000, "overig": 700}
    days = peildata(n, step_days)
    for i, day in enumerate(days):
        p = day.isoformat()
        folder = data_dir / "raw" / p
        folder.mkdir()
        # Wi2021: the population grows, PIP and aanbod follow it.
        for g in wi2021:
            wi2021[g] += rng.randint(0, 300)
        total = sum(wi2021.values())
        pip_asiel = wi2021["asielstatushouder"] * min(30 + i, 80) // 100  # grows with the population
        rows = [[p, "inburgeringsplichtigen", "totaal", total]] + [[p, "inburgeringsplichtigen", g, v] for g, v in wi2021.items()]
        rows += [[p, "in_azc", "asielstatushouder", wi2021["asielstatushouder"] // 3],
                 [p, "pip_vastgesteld", "asielstatushouder", pip_asiel],
                 [p, "pip_vastgesteld", "totaal", pip_asiel + wi2021["gezinsmigrant"] // 3],
                 [p, "aanbod", "asielstatushouder", pip_asiel // 2]]
        _write(folder / "wi2021_kerncijfers.csv", "wi2021_kerncijfers", rows)
        # Wi2013: per cohort, voldaan and ontheven only grow.
        rows = []
        for c in cohorts:
            parts_by_group = {}
            for g in ("asielstatushouder", "gezinsmigrant_overig"):
                k = (c, g)
                room = size[k] - voldaan[k] - ontheven[k]
                step = rng.randint(0, max(room // 50, 0)) if room > 0 else 0
                voldaan[k] += step
                ontheven[k] += rng.randint(0, max((room - step) // 200, 0)) if room - step > 0 else 0
                parts_by_group[g] = (size[k], voldaan[k], ontheven[k], size[k] - voldaan[k] - ontheven[k])
            tot = tuple(a + b for a, b in zip(*parts_by_group.values()))
            for g, v in (("totaal", tot), *parts_by_group.items()):
                rows.append([p, c, g, *v, *(int(x) for x in largest_remainder(list(v[1:]), v[0]))])
        _write(folder / "wi2013_cohorten.csv", "wi2013_cohorten", rows)
        sums = [sum(r[k] for r in rows if r[2] == "totaal") for k in (3, 4, 5, 6)]
        vervallen += rng.randint(0, 20)
        vrijgesteld = sums[1] // 20
        status = {"ingeburgerd": sums[1] - vrijgesteld, "ontheven": sums[2], "vrijgesteld": vrijgesteld,
                  "vervallen": vervallen, "nog_plichtig": sums[3]}
        rows = [[p, "opgelegd", sum(status.values())]] + [[p, s, v] for s, v in status.items()]
        _write(folder / "wi2013_status.csv", "wi2013_status", rows)
        # ELIP: a snapshot per cohort.
        elip = [rng.randint(0, 900) for _ in ELIP_COHORTEN[:-1]]
        _write(folder / "elip.csv", "elip", [[p, c, v] for c, v in zip(ELIP_COHORTEN, elip + [sum(elip)])])
        # Loans: cumulative, except those being repaid.
        for cat in loans:
            loans[cat][0] += rng.randint(0, 50)
            loans[cat][1] += rng.randint(0, 200_000)
        rows = [[p, cat, a, b] for cat, (a, b) in loans.items() if cat == "toegekend"]
        rows += [[p, cat, a, b] for cat, (a, b) in loans.items() if cat in ("kwijtgescholden", "teniet_gegaan")]
        rows += [[p, "terugbetalingsfase", 10000 + rng.randint(0, 999), 50_000_000 + rng.randint(0, 999_999)]]
        rows += [[p, "volledig_terugbetaald", *loans["volledig_terugbetaald"]]]
        _write(folder / "wi2013_leningen.csv", "wi2013_leningen", rows)
        _write(folder / "overige_cijfers.csv", "overige_cijfers",
               [[p, "fictieve_testdata", "1", "personen", "kerncijfers.synthetic", "FICTIEF: gegenereerde testdata, geen echte cijfers"]]
               + _overige_cijfers(p, figures))
    last = days[-1]
    (data_dir / "briefs.yml").write_text(
        "briefs:\n"
        f"  - slug: \"fictief-{last.isoformat()}\"\n"
        f"    titel: \"Fictieve uitvoeringsbrief (testdata)\"\n"
        f"    datum: {last.isoformat()}\n"
        f"    kamerstuk: \"fictief\"\n"
        f"    peildatum: {last.isoformat()}\n"
        f"    cutoff: {last.isoformat()}\n"
        f"    fictief: true\n",
        encoding="utf-8",
    )
    return [d.isoformat() for d in days]
