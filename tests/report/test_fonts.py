"""The charts and the site use the project's font, never the machine's: the same bytes on any machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kerncijfers import fonts

#: Where fontconfig and vl-convert look for system fonts on Debian and Ubuntu.
SYSTEM_FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"), str(Path.home() / ".local/share/fonts"))

#: Run in a private mount namespace: lists what it still sees of the system fonts, then writes the chart exports.
_BUILD_CHARTS = """
import sys
from pathlib import Path
from kerncijfers.brief import brief_by_slug, load_briefs
from kerncijfers.report.charts import letter_charts, write_chart_exports

root, out = Path(sys.argv[1]), Path(sys.argv[2])
folders = [Path(f) for f in sys.argv[3:]]
print("visible system font files:", sum(1 for f in folders for p in f.rglob("*") if p.is_file()))
brief = brief_by_slug(load_briefs(root / "data" / "briefs.yml"), "2023-12")
write_chart_exports(letter_charts(root / "data" / "validated", brief), out)
"""


def _as_root() -> list[str]:
    """The prefix that runs a command as root: none for root, `sudo -n` where it needs no password.

    On CI (CI=true) the test must run: without either, it fails there; elsewhere it is skipped.
    """
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    message = "hiding the system font folders needs a private mount namespace: run as root, or with sudo without a password"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{message} (CI must run this test)")
    pytest.skip(message)


def test_committed_chart_exports_are_built_without_any_system_font(repo_root: Path, tmp_path: Path):
    """With /usr/share/fonts (and the other font folders) hidden, the charts come out byte for byte as committed."""
    as_root = _as_root()
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) not found: the test needs it to hide the system fonts"
    hidden = [f for f in SYSTEM_FONT_FOLDERS if Path(f).is_dir()]
    assert hidden, "no system font folder to hide: the test would prove nothing"
    mounts = " && ".join(f"mount -t tmpfs none '{f}'" for f in hidden)
    out = tmp_path / "exports"
    script = tmp_path / "build_charts.py"
    script.write_text(_BUILD_CHARTS, encoding="utf-8")
    command = f'{mounts} && exec "$0" "$@"'
    result = subprocess.run(
        [*as_root, unshare, "--mount", "--propagation", "private", "sh", "-c", command, sys.executable, str(script), str(repo_root), str(out), *hidden],
        capture_output=True, text=True, cwd=repo_root,
    )
    assert result.returncode == 0, f"building the charts with the system fonts hidden failed:\n{result.stderr[-3000:]}"
    assert "visible system font files: 0" in result.stdout, result.stdout

    committed = repo_root / "reports" / "2023-12" / "exports"
    names = sorted(p.name for p in committed.iterdir() if p.suffix in (".png", ".svg"))
    assert len(names) == 8  # four charts, SVG and PNG each
    differ = [n for n in names if (out / n).read_bytes() != (committed / n).read_bytes()]
    assert not differ, f"these exports depend on the machine's fonts: {', '.join(differ)}"


def test_chart_text_names_the_project_font_only(validated: Path, brief):
    """Every text of every SVG asks for the registered family: no fallback a machine fills in its own way."""
    from kerncijfers.report.charts import letter_charts

    for chart in letter_charts(validated, brief):
        families = set(re.findall(r'font-family="([^"]*)"', chart.to_svg()))
        assert families == {fonts.FAMILY}, (chart.id, families)


def test_register_gives_vl_convert_exactly_the_two_faces():
    folder = fonts.register()
    assert sorted(p.name for p in folder.iterdir()) == sorted(fonts.FILES)
    for name in fonts.FILES:
        assert (folder / name).read_bytes() == (fonts.package_folder() / name).read_bytes()
    assert fonts.register() == folder  # once per process
    assert folder.is_relative_to(sys.prefix)  # in the environment, not the temp directory


def test_the_site_carries_the_fonts_its_stylesheet_names(rendered: Path):
    """The pages' font is the WOFF2 subset of the charts' font (kerncijfers.webfont), with its licence beside it."""
    from kerncijfers import webfont

    site = rendered / "_site"
    css = (site / "site.css").read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert sorted(urls) == sorted(f"{fonts.SITE_FOLDER}/{target}" for _, target, _ in webfont.FACES)
    sources = {p.name: p for p in fonts.font_files()}
    for source, target, _ in webfont.FACES:
        assert (site / fonts.SITE_FOLDER / target).read_bytes() == webfont.subset(sources[source])
    assert f'font-family: "{webfont.FAMILY}"' in css and "Source Sans Pro" not in css.split("*/", 2)[-1]
    licence = (site / fonts.SITE_FOLDER / webfont.LICENSE_FILE).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name 'Source'" in licence


def test_the_web_font_is_the_character_set_under_its_own_name():
    """The OFL's Reserved Font Name may not name a modified font; the subset holds exactly CHARACTERS."""
    import io

    from fontTools.ttLib import TTFont

    from kerncijfers import webfont

    for source in fonts.font_files():
        data = webfont.subset(source)
        font = TTFont(io.BytesIO(data))
        names = {r.nameID: r.toUnicode() for r in font["name"].names if r.platformID == 3}
        assert names[1] == "Kerncijfers Sans" and names[6].startswith("KerncijfersSans-")
        assert not any("Source" in names[i] for i in (1, 4, 6, 16) if i in names)
        assert names[13].startswith("This Font Software is licensed under the SIL Open Font License")
        assert {chr(c) for c in font.getBestCmap()} == set(webfont.CHARACTERS)
        assert font.flavor == "woff2" and len(data) < 16_000
