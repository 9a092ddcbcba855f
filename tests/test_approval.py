"""Four eyes on the exact bytes: approve, verify, revise (kerncijfers.approval, .verify, .revisions).

One throw-away tree is built, approved, rebuilt, verified, handed a re-delivery and revised,
in that order, by the `kerncijfers` command as an analyst runs it (`story`, once per module:
four builds and two rebuilds by verify). The tests then read what each step said and left.
The bad inputs of the issue's point 6 that need no build run on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kerncijfers import approval, build, formatting, revisions
from kerncijfers.build.lock import build_lock
from kerncijfers.paths import Layout
from kerncijfers.report import markup, vaststelling

ROOT = Path(__file__).resolve().parents[1]
SLUG = "2023-12"
ELIP = Path("data/raw/2023-11-01/elip.csv")  # Tabel 3 of the 2023-12 brief reads it (its cut-off is 2023-11-01)


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ) | {"NO_COLOR": "1", "TERM": "dumb", "KERNCIJFERS_RENDERER": "preview"} | extra


def kc(tree: Path, *args: str, kill_before_rename_to: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """`kerncijfers <args>` on the tree's data and reports, as a subprocess.

    With `kill_before_rename_to`, the process is killed (SIGKILL) as it is about to rename a file onto
    that name: a fault injected from outside by tests/kill_at.py.
    """
    folders = ["--data-dir", str(tree / "data"), "--out-dir", str(tree / "reports")]
    command = [sys.executable, "-m", "kerncijfers"]
    if kill_before_rename_to:
        command = [sys.executable, str(ROOT / "tests" / "kill_at.py"), "--before-rename-to", kill_before_rename_to, "--"]
    return subprocess.run([*command, *args, *folders], cwd=ROOT, env=_env(**env),
                          capture_output=True, text=True, timeout=900)


def digest(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                out[path.relative_to(root.parent).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def published(tree: Path) -> dict[str, str]:
    """Every published file: data/validated/ and reports/ (hidden build files left out)."""
    return {k: v for k, v in digest(tree / "data" / "validated", tree / "reports").items()
            if not any(part.startswith(".") for part in k.split("/"))}


def tree_with_deliveries(base: Path) -> Path:
    tree = base / "tree"
    shutil.copytree(ROOT / "data" / "raw", tree / "data" / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", tree / "data" / "briefs.yml")
    return tree


def record_file(tree: Path) -> Path:
    return tree / "data" / "briefs" / SLUG / approval.RECORD


def redeliver_elip(tree: Path) -> None:
    """DUO corrects ELIP cohort 2020 of 2023-11-01 (939 -> 940): the file replaced, its SHA256SUMS removed (docs/refused-deliveries.md)."""
    path = tree / ELIP
    text = path.read_text(encoding="utf-8")
    assert "2023-11-01,2020,939\n" in text and "2023-11-01,totaal,2739\n" in text
    path.write_text(text.replace("2020,939\n", "2020,940\n").replace("totaal,2739\n", "totaal,2740\n"), encoding="utf-8")
    (path.parent / "SHA256SUMS").unlink()


# --- the story: build, approve, build, verify, re-delivery, revise ---------------------------------


@dataclass
class Story:
    tree: Path
    today: str
    steps: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)
    records: dict[str, bytes | None] = field(default_factory=dict)  # the record's bytes after a step
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # the brief's preview pages after a step
    published: dict[str, dict[str, str]] = field(default_factory=dict)
    versions_csv: str = ""
    registered: bool = True


def _pages(tree: Path) -> dict[str, str]:
    folder = tree / "reports" / "_site" / SLUG
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    tree = tree_with_deliveries(tmp_path_factory.mktemp("approval"))
    s = Story(tree, dt.date.today().isoformat())

    def step(name: str, *args: str, **env) -> subprocess.CompletedProcess:
        s.steps[name] = done = kc(tree, *args, **env)
        s.records[name] = record_file(tree).read_bytes() if record_file(tree).exists() else None
        return done

    assert step("first build", "build").returncode == 0, s.steps["first build"].stderr
    s.pages["concept"] = _pages(tree)
    # A re-delivery whose sums do not add up is refused; the brief cannot be approved until a build accepts its inputs.
    elip = (tree / ELIP).read_bytes()
    sums = (tree / ELIP.parent / "SHA256SUMS").read_bytes()
    (tree / ELIP).write_bytes(elip.replace(b"2020,939\n", b"2020,940\n"))
    (tree / ELIP.parent / "SHA256SUMS").unlink()
    step("refused build", "build")
    step("approve after refusal", "approve", SLUG, "--by", "Test Reviewer")
    (tree / ELIP).write_bytes(elip)
    (tree / ELIP.parent / "SHA256SUMS").write_bytes(sums)
    page = tree / "reports" / "_site" / SLUG / "tekst.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<main", b"<mAin", 1))
    step("approve edited page", "approve", SLUG, "--by", "Test Reviewer")
    page.write_bytes(original)
    step("killed approve", "approve", SLUG, "--by", "Test Reviewer", kill_before_rename_to=approval.RECORD)
    step("approve", "approve", SLUG, "--by", "Test Reviewer", "--role", "hoofd statistiek")
    step("approve again", "approve", SLUG, "--by", "Test Reviewer", "--role", "hoofd statistiek")
    step("build after approve", "build")
    s.pages["approved"] = _pages(tree)
    step("verify", "verify", SLUG)
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<main", b"<mAin", 1))  # one byte
    step("verify edited page", "verify", SLUG)
    page.write_bytes(original)
    redeliver_elip(tree)
    s.published["before re-delivery"] = published(tree)
    step("build re-delivery", "build")
    s.published["after re-delivery"] = published(tree)
    s.registered = (tree / ELIP.parent / "SHA256SUMS").exists()
    step("revise", "build", "--revise", SLUG, "--reason", "DUO corrigeerde ELIP cohort 2020")
    s.pages["revised"] = _pages(tree)
    s.versions_csv = (tree / "reports" / SLUG / "exports" / "versies.csv").read_text(encoding="utf-8")
    step("verify revised", "verify", SLUG)
    step("explain revised", "explain", SLUG, "tabel_3:01-11-2023:Totaal")
    return s


def _one_line(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr + done.stdout


def test_a_concept_brief_says_so_on_every_page(story):
    pages = story.pages["concept"]
    assert len(pages) == 7
    for name, text in pages.items():
        assert "<strong>Concept:</strong> nog niet vastgesteld." in text, name
        assert "Vastgesteld</strong>" not in text, name


def test_approve_records_who_what_and_the_bytes(story):
    done = story.steps["approve"]
    assert done.returncode == 0, done.stderr
    record = json.loads(story.records["approve"])
    assert record["status"] == "approved" and record["checksum"] == approval.checksum(record)
    version = record["versions"][0]
    assert (version["by"], version["role"], version["date"]) == ("Test Reviewer", "hoofd statistiek", story.today)
    assert version["commit"] == subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    manifest = version["manifest"]
    # The brief's exports and the validated tables up to its cut-off, by their bytes; never pages, Word, the record.
    tabel_1 = story.tree / "reports" / SLUG / "exports" / "tabel_1.csv"  # the re-delivery later changes Tabel 3, not Tabel 1
    assert manifest[f"reports/{SLUG}/exports/tabel_1.csv"] == hashlib.sha256(tabel_1.read_bytes()).hexdigest()
    assert "data/validated/2023-11-01/elip.csv" in manifest and "data/validated/2023-10-01/wi2021_kerncijfers.parquet" in manifest
    # Its open data too (report.opendata): the tidy CSVs and their datapackage.json.
    assert manifest[f"reports/{SLUG}/data/tabel_1.csv"] == hashlib.sha256((tabel_1.parent.parent / "data" / "tabel_1.csv").read_bytes()).hexdigest()
    assert f"reports/{SLUG}/data/datapackage.json" in manifest
    assert not [p for p in manifest if not p.startswith((f"reports/{SLUG}/exports/", f"reports/{SLUG}/data/", "data/validated/"))]
    assert not [p for p in manifest if p.endswith(("validatie.json", "validatie.ipynb", "versies.csv"))]
    exports, open_data = (list((story.tree / "reports" / SLUG / folder).iterdir()) for folder in ("exports", "data"))
    assert len([p for p in manifest if p.startswith("reports/")]) == len(exports) - 1 + len(open_data)  # versies.csv left out
    assert version["fingerprint"] == approval.fingerprint(manifest)
    # The approved figures, as the letter prints them (Tabel 3, ELIP, 1 november 2023).
    assert version["figures"]["tabel_3:01-11-2023:Totaal"] == "2.739"
    # The approved version's exports stay reachable beside the record, whatever is published later.
    archived = story.tree / "data" / "briefs" / SLUG / "versie-1" / "exports" / "tabel_3.csv"
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == manifest[f"reports/{SLUG}/exports/tabel_3.csv"]
    assert "2.739" in archived.read_text(encoding="utf-8") or "2739" in archived.read_text(encoding="utf-8")


def test_approve_is_refused_when_a_published_page_is_not_as_built(story):
    done = story.steps["approve edited page"]
    assert done.returncode == 1
    assert done.stderr.strip() == (f"Brief {SLUG} cannot be approved: reports/_site/{SLUG}/tekst.html: not as the last build "
                                   "wrote it; run kerncijfers build first.")
    assert story.records["approve edited page"] is None


def test_approving_an_approved_unchanged_brief_changes_nothing(story):
    done = story.steps["approve again"]
    assert done.returncode == 0
    assert "already approved" in done.stdout and "nothing changed" in done.stdout
    assert story.records["approve again"] == story.records["approve"]


def test_a_kill_during_approve_leaves_no_record(story):
    assert story.steps["killed approve"].returncode == -9
    assert story.records["killed approve"] is None


def test_approved_pages_show_who_approved_and_the_fingerprint(story):
    assert story.steps["build after approve"].returncode == 0
    fingerprint = json.loads(story.records["approve"])["versions"][0]["fingerprint"]
    date = formatting.datum(dt.date.fromisoformat(story.today))
    for name, text in story.pages["approved"].items():
        assert f"<strong>Vastgesteld</strong> op {date} door Test Reviewer (hoofd statistiek)." in text, name
        assert fingerprint in text and "nog niet vastgesteld" not in text, name


def test_verify_passes_on_an_approved_build_and_names_an_edited_page(story):
    ok = story.steps["verify"]
    assert ok.returncode == 0, ok.stderr
    assert f"Brief {SLUG} is as approved: version 1" in ok.stdout
    edited = story.steps["verify edited page"]
    assert edited.returncode == 1
    problems = [line for line in edited.stderr.splitlines() if line.startswith("Brief ")]
    assert problems == [f"Brief {SLUG}: reports/_site/{SLUG}/tekst.html (differs from a rebuild)"]
    _one_line(edited)


def test_a_redelivery_that_changes_an_approved_brief_publishes_nothing(story):
    done = story.steps["build re-delivery"]
    assert done.returncode == 1
    assert f"Brief {SLUG} is approved (version 1" in done.stderr
    assert "data/validated/2023-11-01/elip.csv (changed)" in done.stderr
    assert "tabel_3:01-11-2023:'20 939 → 940" in done.stderr and "tabel_3:01-11-2023:Totaal 2.739 → 2.740" in done.stderr
    assert f"kerncijfers build --revise {SLUG} --reason" in done.stderr and "after the brief's cut-off 2023-11-01" in done.stderr
    assert "Nothing was published" in done.stderr
    assert story.published["after re-delivery"] == story.published["before re-delivery"]
    assert not story.registered  # the re-delivery is not registered either
    _one_line(done)


def test_approve_is_refused_after_a_refused_build(story):
    assert story.steps["refused build"].returncode == 1
    assert "rule totaal-is-som-cohorten" in story.steps["refused build"].stderr
    done = story.steps["approve after refusal"]
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Brief {SLUG} cannot be approved: the inputs of delivery 2023-11-01 (its files, the rules or the code) changed since "
        "the last build, or that build refused it; run kerncijfers build, and approve what it publishes."
    ]
    assert story.records["approve after refusal"] is None


def test_a_revision_is_a_visible_erratum(story):
    done = story.steps["revise"]
    assert done.returncode == 0, done.stderr
    record = json.loads(story.records["revise"])
    assert record["status"] == "revised"
    assert record["versions"][0]["figures"]["tabel_3:01-11-2023:Totaal"] == "2.739"  # the approved figures are kept
    revision = record["revisions"][0]
    assert revision["reason"] == "DUO corrigeerde ELIP cohort 2020"
    assert {(c["figure"], c["old"], c["new"]) for c in revision["changes"]} == {
        ("tabel_3:01-11-2023:'20", "939", "940"), ("tabel_3:01-11-2023:Totaal", "2.739", "2.740"),
        ("grafiek_elip:2020:1 november 2023", "939", "940"), ("grafiek_elip:Totaal:1 november 2023", "2.739", "2.740"),
    }
    for name, text in story.pages["revised"].items():
        assert "<h2>Herzieningen</h2>" in text and "DUO corrigeerde ELIP cohort 2020" in text, name
        assert "<code>tabel_3:01-11-2023:Totaal</code>: 2.739 → 2.740" in text, name
        assert "Herzien, nog niet opnieuw vastgesteld." in text and "<strong>Vastgesteld</strong>" not in text, name
    tabellen = story.pages["revised"]["tabellen.html"]
    assert ">940 [r]</button>" in tabellen and ">2.740 [r]</button>" in tabellen and ">939 [r]" not in tabellen
    assert "[r]: herzien cijfer" in tabellen
    assert "tabel_3:01-11-2023:Totaal,2.740,herzien " + story.today + ",2.739\n" in story.versions_csv
    assert f"tabel_3:01-11-2023:'19,485,versie 1 (vastgesteld {story.today}),485\n" in story.versions_csv


def test_the_approved_version_stays_on_the_site_linked_from_herzieningen(story):
    """What Parliament received: version 1's files, as approved, beside the revised figures, and linked from every page."""
    archived = story.tree / "data" / "briefs" / SLUG / "versie-1" / "exports" / "provenance.csv"
    on_site = story.tree / "reports" / "_site" / SLUG / "versies" / "1" / "exports" / "provenance.csv"
    assert on_site.read_bytes() == archived.read_bytes()
    assert "tabel_3:01-11-2023:Totaal,tabel_3,2.739," in on_site.read_text(encoding="utf-8")  # the approved figure, not 2.740
    assert (on_site.parents[2] / "1" / "data" / "datapackage.json").is_file()
    for name, text in story.pages["revised"].items():
        assert '<a href="versies/1/exports/provenance.csv">exports/provenance.csv</a>' in text, name
        assert "Versie 1, vastgesteld op " in text, name


def test_verify_says_a_revised_brief_is_not_approved(story):
    done = story.steps["verify revised"]
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Brief {SLUG} was revised on {story.today} (DUO corrigeerde ELIP cohort 2020) since version 1 was approved on "
        f"{story.today} by Test Reviewer: it is not approved; review the revision and approve it again."
    )


def test_explain_says_which_version_a_figure_belongs_to(story):
    done = story.steps["explain revised"]
    assert done.returncode == 0
    assert done.stdout.strip().splitlines()[-1] == f"Versie: herzien op {story.today}, na versie 1; in versie 1 was het 2.739."


# --- bad input and faults (point 6) without a build -----------------------------------------------


@pytest.fixture
def unbuilt(tmp_path) -> Path:
    return tree_with_deliveries(tmp_path)


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_name_is_a_usage_error(unbuilt, name):
    done = kc(unbuilt, "approve", SLUG, "--by", name)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "--by: give the name of who approves, e.g. --by \"A. de Vries\" (it is shown on the brief's pages)."
    ]
    assert not record_file(unbuilt).exists()


def test_an_unknown_brief_is_a_usage_error(unbuilt):
    for args in (["approve", "2099-01", "--by", "Test Reviewer"], ["verify", "2099-01"], ["build", "--revise", "2099-01", "--reason", "x"]):
        done = kc(unbuilt, *args)
        assert done.returncode == 2, args
        assert done.stderr.strip().splitlines() == ["No brief '2099-01' in briefs.yml. Known: 2023-12."], args
    assert not (unbuilt / "data" / "briefs").exists()


def test_revise_needs_a_reason_and_an_approved_brief(unbuilt):
    assert kc(unbuilt, "build", "--revise", SLUG).returncode == 2
    assert kc(unbuilt, "build", "--revise", SLUG, "--reason", " ").returncode == 2
    done = kc(unbuilt, "build", "--revise", SLUG, "--reason", "why")
    assert done.returncode == 1
    assert done.stderr.strip() == f"Build refused: Brief {SLUG} is not approved (a concept), so there is nothing to revise: build without --revise."
    assert not (unbuilt / "data" / "validated").exists()


def test_approving_an_unbuilt_brief_is_refused(unbuilt):
    done = kc(unbuilt, "approve", SLUG, "--by", "Test Reviewer")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Brief {SLUG} has not been built (reports/{SLUG}/exports is empty): run kerncijfers build first."
    )


def _write_record(layout: Layout, record: dict) -> Path:
    path = approval.record_path(layout, SLUG)
    approval.write(path, record)
    return path


def _a_record() -> dict:
    version = {"version": 1, "date": "2023-12-19", "by": "A. de Vries", "role": None, "commit": "", "commit_author": "",
               "manifest": {"data/validated/2023-11-01/elip.csv": "0" * 64}, "fingerprint": "abc", "figures": {"x": "1"}}
    return {"brief": SLUG, "status": "approved", "versions": [version], "revisions": [],
            "events": [{"event": "approved", "date": "2023-12-19", "by": "A. de Vries", "version": 1}]}


def test_a_tampered_record_is_refused_everywhere_in_one_line(unbuilt):
    layout = Layout.make(root=ROOT, data_dir=unbuilt / "data", out_dir=unbuilt / "reports")
    path = _write_record(layout, _a_record())
    assert approval.load(layout, path)["versions"][0]["by"] == "A. de Vries"
    path.write_text(path.read_text(encoding="utf-8").replace("A. de Vries", "B. de Vries", 1), encoding="utf-8")
    tampered = path.read_bytes()
    expected = (f"data/briefs/{SLUG}/vastgesteld.json: its checksum does not match its content, so it is not as "
                "`kerncijfers approve` wrote it (edited by hand, or damaged).")
    for args in (["approve", SLUG, "--by", "Test Reviewer"], ["verify", SLUG]):
        done = kc(unbuilt, *args)
        assert done.returncode == 1, args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (args, lines)
    # The build's guard refuses to publish with it (the stage as a build leaves it before publishing).
    (layout.stage / "validated").mkdir(parents=True)
    with pytest.raises(revisions.ApprovedBriefWouldChange) as refused:
        revisions.guard(layout)
    assert expected in refused.value.messages[0]
    assert path.read_bytes() == tampered  # nothing rewrote it


def test_a_second_approval_at_once_is_refused(unbuilt):
    layout = Layout.make(root=ROOT, data_dir=unbuilt / "data", out_dir=unbuilt / "reports")
    with build_lock(layout):  # a build or an approval running
        done = kc(unbuilt, "approve", SLUG, "--by", "Test Reviewer")
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Approval refused: a build is already running since ")
    assert not record_file(unbuilt).exists()


def test_the_guard_names_files_and_figures_of_an_approved_brief(unbuilt):
    layout = Layout.make(root=ROOT, data_dir=unbuilt / "data", out_dir=unbuilt / "reports")
    record = _a_record()
    record["versions"][0]["figures"] = {"tabel_3:01-11-2023:Totaal": "2.739"}
    _write_record(layout, record)
    staged = layout.stage / "validated" / "2023-11-01"
    staged.mkdir(parents=True)
    (staged / "elip.csv").write_text("changed\n", encoding="utf-8")
    (staged.parent / "2024-05-01").mkdir()  # after the cut-off: not the brief's
    (staged.parent / "2024-05-01" / "elip.csv").write_text("later\n", encoding="utf-8")
    exports = layout.stage / "reports" / SLUG / "exports"
    exports.mkdir(parents=True)
    (exports / "provenance.csv").write_text("figure,shown\ntabel_3:01-11-2023:Totaal,2.740\n", encoding="utf-8")
    with pytest.raises(revisions.ApprovedBriefWouldChange) as refused:
        revisions.guard(layout)
    message = refused.value.messages[0]
    assert "this build would change 2 of its approved files: data/validated/2023-11-01/elip.csv (changed), " \
           f"reports/{SLUG}/exports/provenance.csv (new)." in message
    assert "Figures that would change (1): tabel_3:01-11-2023:Totaal 2.739 → 2.740." in message


def test_the_word_file_gets_the_status_as_word_paragraphs_and_the_preview_reads_the_html():
    record = _a_record()
    record["versions"][0]["role"] = "hoofd statistiek"
    status = vaststelling._status(record, [])
    bundle = status._repr_mimebundle_()["text/markdown"]
    assert "```{=openxml}\n<w:p>" in bundle and "door A. de Vries (hoofd statistiek)" in bundle
    assert markup.unwrap_raw_html(bundle) == status.html
    assert status.html.startswith('<div class="vaststelling vastgesteld" role="note"><strong>Vastgesteld</strong> op 19 december 2023 door A. de Vries')
    assert vaststelling._status(None, []).text == "Concept: nog niet vastgesteld."


def test_approving_changes_the_key_of_the_brief_and_the_report_only(unbuilt):
    """So that `kerncijfers build` after `approve` renders the brief again, and validates nothing again."""
    layout = Layout.make(root=ROOT, data_dir=unbuilt / "data", out_dir=unbuilt / "reports")
    before = build.plan(layout)
    brief_before = build.brief_keys(layout, before)
    _write_record(layout, _a_record())
    after = build.plan(layout)
    brief_after = build.brief_keys(layout, after)
    changed = {s.id for s, t in zip(before, after) if s.key != t.key}
    assert changed == {"report"}
    assert brief_before["briefs"][SLUG] != brief_after["briefs"][SLUG]
    assert brief_before["site"] == brief_after["site"]  # the other briefs' pages and the sidebar stay as they are


def test_withdraw_needs_a_reason_and_the_record_keeps_it(unbuilt):
    assert kc(unbuilt, "approve", SLUG, "--by", "B. Jansen", "--withdraw").returncode == 2
    assert kc(unbuilt, "approve", SLUG, "--by", "B. Jansen", "--withdraw", "--reason", "  ").returncode == 2
    concept = kc(unbuilt, "approve", SLUG, "--by", "B. Jansen", "--withdraw", "--reason", "fout")
    assert concept.returncode == 1
    assert concept.stderr.strip() == f"Brief {SLUG} is not approved (a concept): there is no approval to withdraw."
    layout = Layout.make(root=ROOT, data_dir=unbuilt / "data", out_dir=unbuilt / "reports")
    path = _write_record(layout, _a_record())
    done = kc(unbuilt, "approve", SLUG, "--by", "B. Jansen", "--withdraw", "--reason", "Tabel 3 telt cohort 2020 dubbel")
    assert done.returncode == 0, done.stderr
    record = approval.load(layout, path)
    assert record["status"] == "withdrawn" and record["versions"] == _a_record()["versions"]
    assert record["events"][-1] == {"event": "withdrawn", "date": dt.date.today().isoformat(), "by": "B. Jansen",
                                    "reason": "Tabel 3 telt cohort 2020 dubbel", "version": 1}
    verified = kc(unbuilt, "verify", SLUG)
    assert verified.returncode == 1
    assert verified.stderr.strip() == (f"Brief {SLUG} is not approved: its approval was withdrawn on {dt.date.today().isoformat()} "
                                       "(Tabel 3 telt cohort 2020 dubbel).")


def test_verify_without_a_brief_checks_the_approved_ones_and_a_concept_is_not_one(unbuilt):
    none = kc(unbuilt, "verify")
    assert none.returncode == 0
    assert none.stdout.strip() == "No brief has been approved: nothing to verify (kerncijfers approve <brief> --by NAME)."
    named = kc(unbuilt, "verify", SLUG)
    assert named.returncode == 1
    assert named.stderr.strip() == f'Brief {SLUG} is not approved (a concept): kerncijfers approve {SLUG} --by "<name>" after review.'


def test_in_a_fresh_clone_the_committed_build_can_be_approved(tmp_path):
    """No build ran in a fresh clone: its outputs are the committed build's, if git shows them as committed."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True, timeout=300)
    command = [sys.executable, "-m", "kerncijfers", "approve", SLUG, "--by", "Test Reviewer"]
    csv_file = clone / "data" / "validated" / "2023-11-01" / "elip.csv"
    csv_file.write_bytes(csv_file.read_bytes().replace(b"939", b"940"))
    edited = subprocess.run(command, cwd=clone, env=_env(), capture_output=True, text=True, timeout=300)
    assert edited.returncode == 1
    assert edited.stderr.strip() == (f"Brief {SLUG} cannot be approved: no build ran here, and data/validated/2023-11-01/elip.csv "
                                     "is not as committed; run kerncijfers build first.")
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--", "data/validated"], check=True)
    done = subprocess.run(command, cwd=clone, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Approved brief {SLUG} (version 1) by Test Reviewer: ")
    record = json.loads((clone / "data" / "briefs" / SLUG / approval.RECORD).read_text(encoding="utf-8"))
    assert record["versions"][0]["commit"] == subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
