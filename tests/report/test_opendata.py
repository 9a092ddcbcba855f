"""The open-data package validates with frictionless and holds the delivered cells; the DCAT-AP-NL catalogue
satisfies the project's SHACL shapes (tests/shapes/dcat-ap-nl.ttl) and names each CSV's real size and checksum."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import rdflib
from frictionless import Package, validate
from pyshacl import validate as shacl_validate

from kerncijfers.brief import load_briefs
from kerncijfers.report.dcat import JSON_LD, TURTLE, write_catalogue
from kerncijfers.report.opendata import write_package
from kerncijfers.report.publication import publication
from kerncijfers.report.sentences import tekstcijfers
from kerncijfers.report.tables import letter_tables

SHAPES = Path(__file__).resolve().parents[1] / "shapes" / "dcat-ap-nl.ttl"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture(scope="module")
def reports(repo_root, tmp_path_factory) -> Path:
    """A reports folder with each brief's open-data package and the site's catalogue, as the build writes them."""
    out = tmp_path_factory.mktemp("opendata")
    briefs = load_briefs(repo_root / "data" / "briefs.yml")
    validated = repo_root / "data" / "validated"
    for brief in briefs:
        write_package(letter_tables(validated, brief), brief, validated, out / brief.slug / "data", tekstcijfers(validated, brief))
    (out / "_site").mkdir()
    write_catalogue(briefs, out, out / "_site")
    return out


def raw(repo_root: Path, peildatum: str, table: str) -> list[dict]:
    with open(repo_root / "data" / "raw" / peildatum / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def package_rows(reports: Path, table_id: str) -> dict[tuple, int]:
    """The package's CSV as {(peildatum, *dimensions, maat): waarde}."""
    with open(reports / "2023-12" / "data" / f"{table_id}.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {tuple(v for k, v in r.items() if k not in ("eenheid", "waarde")): int(r["waarde"]) for r in rows}


def test_the_package_validates_with_frictionless(reports):
    report = validate(reports / "2023-12" / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(reports / "2023-12" / "data" / "datapackage.json")
    assert [r.name for r in package.resources] == ["tabel_1", "tabel_2", "tabel_3", "tabel_4", "tekstcijfers"]
    assert package.licenses[0]["name"] == "CC0-1.0"


def test_each_resource_states_its_bytes_hash_key_and_dutch_column_titles(reports):
    folder = reports / "2023-12" / "data"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        assert fields["peildatum"]["title"] == "Peildatum" and fields["peildatum"]["type"] == "date"
        assert all(f["description"] for f in fields.values())
        if resource["name"] == "tekstcijfers":  # the text's figures as shown: see the test below
            continue
        assert list(fields)[-3:] == ["maat", "eenheid", "waarde"]
        assert resource["schema"]["primaryKey"] == [n for n in fields if n not in ("eenheid", "waarde")]
    tabel_2 = {f["name"]: f for f in descriptor["resources"][1]["schema"]["fields"]}
    assert tabel_2["doelgroep"]["constraints"]["enum"] == ["totaal", "asielstatushouder", "gezinsmigrant_overig"]  # the contract's codes


def test_values_equal_the_delivered_cells(reports, repo_root):
    tabel_2 = package_rows(reports, "tabel_2")
    delivered = raw(repo_root, "2023-10-01", "wi2013_cohorten")
    for line in delivered:
        key = ("2023-10-01", line["cohort"], line["doelgroep"])
        assert tabel_2[(*key, "totaal", "aantal")] == int(line["totaal"])
        for status in ("voldaan", "ontheven", "nog_plichtig"):
            assert tabel_2[(*key, status, "aantal")] == int(line[status])
            assert tabel_2[(*key, status, "procent")] == int(line[f"{status}_pct"])
    assert len(tabel_2) == len(delivered) * 7
    tabel_4 = package_rows(reports, "tabel_4")
    for line in raw(repo_root, "2023-10-01", "wi2013_leningen"):
        assert tabel_4[("2023-10-01", line["categorie"], "aantal")] == int(line["aantal"])
        assert tabel_4[("2023-10-01", line["categorie"], "bedrag_eur")] == int(line["bedrag_eur"])
    assert tabel_4[("2023-10-01", "toegekend", "gemiddeld_eur")] == 6977  # the letter's € 6.977, derived
    tabel_3 = package_rows(reports, "tabel_3")
    for peildatum in ("2022-05-01", "2022-10-15", "2023-07-01", "2023-11-01"):
        for line in raw(repo_root, peildatum, "elip"):
            assert tabel_3[(peildatum, line["cohort"], "aantal")] == int(line["aantal"])


def test_tabel_1_holds_the_delivered_count_and_the_letters_rounded_figure(reports, repo_root):
    tabel_1 = package_rows(reports, "tabel_1")
    for peildatum in ("2023-05-01", "2023-10-01"):
        totals = {r["indicator"]: int(r["aantal"]) for r in raw(repo_root, peildatum, "wi2021_kerncijfers") if r["doelgroep"] == "totaal"}
        for indicator in ("inburgeringsplichtigen", "pip_vastgesteld"):
            assert tabel_1[(peildatum, indicator, "aantal")] == totals[indicator]
            assert tabel_1[(peildatum, indicator, "aantal_afgerond")] == round(totals[indicator], -2)
    assert tabel_1[("2023-10-01", "inburgeringsplichtigen", "aantal_afgerond")] == 51600  # the letter's 51.600
    assert tabel_1[("2023-10-01", "pip_vastgesteld", "procent")] == 50  # 26.000 (50%)


def shapes_report(graph: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = shacl_validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES), advanced=True)
    return conforms, text


@pytest.mark.parametrize("name, syntax", [(TURTLE, "turtle"), (JSON_LD, "json-ld")])
def test_the_catalogue_satisfies_the_dcat_ap_nl_shapes(reports, name, syntax):
    graph = rdflib.Graph().parse(reports / "_site" / name, format=syntax)
    conforms, text = shapes_report(graph)
    assert conforms, text
    assert len(set(graph.subjects(rdflib.RDF.type, DCAT.Dataset))) == 5  # Tabel 1-4 and the figures of the text
    assert len(set(graph.subjects(rdflib.RDF.type, DCAT.DatasetSeries))) == 1


def test_the_jsonld_holds_its_context_inline(reports):
    data = json.loads((reports / "_site" / JSON_LD).read_text(encoding="utf-8"))
    assert isinstance(data["@context"], dict) and data["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"


@pytest.mark.parametrize("removed, severity", [(DCAT.contactPoint, "Violation"), (DCAT.downloadURL, "Warning")])
def test_the_shapes_refuse_a_catalogue_without_a_mandatory_or_recommended_property(reports, removed, severity):
    graph = rdflib.Graph().parse(reports / "_site" / TURTLE, format="turtle")
    subject = next(iter(sorted(graph.subjects(removed, None))))
    graph.remove((subject, removed, None))
    conforms, text = shapes_report(graph)
    assert not conforms
    assert f"Severity: sh:{severity}" in text and str(removed) in text.replace("dcat:", str(DCAT))


def test_every_distribution_names_the_real_file_under_the_base_url(reports):
    graph = rdflib.Graph().parse(reports / "_site" / TURTLE, format="turtle")
    base = publication().basis_url
    distributions = set(graph.subjects(rdflib.RDF.type, DCAT.Distribution))
    assert len(distributions) == 5  # Tabel 1-4 and the figures of the text
    for distribution in distributions:
        url = str(graph.value(distribution, DCAT.downloadURL))
        assert url.startswith(base)
        data = (reports / url.removeprefix(base)).read_bytes()
        checksum = graph.value(distribution, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert int(graph.value(distribution, DCAT.byteSize)) == len(data)
        assert str(graph.value(distribution, DCAT.mediaType)) == "http://www.iana.org/assignments/media-types/text/csv"
        titles = {t.language: str(t) for t in graph.objects(distribution, DCT.title)}
        assert set(titles) == {"nl", "en"}


def test_the_package_points_to_versies_csv_and_names_no_status(reports):
    """An approval is bound to the package's bytes, so it says where each figure's version is, the same for every status."""
    package = json.loads((reports / "2023-12" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    home = package["homepage"]
    assert home == f"{publication().basis_url}2023-12/"
    assert package["description"].endswith(
        f"Zodra de brief is vastgesteld, staat in {home}exports/versies.csv bij welke versie van de brief elk cijfer hoort "
        f"(vastgesteld of herzien, met het vastgestelde cijfer); de bestanden van elke vastgestelde versie staan in {home}versies/."
    )
    assert "Concept" not in package["description"] and "nog niet vastgesteld" not in package["description"]


def test_the_package_holds_each_figure_of_the_text_from_the_catalogue(reports, repo_root):
    """tekstcijfers.csv: one row per figure each sentence prints, named as the text names it, shown as it shows it."""
    from kerncijfers.catalogue.evaluate import DEFINITIONS

    with open(reports / "2023-12" / "data" / "tekstcijfers.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    brief = next(b for b in load_briefs(repo_root / "data" / "briefs.yml") if b.slug == "2023-12")
    sentences = {s.id: s for s in tekstcijfers(repo_root / "data" / "validated", brief)}
    assert {(r["zin"], r["id"]) for r in rows} == {(s.id, i) for s in sentences.values() for i in s.figures}
    for r in rows:
        assert r["getoond"] == sentences[r["zin"]].figures[r["id"]] and r["getoond"] in sentences[r["zin"]].text
        assert r["betekenis"] == DEFINITIONS[r["naam"]].meaning and r["tabel"] == DEFINITIONS[r["naam"]].table
    by_id = {r["id"]: r for r in rows}
    # The letter's own figures, with the names an analyst writes in tekst.md.
    assert (by_id["pip_pct_oktober"]["naam"], by_id["pip_pct_oktober"]["getoond"], by_id["pip_pct_oktober"]["peildatum"]) == ("pip_pct", "50%", "2023-10-01")
    assert (by_id["pip_pct_mei"]["naam"], by_id["pip_pct_mei"]["getoond"], by_id["pip_pct_mei"]["peildatum"]) == ("pip_pct_vorige", "43 procent", "2023-05-01")
    assert by_id["wi2021_inburgeraars"]["getoond"] == "51.600"
    descriptor = json.loads((reports / "2023-12" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    text = next(r for r in descriptor["resources"] if r["name"] == "tekstcijfers")
    assert [f["name"] for f in text["schema"]["fields"]] == ["zin", "naam", "id", "peildatum", "tabel", "eenheid", "getoond", "betekenis"]
    assert text["schema"]["primaryKey"] == ["zin", "id"]
    data = (reports / "2023-12" / "data" / "tekstcijfers.csv").read_bytes()
    assert (text["bytes"], text["hash"]) == (len(data), "sha256:" + hashlib.sha256(data).hexdigest())
