"""The report's one font family, from a pinned package: the charts and the site use nothing else.

vl-convert draws chart text with the fonts it finds, and system fonts differ per machine
(Debian's `fonts-liberation` comes with Chromium, a fresh machine has none of it), so
PNG exports changed with the machine. The charts now ask for `FAMILY` only, and
`register()` hands vl-convert the project's own copy of it before any conversion. The
site gets the same files (`copy_to`), so a browser draws the chart SVGs and the pages
with the same letters as the PNGs.

The font package is a dependency in pyproject.toml, pinned and hashed in
requirements.lock like every other one.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

#: The family the charts and the site ask for: Source Sans Pro (Adobe), under the SIL Open Font License 1.1.
FAMILY = "Source Sans Pro"
#: The faces used: regular text, and bold for titles and headers. Only these two, for the page
#: weight of the site; and only the TTFs: the package also ships each face as OTF, and with
#: both registered, which of the two vl-convert draws depends on the order a folder lists them in.
FILES = ("SourceSansPro-Regular.ttf", "SourceSansPro-Bold.ttf")
#: Where the site keeps them, relative to its root (site/site.css's @font-face rules say the same).
SITE_FOLDER = "fonts"

_registered: Path | None = None


def package_folder() -> Path:
    """The font package's folder of font files (font-source-sans-pro, in the project's environment)."""
    import font_source_sans_pro

    return Path(font_source_sans_pro.font_directory)


def font_files() -> list[Path]:
    """The font files of `FILES`, as installed; fails naming the package when one is missing."""
    folder = package_folder()
    paths = [folder / name for name in FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} not in {folder}: the font package font-source-sans-pro is incomplete; "
            "reinstall the environment (make clean-venv env)"
        )
    return paths


def register() -> Path:
    """Give vl-convert the project's fonts, once per process; returns the folder registered.

    vl-convert takes folders, not files: the two faces are copied into a private folder of
    their own (removed when the process ends), so nothing else in the package is picked up.
    """
    global _registered
    if _registered is None:
        import vl_convert

        folder = Path(tempfile.mkdtemp(prefix="kerncijfers-fonts-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        copy_to(folder)
        vl_convert.register_font_directory(str(folder))
        _registered = folder
    return _registered


def copy_to(folder: Path) -> list[Path]:
    """Copy the font files into `folder` (created if needed), for a site; returns the copies."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in font_files():
        target = folder / path.name
        shutil.copyfile(path, target)
        copies.append(target)
    return copies
