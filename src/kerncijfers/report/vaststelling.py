"""What the pages show of a brief's approval (kerncijfers.approval): on every page, in both renderers and in Word.

- Approved: "Vastgesteld op <datum> door <naam> (<rol>)" and the fingerprint of the manifest.
- Never approved, or withdrawn: "Concept: nog niet vastgesteld", so a draft is never taken for
  the figures Parliament received.
- Revised: the brief is no longer approved; a "Herzieningen" section gives each revision's date,
  reason and every changed figure old → new, and each changed table cell carries "[r]".

The notebook's `vaststelling` cell calls `status`, before the cells that show the tables, and
shows what it returns. The output is a raw HTML block for the pages and a raw Office Open XML
block for the Word file (pandoc keeps each for its own format; markup.unwrap_raw_html reads the
HTML one for the Quarto-free preview).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from kerncijfers import approval, formatting
from kerncijfers.paths import Layout
from kerncijfers.report.markup import raw_html

MARK = "[r]"
CONCEPT = "Concept: nog niet vastgesteld."


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
    """The approval status of the brief to show, and its tables and charts with the revised cells marked "[r]".

    Returns (tables, charts, Status): the tables and charts as given when nothing is revised.
    """
    current = _figures([*tables.values(), *charts.values(), *sentences])
    record = record_for(brief, validated_dir, data_dir)
    changes = revisions(record, current)
    pending = {c["figure"] for c in changes[-1]["changes"]} if changes and approval.status(record) == approval.REVISED else set()
    if pending:
        tables = {k: _marked(t, pending, "rows") for k, t in tables.items()}
        charts = {k: _marked(c, pending, "table") for k, c in charts.items()}
    return tables, charts, _status(record, changes)


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


def _status(record: dict | None, changes: list[dict]) -> Status:
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
        body += (f'\n<section class="herzieningen" aria-label="Herzieningen"><h2>Herzieningen</h2><ul>{"".join(items)}</ul>'
                 f'<p class="legenda">{e(legend)}</p></section>')
        paragraphs += word + [("Normal", "", legend)]
    return Status(body, tuple(paragraphs))


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
