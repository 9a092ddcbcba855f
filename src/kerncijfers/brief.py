"""Brief metadata (`briefs.yml`): which peildatum and cut-off a letter uses.

A brief takes each table's most recent delivery up to its cut-off, plus that
table's history for the charts. The next brief is a new entry, not new code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Brief:
    slug: str
    titel: str
    datum: dt.date
    kamerstuk: str
    peildatum: dt.date
    cutoff: dt.date
    published: str | None = None
    #: Built from fictitious test data (kerncijfers.synthetic): every page shows a banner.
    fictief: bool = False
    #: The brief's text (tekst.md, see `text_path`); not part of the entry's identity, but its hash is:
    #: editing the text makes the brief's pages stale (build/plan.brief_keys hashes the entry's repr).
    tekst: str = field(default="", repr=False, compare=False)
    tekst_sha256: str = ""


#: Tables DUO delivers on their own peildata: a brief takes them up to its cut-off.
#: Every other table is taken up to the brief's peildatum.
OWN_PEILDATA = ("elip", "overige_cijfers")


def limit_for(brief: Brief, table: str) -> dt.date:
    """The last peildatum `brief` may take `table` from."""
    return brief.cutoff if table in OWN_PEILDATA else brief.peildatum


#: Where each brief's text lives, next to briefs.yml: briefs/<slug>/tekst.md.
TEXT_FILE = "tekst.md"


def text_path(briefs_yml: Path, slug: str) -> Path:
    return Path(briefs_yml).parent / "briefs" / slug / TEXT_FILE


def _text_for(path: Path, slug: str, earlier: list[str]) -> Path | None:
    """The brief's own text; else that of the latest earlier brief with one (a new brief starts from the
    previous one); else, in a data tree without texts (a test's or fictitious one), the newest text of the project."""
    for s in [slug, *reversed(earlier)]:
        if text_path(path, s).is_file():
            return text_path(path, s)
    project = Path(__file__).resolve().parents[2] / "data" / "briefs.yml"
    if project.resolve() != path.resolve() and project.is_file():
        texts = sorted((project.parent / "briefs").glob(f"*/{TEXT_FILE}"))
        return texts[-1] if texts else None
    return None


def _date(value, field: str, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{path.name}: {field} {value!r} is not a date YYYY-MM-DD") from None


def load_briefs(path: Path) -> list[Brief]:
    """All briefs, oldest first. Refuses an entry with a missing field or a cut-off before its peildatum."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    briefs = []
    # A data tree marked FICTIEF (kerncijfers.synthetic) makes every brief in it fictief.
    tree_is_fictief = (path.parent / "FICTIEF").exists()
    required = ("slug", "titel", "datum", "kamerstuk", "peildatum", "cutoff")
    for i, entry in enumerate(data.get("briefs") or [], start=1):
        missing = [f for f in required if f not in entry]
        if missing:
            raise ValueError(f"{path.name}: brief {i} lacks {', '.join(missing)}")
        brief = Brief(
            slug=str(entry["slug"]),
            titel=str(entry["titel"]),
            datum=_date(entry["datum"], "datum", path),
            kamerstuk=str(entry["kamerstuk"]),
            peildatum=_date(entry["peildatum"], "peildatum", path),
            cutoff=_date(entry["cutoff"], "cutoff", path),
            published=entry.get("published"),
            fictief=bool(entry.get("fictief", False)) or tree_is_fictief,
        )
        if brief.cutoff < brief.peildatum:
            raise ValueError(f"{path.name}: brief {brief.slug} has cutoff {brief.cutoff} before its peildatum {brief.peildatum}")
        briefs.append(brief)
    slugs = [b.slug for b in briefs]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{path.name}: duplicate slugs in {slugs}")
    briefs = sorted(briefs, key=lambda b: b.datum)
    with_text = []
    for i, brief in enumerate(briefs):
        tekst = _text_for(path, brief.slug, [b.slug for b in briefs[:i]])
        digest = hashlib.sha256(tekst.read_bytes()).hexdigest() if tekst else ""
        with_text.append(replace(brief, tekst=str(tekst or ""), tekst_sha256=digest))
    return with_text


def brief_by_slug(briefs: list[Brief], slug: str | None) -> Brief:
    """The brief named `slug`, or the latest one when `slug` is None."""
    if not briefs:
        raise ValueError("briefs.yml lists no briefs")
    if slug is None:
        return briefs[-1]
    for b in briefs:
        if b.slug == slug:
            return b
    raise ValueError(f"no brief {slug!r} in briefs.yml; known: {', '.join(b.slug for b in briefs)}")


def new_brief(path: Path, slug: str, source: str, *, titel: str, datum: dt.date, kamerstuk: str, peildatum: dt.date, cutoff: dt.date) -> Path:
    """Add brief `slug` at the end of briefs.yml and copy the text of brief `source` for it; returns the new text file.

    The entry is appended as text, so the file's comments stay; `briefs:` is the file's last key.
    Refuses (ValueError) a slug that exists, an unknown `source`, a cut-off before the peildatum.
    """
    path = Path(path)
    briefs = load_briefs(path)
    slugs = [b.slug for b in briefs]
    if slug in slugs:
        raise ValueError(f"{path.name}: a brief {slug!r} exists already; choose another slug")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug):
        raise ValueError(f"slug {slug!r}: use letters, digits, '-', '.' or '_' (it names a folder), e.g. 2024-06")
    previous = brief_by_slug(briefs, source)
    if cutoff < peildatum:
        raise ValueError(f"cutoff {cutoff} is before peildatum {peildatum}; the cut-off is the last peildatum a table may come from")
    if not previous.tekst:
        raise ValueError(f"brief {source} has no text to copy: write data/briefs/{source}/{TEXT_FILE} first")
    target = text_path(path, slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(previous.tekst).read_bytes())
    entry = {"slug": slug, "titel": titel, "datum": datum, "kamerstuk": kamerstuk, "peildatum": peildatum, "cutoff": cutoff}
    lines = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False).splitlines()
    text = path.read_text(encoding="utf-8")
    block = "\n".join("  " + line for line in lines) + "\n"
    path.write_text(text + ("" if text.endswith("\n") else "\n") + block, encoding="utf-8")
    load_briefs(path)  # the file still reads
    return target
