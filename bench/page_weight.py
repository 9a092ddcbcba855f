"""What a reader's browser transfers per page of a built site; prints a Markdown table.

    .venv/bin/python bench/page_weight.py reports/_site

Serves the site as `kerncijfers serve` does (text gzip-compressed) and opens it in Debian's
Chromium (/usr/bin/chromium): each page opened first in an empty browser, and each page opened
after the home page and the pages before it (what it adds to what the browser holds). Bytes as
transferred (gzip) and as the files are on disk (raw). The limits are those of the browser test
`test_pages_are_light_for_readers`: 300 KB for a first page, 60 KB for a further one.

Then, for the home page opened first, each file it transfers, and for each stylesheet how much of
it the pages use: the bytes of its rules that apply to an element of any page (Chromium's CSS rule
usage, summed over every page), so the weight the theme brings that no page uses is on record.
"""

from __future__ import annotations

import sys
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

from kerncijfers.serve import serve_in_background

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _open(context, url: str) -> dict[str, int]:
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url.split("#")[0], r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.close()
    return sizes


def _raw(site: Path, base: str, urls) -> int:
    total = 0
    for url in urls:
        path = site / urllib.parse.unquote(urllib.parse.urlparse(url).path).lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        total += path.stat().st_size if path.is_file() else 0
    return total


def main(site: Path) -> None:
    pages = [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html")) if "exports" not in p.parts]
    rows = []
    with serve_in_background(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        held = set(_open(ctx := browser.new_context(), base + "index.html"))
        for name in pages:
            cold_ctx = browser.new_context()
            cold = _open(cold_ctx, base + name)
            cold_ctx.close()
            further = _open(ctx, base + name)
            new = {u: n for u, n in further.items() if u not in held}
            held |= set(further)
            rows.append((name, sum(cold.values()), _raw(site, base, cold), sum(new.values()), _raw(site, base, new)))
        browser.close()
    print("| page | opened first: transferred | (raw) | opened after the others: new, transferred | (raw) |")
    print("|---|---:|---:|---:|---:|")
    for name, cold, cold_raw, new, new_raw in rows:
        print(f"| `{name}` | {cold:,} | {cold_raw:,} | {new:,} | {new_raw:,} |".replace(",", "."))
    files, used = first_page_files(site, pages)
    print()
    print("| file the home page transfers | transferred | (raw) | stylesheet rules used by any page |")
    print("|---|---:|---:|---:|")
    for name, (sent, raw) in sorted(files.items(), key=lambda kv: -kv[1][0]):
        share = f"{used[name][0]:,} of {used[name][1]:,} bytes ({used[name][0] / used[name][1]:.0%})" if name in used else ""
        print(f"| `{name}` | {sent:,} | {raw:,} | {share} |".replace(",", "."))


def first_page_files(site: Path, pages: list[str]) -> tuple[dict, dict]:
    """Per file of the home page: (transferred, raw); per stylesheet: (bytes of rules used on any page, bytes)."""
    files: dict[str, tuple[int, int]] = {}
    used: dict[str, set[tuple[int, int]]] = {}
    lengths: dict[str, int] = {}
    with serve_in_background(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for i, name in enumerate(["index.html", *pages]):
            page = browser.new_context().new_page()
            if i == 0:
                page.on("requestfinished", lambda r: files.__setitem__(
                    r.url.split("?")[0].removeprefix(base),
                    (r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"], _raw(site, base, [r.url.split("?")[0]]))))
            cdp = page.context.new_cdp_session(page)
            sheets: dict[str, str] = {}
            cdp.on("CSS.styleSheetAdded", lambda e: sheets.__setitem__(e["header"]["styleSheetId"], e["header"].get("sourceURL", "")))
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            cdp.send("CSS.startRuleUsageTracking")
            page.goto(base + name, wait_until="load")
            page.wait_for_timeout(500)  # Quarto's scripts set classes after load; the rules they bring in count
            for rule in cdp.send("CSS.stopRuleUsageTracking")["ruleUsage"]:
                url = sheets.get(rule["styleSheetId"], "").split("?")[0].removeprefix(base)
                if url.endswith(".css") and rule["used"]:
                    used.setdefault(url, set()).add((rule["startOffset"], rule["endOffset"]))
            for url in {u for u in sheets.values() if u.split("?")[0].endswith(".css")}:
                url = url.split("?")[0].removeprefix(base)
                lengths[url] = _raw(site, base, [base + url])
            page.context.close()
        browser.close()
    return files, {url: (sum(b - a for a, b in spans), lengths[url]) for url, spans in used.items() if lengths.get(url)}


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "reports/_site"))
