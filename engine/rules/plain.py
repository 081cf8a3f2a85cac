"""Engine values as plain JSON data: dates as ISO text, sets as sorted lists, fractions as numbers, and the
types a domain layer registers (the legal layer's spent days). Used for every value a report shows, so it
dispatches on the exact type first: reports are built for every replayed case, and isinstance against
Fraction (an ABC) is slow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

SCALARS = frozenset({str, int, bool, float, type(None)})


def plain(value: object) -> Any:
    kind = type(value)
    if kind in SCALARS:
        return value
    convert = _BY_TYPE.get(kind)
    return convert(value) if convert is not None else _by_class(value)


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _sorted(value: frozenset | set) -> list:
    return sorted(plain(v) for v in value)


def _mapping(value: dict) -> dict:
    return {k: v if type(v) in SCALARS else plain(v) for k, v in value.items()}


def _by_class(value: object) -> Any:
    """Subclasses (a datetime is a date); anything else (lists, tuples) is left as it is."""
    for kind, convert in _BY_TYPE.items():
        if isinstance(value, kind):
            return convert(value)
    return value


_BY_TYPE: dict[type, Callable[[Any], Any]] = {date: date.isoformat, Fraction: _number, frozenset: _sorted,
                                              set: _sorted, dict: _mapping}


def register(kind: type, convert: Callable[[Any], Any]) -> None:
    """How a domain value type is shown as plain data (called where the type is defined)."""
    _BY_TYPE[kind] = convert
