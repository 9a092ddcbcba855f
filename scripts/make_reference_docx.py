"""Write site/cijferbijlage-referentie.docx: the styles of the cijferbijlage (Quarto's reference-doc).

Run once after changing a style, then commit the .docx (python-docx is a test dependency):

    .venv/bin/python scripts/make_reference_docx.py

Starts from pandoc's own reference document (the styles Quarto's docx output uses) and sets
A4 with 2 cm margins, Arial (every office machine has it; LibreOffice shows the metric-
compatible Liberation Sans), and a sober table style: a rule above and below the table and
under the header, 9 pt figures, narrow cell margins.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TARGET = Path(__file__).resolve().parents[1] / "site" / "cijferbijlage-referentie.docx"
FONT = "Arial"
TEXT = RGBColor(0x1A, 0x1A, 0x1A)


def pandoc_reference() -> Path:
    out = Path(tempfile.mkdtemp()) / "reference.docx"
    subprocess.run(["quarto", "pandoc", "-o", str(out), "--print-default-data-file", "reference.docx"], check=True)
    return out


def set_font(style, size: float | None = None, bold: bool | None = None) -> None:
    font = style.font
    font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = TEXT


def border(tag: str, size: int = 8) -> OxmlElement:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), "1A1A1A")
    return el


def table_style(style) -> None:
    """Rules above, below and under the header row; no vertical lines; small cell margins."""
    set_font(style, size=9)
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.element.append(tblpr)
    for old in tblpr.findall(qn("w:tblBorders")) + tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for tag in ("w:top", "w:bottom"):
        borders.append(border(tag, 8))
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("w:left", 57), ("w:right", 57), ("w:top", 0), ("w:bottom", 0)):
        el = OxmlElement(side)
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)
    # The header row: bold, with a rule under it.
    for old in style.element.findall(qn("w:tblStylePr")):
        if old.get(qn("w:type")) == "firstRow":
            style.element.remove(old)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    cell_borders = OxmlElement("w:tcBorders")
    cell_borders.append(border("w:bottom", 6))
    tcpr.append(cell_borders)
    first.append(tcpr)
    style.element.append(first)


def main() -> None:
    document = docx.Document(str(pandoc_reference()))
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Caption", "Table Caption", "Image Caption"):
        set_font(styles[name], size=10)
    for name, size in (("Title", 18), ("Subtitle", 13), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        set_font(styles[name], size=size, bold=name != "Subtitle")
    for name in ("Caption", "Table Caption", "Image Caption"):
        styles[name].font.italic = False
        styles[name].font.bold = True
    table_style(styles["Table"])
    document.core_properties.author = "kerncijfers"
    document.save(str(TARGET))
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
