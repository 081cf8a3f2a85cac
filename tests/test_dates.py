"""Calendar arithmetic: month-end clamping, ages, lengths as months for band choice."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.case.dates import add_length, add_months, age_on, as_months

LEAP = (3, 1)
PER_MONTH = Fraction("30.5")


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2022, 10, 31), 6, date(2023, 4, 30)),
    (date(2004, 2, 29), 3, date(2004, 5, 29)),
    (date(2004, 2, 29), 12, date(2005, 2, 28)),
    (date(2019, 10, 31), 4, date(2020, 2, 29)),
    (date(2015, 5, 20), 132, date(2026, 5, 20)),
    (date(2020, 1, 31), 1, date(2020, 2, 29)),
    (date(2020, 12, 15), 1, date(2021, 1, 15)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 600))
def test_add_months_never_goes_back_and_keeps_the_day_when_it_exists(start, months):
    end = add_months(start, months)
    assert end >= start
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or end.day < start.day


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2000, 5, 20), date(2018, 5, 19), 17),
    (date(2000, 5, 20), date(2018, 5, 20), 18),
    (date(2004, 2, 29), date(2022, 2, 28), 17),
    (date(2004, 2, 29), date(2022, 3, 1), 18),
    (date(2004, 2, 29), date(2024, 2, 29), 20),
])
def test_age_on_the_day(born, on, age):
    assert age_on(born, on, LEAP) == age


@pytest.mark.parametrize(("amount", "unit", "within_12"), [
    (52, "weeks", True), (53, "weeks", False), (366, "days", True), (367, "days", False),
    (12, "months", True), (1, "years", True), (13, "months", False),
])
def test_lengths_against_the_12_month_band(amount, unit, within_12):
    assert (as_months(amount, unit, PER_MONTH) <= 12) is within_12


def test_exactly_48_months_is_in_the_four_year_band():
    assert as_months(4, "years", PER_MONTH) == 48


def test_add_length_units():
    assert add_length(date(2020, 1, 1), 10, "days") == date(2020, 1, 11)
    assert add_length(date(2020, 1, 1), 2, "weeks") == date(2020, 1, 15)
    assert add_length(date(2020, 1, 31), 1, "months") == date(2020, 2, 29)
    assert add_length(date(2020, 2, 29), 1, "years") == date(2021, 2, 28)
