"""The open-data package of a brief: each table as tidy CSV, described by a Frictionless `datapackage.json`.

Published at `<brief>/data/` beside the pages. One CSV per table of the letter, one row per
observation: peildatum, the table's dimensions (codes as in the contract, `schema.py`), the
measure (`maat`), its unit (`eenheid`) and the value, unformatted. Where the letter prints a
figure rounded from a delivered count (Tabel 1, in hundreds), the delivered count is measure
`aantal` and the printed figure a measure of its own (`aantal_afgerond`); a derived figure
(a percentage, an average) is a measure of its own too.

The values come from the letter's table objects (`report.tables.LetterTable.tidy`, whose cells
the figure catalogue computes) and, for the delivered counts behind a rounded figure, from the
validated tables. The figures of the text are one more resource, `tekstcijfers.csv`: one row per
figure a sentence of `tekst.md` prints, with the catalogue's name, stable id, meaning and unit,
and the figure as the text shows it. This module is the one place that turns them into open data.

`datapackage.json` follows the Frictionless Data Package standard (v2 profile, readable by
frictionless-py 5): per resource its schema with Dutch titles and descriptions, the codes each
dimension may take, the primary key, `hash` (SHA-256) and `bytes`; licence and sources from
`publicatie.yml` (report.publication). No timestamps: the same data give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from kerncijfers.brief import Brief
from kerncijfers.report.publication import publication
from kerncijfers.schema import TABLES

#: The folder of a brief's site folder that holds its open data.
DATA_FOLDER = "data"
DESCRIPTOR = "datapackage.json"

#: The delivered table each letter table is made from (its codes are the contract's).
SOURCE_TABLES = {
    "tabel_1": "wi2021_kerncijfers",
    "tabel_2": "wi2013_cohorten",
    "tabel_3": "elip",
    "tabel_4": "wi2013_leningen",
}

#: Letter figures rounded from a delivered count: table -> (measure as printed, delivered column, fixed key).
ROUNDED_FROM_DELIVERED = {"tabel_1": ("aantal", "aantal", {"doelgroep": "totaal"})}
ROUNDED_SUFFIX = "_afgerond"

#: Dutch title and description of each column an open-data CSV can have.
COLUMNS = {
    "peildatum": ("Peildatum", "De datum waarop DUO de cijfers heeft vastgesteld (JJJJ-MM-DD)."),
    "indicator": ("Indicator", "Wat er geteld is (Wet inburgering 2021)."),
    "doelgroep": ("Doelgroep", "Groep inburgeringsplichtigen; 'totaal' is alle groepen samen."),
    "cohort": ("Cohort", "Jaar waarin de inburgeringsplicht is opgelegd; 'totaal' is alle cohorten samen."),
    "status": ("Status", "Stand van de inburgeringsplicht; 'totaal' is alle personen in het cohort en de doelgroep."),
    "categorie": ("Categorie", "Soort lening onder de Wet inburgering 2013."),
    "maat": ("Maat", "Wat de waarde is: zie de lijst van maten in de beschrijving van de tabel."),
    "eenheid": ("Eenheid", "De eenheid van de waarde."),
    "waarde": ("Waarde", "Het cijfer, zonder opmaak: geen scheidingsteken voor duizendtallen, een punt als decimaalteken."),
}

#: Each measure: Dutch description and unit. A measure in a table's `tidy` must be listed here.
MEASURES = {
    "aantal": ("Aantal zoals DUO het heeft geleverd.", None),
    "aantal_afgerond": ("Aantal zoals de brief het toont: afgerond op honderdtallen.", None),
    "procent": ("Percentage in hele procenten, zoals de brief het toont.", "procent"),
    "bedrag_eur": ("Bedrag in hele euro's zoals DUO het heeft geleverd.", "euro"),
    "gemiddeld_eur": ("Gemiddeld bedrag per lening: bedrag gedeeld door aantal, half naar boven afgerond op hele euro's.", "euro"),
}


def package_frame(table, validated_dir: Path) -> pd.DataFrame:
    """The open-data rows of one letter table: its tidy rows with units, plus delivered counts behind rounded figures."""
    frame = table.tidy.copy()
    frame["peildatum"] = frame["peildatum"].map(lambda p: str(p)[:10])
    if table.id in ROUNDED_FROM_DELIVERED:
        printed, column, key = ROUNDED_FROM_DELIVERED[table.id]
        rounded = frame["maat"] == printed
        delivered = frame[rounded].copy()
        frame.loc[rounded, "maat"] = printed + ROUNDED_SUFFIX
        delivered["waarde"] = [
            _delivered(validated_dir, SOURCE_TABLES[table.id], row, column, key) for row in delivered.itertuples(index=False)
        ]
        # Each delivered count right before the figure the letter rounds it to.
        frame = pd.concat([delivered, frame]).sort_index(kind="stable").reset_index(drop=True)
    frame.insert(len(frame.columns) - 1, "eenheid", [_unit(table.id, m) for m in frame["maat"]])
    return frame


def _unit(table_id: str, measure: str) -> str | None:
    """A measure's unit: its own, else the contract column's of the same name, else the delivered table's."""
    if MEASURES[measure][1]:
        return MEASURES[measure][1]
    source = TABLES.get(SOURCE_TABLES.get(table_id, ""))
    if source is None:
        return None
    column = measure.removesuffix(ROUNDED_SUFFIX)
    return source.column(column).unit if column in source.column_names else source.unit


def _delivered(validated_dir: Path, source: str, row, column: str, key: dict) -> int:
    """The delivered value of `column` in the validated table `source` for a tidy row's dimensions and `key`."""
    frame = pd.read_csv(Path(validated_dir) / row.peildatum / f"{source}.csv", dtype=str)
    wanted = {**{d: getattr(row, d) for d in frame.columns if hasattr(row, d) and d not in ("peildatum", "waarde")}, **key}
    match = frame[(frame[list(wanted)] == pd.Series(wanted)).all(axis=1)]
    if len(match) != 1:
        raise LookupError(f"{source} {row.peildatum}: expected one row with {wanted}, found {len(match)}")
    return int(match[column].iloc[0])


def _field(name: str, frame: pd.DataFrame, source: str | None) -> dict:
    title, description = COLUMNS.get(name, (name.capitalize(), ""))
    field = {"name": name, "title": title, "description": description}
    contract = TABLES[source].column_names if source else ()
    values = list(dict.fromkeys(frame[name]))
    if name == "peildatum":
        field["type"] = "date"
    elif name == "waarde":
        field["type"] = "integer" if all(float(v).is_integer() for v in values) else "number"
    elif name == "cohort" and all(isinstance(v, int) for v in values):
        field["type"] = "integer"
    else:
        field["type"] = "string"
        codes = TABLES[source].column(name).codes if name in contract else None
        field["constraints"] = {"enum": list(codes) if codes and set(values) <= set(codes) else values}
    field["constraints"] = {**field.get("constraints", {}), "required": name != "eenheid"}
    return field


def resource(table, frame: pd.DataFrame, data: bytes) -> dict:
    """The Frictionless resource descriptor of one table's CSV."""
    source = SOURCE_TABLES.get(table.id)
    measures = " ".join(f"Maat {m}: {MEASURES[m][0]}" for m in dict.fromkeys(frame["maat"]))
    schema = {
        "fields": [_field(c, frame, source) for c in frame.columns],
        "primaryKey": [c for c in frame.columns if c not in ("eenheid", "waarde")],
        "missingValues": [""],
    }
    return _csv_resource(table.id, table.title, f"{table.source} {measures}", data,
                         f"DUO, levering {TABLES[source].name}" if source else "DUO", schema)


def _csv_resource(name: str, title: str, description: str, data: bytes, source: str, schema: dict) -> dict:
    """A CSV resource of the package: what every one of them says besides its name, text and schema."""
    settings = publication()
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "description": description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "sources": [{"title": source}],
        "licenses": [{"name": settings.licentie, "path": settings.licentie_url, "title": settings.licentie_titel}],
        "schema": schema,
    }


#: The resource of the text's figures, and its columns: Dutch title and description.
TEXT_RESOURCE = "tekstcijfers"
TEXT_COLUMNS = {
    "zin": ("Zin", "De zin van de tekst (tekst.md) waarin het cijfer staat."),
    "naam": ("Naam", "De naam van het cijfer in de cijfercatalogus, zoals de tekst het schrijft ({{ naam }})."),
    "id": ("Id", "De vaste naam van het getoonde cijfer: dezelfde als in provenance.csv en de gepubliceerde brief."),
    "peildatum": COLUMNS["peildatum"],
    "tabel": ("Tabel", "De geleverde tabel waaruit het cijfer is berekend."),
    "eenheid": ("Eenheid", "De eenheid van het cijfer: aantal of procent."),
    "getoond": ("Getoond", "Het cijfer zoals de tekst het toont, met de afronding en de woorden van de brief ('ruim 138.000', 'acht')."),
    "betekenis": ("Betekenis", "Wat het cijfer betekent, uit de cijfercatalogus."),
}


def text_frame(sentences: list) -> pd.DataFrame:
    """One row per figure each sentence of the text prints (report.sentences.Sentence), from the catalogue."""
    from kerncijfers.catalogue.evaluate import DEFINITIONS

    rows = []
    for sentence in sentences:
        for id_, shown in sentence.figures.items():
            name, peildatum = sentence.names[id_]
            d = DEFINITIONS[name]
            rows.append((sentence.id, name, id_, peildatum, d.table, d.unit, shown, d.meaning))
    return pd.DataFrame(rows, columns=list(TEXT_COLUMNS))


def text_resource(frame: pd.DataFrame, data: bytes) -> dict:
    """The Frictionless resource descriptor of the text's figures."""
    fields = [
        {"name": c, "title": t, "description": d, "type": "date" if c == "peildatum" else "string", "constraints": {"required": True}}
        for c, (t, d) in TEXT_COLUMNS.items()
    ]
    description = ("De cijfers die de tekst van de brief noemt, elk met zijn naam en betekenis in de cijfercatalogus "
                   "en zoals de tekst het toont. Hoe elk cijfer is berekend staat in provenance.csv onder dezelfde id.")
    return _csv_resource(TEXT_RESOURCE, "Cijfers voor de tekst", description, data,
                         "DUO en de andere bronnen van de brief, via de cijfercatalogus",
                         {"fields": fields, "primaryKey": ["zin", "id"], "missingValues": [""]})


def write_package(tables: list, brief: Brief, validated_dir: Path, out_dir: Path, sentences: list = ()) -> list[Path]:
    """Write `<id>.csv` per table, `tekstcijfers.csv` for the figures of `sentences` (the text, when given)
    and `datapackage.json` into `out_dir`; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = publication()
    resources, paths = [], []
    for table in tables:
        frame = package_frame(table, validated_dir)
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        path = out_dir / f"{table.id}.csv"
        path.write_bytes(data)
        paths.append(path)
        resources.append(resource(table, frame, data))
    if sentences:
        frame = text_frame(sentences)
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        path = out_dir / f"{TEXT_RESOURCE}.csv"
        path.write_bytes(data)
        paths.append(path)
        resources.append(text_resource(frame, data))
    descriptor = {
        "name": f"kerncijfers-inburgering-{brief.slug}",
        "title": f"Kerncijfers inburgering: {brief.titel}",
        "description": (
            f"De tabellen van de {brief.titel[0].lower() + brief.titel[1:]} (Kamerstuk {brief.kamerstuk}) als open data: "
            "één rij per waarneming, met de geleverde cijfers van DUO en, waar de brief afrondt, het afgeronde cijfer als eigen maat."
        ),
        "version": brief.slug,
        "homepage": f"{settings.basis_url}{brief.slug}/",
        "keywords": ["inburgering", "Wet inburgering 2021", "Wet inburgering 2013", "DUO"],
        "licenses": [{"name": settings.licentie, "path": settings.licentie_url, "title": settings.licentie_titel}],
        "sources": [{"title": f"{settings.vervaardiger}, leveringen aan het {settings.uitgever}", "path": settings.vervaardiger_homepage}],
        "contributors": [{"title": settings.uitgever, "path": settings.uitgever_homepage, "roles": ["publisher"]}],
        "resources": resources,
    }
    descriptor["description"] += " " + _version_note(descriptor["homepage"])
    path = out_dir / DESCRIPTOR
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return [*paths, path]


def _version_note(homepage: str) -> str:
    """Where the version of each figure is said: not in the package, which an approval is bound to (report.vaststelling)."""
    from kerncijfers.report.vaststelling import VERSION_NOTE

    return VERSION_NOTE.format(versies=f"{homepage}exports/versies.csv", map=f"{homepage}versies/")
