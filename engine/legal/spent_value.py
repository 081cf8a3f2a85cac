"""The value of a first spent day: a date, or one of the open-ended states the spec names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from engine.rules import plain


class Open(IntEnum):
    """Open-ended states, ordered from soonest possible to never."""

    WHEN_PAID = 1
    INDEFINITE = 2
    NEVER = 3


@dataclass(frozen=True, order=False)
class SpentOn:
    """First spent day. Ordered: any date < when_paid < indefinite < never."""

    day: date | None = None
    state: Open | None = None
    at_latest: bool = False     # the day is a bound: spent on it or sooner (conditions still running)

    @staticmethod
    def on(day: date) -> SpentOn:
        return SpentOn(day=day)

    @property
    def _key(self) -> tuple[int, date]:
        return (0, self.day) if self.day is not None else (int(self.state), date.min)

    def __lt__(self, other: SpentOn) -> bool:
        return self._key < other._key

    def __le__(self, other: SpentOn) -> bool:
        return self._key <= other._key

    def spent_by(self, on: date) -> bool:
        """Spent on the given day (the first spent day counts)."""
        return self.day is not None and self.day <= on

    def unspent_on(self, on: date) -> bool:
        return not self.spent_by(on)

    def text(self) -> str:
        if self.day is None:
            return self.state.name.lower()
        return f"by {self.day.isoformat()} at the latest" if self.at_latest else self.day.isoformat()


plain.register(SpentOn, SpentOn.text)   # in a report: its ISO date, or never, indefinite or when_paid

NEVER = SpentOn(state=Open.NEVER)
INDEFINITE = SpentOn(state=Open.INDEFINITE)
WHEN_PAID = SpentOn(state=Open.WHEN_PAID)


def latest(*values: SpentOn) -> SpentOn:
    return max(values, key=lambda v: v._key)


def earliest(*values: SpentOn) -> SpentOn:
    return min(values, key=lambda v: v._key)
