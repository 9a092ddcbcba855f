"""The committed suites and contract document are what schema.py generates: they cannot drift."""

import json

from kerncijfers.contract import contract_markdown
from kerncijfers.store import dumps
from kerncijfers.suites import all_suites


def test_committed_suites_equal_the_generated_ones(repo_root):
    suites = all_suites()
    committed = {p.stem for p in (repo_root / "expectations").glob("*.json")}
    assert committed == set(suites)
    for name, suite in suites.items():
        assert (repo_root / "expectations" / f"{name}.json").read_text(encoding="utf-8") == dumps(suite), (
            f"expectations/{name}.json is out of date: run `kerncijfers suites`"
        )


def test_suites_carry_no_ids_or_timestamps(repo_root):
    for path in (repo_root / "expectations").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert '"id"' not in text and "run_time" not in text, path.name
        assert all(e["severity"] in ("critical", "warning") for e in json.loads(text)["expectations"])


def test_contract_document_equals_the_generated_one(repo_root):
    committed = (repo_root / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    assert committed == contract_markdown(), "data/raw/README.md is out of date: run `kerncijfers contract`"
    assert "`peildatum,cohort,doelgroep,totaal,voldaan,ontheven,nog_plichtig,voldaan_pct,ontheven_pct,nog_plichtig_pct`" in committed
