"""What the build changes in Quarto's rendered site, and why: what Quarto has no setting for.

1. Quarto's icon font, cut to the icons the site shows (`slim_icons`). Quarto's website theme
   loads Bootstrap Icons (MIT licence) on every page: a 176 KB WOFF with some 2,000 icons and a
   98 KB stylesheet naming them all, for the five its navigation uses (the sidebar's chevrons and
   toggle, the page navigation's arrows). The icon classes the pages and Quarto's scripts name
   (`bi-<name>`) are kept, in the stylesheet and in the font; an icon named nowhere cannot show.
2. The pages' navigation (`fix_pages`). Quarto's navigation landmarks (the sidebar, the table of
   contents, the previous/next links) have no name, which axe's best-practice rule
   `landmark-unique` reports: each gets one (the sidebar the name the preview's navigation has).
   And Quarto marks the footer's link to the toegankelijkheidsverklaring as the current page
   (`aria-current`) on every page: it stays so only on that page.

Both run after every `quarto render` (report.render.build) and are idempotent. The browser
tests check the result: the icons draw in the icon font, and axe finds nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

FOLDER = Path("site_libs") / "bootstrap"
STYLESHEET = "bootstrap-icons.css"
FONT = "bootstrap-icons.woff"

_RULE = re.compile(r'\.(bi-[a-z0-9-]+)::before \{ content: "\\([0-9a-f]+)"; \}\n')
_NAME = re.compile(r"\bbi-[a-z0-9-]+")
_FONT_URL = re.compile(r'url\("\./bootstrap-icons\.woff\?[0-9a-f]*"\)')


def used_icons(site: Path) -> set[str]:
    """Every `bi-<name>` the site's pages and Quarto's scripts mention."""
    names: set[str] = set()
    for path in [*site.rglob("*.html"), *(site / "site_libs").rglob("*.js")]:
        names |= set(_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def slim_icons(site: Path) -> tuple[int, int] | None:
    """Cut `site`'s Bootstrap Icons stylesheet and font to the icons used; returns (icons kept, icons before).

    None when the site has no icon font (the preview). Idempotent: run on a slimmed site, it keeps the same.
    """
    import logging

    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # it notes harmless padding in the font's post table
    css_path, font_path = site / FOLDER / STYLESHEET, site / FOLDER / FONT
    if not css_path.is_file() or not font_path.is_file():
        return None
    css = css_path.read_text(encoding="utf-8")
    rules = {m.group(1): m for m in _RULE.finditer(css)}
    if not rules:
        return None
    kept = sorted(used_icons(site) & set(rules))
    font = TTFont(font_path, recalcTimestamp=False)  # keeps head.modified: the same bytes every build
    options = Options()
    options.flavor = "woff"
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=[int(rules[name].group(2), 16) for name in kept])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer, reorderTables=False)
    font_path.write_bytes(buffer.getvalue())
    # The stylesheet: its header (licence, @font-face, the shared rule) and the kept icons' rules.
    head = css[: min(m.start() for m in rules.values())]
    version = hashlib.md5(buffer.getvalue()).hexdigest()  # the cache-busting query Quarto gives the font URL
    head = _FONT_URL.sub(f'url("./{FONT}?{version}")', head)
    css_path.write_text(head + "".join(rules[name].group(0) for name in kept), encoding="utf-8", newline="\n")
    return len(kept), len(rules)


#: Names for Quarto's unnamed navigation landmarks; the sidebar's as the preview's navigation has it.
LANDMARK_LABELS = {
    '<nav id="quarto-sidebar" ': "Brieven en pagina's",
    '<nav id="TOC" ': "Op deze pagina",  # the toc-title of _quarto.yml
    '<nav class="page-navigation"': "Vorige en volgende pagina",
}
_FOOTER_LINK = re.compile(r'<a class="nav-link active" href="(?P<href>[^"]+)" aria-current="page">')


def label_landmarks(page: Path, text: str) -> str:
    """Give each of Quarto's navigation landmarks on a page its own name (axe: landmark-unique)."""
    for opening, label in LANDMARK_LABELS.items():
        named = f'{opening.rstrip()} aria-label="{label}"' + (" " if opening.endswith(" ") else "")
        text = re.sub(re.escape(opening) + r"(?![^>]*aria-label)", lambda _: named, text)
    return text


def footer_current(page: Path, text: str) -> str:
    """Mark a footer link as the current page only on that page: Quarto marks it on every page."""
    def fix(match: re.Match) -> str:
        if (page.parent / match["href"]).resolve() == page.resolve():
            return match[0]
        return f'<a class="nav-link" href="{match["href"]}">'

    return _FOOTER_LINK.sub(fix, text)


def fix_pages(site: Path) -> int:
    """Landmark names and footer links on every page of `site`; returns the number of pages changed."""
    changed = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        fixed = footer_current(page, label_landmarks(page, text))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8", newline="\n")
            changed += 1
    return changed


def after_quarto(site: Path) -> None:
    """Everything above, on a site Quarto has just rendered."""
    slim_icons(site)
    fix_pages(site)
