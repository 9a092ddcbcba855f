"""A chart as the report ships it: the Chart record, the house style and locale, and its exports.

Every chart is rendered to SVG and PNG here, in Python, with vl-convert: the report page
shows the SVG inline, so nothing is fetched from a CDN and nothing needs JavaScript to draw.
The Vega-Lite spec carries the nl-NL number and time locale in its config. What each chart
draws, and from which figures, is `report/charts.py`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from kerncijfers import fonts
from kerncijfers.provenance import Figure
from kerncijfers.report.markup import raw_html

# The project's font, not the machine's: registered before this module converts anything.
fonts.register()

LOCALE = "nl-NL"
#: vl-convert bundles several Vega-Lite versions; use the one Altair writes specs for.
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: PNG pixels per SVG pixel: sharp enough for a Word document.
PNG_SCALE = 2

# Colours from the Rijkshuisstijl palette. Each has a contrast of at least 3:1 against
# white (WCAG 2.1 AA, 1.4.11 non-text contrast); tests/report/test_site.py checks it.
# Stacked segments also get a white edge, so neighbours never rely on colour alone.
BLAUW = "#01689B"  # 6,1:1
ORANJE = "#E17000"  # 3,2:1
VIOLET = "#42145F"  # 14,0:1
GROEN = "#39870C"  # 4,5:1
#: Type sizes for reading on screen and in Word; the SVG is shown at its own size.
CONFIG = {
    # One family, registered by fonts.register(): no fallback a machine could fill in differently.
    "font": fonts.FAMILY,
    "axis": {"labelFontSize": 13, "titleFontSize": 14, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"},
    "legend": {"labelFontSize": 13, "titleFontSize": 14, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"},
    "header": {"labelFontSize": 14, "labelColor": "#1a1a1a"},
    "title": {"fontSize": 16, "anchor": "start", "color": "#1a1a1a"},
}
STATUS_KLEUREN = {"voldaan": BLAUW, "ontheven": ORANJE, "nog_plichtig": VIOLET}
REEKS_KLEUREN = (BLAUW, ORANJE, GROEN, VIOLET)
REEKS_VORMEN = ("circle", "square", "triangle-up", "diamond")

@dataclass(frozen=True)
class Chart:
    """One chart of the brief, its tidy data, and the data table that stands in for it."""

    id: str
    title: str
    description: str
    chart: alt.TopLevelMixin
    #: Tidy data the chart draws, with Dutch column names.
    data: pd.DataFrame
    #: The same figures formatted as the letter prints them, one string per cell.
    table: pd.DataFrame
    #: The provenance of each figure in `table`, by (row, column) position; empty without a ledger.
    provenance: dict[tuple[int, int], Figure] = field(default_factory=dict, compare=False)

    def spec(self) -> dict:
        """The Vega-Lite spec with the Dutch locale in its config."""
        spec = self.chart.to_dict()
        config = spec.setdefault("config", {})
        for key, value in CONFIG.items():
            config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
        config["locale"] = {
            "number": vlc.get_format_locale(LOCALE),
            "time": vlc.get_time_format_locale(LOCALE),
        }
        return spec

    def to_json(self) -> str:
        """Deterministic Vega-Lite JSON: sorted keys, two-space indent, trailing newline."""
        return json.dumps(self.spec(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_svg(self) -> str:
        """The chart as an accessible SVG: role img, a title and the description."""
        svg = vlc.vegalite_to_svg(
            self.spec(), vl_version=VL_VERSION, format_locale=LOCALE, time_format_locale=LOCALE
        )
        return _accessible_svg(svg, self.title, self.description)

    def to_png(self) -> bytes:
        return vlc.svg_to_png(self.to_svg(), scale=PNG_SCALE)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The SVG inline in the page, as a raw HTML block (markup.raw_html): it draws with the
        # site's own fonts, and no chart file is copied per page. Word takes the exported PNG.
        return {
            "text/markdown": raw_html(f'<div class="svg">{self.to_svg()}</div>'),
            "text/plain": f"{self.title}. {self.description}",
        }


def write_chart_exports(charts: list[Chart], out_dir: Path) -> list[Path]:
    """Write `<id>.vl.json`, `<id>.svg` and `<id>.png` per chart; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for c in charts:
        svg = c.to_svg()
        for path, content in (
            (out_dir / f"{c.id}.vl.json", c.to_json().encode("utf-8")),
            (out_dir / f"{c.id}.svg", svg.encode("utf-8")),
            (out_dir / f"{c.id}.png", vlc.svg_to_png(svg, scale=PNG_SCALE)),
        ):
            path.write_bytes(content)
            written.append(path)
    return written


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio between two sRGB hex colours."""

    def luminance(hex_colour: str) -> float:
        h = hex_colour.lstrip("#")
        channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(colour), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _accessible_svg(svg: str, title: str, description: str) -> str:
    """Give the SVG root role=img with a name and description, so it reads as one image.

    Vega labels every mark for screen readers; on a page with the data table right
    next to it, one image with a summary is what a reader needs, not 60 bar labels.
    """
    head, sep, rest = svg.partition(">")
    if not head.startswith("<svg") or not sep:
        raise ValueError("vl-convert returned something that is not an SVG document")
    label = html.escape(f"{title}. {description}", quote=True)
    return (
        f'{head} role="img" aria-label="{label}">'
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>{rest}"
    )


def cycle(values: tuple[str, ...], n: int) -> list[str]:
    return [values[i % len(values)] for i in range(n)]
