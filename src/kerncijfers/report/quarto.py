"""Quarto, when it renders the site: which one, and running it.

Only the standard library: the build asks `renderer_key` while it plans, also when there
is nothing to do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable

#: Which renderer builds the site: "auto" (Quarto when it is on PATH), "quarto" or "preview".
RENDERER_VARIABLE = "KERNCIJFERS_RENDERER"


class RenderFailed(RuntimeError):
    """Quarto could not render the site; carries what it said."""


def quarto_path(quarto: bool | None = None) -> str | None:
    """The Quarto to render with, or None for the nbconvert preview.

    `quarto=None` follows KERNCIJFERS_RENDERER (default "auto": Quarto when it is on PATH).
    """
    choice = os.environ.get(RENDERER_VARIABLE, "auto").strip().lower() or "auto"
    if choice not in ("auto", "quarto", "preview"):
        raise RenderFailed(f"{RENDERER_VARIABLE}={choice!r}: use auto, quarto or preview")
    found = shutil.which("quarto")
    wanted = {"auto": found is not None, "quarto": True, "preview": False}[choice] if quarto is None else quarto
    if wanted and found is None:
        raise RenderFailed(
            "Quarto is not on PATH, and the report was asked to render with it: install Quarto "
            "(quarto.org, or `conda env create -f environment.yml`), or render the preview (KERNCIJFERS_RENDERER=preview)"
        )
    return found if wanted else None


def renderer_key(quarto: bool | None = None) -> str:
    """What renders the site, for the build's step key: another renderer or Quarto renders again.

    The Quarto installation is named by its resolved path and modification time, not by
    running it: `quarto --version` takes a second, and a build with nothing to do must not.
    """
    found = quarto_path(quarto)
    if found is None:
        return "preview"
    real = os.path.realpath(found)
    return f"quarto {real} {os.stat(real).st_mtime_ns}"


def quarto_version(quarto: str) -> str:
    return subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip()


#: Quarto's progress lines ("[3/9] 2023-12/index.qmd"), shown as the render goes.
_PROGRESS = re.compile(r"^\[\s*\d+/\d+\]\s")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render_quarto(quarto: str, project: Path, *, say: Callable[[str], None], epoch: int | None = None,
                  target: str | None = None) -> None:
    """`quarto render` in `project` (or of one file or folder of it): progress as it goes, its warnings said,
    its errors raised.

    Quarto's cache (`.quarto/`) is removed afterwards: it holds absolute paths and is not
    published. So is `search.json`: the site has no search (`_quarto.yml`), no page reads it,
    and Quarto updates it in an order that differs between a whole and a partial render.
    """
    env = dict(os.environ)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    process = subprocess.Popen([quarto, "render", *([target] if target else [])], cwd=project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
    said: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        line = _ANSI.sub("", line).rstrip()
        said.append(line)
        if _PROGRESS.match(line):
            say(f"quarto {line}")
        elif line.startswith(("WARNING", "ERROR")):
            say(f"quarto: {line}")
    if process.wait() != 0:
        tail = "\n".join(l for l in said[-30:] if l.strip())
        raise RenderFailed(f"quarto render failed in {project.name}/ (exit code {process.returncode}):\n{tail}")
    shutil.rmtree(project / ".quarto", ignore_errors=True)
    (project / "_site" / "search.json").unlink(missing_ok=True)
