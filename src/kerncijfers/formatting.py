"""Dutch number formats with Babel, after explicit rounding (see rounding.py).

Babel rounds half-to-even, so every function here quantizes first and hands
Babel a value that needs no further rounding.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from kerncijfers.rounding import approximately, half_up

LOCALE = "nl_NL"


def aantal(value: int | Decimal) -> str:
    """A count with a thousands separator: 51600 -> '51.600'."""
    return format_decimal(half_up(value, 0), format="#,##0", locale=LOCALE)


def afgerond(value: int, qualifier: str | None = None) -> str:
    """A count rounded for running text (rounding.approximately): 138610 -> 'bijna 139.000', 2011 -> 'ruim 2.000'."""
    rounded = approximately(value, qualifier)
    return f"{rounded.qualifier} {aantal(rounded.figure)}".lstrip()


def bedrag(value: int | Decimal) -> str:
    """Whole euros as the letter prints them: 967013926 -> '€ 967.013.926'."""
    return "€ " + aantal(value)


def decimaal(value: Decimal | int | float | str, decimals: int) -> str:
    """A number with a fixed number of decimals: 34.5 -> '34,5'."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(half_up(value, decimals), format=pattern, locale=LOCALE, decimal_quantization=True)


def procent(value: Decimal | int, decimals: int = 0) -> str:
    """A percentage already rounded by the caller: Decimal('52.5') -> '52,5%'."""
    return decimaal(value, decimals) + "%"


def datum(value) -> str:
    """A date in Dutch: 2023-10-01 -> '1 oktober 2023'."""
    from babel.dates import format_date

    return format_date(value, format="d MMMM y", locale=LOCALE)


#: Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with an apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
