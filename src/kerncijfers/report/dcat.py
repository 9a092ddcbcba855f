"""The site as a DCAT-AP-NL 3.0 catalogue: `catalogus.ttl` and `catalogus.jsonld` in the site's root.

data.overheid.nl finds government datasets by harvesting DCAT-AP-NL metadata. Here every table
of every brief is a `dcat:Dataset` in one `dcat:DatasetSeries` (the kerncijfers over the briefs),
with its open-data CSV (report.opendata) as `dcat:Distribution`: media type, format, size,
SHA-256 checksum, licence, access and download URL. The metadata are read from each brief's
`datapackage.json`, so the catalogue and the package cannot disagree about a file.

Every URL is the base URL (`publicatie.yml`, `basis_url`) plus the file's path in the site.
Every node has an IRI (no blank nodes), so the same site gives the same bytes. Text carries a
language tag: Dutch, and English where the profile asks for a second language (titles).
The shapes the catalogue must satisfy are in `tests/shapes/dcat-ap-nl.ttl` (tests/report/test_opendata.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.dates import format_date
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from kerncijfers.brief import Brief
from kerncijfers.report.opendata import DATA_FOLDER, DESCRIPTOR
from kerncijfers.report.publication import publication

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's DCAT is version 2: no DatasetSeries)
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"

TURTLE = "catalogus.ttl"
JSON_LD = "catalogus.jsonld"
SERIES = "kerncijfers-inburgering"
DATA_PACKAGE_STANDARD = "https://datapackage.org/standard/data-package/"

#: The English title of each table (the Dutch one is the letter's).
TITLES_EN = {
    "tabel_1": "Table 1: Civic integration plans (PIP) set for persons obliged to integrate",
    "tabel_2": "Table 2: Pass rates of persons obliged to integrate, by cohort",
    "tabel_3": "Table 3: ELIP, borrowed at least € 9,500, by cohort (refugees with a residence permit)",
    "tabel_4": "Table 4: DUO loans to persons obliged to integrate under the Wi2013",
    "tekstcijfers": "Figures of the letter's text, as the figure catalogue names and shows them",
}

#: The JSON-LD context, written inline so the file reads offline.
CONTEXT = {
    "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "spdx": str(SPDX), "xsd": str(XSD),
}


def catalogue(briefs: list[Brief], reports_dir: Path) -> Graph:
    """The catalogue of every brief's open-data package under `reports_dir/<slug>/data/`."""
    settings = publication()
    base = settings.basis_url
    g = Graph(bind_namespaces="none")
    for prefix, uri in CONTEXT.items():
        g.bind(prefix, uri)

    def text(subject, predicate, nl: str, en: str | None = None) -> None:
        g.add((subject, predicate, Literal(nl, lang="nl")))
        if en:
            g.add((subject, predicate, Literal(en, lang="en")))

    def agent(fragment: str, nl: str, en: str, homepage: str) -> URIRef:
        node = URIRef(f"{base}catalogus#{fragment}")
        g.add((node, RDF.type, FOAF.Agent))
        text(node, FOAF.name, nl, en)
        g.add((node, FOAF.homepage, URIRef(homepage)))
        return node

    publisher = agent("uitgever", settings.uitgever, settings.uitgever_en, settings.uitgever_homepage)
    creator = agent("vervaardiger", settings.vervaardiger, settings.vervaardiger_en, settings.vervaardiger_homepage)
    contact = URIRef(f"{base}catalogus#contact")
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.contact_naam, lang="nl")))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))
    g.add((contact, VCARD.hasURL, URIRef(settings.contact_url)))
    licence = URIRef(settings.licentie_url)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    dutch = URIRef(f"{EU}language/NLD")
    theme = URIRef(f"{EU}data-theme/SOCI")  # Population and society
    public = URIRef(f"{EU}access-right/PUBLIC")

    def described(node: URIRef) -> None:
        """What DCAT-AP-NL asks of every dataset and series: who, whom to ask, theme, rights, language."""
        g.add((node, DCTERMS.publisher, publisher))
        g.add((node, DCTERMS.creator, creator))
        g.add((node, DCAT.contactPoint, contact))
        g.add((node, DCAT.theme, theme))
        g.add((node, DCTERMS.accessRights, public))
        g.add((node, DCTERMS.language, dutch))

    cat = URIRef(f"{base}catalogus")
    g.add((cat, RDF.type, DCAT.Catalog))
    text(cat, DCTERMS.title, "Kerncijfers inburgering", "Key figures on civic integration")
    text(cat, DCTERMS.description,
         "De cijfers van de uitvoeringsbrieven inburgering als open data: per brief elke tabel als CSV.",
         "The figures of the Dutch civic integration implementation letters as open data: every table of every letter as CSV.")
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((cat, FOAF.homepage, URIRef(base)))
    g.add((cat, DCTERMS.language, dutch))
    g.add((cat, DCTERMS.license, licence))

    series = URIRef(f"{base}catalogus#{SERIES}")
    g.add((series, RDF.type, DCAT.DatasetSeries))
    g.add((cat, DCAT.dataset, series))
    text(series, DCTERMS.title, "Kerncijfers uitvoeringsbrief inburgering", "Key figures of the civic integration implementation letter")
    text(series, DCTERMS.description,
         "De tabellen die de minister van SZW twee keer per jaar in de uitvoeringsbrief inburgering aan de Tweede Kamer stuurt, per brief.",
         "The tables the Minister of Social Affairs and Employment sends to Parliament twice a year in the civic integration letter, by letter.")
    g.add((series, DCTERMS.identifier, Literal(str(series))))
    described(series)

    for brief in sorted(briefs, key=lambda b: b.datum):
        folder = f"{base}{brief.slug}/{DATA_FOLDER}/"
        package = json.loads((Path(reports_dir) / brief.slug / DATA_FOLDER / DESCRIPTOR).read_text(encoding="utf-8"))
        english_date = format_date(brief.datum, format="d MMMM y", locale="en")
        for resource in package["resources"]:
            dataset = URIRef(f"{folder}{DESCRIPTOR}#{resource['name']}")
            g.add((dataset, RDF.type, DCAT.Dataset))
            g.add((cat, DCAT.dataset, dataset))
            g.add((dataset, DCAT.inSeries, series))
            g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
            text(dataset, DCTERMS.title, f"{resource['title']} ({brief.titel})",
                 f"{TITLES_EN.get(resource['name'], resource['name'])} (civic integration letter of {english_date})")
            text(dataset, DCTERMS.description, resource["description"],
                 f"Table of the civic integration letter of {english_date} (Kamerstuk {brief.kamerstuk}) as tidy CSV: "
                 "one row per observation, with the figures as DUO delivered them and the letter's rounded figures as measures of their own.")
            described(dataset)
            g.add((dataset, DCTERMS.issued, Literal(brief.datum.isoformat(), datatype=XSD.date)))
            g.add((dataset, DCAT.version, Literal(brief.slug)))
            g.add((dataset, DCAT.landingPage, URIRef(f"{base}{brief.slug}/tabellen.html")))
            g.add((dataset, FOAF.page, URIRef(f"{folder}{DESCRIPTOR}")))
            g.add((dataset, DCTERMS.conformsTo, URIRef(DATA_PACKAGE_STANDARD)))
            for keyword in package.get("keywords", []):
                g.add((dataset, DCAT.keyword, Literal(keyword, lang="nl")))

            csv = URIRef(f"{folder}{resource['path']}")
            distribution = URIRef(f"{csv}#distributie")
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, RDF.type, DCAT.Distribution))
            text(distribution, DCTERMS.title, f"{resource['title']} (CSV)", f"{TITLES_EN.get(resource['name'], resource['name'])} (CSV)")
            g.add((distribution, DCAT.accessURL, URIRef(folder)))
            g.add((distribution, DCAT.downloadURL, csv))
            g.add((distribution, DCAT.mediaType, URIRef("http://www.iana.org/assignments/media-types/text/csv")))
            g.add((distribution, DCTERMS.format, URIRef(f"{EU}file-type/CSV")))
            g.add((distribution, DCTERMS.license, licence))
            g.add((distribution, DCTERMS.language, dutch))
            g.add((distribution, DCTERMS.conformsTo, URIRef(f"{folder}{DESCRIPTOR}")))  # its Table Schema
            g.add((distribution, DCAT.byteSize, Literal(resource["bytes"], datatype=XSD.nonNegativeInteger)))
            algorithm, _, digest = resource["hash"].partition(":")
            checksum = URIRef(f"{csv}#{algorithm}")
            g.add((distribution, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX[f"checksumAlgorithm_{algorithm}"]))
            g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    return g


def write_catalogue(briefs: list[Brief], reports_dir: Path, site_dir: Path) -> list[Path]:
    """Write `catalogus.ttl` and `catalogus.jsonld` (context inline) into `site_dir`; returns their paths."""
    g = catalogue(briefs, reports_dir)
    turtle = Path(site_dir) / TURTLE
    turtle.write_text(g.serialize(format="turtle"), encoding="utf-8", newline="\n")
    # JSON-LD's triples in a fixed order: the serialiser follows the graph's, which is a set.
    ordered = Graph(bind_namespaces="none")
    for prefix, uri in CONTEXT.items():
        ordered.bind(prefix, uri)
    for triple in sorted(g):
        ordered.add(triple)
    jsonld = Path(site_dir) / JSON_LD
    data = json.loads(ordered.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    jsonld.write_text(json.dumps(_sorted(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return [turtle, jsonld]


def _sorted(node):
    """JSON-LD with its node lists sorted by id and value lists by value: the same graph, the same bytes."""
    if isinstance(node, dict):
        return {k: _sorted(v) for k, v in sorted(node.items())}
    if isinstance(node, list):
        return sorted((_sorted(v) for v in node), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node
