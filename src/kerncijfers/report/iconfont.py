"""Quarto's icon font, cut to the icons the site shows.

Quarto's website theme loads Bootstrap Icons (MIT licence) on every page: a 176 KB WOFF with
some 2,000 icons and a 98 KB stylesheet naming them all, for the five or so its navigation
uses (the sidebar's chevrons and toggle, the page navigation's arrows). After `quarto render`,
`slim_icons` finds the icon classes the pages and Quarto's scripts name (`bi-<name>`), keeps
those rules of `bootstrap-icons.css` and those glyphs of the font, and rewrites both in place.
An icon named nowhere in the site cannot be shown, so nothing a reader sees changes; the
browser test of the fonts checks that the icon font still loads and the pages' icons draw.
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
