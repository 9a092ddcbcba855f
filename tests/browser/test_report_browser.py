"""The report site in a real browser: offline, no console errors, charts drawn, the letter's numbers, WCAG 2.1 AA.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; `.ci/run` installs it.
Without Chromium these tests fail: they are the proof that the published page works.
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Dutch government publications must meet WCAG 2.1 AA; axe's best practices are held to as well.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
#: What a reader's browser transfers: any page opened first, and each further page beyond what it holds.
FIRST_PAGE_BYTES = 300_000
FURTHER_PAGE_BYTES = 60_000
LOCAL = re.compile(r"^(file:|data:|about:|https?://(127\.0\.0\.1|localhost)(:\d+)?/)")


@pytest.fixture(scope="module", params=["preview", "quarto"])
def site(request) -> Path:
    """reports/_site as `make report` builds it from data/: the preview, and what real Quarto renders."""
    return request.getfixturevalue(f"{request.param}_reports") / "_site"


@pytest.fixture(scope="module")
def served(site: Path):
    """The site on a web server on this machine, as readers get it (kerncijfers.serve): Quarto's
    pages load their scripts as ES modules, which browsers refuse from file://."""
    from kerncijfers.serve import serve_in_background

    with serve_in_background(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need it. "
            "Install it with `apt-get install chromium` (.ci/run does this)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page opened with every request, console message and page error recorded."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def page_urls(site: Path, base: str) -> list[str]:
    return [base + p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html")) if "exports" not in p.relative_to(site).parts]


@pytest.fixture(scope="module")
def visits(browser, site: Path, served: str):  # browser first: without Chromium, fail before rendering
    opened = {}
    for url in page_urls(site, served):
        opened[url] = Visit(browser, url)
    yield opened
    for v in opened.values():
        v.close()


def test_no_request_leaves_the_machine(visits):
    for url, v in visits.items():
        assert not v.blocked, f"{url} tried to load {v.blocked}"
        outside = [r for r in v.requests if not LOCAL.match(r)]
        assert not outside, f"{url} requested {outside}"


def test_no_console_errors(visits):
    for url, v in visits.items():
        assert not v.errors, f"{url}: {v.errors}"


def test_every_chart_has_drawn(visits, repo_root: Path):
    from kerncijfers.brief import load_briefs

    slug = load_briefs(repo_root / "data" / "briefs.yml")[-1].slug
    page = next(v.page for url, v in visits.items() if url.endswith(f"/{slug}/tabellen.html"))
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('[id^="fig-"]:not(figcaption)')].map(fig => {
            const svg = fig.querySelector('svg');
            if (svg) {
                const box = svg.getBoundingClientRect();
                return {id: fig.id, width: box.width, height: box.height, marks: svg.querySelectorAll('path, rect, line').length};
            }
            const img = fig.querySelector('img');
            return {id: fig.id, width: img ? img.naturalWidth : 0, height: img ? img.naturalHeight : 0, marks: img ? 1 : 0};
        })"""
    )
    assert {d["id"] for d in drawn} == {"fig-pip", "fig-wi2013-status", "fig-elip", "fig-leningen"}
    for d in drawn:
        assert d["width"] > 100 and d["height"] > 100 and d["marks"] > 5, d


def _printed_tables(repo_root: Path, brief) -> dict[int, list[list[str]]]:
    folder = repo_root / "data" / "published" / brief.published
    return {n: list(csv.reader((folder / f"tabel_{n}.tsv").open(encoding="utf-8"), delimiter="\t")) for n in range(1, 5)}


def _corrections(repo_root: Path, brief) -> list[dict]:
    with (repo_root / "data" / "published" / brief.published / "correcties.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _digits(cell: str) -> str:
    """A cell with its thousands separators dropped: Tabel 2 prints some totals without them."""
    return re.sub(r"(?<=\d)\.(?=\d{3})", "", re.sub(r"\s+", " ", cell.replace("\u00a0", " ")).strip())


def test_the_tables_show_the_letters_numbers(visits, repo_root: Path):
    """Row by row, each printed cell is on the page, except where correcties.csv says the print is wrong."""
    from kerncijfers.brief import load_briefs

    brief = load_briefs(repo_root / "data" / "briefs.yml")[-1]
    page = next(v.page for url, v in visits.items() if url.endswith(f"/{brief.slug}/tabellen.html"))
    corrections = _corrections(repo_root, brief)
    for n, printed in _printed_tables(repo_root, brief).items():
        rows = page.evaluate(
            """id => Object.fromEntries([...document.querySelectorAll(`#${id} tbody tr`)].map(tr =>
                [tr.querySelector('th').innerText.trim(), [...tr.querySelectorAll('td')].map(td => td.innerText)]))""",
            f"tbl-tabel-{n}",
        )
        assert rows, f"Tabel {n} is not on the page"
        fixes = [c for c in corrections if c["plaats"] == f"Tabel {n}"]
        for row in printed[1:]:
            label, cells = row[0], row[1:]
            assert label in rows, f"Tabel {n}: no row {label!r} on the page"
            shown = rows[label]
            assert len(shown) == len(cells), f"Tabel {n}, {label}: {len(shown)} cells, the letter prints {len(cells)}"
            for printed_cell, shown_cell in zip(cells, shown):
                if _digits(printed_cell) == _digits(shown_cell):
                    continue
                explained = any(f["gedrukt"] in printed_cell and f["gebruikt"] in shown_cell for f in fixes)
                assert explained, f"Tabel {n}, {label}: the page shows {shown_cell!r}, the letter {printed_cell!r}"


def _page_text(visits, suffix: str) -> str:
    page = next(v.page for url, v in visits.items() if url.endswith(suffix))
    return page.inner_text("main")


def test_changes_page_has_the_letters_sentence_on_wi2013(visits):
    text = _page_text(visits, "/ontwikkeling.html")
    assert "met 7.503 personen gedaald" in text
    assert "5.510 personen een inburgeringsdiploma" in text


def test_deviations_page_explains_each_finding_and_lists_what_matched(visits):
    text = _page_text(visits, "/afwijkingen.html")
    for printed, consistent in (("10.822", "12.212"), ("8.194", "10.822"), ("30%", "29%"), ("2.341", "2.436"),
                                ("circa 87.000", "circa 88.000"), ("105.011", "109.029")):
        assert printed in text and consistent in text
    assert "293" in text  # the number of checks, so a reader sees what was checked


@pytest.fixture(scope="session")
def axe_results(repo_root: Path):
    """The axe result per renderer and page, written into site/toegankelijkheid-resultaten.json when the session ends.

    Written at the end, not as each renderer is checked: every page rendered during the session renders
    the statement from the same file, so a test that renders twice sees the same bytes.
    """
    from kerncijfers.report.statement import RESULTS

    found: dict = {}
    yield found
    if not found:
        return
    path = repo_root / "site" / RESULTS
    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = {"axe": found["axe"], "regels": AXE_OPTIONS["runOnly"]["values"], "paginas": {**previous.get("paginas", {}), **found["paginas"]}}
    if data["axe"] != previous.get("axe") or data["regels"] != previous.get("regels"):
        data["paginas"] = found["paginas"]  # results of another axe or rule set no longer hold
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8", newline="\n")


def test_no_axe_violations_with_every_rule_and_the_statement_records_them(visits, site: Path, served: str, axe_results: dict):
    """axe with WCAG 2.0/2.1 A and AA and its best practices finds nothing on any page; the result per page goes
    into site/toegankelijkheid-resultaten.json (at the end of the session), which the toegankelijkheidsverklaring
    renders (report.statement)."""
    from axe_playwright_python.sync_playwright import Axe

    from kerncijfers.report.statement import HTML_PAGE, content_hash

    renderer = "quarto" if (site / "site_libs").is_dir() else "preview"
    axe = Axe()
    reports, recorded, version = [], {}, None
    for url, v in visits.items():
        results = axe.run(v.page, options=AXE_OPTIONS)
        version = results.response["testEngine"]["version"]
        name = url.removeprefix(served)
        if name != HTML_PAGE:  # the statement reports on the others; its own hash would depend on what it says
            recorded[name] = {"inhoud": content_hash(site / name), "overtredingen": sorted(r["id"] for r in results.response["violations"])}
        if results.violations_count:
            reports.append(f"{url}\n{results.generate_report()}")
    axe_results["axe"] = version
    axe_results.setdefault("paginas", {})[renderer] = recorded
    assert not reports, "\n\n".join(reports)


def test_screenshot_of_the_tables_page(visits, tmp_path_factory):
    """The page as a reader sees it: the screenshot (kept for the test log) is the page's width and holds text and charts.

    The PNG is decoded by the browser itself (a canvas), not by a second decoder of our own.
    """
    import base64

    url, v = next((u, v) for u, v in visits.items() if u.endswith("/tabellen.html"))
    path = tmp_path_factory.mktemp("screenshots") / "tabellen.png"
    png = v.page.screenshot(path=str(path), full_page=True)
    pixels = v.page.evaluate(
        """async b64 => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + b64;
            await img.decode();
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            const colours = new Set();
            let dark = 0, blue = 0;
            for (let i = 0; i < d.length; i += 4) {
                colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                if (d[i] + d[i + 1] + d[i + 2] < 150) dark++;
                if (d[i] === 0x01 && d[i + 1] === 0x68 && d[i + 2] === 0x9b) blue++;  // the charts' BLAUW
            }
            return {width: canvas.width, height: canvas.height, page: document.documentElement.scrollHeight,
                    colours: colours.size, dark: dark / (d.length / 4), blue: blue};
        }""",
        base64.b64encode(png).decode("ascii"),
    )
    assert pixels["width"] == 1280 and pixels["height"] == pixels["page"], pixels  # the viewport's width, the whole page
    assert pixels["colours"] > 50, pixels  # not a blank or single-colour page
    assert 0.005 < pixels["dark"] < 0.5, pixels  # text is drawn, and the page is not black
    assert pixels["blue"] > 1000, pixels  # the charts' bars are drawn


def test_pages_are_drawn_in_the_sites_own_font(visits):
    """The text font is the one the site ships (fonts/), loaded offline in both weights: no system font stands in."""
    for url, v in visits.items():
        if not url.endswith("/tabellen.html"):
            continue
        faces = v.page.evaluate(
            """async () => { await document.fonts.ready;
                return [...document.fonts].map(f => [f.family.replaceAll('"', ''), f.weight, f.status]); }"""
        )
        # Quarto's pages also load its icon font for the navigation's toggles; no other text face.
        text_faces = sorted(f for f in faces if f[0] != "bootstrap-icons")
        assert text_faces == [["Kerncijfers Sans", "400", "loaded"], ["Kerncijfers Sans", "700", "loaded"]], faces
        family = v.page.evaluate("() => getComputedStyle(document.body).fontFamily")
        assert family.startswith('"Kerncijfers Sans"'), family
        assert any(r.endswith("/fonts/KerncijfersSans-Regular.woff2") for r in v.requests), v.requests
        # The inline charts draw in the same face, whatever family their SVG names.
        chart = v.page.evaluate("() => getComputedStyle(document.querySelector('svg text')).fontFamily")
        assert chart.startswith('"Kerncijfers Sans"'), chart


def test_pages_show_only_characters_of_the_site_font(visits):
    """Every character a page shows, in its text or inserted by its stylesheet, is in the web font's subset."""
    from kerncijfers.webfont import CHARACTERS

    allowed = set(CHARACTERS) | {"\n", "\t", "\r"}
    for url, v in visits.items():
        shown = v.page.evaluate(SHOWN_CHARACTERS)
        outside = sorted({c for c in shown if c not in allowed})
        assert not outside, f"{url} shows characters outside kerncijfers.webfont.CHARACTERS: {[f'U+{ord(c):04X} {c}' for c in outside]}"


#: The text of every element a reader sees, and what ::before and ::after insert, in the site's text font.
SHOWN_CHARACTERS = """() => {
    let out = '';
    for (const el of document.querySelectorAll('body *')) {
        const style = getComputedStyle(el);
        if (style.fontFamily.includes('bootstrap-icons')) continue;  // Quarto's icon font draws its own glyphs
        for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE) out += node.textContent;
        for (const pseudo of ['::before', '::after']) {
            const p = getComputedStyle(el, pseudo);
            if (p.content && p.content !== 'none' && p.content !== 'normal' && !p.fontFamily.includes('bootstrap-icons')) {
                out += p.content.replace(/^"|"$/g, '');
            }
        }
    }
    return out;
}"""


def _open(context, url: str) -> dict[str, int]:
    """Open `url`; the bytes each request transferred (as encoded on the wire), by URL."""
    page = context.new_page()
    transferred: dict[str, int] = {}
    pending: set = set()

    def finished(request):
        sizes = request.sizes()
        transferred[request.url.split("#")[0]] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        pending.discard(request)

    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", finished)
    page.on("requestfailed", lambda request: pending.discard(request))
    page.goto(url, wait_until="load")
    # The fonts a page uses are requested as it is laid out, after `load`: wait for them, then for every
    # request still open, rather than for half a second of silence (networkidle) on each of ~40 opens.
    page.evaluate("document.fonts.ready.then(() => true)")
    deadline = time.monotonic() + 30
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert not pending, f"{url}: requests still open after 30 s: {sorted(r.url for r in pending)}"
    page.close()
    return transferred


def test_pages_are_light_for_readers(browser, site: Path, served: str):
    """Any page opened first transfers at most 300 KB; a further page at most 60 KB the browser does not hold.

    Transferred as a web server sends it (kerncijfers.serve: text gzip-compressed); the raw
    sizes are in docs/performance.md.
    """
    urls = page_urls(site, served)
    for url in urls:
        context = browser.new_context()
        cold = sum(_open(context, url).values())
        context.close()
        assert cold <= FIRST_PAGE_BYTES, f"{url} transfers {cold:,} bytes when opened first"
    context = browser.new_context()
    held = set(_open(context, served + "index.html"))
    for url in urls:
        requested = _open(context, url)
        new = {u: n for u, n in requested.items() if u not in held}
        size = sum(new.values())
        assert size <= FURTHER_PAGE_BYTES, f"{url} transfers {size:,} new bytes: {sorted(new)}"
        held |= set(requested)
    context.close()


LAYOUT_CHECK = """() => {
    // What a reader gets: Quarto has a second h1 for small screens, shown only where the first is hidden.
    const out = {h1: [...document.querySelectorAll('h1')].filter(h => h.checkVisibility()).length, title: document.title, cut: [], overlaps: []};
    const viewport = document.documentElement.clientWidth;
    for (const table of document.querySelectorAll('main table')) {
        let scroller = table.parentElement;
        while (scroller && scroller !== document.body && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) {
            scroller = scroller.parentElement;
        }
        const box = table.getBoundingClientRect();
        const scrolls = scroller && scroller !== document.body;
        if (scrolls) {
            // A wider table scrolls in a region a keyboard can reach and a reader can see.
            if (scroller.scrollWidth > scroller.clientWidth + 1 && !(scroller.tabIndex >= 0 && scroller.getAttribute('role') === 'region')) {
                out.cut.push(`${table.id || table.className}: scrolls in a region without focus or role`);
            }
            // ... and shows that it scrolls where a phone hides the scrollbar: a shadow on the side with more.
            if (scroller.scrollWidth > scroller.clientWidth + 1 && !getComputedStyle(scroller).backgroundImage.includes('linear-gradient')) {
                out.cut.push(`${table.id || table.className}: scrolls without a visible cue`);
            }
            const edge = scroller.getBoundingClientRect();
            if (edge.right > viewport + 1) out.cut.push(`${table.id || table.className}: its scrolling region runs off the page`);
        } else if (box.right > viewport + 1 || box.left < -1) {
            out.cut.push(`${table.id || table.className}: cut off at ${Math.round(box.right)} px of ${viewport}`);
        }
    }
    for (const group of document.querySelectorAll('svg .role-axis-label')) {
        // Vega hides a label that would overlap its neighbour with opacity 0; only the shown ones count.
        const shown = [...group.querySelectorAll('text')].filter(t => t.closest('[opacity="0"]') === null && getComputedStyle(t).opacity !== '0');
        const boxes = shown.map(t => t.getBoundingClientRect()).filter(b => b.width > 0);
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                out.overlaps.push(`${group.parentElement.closest('[id]')?.id}: labels ${i} and ${j}`);
            }
        }
    }
    return out;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_read_well_on_a_screen_and_a_phone(browser, site: Path, served: str, width: int):
    """One h1, a title without repetition, no table cut off without a scroll region, chart labels apart."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    problems = []
    for url in page_urls(site, served):
        page = context.new_page()
        page.goto(url, wait_until="load")
        result = page.evaluate(LAYOUT_CHECK)
        page.close()
        parts = [p.strip() for p in re.split(r"[–·|]", result["title"])]
        if result["h1"] != 1:
            problems.append(f"{url}: {result['h1']} h1 elements")
        if len(parts) != len(set(parts)):
            problems.append(f"{url}: title repeats itself: {result['title']!r}")
        problems += [f"{url}: {c}" for c in result["cut"] + result["overlaps"]]
    context.close()
    assert not problems, "\n".join(problems)


def test_a_figures_provenance_opens_with_the_keyboard(visits):
    """Tabel 2 and a sentence: the figure is a button (in the tab order); Enter opens its record (a popover, no script), Escape closes it."""
    from axe_playwright_python.sync_playwright import Axe

    for suffix, target, record in (
        ("/tabellen.html", "tabel_2-5-2", "data/raw/2023-10-01/wi2013_cohorten.csv rij 17, kolommen voldaan en voldaan_pct"),
        ("/tekst.html", "zin-leningen_toegekend-0", "bijna 139.000 = 138.610 half naar boven afgerond op duizendtallen"),
    ):
        page = next(v.page for url, v in visits.items() if url.endswith(suffix))
        button = page.locator(f'button[popovertarget="{target}"]')
        assert button.get_attribute("aria-label").startswith("Herkomst van ")
        button.focus()
        page.keyboard.press("Enter")
        assert page.evaluate(f"document.getElementById('{target}').matches(':popover-open')"), target
        assert record in page.inner_text(f"#{target}")
        results = Axe().run(page, options=AXE_OPTIONS)  # with the record open, too
        assert not results.violations_count, results.generate_report()
        page.keyboard.press("Escape")
        assert not page.evaluate(f"document.getElementById('{target}').matches(':popover-open')"), target
