from decimal import Decimal

import pytest

from kerncijfers import formatting
from kerncijfers.rounding import half_up, largest_remainder, share_half_up, to_hundreds


def test_half_up_rounds_halves_away_from_zero_unlike_python():
    assert round(2.5) == 2  # the trap this module exists for
    assert half_up("2.5") == Decimal("3")
    assert half_up("0.125", 2) == Decimal("0.13")


def test_largest_remainder_reproduces_tabel_2_rows_where_half_up_does_not():
    # 2014 Totaal: 12.982 / 3.655 / 391 of 17.028 is printed 76% 22% 2% (half-up gives 21%).
    assert largest_remainder([12982, 3655, 391], 17028) == [76, 22, 2]
    # 2017 Totaal: half-up gives 65/30/6 = 101; the letter prints 65/30/5.
    assert largest_remainder([13793, 6351, 1181], 21325) == [65, 30, 5]
    # 2021 Gezin & Overig: printed 28% 1% 71%.
    assert largest_remainder([2281, 71, 5903], 8255) == [28, 1, 71]


def test_largest_remainder_refuses_parts_that_do_not_sum():
    with pytest.raises(ValueError, match="sum to 16490, not to the total 17880"):
        largest_remainder([10822, 3672, 1996], 17880)


def test_text_shares_of_section_5_2_are_half_up_to_one_decimal():
    shares = [share_half_up(n, 196530, 1) for n in (103206, 33531, 5823, 10029, 43941)]
    assert [formatting.procent(s, 1) for s in shares] == ["52,5%", "17,1%", "3,0%", "5,1%", "22,4%"]


def test_to_hundreds_and_dutch_formats():
    assert to_hundreds(51649) == 51600
    assert to_hundreds(51650) == 51700
    assert formatting.aantal(196530) == "196.530"
    assert formatting.bedrag(967013926) == "€ 967.013.926"
    assert formatting.decimaal("34.5", 1) == "34,5"
