"""What the pages and exports say of a brief's version: revised figures marked "[r]" in the running text,
the approved versions' files published and linked, and the exports pointing to versies.csv.

The whole story (approve, re-delivery, revise, verify) runs in tests/test_approval.py; these are the
parts that need no build.
"""

from __future__ import annotations

from kerncijfers.report import vaststelling
from kerncijfers.report.sentences import Sentence, tekstcijfers


def test_a_revised_figure_in_the_running_text_is_marked_where_it_stands(validated, brief, repo_root):
    [zin] = tekstcijfers(validated, brief, repo_root / "data" / "raw", only={"leningen_toegekend"})
    marked = vaststelling.marked_sentence(zin, {"leningen_toegekend_afgerond"})
    # The letter prints "aan bijna 139.000 personen" (Kamerstuk 32 824 nr. 408, section 5.4).
    assert "aan bijna 139.000 [r] personen een lening toegekend" in marked.text
    assert marked.text.count("[r]") == 1
    assert marked.provenance["leningen_toegekend_afgerond"].shown == "bijna 139.000 [r]"
    assert vaststelling.marked_sentence(zin, {"tabel_3:01-11-2023:Totaal"}) is zin  # a figure it does not print


def test_a_revised_figure_is_not_marked_inside_a_longer_number():
    zin = Sentence("z", "Van de 2.940 leningen zijn er 940 afgelost, 940 in totaal.", "t", "2023-10-01", {"a": "940", "b": "2.940"})
    assert vaststelling.marked_sentence(zin, {"a"}).text == "Van de 2.940 leningen zijn er 940 [r] afgelost, 940 [r] in totaal."
    assert vaststelling.marked_sentence(zin, {"b"}).text == "Van de 2.940 [r] leningen zijn er 940 afgelost, 940 in totaal."


def _record(*versions):
    return {"versions": [{"version": n, "date": "2026-12-07", "by": "Test Reviewer", "fingerprint": "0123456789ab"} for n in versions]}


def test_each_kept_version_is_published_and_linked_from_herzieningen(tmp_path, brief):
    archive = tmp_path / "data" / "briefs" / brief.slug / "versie-1"
    (archive / "exports").mkdir(parents=True)
    (archive / "data").mkdir()
    (archive / "exports" / "provenance.csv").write_bytes(b"figure,shown\ntabel_3:01-11-2023:Totaal,2.739\n")
    (archive / "exports" / "tabel_3.csv").write_bytes(b"x\n")
    (archive / "data" / "datapackage.json").write_bytes(b"{}\n")
    folder = tmp_path / "reports" / brief.slug
    (folder / "versies" / "9").mkdir(parents=True)  # left by an earlier build: gone
    written = vaststelling.publish_versions(brief, tmp_path / "data", folder)
    assert sorted(p.relative_to(folder).as_posix() for p in written) == [
        "versies/1/data/datapackage.json", "versies/1/exports/provenance.csv", "versies/1/exports/tabel_3.csv"]
    assert (folder / "versies" / "1" / "exports" / "provenance.csv").read_bytes() == (archive / "exports" / "provenance.csv").read_bytes()
    assert not (folder / "versies" / "9").exists()

    versions = vaststelling.published_versions(_record(1, 2), archive.parent)  # version 2 has no files kept: not linked
    assert versions == [{"version": 1, "date": "2026-12-07", "by": "Test Reviewer", "files": ["data/datapackage.json", "exports/provenance.csv"]}]
    revision = [{"date": "2026-12-08", "version": 1, "reason": "DUO corrigeerde ELIP",
                 "changes": [{"figure": "tabel_3:01-11-2023:Totaal", "old": "2.739", "new": "2.740"}]}]
    shown = vaststelling._status({**_record(1), "status": "revised"}, revision, versions)
    assert '<a href="versies/1/exports/provenance.csv">exports/provenance.csv</a>' in shown.html
    assert "Versie 1, vastgesteld op 7 december 2026 door Test Reviewer" in shown.html
    assert ("Normal", "", "– Versie 1, vastgesteld op 7 december 2026 door Test Reviewer: versies/1/ op de site") in shown.paragraphs

