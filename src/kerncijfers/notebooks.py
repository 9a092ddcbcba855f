"""Run papermill notebooks in a kept-alive kernel and keep their executed copies reviewable.

A papermill CLI run costs seconds before it does anything (a new kernel, new
imports, GX again). A build runs its notebooks in two kept-alive kernels instead
(one for validation, one for the report; see `build.kernels`), passing papermill
a kernel manager it does not own. Each notebook starts with
`reset_namespace()`, so no variable leaks from one notebook into the next;
imported modules stay cached, which is the point.

nbformat and papermill are imported where they are used: a build starts its kernels
first, and imports them while the kernels start.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

#: Metadata that changes on every run and would make executed notebooks undiffable.
VOLATILE_NOTEBOOK_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("execution", "papermill")
#: What every kernel calls first (kerncijfers.startup), before a warm-up or a notebook imports anything.
KERNEL_STARTUP = ("kerncijfers.startup.skip_iri_grammars",)


def call_line(function: str, *args: str) -> str:
    """The line of Python a kernel runs to call `function` (its dotted name) with `args`: a kernel takes code, not objects."""
    module, _, name = function.rpartition(".")
    return f"from {module} import {name}; {name}({', '.join(repr(str(a)) for a in args)})"


def reset_namespace() -> None:
    """Drop every variable earlier notebooks left in this kernel; imported modules stay cached.

    What `%reset -f` does for the namespace, without its garbage collection, which costs
    0,4 s per notebook once Great Expectations is loaded.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    for name in [n for n in shell.user_ns if n not in shell.user_ns_hidden and not n.startswith("_")]:
        del shell.user_ns[name]


class NotebookFailed(Exception):
    """A notebook raised: carries the exception name and message from inside the kernel."""

    def __init__(self, notebook: str, ename: str, evalue: str):
        self.notebook, self.ename, self.evalue = notebook, ename, evalue
        super().__init__(f"{notebook}: {ename}: {evalue}")


@contextlib.contextmanager
def kernel_session(cwd: Path, log: Path | None = None, warm: tuple[str, ...] | None = None):
    """Yield a function `run(input, output, parameters, shown=None)` that executes notebooks in one kernel.

    The kernel's own stderr (start-up chatter) goes to `log`, not to the analyst's terminal.
    `warm` names a function and its arguments, e.g. ("kerncijfers.pipeline.validator_for", "expectations"):
    the kernel calls it as it starts, before it answers. In its own process, on the second core,
    it pays the import cost while the build does other work.
    """
    km = _client_closing_manager()(kernel_name="python3")
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
    stream = open(log, "w") if log is not None else None
    try:
        # The warm-up runs as the kernel starts (IPython's exec_lines), before it answers the
        # first notebook. Sending it as a request from a separate client instead lost it at
        # times, or left the next kernel unanswered.
        lines = [call_line(*KERNEL_STARTUP), *([call_line(*warm)] if warm else [])]
        extra = [f"--IPKernelApp.exec_lines={line}" for line in lines]
        km.start_kernel(cwd=str(cwd), stderr=stream, stdout=stream, extra_arguments=extra)

        def run(notebook: Path, output: Path, parameters: dict, shown: dict | None = None) -> nbformat.NotebookNode:
            try:
                return execute(notebook, output, parameters, cwd=cwd, km=km, shown=shown)
            finally:
                km.close_clients()

        yield run
    finally:
        km.close_clients()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        if km._created_context and not km.context.closed:
            km.context.destroy(linger=0)
        if stream is not None:
            stream.close()


def _client_closing_manager():
    """A KernelManager that closes the clients papermill opens on a kernel it does not own.

    nbclient leaves the client of a borrowed kernel open (its sockets stay until garbage
    collection); a build runs hundreds of notebooks in a kernel and would run out of
    file descriptors.
    """
    from jupyter_client.manager import KernelManager

    class ClientClosingKernelManager(KernelManager):
        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.__dict__.setdefault("_open_clients", []).append(client)
            return client

        def close_clients(self) -> None:
            for client in self.__dict__.pop("_open_clients", []):
                client.stop_channels()

    return ClientClosingKernelManager


def execute(notebook: Path, output: Path, parameters: dict, *, cwd: Path, km=None, shown: dict | None = None) -> nbformat.NotebookNode:
    """Execute `notebook` with papermill; write the cleaned executed copy to `output` either way.

    `shown` is what the executed copy's parameters cell says instead of `parameters`: the
    folders as the project names them (display_path), not where this machine keeps them.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, cwd=str(cwd), kernel_name="python3",
            progress_bar=False, log_output=False, km=km, request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        clean_executed(output, shown)
        raise NotebookFailed(notebook.name, exc.ename, _strip_ansi(exc.evalue)) from None
    clean_executed(output, shown)
    return nbformat.read(output, as_version=4)


def clean_executed(path: Path, shown: dict | None = None) -> None:
    """Drop run-specific metadata (timings, kernel ids) and number the cells per notebook,
    so two runs give identical bytes.

    With `shown`, the injected parameters cell is rewritten with those values.
    """
    import nbformat

    if not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    if shown is not None:
        from papermill.translators import translate_parameters

        for cell in nb.cells:
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.source = translate_parameters("python3", "python", shown, "Parameters")
    for key in VOLATILE_NOTEBOOK_KEYS:
        nb.metadata.pop(key, None)
    nb.metadata.get("kernelspec", {}).pop("env", None)
    for cell in nb.cells:
        cell.pop("id", None)
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("papermill", None)
    renumber(nb)
    nb.nbformat_minor = 4  # cell ids are a 4.5 feature; without them the file does not churn
    write_notebook(nb, path)


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook as nbformat does: sorted keys, and sources as lists of lines.

    Quarto reads a source given as one string without its line breaks, so an embedded
    cell's Markdown would run together.
    """
    import nbformat

    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8", newline="\n")


def renumber(nb: nbformat.NotebookNode) -> None:
    """Number the executed code cells 1, 2, 3... per notebook.

    A build runs many notebooks in a kernel, whose counter runs on from the previous
    notebook: without this, a delivery's validatie.ipynb or a brief's notebook would change
    with what else the build ran before it (alone, in a batch, or with --force).
    """
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count


def display_path(path: Path, *bases: Path) -> str:
    """`path` relative to the first of `bases` that holds it (POSIX), else its name.

    With the repository and the data folder's parent as bases, an executed notebook or a
    message says `data/raw` or `expectations` wherever the checkout and the data live.
    """
    for base in bases:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
    return Path(path).name


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text or "")
