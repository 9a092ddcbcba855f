"""The toegankelijkheidsverklaring (`toegankelijkheid.html`): what the site can honestly claim, and why.

Dutch government websites must publish an accessibility statement (Besluit digitale
toegankelijkheid overheid), linked from every page: here from the footer of both renderers
(`_quarto.yml`, `website.page-footer`; the preview reads the same setting). Its parts:

- who publishes the site and whom to ask: `publicatie.yml` (report.publication);
- the success criteria a person must check, with who checked them and when:
  `site/toegankelijkheid-handmatig.yml`, kept by hand in the repository;
- the machine check: `site/toegankelijkheid-resultaten.json`, written by the browser tests
  (tests/browser): per renderer and page the axe version, rule set, result and the SHA-256 of
  the page's HTML as tested. The statement page itself is not tested nor hashed, so what it
  says cannot change what it reports on.

The page is written in two steps, so `make report` needs no browser: `write_page` writes
`toegankelijkheid.qmd` into the Quarto project with a placeholder, the renderer renders it like
any page, and `fill_machine_check` replaces the placeholder in the rendered HTML with one row
per page, hashing each page as built: a result is shown only for a page whose HTML is the one
that was tested; a page changed since is listed as "nog niet opnieuw getest".
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import string
from pathlib import Path

import yaml

from kerncijfers.report.publication import publication

PAGE = "toegankelijkheid.qmd"
HTML_PAGE = "toegankelijkheid.html"
CHECKLIST = "toegankelijkheid-handmatig.yml"
RESULTS = "toegankelijkheid-resultaten.json"
#: Where the machine check goes in the rendered page: a raw HTML block the renderers pass untouched.
PLACEHOLDER = '<div id="machinale-toets"><p>De uitslag van de automatische toets wordt na het bouwen ingevoegd.</p></div>'

#: digitoegankelijk.nl's statuses, from A (voldoet volledig) to E (geen verklaring).
STATUSES = {
    "A": "voldoet volledig",
    "B": "voldoet gedeeltelijk",
    "C": "eerste maatregelen genomen",
    "D": "geen maatregelen genomen",
    "E": "niet gepubliceerd",
}


def content_hash(page: Path) -> str:
    """The SHA-256 of a rendered page as the browser tests record it."""
    return "sha256:" + hashlib.sha256(Path(page).read_bytes()).hexdigest()


def checked_pages(site: Path) -> list[str]:
    """The pages the machine check covers: every HTML page but the statement and the table fragments in exports/."""
    site = Path(site)
    return [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*.html"))
        if "exports" not in p.relative_to(site).parts and p.relative_to(site).as_posix() != HTML_PAGE
    ]


def load_checklist(root: Path) -> dict:
    return yaml.safe_load((Path(root) / "site" / CHECKLIST).read_text(encoding="utf-8")) or {}


def load_results(root: Path) -> dict:
    path = Path(root) / "site" / RESULTS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def status(checklist: dict) -> str:
    """The status the site can claim: A or B only after a full evaluation by an expert (`onderzoek`), else C."""
    onderzoek = checklist.get("onderzoek")
    if onderzoek and onderzoek.get("uitslag") in ("A", "B"):
        return onderzoek["uitslag"]
    return "C"


def write_page(root: Path, out_dir: Path, banner: str = "") -> Path:
    """Write `toegankelijkheid.qmd` into the Quarto project `out_dir` from `site/toegankelijkheid.qmd` and the checklist.

    `banner`: HTML above the text, as on every page of a site built from fictitious data.
    """
    settings = publication()
    checklist = load_checklist(root)
    code = status(checklist)

    def value(text) -> str:
        return str(text if text not in (None, "") else "–").replace("\n", " ")

    # A list, not a table: it reads on a phone without scrolling sideways.
    rows = [
        f"- **{value(item.get('criterium'))}**: {value(item.get('wat'))} Uitslag: {value(item.get('uitslag'))}; "
        f"door: {value(item.get('door'))}; wanneer: {value(item.get('wanneer'))}."
        for item in checklist.get("handmatig", [])
    ]
    exceptions = "\n".join(f"- {e}" for e in checklist.get("uitzonderingen", [])) or "Geen bekende uitzonderingen."
    onderzoek = checklist.get("onderzoek")
    values = {
        "uitgever": settings.uitgever,
        "status": f"{code}: {STATUSES[code]}",
        "status_toelichting": checklist.get("status_toelichting", "").strip(),
        "onderzoek": (f"{onderzoek['door']}, {onderzoek['wanneer']}: {onderzoek['rapport']}" if onderzoek else
                      "Er is nog geen volledig onderzoek naar alle succescriteria van WCAG 2.1 door een onafhankelijke deskundige gedaan."),
        "handmatig": "\n".join(rows),
        "uitzonderingen": exceptions,
        "machinale_toets": PLACEHOLDER,  # an HTML block: pandoc and the preview pass it through as it is
        "contact_naam": settings.contact_naam,
        "contact_email": settings.contact_email,
    }
    template = string.Template((Path(root) / "site" / PAGE).read_text(encoding="utf-8"))
    text = template.substitute(values)
    if banner:
        front, sep, body = text.partition("\n---\n")
        text = f"{front}{sep}\n{banner}\n{body}"
    target = Path(out_dir) / PAGE
    target.write_text(text, encoding="utf-8", newline="\n")
    return target


def machine_check_html(site: Path, results: dict, renderer: str) -> str:
    """One row per tested page: the recorded result if the page is as tested, else that it awaits a new check."""
    e = html.escape
    recorded = results.get("paginas", {}).get(renderer, {})
    rules = ", ".join(results.get("regels", []))
    rows = []
    for name in checked_pages(site):
        result = recorded.get(name)
        current = content_hash(Path(site) / name)
        if result is None:
            verdict, attrs = "nog niet getest", ""
        elif result["inhoud"] != current:
            verdict, attrs = "nog niet opnieuw getest: de pagina is gewijzigd sinds de laatste toets", ""
        else:
            found = result["overtredingen"]
            verdict = "geen problemen gevonden" if not found else f"{len(found)} soort(en) problemen: {', '.join(found)}"
            attrs = f' data-inhoud="{e(result["inhoud"])}"'  # the claim and what it rests on
        rows.append(f'<tr{attrs}><th scope="row">{e(name)}</th><td>{e(verdict)}</td></tr>')
    head = (f"<p>Getoetst met axe-core {e(results.get('axe', '?'))} in Chromium, regels: {e(rules or '–')}.</p>"
            if results else "<p>De automatische toets is nog niet uitgevoerd.</p>")
    table = ('<table class="cijfers"><caption>Uitslag van de automatische toets per pagina</caption>'
             '<thead><tr><th scope="col">Pagina</th><th scope="col">Uitslag</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    return f'<div id="machinale-toets">{head}\n<div class="scroll brede-tabel" role="region" tabindex="0" aria-label="Uitslag van de automatische toets per pagina">{table}</div></div>'


def fill_machine_check(root: Path, site: Path, renderer: str) -> None:
    """Put the machine check into the rendered statement page of `site` (built by `renderer`: quarto or preview)."""
    page = Path(site) / HTML_PAGE
    text = page.read_text(encoding="utf-8")
    # Pandoc re-indents the placeholder's HTML, the preview keeps it: find the element, not its bytes.
    found = _PLACED.search(text)
    if found is None:
        raise ValueError(f"{page}: the placeholder of the machine check is missing; was {PAGE} rendered from site/{PAGE}?")
    block = machine_check_html(site, load_results(root), renderer)
    page.write_text(text[: found.start()] + block + text[found.end():], encoding="utf-8", newline="\n")


_PLACED = re.compile(r'<div id="machinale-toets">\s*<p>\s*De uitslag van de automatische toets wordt na het bouwen ingevoegd\.\s*</p>\s*</div>')
