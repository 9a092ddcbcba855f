"""Which steps a full build has, each keyed by a content hash of every input it reads.

A step is one delivery validated (`validate:<peildatum>`) or the report (`report`). Its key
covers the raw files, the suites, the notebooks, the package source, the lock file and its
parameters: a step whose key is as the last build recorded it need not run (`state`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kerncijfers.build.errors import BuildFailed
from kerncijfers.paths import Layout

VALIDATE_NOTEBOOK = "validate_delivery.ipynb"


@dataclass
class Step:
    id: str  # "validate:2023-10-01", "report"
    kind: str  # "validate" or "report"
    key: str  # content hash of every input
    params: dict = field(default_factory=dict)


def file_digest(path: Path) -> bytes:
    """SHA-256 of a file, read in blocks: a huge stray file costs no memory."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def _hash_files(paths, base: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(file_digest(p))
    return h.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def code_hash(layout: Layout, *, report: bool) -> str:
    """The package source and the locked environment a step runs on.

    Validation never imports `kerncijfers.report`, so `report=False` leaves that subpackage out:
    editing the report reruns the report, not every delivery.
    """
    src = layout.root / "src" / "kerncijfers"
    files = [
        p for p in src.rglob("*")
        if p.is_file() and p.suffix in (".py", ".css", ".html", ".js", ".json", ".j2", ".tpl", ".yml")
        and (report or "report" not in p.relative_to(src).parts)
    ]
    lock = layout.root / "requirements.lock"
    extra = [lock] if lock.exists() else []
    return _hash(_hash_files(files, layout.root), _hash_files(extra, layout.root) if extra else "")


def delivery_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def plan(layout: Layout) -> list[Step]:
    """Every step of a full build, each with the hash of its inputs, in execution order."""
    code = code_hash(layout, report=False)
    suites = _hash_files(list(layout.expectations.glob("*.json")), layout.root)
    notebook = _hash_files([layout.notebooks / VALIDATE_NOTEBOOK], layout.root)
    peildata = sorted(p.name for p in layout.raw.iterdir() if (p.is_dir() or p.is_symlink())) if layout.raw.is_dir() else []
    folder_hashes = {}
    for p in peildata:
        folder = layout.raw / p
        try:
            folder_hashes[p] = _hash_files(delivery_files(folder), layout.raw) if folder.is_dir() else "unreadable"
        except OSError:
            folder_hashes[p] = "unreadable"
    steps = []
    for i, p in enumerate(peildata):
        # Plausibility checks read earlier deliveries, so they are inputs too.
        earlier = "".join(folder_hashes[q] for q in peildata[:i])
        steps.append(Step(f"validate:{p}", "validate", _hash(code, suites, notebook, folder_hashes[p], earlier, p), {"peildatum": p}))
    validated_key = _hash(*(s.key for s in steps))
    briefs = layout.briefs.read_bytes().decode() if layout.briefs.exists() else ""
    published = _hash_files([p for p in layout.published.rglob("*") if p.is_file()], layout.published) if layout.published.is_dir() else ""
    # The report also reads the Quarto project: _quarto.yml and the page templates in site/.
    site = [layout.root / "_quarto.yml", *(p for p in (layout.root / "site").rglob("*") if p.is_file())]
    report_inputs = _hash_files([p for p in layout.notebooks.glob("*.ipynb")] + [p for p in site if p.exists()], layout.root)
    from kerncijfers.report.quarto import RenderFailed, renderer_key  # which renderer: installing Quarto renders again

    try:
        renderer = renderer_key()
    except RenderFailed as exc:
        raise BuildFailed([str(exc)]) from None
    shared = _hash(code_hash(layout, report=True), report_inputs, published, renderer)
    records = sorted(k for folder in sorted((layout.data_dir / "briefs").glob("*")) for k in approval_key(layout, folder.name))
    steps.append(Step("report", "report", _hash(shared, validated_key, briefs, *records), {"shared": shared}))
    return steps


def approval_key(layout: Layout, slug: str) -> list[str]:
    """What a brief's key takes from its approval record: its bytes (staged during a revision); nothing for a concept.

    The pages show the approval (report.vaststelling), so approving or withdrawing renders the brief again.
    """
    for path in (layout.staged_approval_record(slug), layout.approval_record(slug)):
        if path.is_file():
            return [hashlib.sha256(path.read_bytes()).hexdigest()]
    return []


def brief_keys(layout: Layout, steps: list[Step]) -> dict:
    """What each brief's pages are made of, hashed, and what the site's navigation is made of.

    A brief's key covers the report's code and Quarto project (the report step's shared
    inputs), its entry in briefs.yml, and the deliveries up to its cut-off: a new delivery
    after that changes nothing in its pages. The site key covers every brief's entry: the
    sidebar of every page lists them all.
    """
    from kerncijfers.brief import load_briefs

    shared = next(s for s in steps if s.kind == "report").params["shared"]
    validated = [(s.params["peildatum"], s.key) for s in steps if s.kind == "validate"]
    briefs = load_briefs(layout.briefs)
    keys = {b.slug: _hash(shared, repr(b), *(key for p, key in validated if p <= b.cutoff.isoformat()), *approval_key(layout, b.slug))
            for b in briefs}
    return {"briefs": keys, "site": _hash(shared, *(repr(b) for b in briefs))}
