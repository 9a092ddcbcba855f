"""What the pages show of a brief's approval (kerncijfers.approval): on every page, in both renderers and in Word.

- Approved: "Vastgesteld op <datum> door <naam> (<rol>)" and the fingerprint of the manifest.
- Never approved, or withdrawn: "Concept: nog niet vastgesteld", so a draft is never taken for
  the figures Parliament received.
- Revised: the brief is no longer approved; a "Herzieningen" section gives each revision's date,
  reason and every changed figure old → new, and each changed figure carries "[r]": in the
  tables, the charts' data and the sentences of the running text. It links every approved
  version's files, published at `<brief>/versies/<n>/` (`publish_versions`).

The brief's exports and open data carry no version: an approval is bound to their bytes, so they
cannot change with it. They point to `exports/versies.csv` (`VERSION_NOTE`), which says per figure
which version it belongs to, and to the approved versions' files.

The notebook's `vaststelling` cell calls `status`, before the cells that show the tables, and
shows what it returns. The output is a raw HTML block for the pages and a raw Office Open XML
block for the Word file (pandoc keeps each for its own format; markup.unwrap_raw_html reads the
HTML one for the Quarto-free preview).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from kerncijfers import approval, formatting
from kerncijfers.paths import Layout
from kerncijfers.report.markup import raw_html

MARK = "[r]"
CONCEPT = "Concept: nog niet vastgesteld."
#: The brief's folder of its approved versions, one subfolder per version (copied from data/briefs/<slug>/versie-<n>/).
VERSIONS_FOLDER = "versies"
#: The files of an approved version the Herzieningen section links: every figure with its value, the open data.
VERSION_LINKS = (approval.PROVENANCE, "datapackage.json")
#: What the XLSX cover sheets and the open data's datapackage.json say about versions: the same for
#: every status, as they are part of what is approved. `{versies}` is where versies.csv is, `{map}` the versions' folder.
VERSION_NOTE = ("Zodra de brief is vastgesteld, staat in {versies} bij welke versie van de brief elk cijfer hoort "
                "(vastgesteld of herzien, met het vastgestelde cijfer); de bestanden van elke vastgestelde versie "
                "staan in {map}.")


@dataclasses.dataclass(frozen=True)
class Status:
    """The cell's output: the same content as HTML (pages) and as Word paragraphs."""

    html: str
    paragraphs: tuple[tuple[str, str, str], ...]  # (style, bold lead, text)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": raw_html(self.html) + "\n" + _openxml(self.paragraphs), "text/plain": self.text}

    @property
    def text(self) -> str:
        return "\n".join(f"{lead} {text}".strip() for _, lead, text in self.paragraphs)


def _openxml(paragraphs) -> str:
    def run(text: str, bold: bool) -> str:
        props = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return f'<w:r>{props}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'

    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run(lead + " ", True) if lead else ""}{run(text, False)}</w:p>'
        for style, lead, text in paragraphs
    )
    return f"```{{=openxml}}\n{body}\n```\n"


def _date(iso: str) -> str:
    return formatting.datum(dt.date.fromisoformat(iso))


def _figures(places) -> dict[str, str]:
    return {f.id: f.shown for place in places for f in place.provenance.values()}


def record_for(brief, validated_dir: Path, data_dir: Path) -> dict | None:
    """The brief's record as this render sees it: a revising build's staged one (beside its staged validated folder) first."""
    for folder in (Path(validated_dir).parent, Path(data_dir)):
        path = folder / "briefs" / brief.slug / approval.RECORD
        if path.is_file():
            layout = Layout(root=Path.cwd(), data_dir=Path(data_dir), out_dir=Path(data_dir))
            try:
                return approval.load(layout, path)
            except approval.ApprovalError:
                return None  # shown as a concept; the build refuses to publish with it (revisions.guard)
    return None


def revisions(record: dict | None, current: dict[str, str]) -> list[dict]:
    """Each revision with its changes; those of a revision not yet approved again are computed from the figures now."""
    out = [dict(r) for r in (record or {}).get("revisions", [])]
    if out and approval.status(record) == approval.REVISED:
        base = next(v for v in record["versions"] if v["version"] == out[-1]["version"])
        out[-1]["changes"] = approval.changed_figures(base["figures"], current)
    return out


def status(brief, validated_dir, data_dir, tables: dict, charts: dict, sentences: list):
    """The approval status of the brief to show, and its tables, charts and sentences with the revised figures marked "[r]".

    Returns (tables, charts, sentences, Status): as given when nothing is revised.
    """
    current = _figures([*tables.values(), *charts.values(), *sentences])
    record = record_for(brief, validated_dir, data_dir)
    changes = revisions(record, current)
    pending = {c["figure"] for c in changes[-1]["changes"]} if changes and approval.status(record) == approval.REVISED else set()
    if pending:
        tables = {k: _marked(t, pending, "rows") for k, t in tables.items()}
        charts = {k: _marked(c, pending, "table") for k, c in charts.items()}
        sentences = [marked_sentence(z, pending) for z in sentences]
    return tables, charts, sentences, _status(record, changes, published_versions(record, Path(data_dir) / "briefs" / brief.slug))


def marked_sentence(sentence, ids: set[str]):
    """The sentence (report.sentences.Sentence) with "[r]" after each revised figure in its text and its provenance.

    A figure is marked where it stands as a whole: not inside a longer number ("940" in "2.940").
    """
    revised = [i for i in sentence.figures if i in ids]
    if not revised:
        return sentence
    text = sentence.text
    for i in revised:
        shown = sentence.figures[i]
        text = re.sub(rf"(?<![\w.,]){re.escape(shown)}(?!\w|[.,]\d)(?! \[r\])", lambda m: f"{m.group(0)} {MARK}", text)
    provenance = {k: dataclasses.replace(f, shown=f"{f.shown} {MARK}") if f.id in ids else f for k, f in sentence.provenance.items()}
    return dataclasses.replace(sentence, text=text, provenance=provenance)


def _marked(place, ids: set[str], attribute: str):
    """The table or chart with "[r]" after each revised figure: in its cells and in the button that opens its record."""
    cells = [(pos, f) for pos, f in place.provenance.items() if f.id in ids]
    if not cells:
        return place
    provenance = dict(place.provenance)
    for pos, f in cells:
        provenance[pos] = dataclasses.replace(f, shown=f"{f.shown} {MARK}")
    if attribute == "rows":
        rows = [list(r) for r in place.rows]
        for (r, c), _ in cells:
            rows[r][c] = f"{rows[r][c]} {MARK}"
        return dataclasses.replace(place, rows=rows, provenance=provenance)
    table = place.table.copy()
    for (r, c), _ in cells:
        table.iat[r, c] = f"{table.iat[r, c]} {MARK}"
    return dataclasses.replace(place, table=table, provenance=provenance)


def published_versions(record: dict | None, archive: Path) -> list[dict]:
    """The approved versions whose files are kept (data/briefs/<slug>/versie-<n>/): number, date, who, and the files to link."""
    out = []
    for v in (record or {}).get("versions", []):
        folder = Path(archive) / f"versie-{v['version']}"
        if folder.is_dir():
            files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name in VERSION_LINKS)
            out.append({"version": v["version"], "date": v["date"], "by": v["by"], "files": files})
    return out


def publish_versions(brief, data_dir: Path, folder: Path) -> list[Path]:
    """Copy every approved version's files kept beside the record into the brief's `versies/<n>/`, so the site serves them."""
    target = Path(folder) / VERSIONS_FOLDER
    if target.exists():
        shutil.rmtree(target)
    archive = Path(data_dir) / "briefs" / brief.slug
    paths = []
    for version in sorted(archive.glob("versie-*")) if archive.is_dir() else []:
        number = version.name.removeprefix("versie-")
        if number.isdigit():
            shutil.copytree(version, target / number)
            paths += sorted(p for p in (target / number).rglob("*") if p.is_file())
    return paths


def _status(record: dict | None, changes: list[dict], versions: list[dict] = ()) -> Status:
    state = approval.status(record)
    version = approval.approved_version(record)
    e = html.escape
    if state == approval.APPROVED:
        who = f"{version['by']} ({version['role']})" if version.get("role") else version["by"]
        lead, text = "Vastgesteld", f"op {_date(version['date'])} door {who}. Vingerafdruk van de vastgestelde cijfers: {version['fingerprint']}."
        css = "vaststelling vastgesteld"
    elif state == approval.REVISED:
        lead = "Herzien, nog niet opnieuw vastgesteld."
        text = (f"De cijfers zijn herzien op {_date(changes[-1]['date'])}; versie {version['version']} was vastgesteld op "
                f"{_date(version['date'])} door {version['by']} (vingerafdruk {version['fingerprint']}). Zie Herzieningen.")
        css = "vaststelling concept"
    else:
        lead, text, css = "Concept:", "nog niet vastgesteld." + (" De vaststelling is ingetrokken." if state == approval.WITHDRAWN else ""), "vaststelling concept"
    body = f'<div class="{css}" role="note"><strong>{e(lead)}</strong> {e(text)}</div>'
    paragraphs = [("Normal", lead, text)]
    if changes:
        items, word = [], [("Heading2", "", "Herzieningen")]
        for r in changes:
            listed = "".join(f"<li><code>{e(c['figure'])}</code>: {e(c['old'] or '(nieuw)')} → {e(c['new'] or '(vervallen)')}</li>" for c in r["changes"])
            head = f"Herzien op {_date(r['date'])} (na versie {r['version']}): {r['reason']}"
            items.append(f"<li>{e(head)}<ul>{listed}</ul></li>")
            word += [("Normal", "", head)] + [("Normal", "", "– " + approval.change_text(c)) for c in r["changes"]]
        legend = f"{MARK}: herzien cijfer, anders dan in de laatst vastgestelde versie."
        earlier, earlier_word = _versions_list(versions)
        body += (f'\n<section class="herzieningen" aria-label="Herzieningen"><h2>Herzieningen</h2><ul>{"".join(items)}</ul>'
                 f'<p class="legenda">{e(legend)}</p>{earlier}</section>')
        paragraphs += word + [("Normal", "", legend)] + earlier_word
    return Status(body, tuple(paragraphs))


def _versions_list(versions: list[dict]) -> tuple[str, list[tuple[str, str, str]]]:
    """The approved versions as Parliament received them, linked to their files (pages) and named (Word)."""
    if not versions:
        return "", []
    e = html.escape
    lead = "Vastgestelde versies, zoals ze zijn gepubliceerd:"
    items, word = [], [("Normal", "", lead)]
    for v in versions:
        head = f"Versie {v['version']}, vastgesteld op {_date(v['date'])} door {v['by']}"
        links = ", ".join(f'<a href="{VERSIONS_FOLDER}/{v["version"]}/{e(f)}">{e(f)}</a>' for f in v["files"])
        items.append(f"<li>{e(head)}: {links}</li>")
        word.append(("Normal", "", f"– {head}: {VERSIONS_FOLDER}/{v['version']}/ op de site"))
    return f'<p>{e(lead)}</p><ul class="versies">{"".join(items)}</ul>', word


def write_versions(out_dir: Path, brief, validated_dir: Path, data_dir: Path, places: list) -> list[Path]:
    """`exports/versies.csv` of a brief that has been approved: per figure, the version it belongs to.

    "versie 1 (vastgesteld 2026-12-07)" for a figure as approved, "herzien <datum>" for one revised
    since, with its value in the approved version. The approved version's own exports are kept
    beside the record (data/briefs/<slug>/versie-<n>/). Nothing for a concept brief.
    """
    import csv
    import io

    from kerncijfers.revisions import version_rows

    rows = version_rows(record_for(brief, validated_dir, data_dir), _figures(places))
    if not rows:
        return []
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = Path(out_dir) / approval.SHOWS_APPROVAL[0]
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return [path]
