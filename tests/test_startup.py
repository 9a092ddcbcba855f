"""kerncijfers.startup: jsonschema skips only the IRI grammars, and still validates what we use."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
{setup}
import jsonschema, nbformat, altair as alt
checkers = jsonschema.Draft7Validator.FORMAT_CHECKER.checkers
print("iri" in checkers, "date" in checkers, "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is not None)
nbformat.validate(nbformat.read("notebooks/brief.ipynb", 4))
alt.Chart(alt.Data(values=[{{"a": 1}}])).mark_bar().encode(x="a:Q").to_dict(validate=True)
try:
    alt.Chart(alt.Data(values=[])).mark_bar().encode(x=alt.X("a:Q", bin="nonsense")).to_dict(validate=True)
except Exception as exc:
    print(type(exc).__name__)
"""


def _run(setup: str, repo_root) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], cwd=repo_root, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_without_the_iri_grammars_other_formats_and_schemas_still_validate(repo_root):
    skipped = _run("from kerncijfers.startup import skip_iri_grammars; skip_iri_grammars()", repo_root)
    assert skipped == ["False", "True", "False", "SchemaValidationError"]


def test_the_grammars_are_there_without_it(repo_root):
    """rfc3987-syntax is installed (Jupyter brings it), so skipping it is what makes the difference."""
    assert _run("", repo_root) == ["True", "True", "True", "SchemaValidationError"]
