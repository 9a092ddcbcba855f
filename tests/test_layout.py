"""The source tree reads as the data flows: no import circles, no module too long to read in one sitting.

Every module under src/ is parsed with `ast` (nothing is imported). An import inside a function
counts; one under `if TYPE_CHECKING:` does not. `KNOWN_CIRCLES` and `KNOWN_LONG` list what other
work is still splitting: each entry is expected to go, and the test fails once it has gone, so the
lists only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_LINES = 400

#: Import circles still open, each as its sorted modules.
KNOWN_CIRCLES: set[tuple[str, ...]] = set()
#: Modules still over MAX_LINES: none; the test keeps it so.
KNOWN_LONG: set[str] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project's modules `name` imports anywhere in its file, outside `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node) for n in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan), each as its sorted modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.add(tuple(sorted(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_circle_finder_finds_a_circle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == {("a", "b", "c")}


def test_imports_are_read_in_functions_but_not_under_type_checking(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kerncijfers import b\n"
        "def f():\n    from kerncijfers.c import x\n"
    )
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    modules = {"kerncijfers.a": tmp_path / "a.py", "kerncijfers.b": Path(), "kerncijfers.c": Path()}
    assert _imports(tmp_path / "a.py", "kerncijfers.a", modules) == {"kerncijfers.c"}


def test_no_import_circles():
    circles = _circles(_graph())
    assert circles - KNOWN_CIRCLES == set(), "new import circles"
    assert KNOWN_CIRCLES - circles == set(), "circles gone: remove them from KNOWN_CIRCLES"


def test_no_module_over_400_lines():
    long = {name for name, path in _modules().items() if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long - KNOWN_LONG == set(), f"modules over {MAX_LINES} lines: split them along their concerns"
    assert KNOWN_LONG - long == set(), "modules now short enough: remove them from KNOWN_LONG"


def test_a_package_is_not_imported_back_by_its_own_modules():
    graph = _graph()
    packages = {name for name, path in _modules().items() if path.name == "__init__.py" and name != "kerncijfers"}
    back = sorted((m, p) for p in packages for m, targets in graph.items() if m.startswith(p + ".") and p in targets)
    assert back == []
