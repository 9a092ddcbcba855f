"""The site's web font: the report's font (kerncijfers.fonts), subset to a fixed character set, as WOFF2.

The two TTF faces weigh 585 KB, two thirds of what a first page transferred. The site needs
only the characters of Dutch text, figures and the punctuation the pages, their stylesheet
and their scripts show: `CHARACTERS`, fixed here and documented in docs/performance.md. A
browser test checks that every page shows only these characters (tests/browser).

Source Sans Pro is under the SIL Open Font License 1.1 with Reserved Font Name "Source": a
subset is a modified version, which may not carry that name. The subset is therefore called
`FAMILY` ("Kerncijfers Sans") in its name table, and the licence travels with it
(`LICENSE_FILE` beside the font files). The PNG and SVG chart exports keep the full font
(fonts.register); the pages draw their inline chart SVGs in the subset (site/site.css).

fontTools writes the same bytes for the same input (no timestamps: `head.modified` is kept
from the source font), so the site stays reproducible.
"""

from __future__ import annotations

import functools
import io
import shutil
from pathlib import Path

from kerncijfers import fonts

#: The subset's family name: the OFL's Reserved Font Name ("Source") may not name a modified font.
FAMILY = "Kerncijfers Sans"
#: The faces, as site/site.css's @font-face rules name them: (source file, subset file, weight).
FACES = (
    ("SourceSansPro-Regular.ttf", "KerncijfersSans-Regular.woff2", "Regular"),
    ("SourceSansPro-Bold.ttf", "KerncijfersSans-Bold.woff2", "Bold"),
)
LICENSE_FILE = "LICENSE-OFL.txt"


def _range(first: int, last: int) -> str:
    return "".join(chr(c) for c in range(first, last + 1))


#: Every character the site may show. Basic Latin and Latin-1 (Dutch letters with diacritics: é, ë,
#: ï, ü, ...; the non-breaking space; «»; ×), the typographic punctuation Dutch text and Pandoc's
#: smart quotes use (‘ ’ “ ” „ – — … •), the euro sign, the minus sign of the charts' axes, the
#: arrows and the check and cross marks the pages' symbols use, and the narrow no-break space.
CHARACTERS = (
    _range(0x20, 0x7E)
    + _range(0xA0, 0xFF)
    + "\u2012\u2013\u2014\u2018\u2019\u201A\u201C\u201D\u201E\u2020\u2022\u2026\u2030\u2032\u2033\u2039\u203A\u202F"
    + "\u20AC\u2122\u2212\u2190\u2191\u2192\u2193\u2713"
)


@functools.cache  # a second site in the same process (the tests render both) takes the bytes made before
def subset(source: Path) -> bytes:
    """The face at `source`, cut to `CHARACTERS`, renamed to `FAMILY`, as WOFF2 bytes (about 1 s per face)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)  # keeps head.modified: the same bytes every build
    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "tnum", "lnum", "case"]  # tabular figures line up the tables' numbers
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.hinting = False  # browsers on screens of today do without; hints are a third of the glyph data
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=CHARACTERS)
    subsetter.subset(font)
    _rename(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


def _rename(font) -> None:
    """Give the subset its own family name in every name record that holds the original one."""
    style = font["name"].getDebugName(2) or "Regular"
    postscript = FAMILY.replace(" ", "") + "-" + style
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} {style}" if style != "Regular" else FAMILY
        elif record.nameID in (3, 6):
            record.string = postscript if record.nameID == 6 else f"{postscript};subset of {record.toUnicode()}"
    if "CFF " in font:  # an OTF source: the CFF table names the font too
        font["CFF "].cff.fontNames = [postscript]


def write_site_fonts(folder: Path) -> list[Path]:
    """Write the subset faces and the font licence into `folder` (a site's fonts/); returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sources = {p.name: p for p in fonts.font_files()}
    written = []
    for source, target, _ in FACES:
        path = folder / target
        path.write_bytes(subset(sources[source]))
        written.append(path)
    licence = fonts.package_folder() / "LICENSE.txt"
    shutil.copyfile(licence, folder / LICENSE_FILE)
    return [*written, folder / LICENSE_FILE]
