"""The text of a brief (`data/briefs/<slug>/tekst.md`): Markdown with figures by name, `{{ pip_pct }}`.

The file is Jinja2 in a sandbox with undefined names refused. What the text may use, besides
`{{ name }}` (the figure as the catalogue shows it):

Filters (`{{ name | filter }}`):
  datum            the figure's peildatum: '1 oktober 2023'
  sinds            the peildatum of the delivery it is compared with
  jaar             the year of its peildatum: '2023'
  periode          'in de periode van 1 mei 2023 tot 1 november 2023' (since the previous delivery);
                   periode('van', 'tot en met') gives 'van 1 mei 2023 tot en met 1 november 2023'
  procent_woord    a percentage in words: '43 procent' (a figure shown as '43%')
  meervoud('persoon', 'personen')      the word that agrees with the figure
  aantal_van('persoon', 'personen')    the figure and that word: '7.503 personen'
  richting         'gestegen', 'gedaald' or 'gelijk gebleven'; richting('stijging', 'daling', 'gelijk')
  cohort, bron     the cohort or the source the figure comes with
  hoofdletter      the first letter as a capital
Tests (`{% if name is test %}...{% else %}...{% endif %}`, the one conditional form):
  nul              the figure (or its change) is 0
  binnen_daling(verandering)   the figure fits inside the fall `verandering` (0 < figure <= fall):
                   "Daarvan" when it does, "In dezelfde periode" when it does not
  benaderd         the figure is an approximation DUO supplied (say "ongeveer")
  wederom          the change goes the same way as the one before it

Each paragraph is one sentence of "Cijfers voor de tekst"; a line `<!-- zin: id | onderwerp -->` above
it names it (its anchor and its id in `diff`) and says what it is about when a figure is not delivered.
Headings are the analyst's, to find the way in the file.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from kerncijfers import formatting as fmt
from kerncijfers.catalogue.model import PRINTING, Cijfer, printed
from kerncijfers.catalogue.sources import fits_inside_fall


class TextError(ValueError):
    """A mistake in a brief's text: an unknown figure, a syntax error, a figure without delivery."""


def _need(value, filter_name: str) -> Cijfer:
    if not isinstance(value, Cijfer):
        raise TextError(f"filter {filter_name} works on a figure, not on {value!r}")
    return value


def _verschil(c: Cijfer):
    return c.extra.get("verschil", c.waarde)


def _periode(value, van: str = "in de periode van", tot: str = "tot") -> str:
    c = _need(value, "periode")
    start = c.extra.get("vorige")
    if start is None:
        return f"{tot} {fmt.datum(c.peildatum)}"
    return f"{van} {fmt.datum(start)} {tot} {fmt.datum(c.peildatum)}"


def _richting(value, stijging: str = "gestegen", daling: str = "gedaald", gelijk: str = "gelijk gebleven") -> str:
    v = _verschil(_need(value, "richting"))
    return stijging if v > 0 else daling if v < 0 else gelijk


def _meervoud(value, enkel: str, meer: str) -> str:
    return enkel if abs(int(_need(value, "meervoud").waarde)) == 1 else meer


def _sinds(value) -> str:
    c = _need(value, "sinds")
    if c.extra.get("vorige") is None:
        raise TextError(f"filter sinds: figure {c.name} is not compared with an earlier delivery")
    return fmt.datum(c.extra["vorige"])


def _extra(key: str):
    def get(value):
        c = _need(value, key)
        if key not in c.extra:
            raise TextError(f"filter {key}: figure {c.name} has no {key}")
        return str(c.extra[key])

    return get


FILTERS = {
    "datum": lambda v: fmt.datum(_need(v, "datum").peildatum),
    "sinds": _sinds,
    "jaar": lambda v: str(_need(v, "jaar").peildatum.year),
    "periode": _periode,
    "procent_woord": lambda v: printed(_need(v, "procent_woord"), "woord"),
    "meervoud": _meervoud,
    "aantal_van": lambda v, enkel, meer: f"{printed(_need(v, 'aantal_van'))} {_meervoud(v, enkel, meer)}",
    "richting": _richting,
    "cohort": _extra("cohort"),
    "bron": _extra("bron"),
    "hoofdletter": lambda s: str(s)[:1].upper() + str(s)[1:],
}
TESTS = {
    "nul": lambda v: _verschil(_need(v, "nul")) == 0,
    "binnen_daling": lambda v, verandering: fits_inside_fall(int(_need(v, "binnen_daling").waarde), int(_need(verandering, "binnen_daling").waarde)),
    "benaderd": lambda v: bool(_need(v, "benaderd").extra.get("benaderd")),
    "wederom": lambda v: bool(_need(v, "wederom").extra.get("wederom")),
}


def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters = dict(FILTERS)  # only ours: a filter the text does not know is a mistake, not Python
    env.tests = dict(TESTS)
    return env


_MARKER = re.compile(r"^<!--\s*zin:\s*(?P<id>[\w-]+)\s*(?:\|\s*(?P<onderwerp>.*?))?\s*-->\s*$")


@dataclass
class Block:
    """One paragraph of the text: a sentence, with where it starts in the file."""

    id: str
    onderwerp: str
    source: str
    line: int  # of the first line of `source`
    section: str
    names: list[str] = field(default_factory=list)
    template: jinja2.Template | None = field(default=None, repr=False)


def shown_path(path: Path) -> str:
    """The text file as a message names it: relative to the working folder where it lies inside it (data/briefs/...)."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def blocks(path: Path, known: set[str]) -> list[Block]:
    """The sentences of the text file, each checked: syntax, and every name it uses known."""
    return list(_blocks(shown_path(path), Path(path).read_text(encoding="utf-8"), frozenset(known)))


@functools.lru_cache(maxsize=16)
def _blocks(path: str, text: str, known: frozenset[str]) -> tuple[Block, ...]:
    """Parsed once per text (a report renders it for the page, the exports and the check)."""
    env = environment()
    out, section, lines, start = [], "", [], 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
            continue
        if not lines:
            continue
        chunk, lines = lines, []
        if chunk[0].startswith("#") and len(chunk) == 1:
            section = chunk[0].lstrip("#").strip()
            continue
        id_, onderwerp, first = f"zin-{len(out) + 1}", "", start
        m = _MARKER.match(chunk[0])
        if not m and chunk[0].lstrip().startswith("<!--"):
            continue  # a comment for whoever edits the text
        if m:
            id_, onderwerp, chunk, first = m["id"], m["onderwerp"] or "", chunk[1:], start + 1
        source = "\n".join(chunk)
        try:
            tree = env.parse(source)
            names = meta.find_undeclared_variables(tree)
            template = env.from_string(tree)
        except jinja2.TemplateSyntaxError as e:
            raise TextError(f"{path}, line {first + (e.lineno or 1) - 1}: {e.message}; see docs/next-brief.md for what the text may use") from None
        for name in sorted(names):
            if name not in known:
                raise TextError(_unknown(path, first, source, name, known))
        out.append(Block(id_, onderwerp, source, first, section, sorted(names), template))
    return tuple(out)


def _unknown(path: Path, first: int, source: str, name: str, known: set[str]) -> str:
    offset = next((i for i, line in enumerate(source.splitlines()) if re.search(rf"\b{re.escape(name)}\b", line)), 0)
    near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}?" if near else "kerncijfers figures <brief> lists every name"
    return f"{path}, line {first + offset}: unknown figure {name!r}; {hint}"


def render(block: Block, figures: dict[str, Cijfer], path: Path) -> tuple[str, list[tuple[Cijfer, str]]]:
    """The sentence as text, and the figures it printed with their form, in order."""
    path = shown_path(path)
    log: list = []
    token = PRINTING.set(log)
    try:
        text = block.template.render(**{n: figures[n] for n in block.names})
    except TextError as e:
        raise TextError(f"{path}, line {block.line}: {e}") from None
    except jinja2.TemplateError as e:
        raise TextError(f"{path}, line {block.line + (getattr(e, 'lineno', None) or 1) - 1}: {e}") from None
    finally:
        PRINTING.reset(token)
    return text, log
