"""Notebooks share one kernel, but not their variables."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from kerncijfers.notebooks import NotebookFailed, kernel_session


def _notebook(path, *sources):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _printed(path) -> str:
    nb = nbformat.read(path, 4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_a_variable_of_one_notebook_is_gone_in_the_next_but_modules_stay(tmp_path):
    reset = "from kerncijfers.notebooks import reset_namespace\nreset_namespace()"
    first = _notebook(tmp_path / "first.ipynb", reset, "import json, os\nsecret = 42\nprint(os.getpid())")
    second = _notebook(tmp_path / "second.ipynb", reset, "import sys, os\nassert 'json' in sys.modules\nprint(os.getpid())", "secret")
    failure = None
    with kernel_session(tmp_path) as run:
        run(first, tmp_path / "out1.ipynb", {})
        try:
            run(second, tmp_path / "out2.ipynb", {})
        except NotebookFailed as exc:
            failure = exc
    assert failure is not None and failure.ename == "NameError" and "secret" in failure.evalue
    # Same process: the kernel was reused, and its module cache with it.
    assert _printed(tmp_path / "out1.ipynb").strip() == _printed(tmp_path / "out2.ipynb").split()[0]


def test_the_warm_up_has_run_when_the_first_notebook_starts(tmp_path):
    """The warm-up's imports are in the kernel before the first cell, every time, not only when it is quick enough."""
    probe = _notebook(
        tmp_path / "probe.ipynb",
        "import sys\nprint(sorted(m for m in ('kerncijfers.rules', 'kerncijfers.thresholds') if m in sys.modules))\n"
        "print(sys.modules.get('rfc3987_syntax', 'imported') is None)",
    )
    for i in range(3):  # a warm-up sent as a request was lost in some sessions, and hung the next one
        with kernel_session(tmp_path, warm=("importlib.import_module", "kerncijfers.thresholds")) as run:  # which imports rules
            run(probe, tmp_path / f"probe-{i}.ipynb", {})
        assert _printed(tmp_path / f"probe-{i}.ipynb").split("\n")[:2] == ["['kerncijfers.rules', 'kerncijfers.thresholds']", "True"]
