"""Calendar arithmetic for cases and the layers above: months with month-end clamping, ages."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction


def add_months(start: date, months: int) -> date:
    """Add calendar months, clamping to the end of a shorter month (31 Oct + 4 = 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def birthday_in(year: int, born: date, leap_day_birthday: tuple[int, int]) -> date:
    """The day in `year` on which a person born on `born` attains a new age."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, *leap_day_birthday)
    return date(year, born.month, born.day)


def age_on(born: date, on: date, leap_day_birthday: tuple[int, int]) -> int:
    """Completed years of age on `on`."""
    years = on.year - born.year
    return years if on >= birthday_in(on.year, born, leap_day_birthday) else years - 1


def as_months(amount: int, unit: str, days_per_month: Fraction) -> Fraction:
    """A length expressed in months, for choosing a band (days and weeks as fractions)."""
    if unit == "months":
        return Fraction(amount)
    if unit == "years":
        return Fraction(12 * amount)
    if unit == "weeks":
        return 7 * amount / days_per_month
    if unit == "days":
        return amount / days_per_month
    raise ValueError(f"unknown unit of length {unit!r}")


def add_length(start: date, amount: int, unit: str) -> date:
    """The end of a term: the start plus its length in its own unit."""
    if unit == "days":
        return add_days(start, amount)
    if unit == "weeks":
        return add_days(start, 7 * amount)
    return add_months(start, amount * (12 if unit == "years" else 1))


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (0 if end is earlier)."""
    whole = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(whole, 0)


def uk_date(day: date | str) -> str:
    """A date as people in the UK write it in text: 22 May 2027 (no leading zero, English month name)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
