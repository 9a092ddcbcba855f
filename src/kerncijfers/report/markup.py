"""HTML as the report's pages take it: one place for how markup travels from a notebook to a page."""

from __future__ import annotations

import re


def raw_html(markup: str) -> str:
    """`markup` as a pandoc raw HTML block (```{=html}).

    Quarto passes it into the page untouched and, for Word, reads its tables into real
    tables. The notebook holds no text/html output: for those Quarto would load require.js
    and jQuery from a CDN on every page (widgets.ts, "javascript widgets").
    """
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", markup)), default=0))
    return f"{fence}{{=html}}\n{markup}\n{fence}\n"


def unwrap_raw_html(markdown: str) -> str | None:
    """The HTML inside a raw HTML block that `raw_html` wrote, or None for other Markdown."""
    match = RAW_HTML_BLOCK.fullmatch(markdown.strip())
    return match["body"] if match else None


RAW_HTML_BLOCK = re.compile(r"(?P<fence>`{3,})\{=html\}\n(?P<body>.*)\n(?P=fence)", re.S)
