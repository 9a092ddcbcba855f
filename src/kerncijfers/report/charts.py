"""The brief's charts, with Altair: what each one draws, paired with its data table.

The figures come from the catalogue (catalogue/cells.py); readers who cannot see a chart get
the same figures from `Chart.table`. The Chart record, house style and exports (SVG, PNG,
Vega-Lite JSON with the nl-NL locale) are `report/vega.py`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import altair as alt
import pandas as pd

from kerncijfers import formatting
from kerncijfers.brief import Brief
from kerncijfers.catalogue import cells
from kerncijfers.provenance import Ledger, Recorder, ref
from kerncijfers.report.tables import ELIP_PEILDATA_IN_TABEL_3, TABEL_2_GROEPEN, TABEL_2_STATUSSEN, TABEL_4_RIJEN, limit_for
from kerncijfers.schema import DOELGROEPEN_WI2013, ELIP_COHORTEN, LENING_CATEGORIEEN, STATUSSEN_TABEL2
from kerncijfers.store import newest_first, table_history
from kerncijfers.report.vega import (  # noqa: F401 - Chart, PNG_SCALE, contrast_ratio and the exports are also used from here
    BLAUW, PNG_SCALE, REEKS_KLEUREN, REEKS_VORMEN, STATUS_KLEUREN, Chart, contrast_ratio, cycle as _cycle, write_chart_exports,
)

#: Bars in the PIP chart: its last deliveries with PIP figures. More no longer fit with readable
#: date labels (nor in the chart's text alternative); the whole series is in the validated CSVs.
#: The ELIP chart draws the deliveries Tabel 3 shows (ELIP_PEILDATA_IN_TABEL_3), a line each.
PIP_PEILDATA_IN_CHART = 4

# Labels as the letter's tables print them (one place: tables.py).
STATUS_LABELS = TABEL_2_STATUSSEN
DOELGROEP_LABELS = {d: TABEL_2_GROEPEN[d] for d in DOELGROEPEN_WI2013}
LENING_LABELS = TABEL_4_RIJEN


def letter_charts(validated_dir: Path, brief: Brief, raw_dir: Path | None = None) -> list[Chart]:
    """The brief's charts, from the deliveries each table's limit allows (see tables.limit_for).

    With `raw_dir`, every figure of a chart's data table carries its provenance.
    """
    validated_dir = Path(validated_dir)
    ledger = Ledger(validated_dir, raw_dir) if raw_dir is not None else None
    return [
        pip_chart(pip_aandeel(newest_first(validated_dir, "wi2021_kerncijfers", limit_for(brief, "wi2021_kerncijfers")), last=PIP_PEILDATA_IN_CHART), ledger),
        wi2013_status_chart(wi2013_status(cohorten := _latest(validated_dir, "wi2013_cohorten", brief)), ledger, cohorten["peildatum"].iloc[0]),
        elip_chart(elip_per_cohort(_history(validated_dir, "elip", brief, last=ELIP_PEILDATA_IN_TABEL_3)), ledger),
        leningen_chart(leningen(_latest(validated_dir, "wi2013_leningen", brief)), ledger),
    ]


# --- load inputs ---------------------------------------------------------------------


def _history(validated_dir: Path, name: str, brief: Brief, last: int | None = None) -> list[tuple[str, pd.DataFrame]]:
    # The same limit as the letter's tables, so a chart never shows a later delivery than its table.
    limit = limit_for(brief, name)
    history = table_history(validated_dir, name, limit, last=last)
    if not history:
        raise ValueError(
            f"No validated delivery of {name} up to {limit} in {validated_dir}: "
            f"brief {brief.slug} cannot draw its chart. Add the delivery to data/raw/ and run the build."
        )
    return history


def _latest(validated_dir: Path, name: str, brief: Brief) -> pd.DataFrame:
    return _history(validated_dir, name, brief, last=1)[-1][1]


# --- process data: one tidy frame per chart ---------------------------------------------


def pip_aandeel(newest_first, last: int | None = None) -> pd.DataFrame:
    """Per peildatum, oldest first: inburgeringsplichtigen, vastgestelde PIP's and their share (half-up, whole %).

    `newest_first` gives (peildatum, frame) from the latest delivery back; the `last`
    deliveries that have PIP figures are used, and no earlier one is read.
    Wi2021 counts are published in hundreds (footnote 5 of the letter) and Tabel 1 takes
    the share of the rounded counts, half-up; the chart does the same so the two agree.
    """
    rows = []
    for peildatum, frame in newest_first:
        if last is not None and len(rows) == last:
            break
        totaal = frame[frame["doelgroep"] == "totaal"].set_index("indicator")["aantal"]
        has = [i in totaal.index for i in ("inburgeringsplichtigen", "pip_vastgesteld")]
        if not any(has):
            continue  # this delivery carries other Wi2021 indicators only
        if not all(has):
            raise ValueError(
                f"data/validated/{peildatum}/wi2021_kerncijfers.csv has "
                f"{'pip_vastgesteld' if has[1] else 'inburgeringsplichtigen'} for doelgroep totaal but not "
                f"{'inburgeringsplichtigen' if has[1] else 'pip_vastgesteld'}: the PIP share needs both."
            )
        stand = cells.pip_stand(_date(peildatum), frame)
        rows.append(
            {
                "peildatum": peildatum,
                "inburgeringsplichtigen": stand.plichtig,
                "pip_vastgesteld": stand.pip,
                "aandeel_pct": int(stand.pct),
            }
        )
    if not rows:
        raise ValueError("No wi2021_kerncijfers delivery has inburgeringsplichtigen and pip_vastgesteld for totaal.")
    return pd.DataFrame(rows[::-1])


def wi2013_status(cohorten: pd.DataFrame) -> pd.DataFrame:
    """Long frame: cohort, doelgroep, status, aantal and the percentage DUO delivers."""
    rows = []
    for rec in cohorten.to_dict("records"):
        for status in STATUSSEN_TABEL2:
            rows.append(
                {
                    "cohort": str(rec["cohort"]),
                    "doelgroep": rec["doelgroep"],
                    "status": status,
                    "aantal": int(rec[status]),
                    "totaal": int(rec["totaal"]),
                    "pct": int(rec[f"{status}_pct"]),
                }
            )
    return pd.DataFrame(rows)


def elip_per_cohort(history: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Long frame: peildatum, cohort, aantal; `totaal` kept for the table, not drawn."""
    frames = [f[["peildatum", "cohort", "aantal"]].assign(peildatum=p) for p, f in history]
    out = pd.concat(frames, ignore_index=True)
    out["aantal"] = out["aantal"].astype(int)
    out["cohort"] = out["cohort"].astype(str)
    return out


def leningen(frame: pd.DataFrame) -> pd.DataFrame:
    """Per categorie: aantal and bedrag_eur, as delivered."""
    out = frame[["peildatum", "categorie", "aantal", "bedrag_eur"]].copy()
    out["peildatum"] = out["peildatum"].map(lambda d: d.isoformat())
    out["aantal"] = out["aantal"].astype(int)
    out["bedrag_eur"] = out["bedrag_eur"].astype(int)
    return out


# --- charts ----------------------------------------------------------------------------


def _chart(id: str, title: str, description: str, chart, tidy: pd.DataFrame, table: pd.DataFrame, recorder: Recorder, positions: list) -> Chart:
    """The Chart, with each recorded figure at its cell of the data table (in the order they were recorded)."""
    return Chart(id, title, description, chart, tidy, table, dict(zip(positions, recorder.figures, strict=True)) if recorder else {})


def pip_chart(data: pd.DataFrame, ledger: Ledger | None = None) -> Chart:
    """Bars: the PIP share per peildatum."""
    data = data.assign(
        peildatum_label=[formatting.datum(_date(p)) for p in data["peildatum"]],
        aandeel=[p / 100 for p in data["aandeel_pct"]],
        label=[formatting.procent(p) for p in data["aandeel_pct"]],
    )
    order = list(data["peildatum_label"])
    title = "Aandeel inburgeringsplichtigen met een vastgesteld PIP"
    description = "Staafdiagram van het aandeel inburgeringsplichtigen (Wi2021) met een vastgesteld PIP: " + ", ".join(
        f"{r.label} op {r.peildatum_label} ({formatting.aantal(r.pip_vastgesteld)} van "
        f"{formatting.aantal(r.inburgeringsplichtigen)})"
        for r in data.itertuples()
    ) + "."
    x = alt.X("peildatum_label:O", title="Peildatum", sort=order, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_bar(color=BLAUW, width=alt.RelativeBandSize(0.6)).encode(
        y=alt.Y("aandeel:Q", title="Aandeel met vastgesteld PIP", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%")),
        tooltip=[
            alt.Tooltip("peildatum_label:N", title="Peildatum"),
            alt.Tooltip("label:N", title="Aandeel"),
            alt.Tooltip("pip_vastgesteld:Q", title="Vastgestelde PIP's", format=",d"),
            alt.Tooltip("inburgeringsplichtigen:Q", title="Inburgeringsplichtigen", format=",d"),
        ],
    )
    labels = base.mark_text(dy=-8, fontSize=13, color="#000000").encode(y="aandeel:Q", text="label:N")
    chart = (bars + labels).properties(title=title, description=description, width=320, height=240)
    # The data table shows the catalogue's cells (catalogue.cells), one row per peildatum.
    columns = ("Inburgeringsplichtigen", "Vastgestelde PIP's", "Aandeel")
    stands = [cells.PipStand(_date(r.peildatum), int(r.inburgeringsplichtigen), int(r.pip_vastgesteld), Decimal(int(r.aandeel_pct)))
              for r in data.itertuples()]
    rows = [cells.grafiek_pip_cellen(stand, label, columns) for stand, label in zip(stands, data["peildatum_label"])]
    table = pd.DataFrame({"Peildatum": data["peildatum_label"], **{c: [row[i].shown for row in rows] for i, c in enumerate(columns)}})
    tidy = data[["peildatum", "inburgeringsplichtigen", "pip_vastgesteld", "aandeel_pct"]]
    recorder, positions = Recorder(ledger, "grafiek_pip"), []
    for r, row in enumerate(rows):
        recorder.record(*(c.record for c in row))
        positions += [(r, c) for c in range(1, len(table.columns))]
    return _chart("pip", title, description, chart, tidy, table, recorder, positions)


def wi2013_status_chart(data: pd.DataFrame, ledger: Ledger | None = None, peildatum=None) -> Chart:
    """Stacked bars per cohort, one panel per doelgroep: voldaan, ontheven, nog plichtig.

    `peildatum` is the delivery's, for the provenance of the data table (with `ledger`).
    """
    data = data.assign(
        doelgroep_label=data["doelgroep"].map(DOELGROEP_LABELS),
        status_label=data["status"].map(STATUS_LABELS),
        status_volgorde=data["status"].map({s: i for i, s in enumerate(STATUSSEN_TABEL2)}),
        pct_label=[formatting.procent(v) for v in data["pct"]],
    )
    cohorts = sorted(data["cohort"].unique())
    statuses = [STATUS_LABELS[s] for s in STATUSSEN_TABEL2]
    title = "Wi2013: status per cohort en doelgroep"
    oldest, newest = cohorts[0], cohorts[-1]

    def pct(cohort, status):
        row = data[(data["cohort"] == cohort) & (data["doelgroep"] == "totaal") & (data["status"] == status)]
        return row["pct_label"].iloc[0] if len(row) else "onbekend"

    description = (
        "Gestapelde staven per cohort (jaar waarin de inburgeringsplicht is opgelegd), in drie panelen: "
        "totaal, asielstatushouders en gezinsmigranten en overige migranten. Elke staaf verdeelt het cohort "
        f"over voldaan, ontheven en nog plichtig. Van cohort {oldest} heeft {pct(oldest, 'voldaan')} voldaan en is "
        f"{pct(oldest, 'nog_plichtig')} nog plichtig; van cohort {newest} is {pct(newest, 'nog_plichtig')} nog plichtig."
    )
    chart = (
        alt.Chart(data, width=170, height=alt.Step(20))
        .mark_bar(stroke="#ffffff", strokeWidth=1)
        .encode(
            y=alt.Y("cohort:O", title="Cohort", sort=cohorts),
            x=alt.X("aantal:Q", stack="normalize", title="Aandeel van het cohort", axis=alt.Axis(format=".0%", tickCount=4)),
            color=alt.Color(
                "status_label:N",
                title="Status",
                sort=statuses,
                scale=alt.Scale(domain=statuses, range=[STATUS_KLEUREN[s] for s in STATUSSEN_TABEL2]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("status_volgorde:Q"),
            column=alt.Column(
                "doelgroep_label:N", title=None, sort=[DOELGROEP_LABELS[d] for d in DOELGROEP_LABELS],
                header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
            ),
            tooltip=[
                alt.Tooltip("cohort:O", title="Cohort"),
                alt.Tooltip("doelgroep_label:N", title="Doelgroep"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("aantal:Q", title="Aantal", format=",d"),
                alt.Tooltip("pct_label:N", title="Percentage"),
            ],
        )
        .properties(title=title, description=description)
    )
    wide = data.pivot_table(index=["cohort", "doelgroep"], columns="status", values=["aantal", "pct"], aggfunc="first")
    totals = data.groupby(["cohort", "doelgroep"])["totaal"].first()
    rows = []
    place = "grafiek_wi2013-status"
    recorder, positions = Recorder(ledger, place), []
    for cohort in cohorts:
        for doelgroep in DOELGROEP_LABELS:
            if (cohort, doelgroep) not in totals.index:
                continue
            key = {"cohort": int(cohort), "doelgroep": doelgroep}
            labels = (cohort, DOELGROEP_LABELS[doelgroep])
            cels = [cells.geleverd(place, (*labels, "Totaal"), totals[(cohort, doelgroep)], "aantal", ref("wi2013_cohorten", peildatum, "totaal", **key))]
            for s in STATUSSEN_TABEL2:
                n, pct = wide.loc[(cohort, doelgroep), ("aantal", s)], wide.loc[(cohort, doelgroep), ("pct", s)]
                refs = (ref("wi2013_cohorten", peildatum, s, **key), ref("wi2013_cohorten", peildatum, f"{s}_pct", **key))
                cels.append(cells.geleverd_met_procent(place, (*labels, STATUS_LABELS[s]), n, pct, refs, haakjes=True))
            row = {"Cohort": cohort, "Doelgroep": labels[1], **{c: cel.shown for c, cel in zip(["Totaal", *statuses], cels)}}
            recorder.record(*(cel.record for cel in cels))
            positions += [(len(rows), c) for c in range(2, 2 + len(cels))]
            rows.append(row)
    tidy = data[["cohort", "doelgroep", "status", "aantal", "pct"]]
    return _chart("wi2013-status", title, description, chart, tidy, pd.DataFrame(rows), recorder, positions)


def elip_chart(data: pd.DataFrame, ledger: Ledger | None = None) -> Chart:
    """Lines with markers: ELIP per cohort, one line per peildatum."""
    data = data.assign(peildatum_label=[formatting.datum(_date(p)) for p in data["peildatum"]])
    peildata = list(dict.fromkeys(data["peildatum_label"]))
    cohorts = [c for c in ELIP_COHORTEN if c != "totaal" and c in set(data["cohort"])]
    drawn = data[data["cohort"] != "totaal"]
    totals = data[data["cohort"] == "totaal"].set_index("peildatum_label")["aantal"]
    title = "ELIP: minstens € 9.500 geleend, per cohort en peildatum"
    description = (
        "Lijndiagram van het aantal asielstatushouders onder de Wi2013 dat minstens € 9.500 heeft geleend en nog "
        "niet heeft voldaan (ELIP), per cohort, met één lijn per peildatum. Totaal: "
        + ", ".join(f"{formatting.aantal(totals[p])} op {p}" for p in peildata if p in totals.index)
        + "."
    )
    n = len(peildata)
    chart = (
        alt.Chart(drawn, width=440, height=260)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60), strokeWidth=2)
        .encode(
            # "2022-2023" on two lines: on one it runs into the "2021" beside it.
            x=alt.X("cohort:O", title="Cohort", sort=cohorts, axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, '-')")),
            y=alt.Y("aantal:Q", title="Aantal personen", axis=alt.Axis(format=",d")),
            color=alt.Color(
                "peildatum_label:N", title="Peildatum", sort=peildata,
                scale=alt.Scale(domain=peildata, range=_cycle(REEKS_KLEUREN, n)),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            shape=alt.Shape("peildatum_label:N", sort=peildata, scale=alt.Scale(domain=peildata, range=_cycle(REEKS_VORMEN, n))),
            tooltip=[
                alt.Tooltip("peildatum_label:N", title="Peildatum"),
                alt.Tooltip("cohort:O", title="Cohort"),
                alt.Tooltip("aantal:Q", title="Aantal", format=",d"),
            ],
        )
        .properties(title=title, description=description)
    )
    wide = data.pivot_table(index="cohort", columns="peildatum_label", values="aantal", aggfunc="first")
    iso = dict(zip(data["peildatum_label"], data["peildatum"]))
    rows = []
    recorder, positions = Recorder(ledger, "grafiek_elip"), []
    for cohort in [*cohorts, "totaal"]:
        row = {"Cohort": "Totaal" if cohort == "totaal" else cohort}
        for c, p in enumerate(peildata, start=1):
            value = wide.loc[cohort, p] if cohort in wide.index else None
            if pd.isna(value):
                row[p] = "–"  # no delivery of this cohort on this peildatum
                continue
            cel = cells.geleverd("grafiek_elip", (row["Cohort"], p), value, "aantal", ref("elip", str(iso[p])[:10], "aantal", cohort=cohort))
            row[p] = cel.shown
            recorder.record(cel.record)
            positions.append((len(rows), c))
        rows.append(row)
    tidy = data[["peildatum", "cohort", "aantal"]]
    return _chart("elip", title, description, chart, tidy, pd.DataFrame(rows), recorder, positions)


def leningen_chart(data: pd.DataFrame, ledger: Ledger | None = None) -> Chart:
    """Two bar panels with the same categories: the number of loans and their amount."""
    data = data.assign(
        categorie_label=data["categorie"].map(LENING_LABELS),
        bedrag_mln=[cells.in_miljoenen(b) for b in data["bedrag_eur"]],
    )
    order = [LENING_LABELS[c] for c in LENING_CATEGORIEEN if c in set(data["categorie"])]
    peildatum = formatting.datum(_date(data["peildatum"].iloc[0]))
    by = data.set_index("categorie")
    title = f"Wi2013: leningen DUO per categorie, peildatum {peildatum}"
    description = (
        "Twee staafdiagrammen met dezelfde categorieën: links het aantal leningen, rechts het bedrag in miljoenen euro. "
        + ". ".join(
            f"{LENING_LABELS[c]}: {formatting.aantal(by.loc[c, 'aantal'])}, {formatting.bedrag(by.loc[c, 'bedrag_eur'])}"
            for c in LENING_CATEGORIEEN if c in by.index
        )
        + "."
    )
    y = alt.Y("categorie_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    tooltip = [
        alt.Tooltip("categorie_label:N", title="Categorie"),
        alt.Tooltip("aantal:Q", title="Aantal", format=",d"),
        alt.Tooltip("bedrag_eur:Q", title="Bedrag", format="$,d"),
    ]
    base = alt.Chart(data, width=200, height=alt.Step(26))
    aantal = base.mark_bar(color=BLAUW).encode(
        y=y, x=alt.X("aantal:Q", title="Aantal leningen", axis=alt.Axis(format=",d", tickCount=3)), tooltip=tooltip
    )
    bedrag = base.mark_bar(color=BLAUW).encode(
        y=alt.Y("categorie_label:N", sort=order, axis=None),
        x=alt.X("bedrag_mln:Q", title="Bedrag (miljoen euro)", axis=alt.Axis(format=",d", tickCount=3)),
        tooltip=tooltip,
    )
    chart = alt.hconcat(aantal, bedrag, spacing=16).properties(title=title, description=description)
    rows, recorder, positions = [], Recorder(ledger, "grafiek_leningen"), []
    for r, (peildatum, categorie, aantal, bedrag) in enumerate(zip(data["peildatum"], data["categorie"], data["aantal"], data["bedrag_eur"])):
        labels = (LENING_LABELS[categorie],)
        cels = [cells.geleverd("grafiek_leningen", (*labels, column), n, operation, ref("wi2013_leningen", peildatum, source, categorie=categorie))
                for column, n, operation, source in (("Aantal", aantal, "aantal", "aantal"), ("Bedrag", bedrag, "bedrag", "bedrag_eur"))]
        rows.append({"Categorie": labels[0], "Aantal": cels[0].shown, "Bedrag": cels[1].shown})
        recorder.record(*(cel.record for cel in cels))
        positions += [(r, 1), (r, 2)]
    table = pd.DataFrame(rows, columns=["Categorie", "Aantal", "Bedrag"])
    tidy = data[["peildatum", "categorie", "aantal", "bedrag_eur"]]
    return _chart("leningen", title, description, chart, tidy, table, recorder, positions)


# --- helpers ----------------------------------------------------------------------------


def _date(value):
    import datetime as dt

    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
