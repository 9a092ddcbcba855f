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

import os
import shutil
import sys
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

    vl-convert takes folders, not files, and the package's folder holds every face, each as OTF
    and TTF. So the two faces are copied once into a folder of their own in the environment
    (`REGISTERED`), next to the package they come from: nothing is left in the temp directory,
    and an environment rebuilt with another font version gets a new copy.
    """
    global _registered
    if _registered is None:
        import vl_convert

        folder = _font_folder()
        vl_convert.register_font_directory(str(folder))
        _registered = folder
    return _registered


#: The environment's folder holding only `FILES`, for vl-convert.
REGISTERED = Path(sys.prefix) / "share" / "kerncijfers" / "fonts"


def _font_folder() -> Path:
    """`REGISTERED`, holding the installed `FILES` byte for byte; made (whole, by a rename) when it does not."""
    sources = font_files()
    if all((REGISTERED / p.name).is_file() and (REGISTERED / p.name).read_bytes() == p.read_bytes() for p in sources):
        return REGISTERED
    incoming = REGISTERED.with_name(f".fonts-{os.getpid()}")
    shutil.rmtree(incoming, ignore_errors=True)
    copy_to(incoming)
    shutil.rmtree(REGISTERED, ignore_errors=True)
    try:
        os.rename(incoming, REGISTERED)
    except OSError:  # another process put its copy in place first: the same files
        shutil.rmtree(incoming, ignore_errors=True)
    return REGISTERED


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
