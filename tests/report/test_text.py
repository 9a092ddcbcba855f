"""The brief's text as the analyst edits it: names from `kerncijfers figures`, mistakes refused with file and line."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kerncijfers.brief import load_briefs
from kerncijfers.catalogue.text import TextError
from kerncijfers.report.sentences import tekstcijfers

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT / "data" / "briefs" / "2023-12" / "tekst.md"


def kerncijfers(*args: str, cwd: Path = ROOT, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerncijfers", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          input=input, env={"COLUMNS": "80", "PATH": "", "NO_COLOR": "1"})


def with_text(brief, tmp_path: Path, text: str):
    path = tmp_path / "tekst.md"
    path.write_text(text, encoding="utf-8")
    return dataclasses.replace(brief, tekst=str(path))


@pytest.fixture(scope="module")
def listed() -> dict[str, dict]:
    run = kerncijfers("figures", "2023-12")
    assert run.returncode == 0, run.stderr
    return {row["name"]: row for row in csv.DictReader(io.StringIO(run.stdout))}


def test_figures_writes_only_csv_to_stdout_and_its_message_to_stderr(listed):
    run = kerncijfers("figures", "2023-12")
    assert run.stdout.splitlines()[0] == "name,shown,meaning,unit,table,peildatum,ids,rule,missing"
    assert "figures computed for brief 2023-12" in run.stderr and "figures computed" not in run.stdout
    # Values as the letter prints them (Kamerstuk 32 824 nr. 408, sections 2, 2.1 and 5.2).
    assert listed["wi2021_inburgeraars"]["shown"] == "51.600"
    assert listed["pip_pct"]["shown"] == "50%" and listed["pip_pct"]["ids"] == "pip_pct_oktober"
    assert listed["pip_pct_vorige"]["peildatum"] == "2023-05-01"
    assert listed["wi2013_opgelegd"]["shown"] == "196.530"
    assert listed["wi2013_verandering_nog_plichtig"]["shown"] == "7.503"
    assert all(row["meaning"] for row in listed.values())


def test_figures_of_an_unknown_brief_is_a_usage_error():
    run = kerncijfers("figures", "2023-1")
    assert run.returncode == 2 and run.stdout == ""
    assert "No brief '2023-1' in briefs.yml; did you mean '2023-12'?" in run.stderr


def test_a_sentence_added_with_a_listed_name_shows_the_figure_as_listed(listed, brief, validated, tmp_path):
    text = TEXT.read_text(encoding="utf-8") + (
        "\n<!-- zin: nieuw | Een nieuwe zin -->\n"
        "Op {{ wi2013_vervallen | datum }} was bij {{ wi2013_vervallen }} personen de plicht vervallen.\n"
    )
    sentences = tekstcijfers(validated, with_text(brief, tmp_path, text))
    assert sentences[-1].id == "nieuw"
    assert sentences[-1].text == f"Op 1 oktober 2023 was bij {listed['wi2013_vervallen']['shown']} personen de plicht vervallen."
    assert listed["wi2013_vervallen"]["shown"] == "10.029"
    assert sentences[-1].figures == {"wi2013_vervallen": "10.029"}


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("Er zijn {{ bestaat_niet }} personen.", "line 4: unknown figure 'bestaat_niet'; kerncijfers figures <brief> lists every name"),
        ("Per {{ pip_pct | datum }}:\nhad {{ pip_pctt }} een PIP.", "line 5: unknown figure 'pip_pctt'; did you mean pip_pct"),
        ("Er zijn {{ pip_aantal | }} personen.", "line 4: expected token 'name', got 'end of print statement'"),
        ("Er zijn {{ pip_aantal | verdubbel }} personen.", "line 4: No filter named 'verdubbel'"),
        ("{% if pip_pct is nul %}Geen.", "line 4: Unexpected end of template"),
    ],
)
def test_a_mistake_in_the_text_is_refused_naming_file_and_line(brief, validated, tmp_path, sentence, message):
    text = "# Kop\n\n<!-- zin: fout | Fout -->\n" + sentence + "\n"
    with pytest.raises(TextError) as refused:
        tekstcijfers(validated, with_text(brief, tmp_path, text))
    assert str(refused.value).startswith(f"{tmp_path / 'tekst.md'}, {message}")
    assert "\n" not in str(refused.value)


def test_python_is_not_reachable_from_the_text(brief, validated, tmp_path):
    text = "{{ pip_pct.__class__.__mro__ }}\n"
    with pytest.raises(TextError, match="line 1"):
        tekstcijfers(validated, with_text(brief, tmp_path, text))


def test_new_brief_adds_the_entry_and_copies_the_text(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "briefs", data / "briefs")
    shutil.copy(ROOT / "data" / "briefs.yml", data / "briefs.yml")
    (data / "raw").mkdir()
    before = (data / "briefs.yml").read_text(encoding="utf-8")
    run = kerncijfers("new-brief", "2024-06", "--from", "2023-12", "--titel", "Uitvoeringsbrief inburgering juni 2024",
                      "--datum", "2024-06-20", "--kamerstuk", "32 824, nr. 420", "--peildatum", "2024-05-01",
                      "--cutoff", "2024-05-01", "--data-dir", str(data))
    assert run.returncode == 0, run.stderr
    after = (data / "briefs.yml").read_text(encoding="utf-8")
    assert after.startswith(before)  # the comments and the existing entry stay as they were
    assert yaml.safe_load(after)["briefs"][-1] == {
        "slug": "2024-06", "titel": "Uitvoeringsbrief inburgering juni 2024", "datum": __import__("datetime").date(2024, 6, 20),
        "kamerstuk": "32 824, nr. 420", "peildatum": __import__("datetime").date(2024, 5, 1), "cutoff": __import__("datetime").date(2024, 5, 1),
    }
    assert (data / "briefs" / "2024-06" / "tekst.md").read_bytes() == TEXT.read_bytes()
    [old, new] = load_briefs(data / "briefs.yml")
    assert new.tekst == str(data / "briefs" / "2024-06" / "tekst.md") and new.tekst_sha256 == old.tekst_sha256

    again = kerncijfers("new-brief", "2024-06", "--from", "2023-12", "--titel", "x", "--datum", "2024-06-20", "--kamerstuk", "x",
                        "--peildatum", "2024-05-01", "--cutoff", "2024-05-01", "--data-dir", str(data))
    assert again.returncode == 2 and "a brief '2024-06' exists already" in again.stderr
    assert (data / "briefs.yml").read_text(encoding="utf-8") == after
    unknown = kerncijfers("new-brief", "2024-12", "--from", "2023-06", "--titel", "x", "--datum", "2024-12-20", "--kamerstuk", "x",
                          "--peildatum", "2024-10-01", "--cutoff", "2024-10-01", "--data-dir", str(data))
    assert unknown.returncode == 2 and "no brief '2023-06' in briefs.yml" in unknown.stderr
    assert not (data / "briefs" / "2024-12").exists()
    # No terminal to ask the missing options (a script, CI): a usage error, and briefs.yml as it was.
    unasked = kerncijfers("new-brief", "2025-06", "--from", "2023-12", "--data-dir", str(data), input="")
    assert unasked.returncode == 2 and "pass it as an option" in unasked.stderr
    assert (data / "briefs.yml").read_text(encoding="utf-8") == after and not (data / "briefs" / "2025-06").exists()


def test_editing_the_text_makes_the_brief_stale():
    """build.brief_keys hashes each brief's entry: the text's checksum is part of it."""
    [brief] = load_briefs(ROOT / "data" / "briefs.yml")
    assert brief.tekst_sha256 in repr(brief)
    import hashlib

    assert brief.tekst_sha256 == hashlib.sha256(TEXT.read_bytes()).hexdigest()


def test_a_build_with_an_unknown_name_in_the_text_exits_1_and_publishes_nothing(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    shutil.copy(ROOT / "data" / "briefs.yml", data / "briefs.yml")
    text = data / "briefs" / "2023-12" / "tekst.md"
    text.parent.mkdir(parents=True)
    lines = TEXT.read_text(encoding="utf-8").splitlines()
    line = next(i for i, s in enumerate(lines, start=1) if s.startswith("Op {{ wi2021_in_azc"))
    lines[line - 1] = lines[line - 1].replace("{{ wi2021_in_azc }}", "{{ bestaat_niet }}")
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    run = kerncijfers("build", "--data-dir", str(data), "--out-dir", str(out))
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{text}, line {line}: unknown figure 'bestaat_niet'" in run.stderr
    assert "Nothing was published" in run.stderr
    assert not (data / "validated").exists() and not out.exists()


DATE = r"\b\d{1,2} (?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}\b"
NUMBER = r"\d[\d.,]*"


def test_every_number_of_the_text_is_a_catalogue_figure_with_a_record_or_written_in_the_text(brief, validated, repo_root):
    """No number reaches "Cijfers voor de tekst" except a catalogue figure (with its provenance record) or the analyst's own words."""
    import re

    from kerncijfers.catalogue.text import blocks
    from kerncijfers.catalogue.definitions import DEFINITIONS

    from kerncijfers.catalogue.evaluate import evaluate

    sources = {b.id: b.source for b in blocks(TEXT, set(DEFINITIONS))}
    sentences = tekstcijfers(validated, brief, repo_root / "data" / "raw")
    # Labels, not figures: the cohorts and years the filters cohort and jaar give.
    catalogue = evaluate(validated, brief)
    labels = {str(c.extra["cohort"]) for c in catalogue.figures.values() if "cohort" in c.extra}
    labels |= {str(c.peildatum.year) for c in catalogue.figures.values()}
    for s in sentences:
        assert set(s.provenance) == set(s.figures), s.id
        rest = re.sub(DATE, " ", s.text)  # dates come from the figures' peildata (filters datum, sinds, periode)
        for bron in {str(c.extra["bron"]) for c in catalogue.figures.values() if "bron" in c.extra}:
            rest = rest.replace(bron, " ")  # the delivered source of a figure (filter bron), not a figure
        for shown in sorted(s.figures.values(), key=len, reverse=True):
            assert shown in rest, (s.id, shown)
            rest = rest.replace(shown, " ", 1)
        written = {n.rstrip(".,") for n in re.findall(NUMBER, re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", sources[s.id]))}
        strays = [n.rstrip(".,") for n in re.findall(NUMBER, rest) if n.rstrip(".,") not in written | labels]
        assert strays == [], (s.id, strays)
