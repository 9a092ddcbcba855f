"""The command line as an analyst meets it: wrong input is one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def kerncijfers(*args: str, cwd, path: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kerncijfers", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={"COLUMNS": "80", "PATH": path, "NO_COLOR": "1"},
    )


BAD_INPUT = [
    # (arguments, what the one line says)
    (("check-published", "nope"), "no letter 'nope' in "),
    (("check-published", "--data-dir", "/nonexistent/data"), "--data-dir /nonexistent/data: no such folder"),
    (("check-published", "--all", "../kst-32824-408"), "no letter '../kst-32824-408' in "),
    (("template", "2024-13-45"), "peildatum 2024-13-45 is not a date: month must be in 1..12. Write it as YYYY-MM-DD"),
    (("template", "1 mei 2024"), "peildatum '1 mei 2024' is not written as YYYY-MM-DD"),
    (("template", "2024-05-01", "--format", "pdf"), "--format pdf: choose csv or xlsx."),
    (("template", "2024-05-01", "--format"), "Option '--format' requires an argument."),
    (("validate", "2024-02-30"), "peildatum 2024-02-30 is not a date: day is out of range for month"),
    (("validate", "../outside"), "peildatum '../outside' is not written as YYYY-MM-DD"),
    (("validate", "1999-01-01"), "no delivery folder "),
    (("validate", "2023-10-01", "--data-dir", "/nonexistent/data"), "--data-dir /nonexistent/data: no such folder"),
    (("validate",), "Missing argument 'peildatum'."),
    (("build", "--data-dir", "/nonexistent/data"), "--data-dir /nonexistent/data: no such folder"),
    (("diff", "2023-10-01", "2099-01-01"), "no validated delivery 2099-01-01 in "),
    (("diff", "2023-10-01"), "Give two peildata"),
    (("diff", "--against", "no-such-ref"), "--against no-such-ref: No such file or directory: git (git is needed to read a ref"),  # no git on PATH
    (("nope",), "No such command 'nope'."),
    (("validate", "2023-10-01", "--bogus"), "No such option: --bogus"),
]


@pytest.mark.parametrize(("args", "says"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_code_2(repo_root, tmp_path, args, says):
    args = tuple(str(tmp_path / a.removeprefix("/nonexistent/")) if a.startswith("/nonexistent/") else a for a in args)
    says = says.replace("/nonexistent/data", str(tmp_path / "data"))
    proc = kerncijfers(*args, cwd=repo_root)
    output = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 2, output
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    assert says in output


def test_an_unknown_git_ref_is_one_line(repo_root):
    import os
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")  # the case without git is in BAD_INPUT
    proc = kerncijfers("diff", "--against", "no-such-ref", cwd=repo_root, path=os.environ["PATH"])
    output = (proc.stdout + proc.stderr).strip()
    assert (proc.returncode, len(output.splitlines())) == (2, 1), output
    assert "no-such-ref is neither a folder nor a git ref" in output


def test_help_shows_no_type_after_a_flag(repo_root):
    proc = kerncijfers("check-published", "--help", cwd=repo_root)
    assert proc.returncode == 0
    assert "<bool>" not in proc.stdout
    assert "  --all  " in proc.stdout


def test_check_published_prints_every_cell_in_full(repo_root):
    proc = kerncijfers("check-published", "kst-32824-408", cwd=repo_root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "kst-32824-408: 9 inconsistencies in 293 checks"
    # Nothing cut at 80 columns: the longest rule and the likely wrong cell are there in full.
    assert "Tabel 2\t2018, Totaal, Voldaan\t10.822\t12.212\twaarde\tTotaal is Asiel plus Gezin & Overig\t" \
           "waarschijnlijk één foute cel: 2018, Totaal, Voldaan; met 12.212 kloppen" in proc.stdout
    assert max(len(line) for line in lines) > 80


def test_validate_counts_tables_as_the_report_does(repo_root):
    proc = kerncijfers("validate", "2023-10-01", cwd=repo_root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Delivery 2023-10-01 accepted: 87 rules over 4 tables and 1 cross-table check, 0 warnings."


def test_the_report_counts_the_cross_table_check_apart(repo_root):
    import json

    from kerncijfers.report.site import _overview_row

    summary = json.loads((repo_root / "data/validated/2023-10-01/validatie.json").read_text(encoding="utf-8"))
    row = _overview_row("2023-10-01", summary)
    assert (row["Tabellen"], row["Aansluitingen"], row["Controles"]) == ("4", "1", "87")


def _exit_codes_by_command(repo_root) -> dict[str, set[int]]:
    """Each command's name and the codes of the `typer.Exit(<code>)` in its function, read from every module of the CLI."""
    import ast

    import importlib

    shared = importlib.import_module("kerncijfers.cli.app")

    out: dict[str, set[int]] = {}
    for path in sorted((repo_root / "src/kerncijfers/cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            codes = set()
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "Exit" and call.args:
                    arg = call.args[0]
                    codes.add(arg.value if isinstance(arg, ast.Constant) else getattr(shared, arg.id))
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and getattr(deco.func, "attr", None) == "command":
                    name = deco.args[0].value if deco.args else node.name.replace("_", "-")
                    out[name] = codes
            if not any(getattr(getattr(d, "func", None), "attr", None) == "command" for d in node.decorator_list):
                out[f"helper:{path.stem}.{node.name}"] = codes
    return out


def test_every_exit_code_the_cli_uses_is_in_the_readme(repo_root):
    """Each `typer.Exit(<code>)` in the CLI is a row of the README's exit-code table; the commands that exit 3 say so in --help."""
    import re

    by_command = _exit_codes_by_command(repo_root)
    used = set().union(*by_command.values())
    documented = {int(c) for c in re.findall(r"^\| (\d) \|", (repo_root / "README.md").read_text(encoding="utf-8"), re.M)}
    assert used == {1, 2, 3}
    assert used | {0} == documented
    locked = sorted(name for name, codes in by_command.items() if 3 in codes)
    assert locked == ["approve", "build", "verify"]
    row = next(line for line in (repo_root / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| 3 |"))
    for name in locked:
        assert f"`{name}`" in row, f"the README's exit code 3 does not name {name}"
        proc = kerncijfers(name, "--help", cwd=repo_root)
        assert re.search(r"\b3 when a(nother)? build", " ".join(proc.stdout.split())), f"{name} --help does not say it exits 3"
