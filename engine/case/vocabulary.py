"""What the case layer reads from the tables under rules/: the words a case may use, and the few
parameters its checks and facts need. engine.legal.tables.LegalTables provides it; the case layer
names only this shape, so it does not depend on the legal layer above it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any, Protocol


class BarredGroups(Protocol):
    groups: Mapping[str, Any]


class Vocabulary(Protocol):
    kinds: Mapping[str, Any]            # record kinds: .conviction, .youth_only
    sentence_types: Mapping[str, Any]   # .custodial_for_filtering, .youth_only, ...
    custody_forms: Mapping[str, Any]    # .excluded
    categories: Mapping[str, Any]       # offence categories: .specified, .group, .harm
    levels: Mapping[str, Any]           # check levels: .exceptions_order
    barred: BarredGroups
    duties: Mapping[str, Any]
    settings: Mapping[str, Any]
    needs: Mapping[str, Any]
    regimes: Sequence[Any]              # rehabilitation regimes: .in_force.from_

    def regime_on(self, on: date) -> Any: ...

    def filtering_on(self, on: date) -> Any: ...

    @property
    def days_per_month(self) -> Fraction: ...

    @property
    def leap_day_birthday(self) -> tuple[int, int]: ...

    @property
    def adult_age(self) -> int: ...
