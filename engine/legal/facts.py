"""The facts rules may read that the legal layer decides: spent, protected, may be considered, the barred stop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.case.facts import Source
from engine.legal.layer import LegalResult, RecordResult
from engine.legal.spent_value import SpentOn
from engine.rules.catalogue import FactGroup, FactSpec


@dataclass(frozen=True)
class LegalSource(Source):
    """A fact's source with what the legal layer found for the case and, for a record fact, the record."""

    legal: LegalResult
    result: RecordResult | None


def legal_value(s: LegalSource, name: str) -> Any:
    """One of the record's legal values (engine/legal/layer.py FIELDS); a first spent day as its date."""
    value = s.result.values[name]
    return value.day if isinstance(value, SpentOn) else value


def considered_ids(s: LegalSource) -> set[str]:
    """The records that may lawfully be considered."""
    return {r.id for r in s.legal.records if r.values["considered"] is True}


FACTS = FactGroup(__name__, (
    FactSpec("spent", "record", "bool", "spent as at the assessment date (missing if undecided)",
             lambda s: legal_value(s, "spent"), optional=True),
    FactSpec("spent_on", "record", "date", "first spent day (missing if never, indefinite, unpaid or undecided)",
             lambda s: legal_value(s, "spent_on"), optional=True),
    FactSpec("protected", "record", "bool", "protected (filtered) (missing if undecided)",
             lambda s: legal_value(s, "protected"), optional=True),
    FactSpec("considered", "record", "bool", "may lawfully be taken into account (missing if undecided)",
             lambda s: legal_value(s, "considered"), optional=True),
    FactSpec("disclosed_standard", "record", "bool", "would appear on a standard or enhanced certificate",
             lambda s: legal_value(s, "disclosed.standard"), optional=True),
    FactSpec("barred_stop", "case", "bool", "barred from a group the role is regulated activity with (missing if "
             "not known)", lambda s: s.legal.barred.stopped, optional=True),
    FactSpec("needs_information", "case", "bool", "the legal layer could not decide something without more facts",
             lambda s: bool(s.legal.needs)),
    FactSpec("considered_count", "case", "number", "records that may lawfully be considered",
             lambda s: sum(1 for r in s.legal.records if r.values["considered"] is True)),
))
