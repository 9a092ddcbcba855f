"""The `kerncijfers` command line: `main` runs it (the `kerncijfers` command, `python -m kerncijfers`).

`app.py` holds the typer app and what the commands share; each module beside it registers one group of
commands on it. Importing them here, in the order `--help` lists them, registers every command before
`main` can run.
"""

from kerncijfers.cli import build, review, approval, text, tools  # noqa: F401  (registers the commands)
from kerncijfers.cli.app import main

__all__ = ["main"]
