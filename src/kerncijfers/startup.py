"""What a kerncijfers process does before its heavy imports: the build, and both of its kernels."""

from __future__ import annotations

import sys


def skip_iri_grammars() -> None:
    """Keep jsonschema from compiling rfc3987-syntax's IRI grammars at import: about 1 s per process.

    jsonschema imports rfc3987_syntax, when it is installed (Jupyter's jsonschema[format-nongpl]
    brings it), only to check the formats "iri" and "iri-reference"; importing it builds some 40
    Lark parsers (python-jsonschema/jsonschema#1428). Great Expectations, Altair and nbformat all
    import jsonschema, so each process of a build paid for it. No schema they validate here uses
    those two formats. Marked absent, the module is skipped as when it is not installed, and
    jsonschema checks every other format as before. Does nothing once jsonschema is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
