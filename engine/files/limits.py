"""The limits on an input file (rules/policy/input-limits.yaml): size, nesting, counts, lengths and dates.

The values are data. Reading the file uses the small fixed BOOTSTRAP limits of engine/files/yaml_lines.py,
which bound nothing but the limits file itself.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from engine.files.problems import InputError, Problem
from engine.files.validation import build
from engine.files.yaml_lines import BOOTSTRAP, LIMITS_FILE, Structure, parse, read_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class _InForce(_Strict):
    from_: date = Field(alias="from")
    to: date | None = None


class InputLimits(_Strict):
    in_force: _InForce
    choice: str
    source: str
    max_bytes: StrictInt = Field(gt=0)
    max_records: StrictInt = Field(gt=0)
    max_list_items: StrictInt = Field(gt=0)
    max_depth: StrictInt = Field(gt=1)
    max_nodes: StrictInt = Field(gt=0)
    max_id_chars: StrictInt = Field(gt=0)
    max_text_chars: StrictInt = Field(gt=0)
    max_term_years: StrictInt = Field(gt=0)
    earliest_date: date
    latest_date: date
    rule_file_max_bytes: StrictInt = Field(gt=0)

    def case_structure(self) -> Structure:
        return Structure(self.max_bytes, self.max_depth, self.max_nodes)


class _LimitsFile(_Strict):
    version: StrictInt
    limits: InputLimits


@lru_cache(maxsize=1)
def input_limits() -> InputLimits:
    """The project's input limits; an InputError naming the file if it is unreadable or malformed."""
    text = read_text(LIMITS_FILE, BOOTSTRAP.max_bytes)
    data, lines = parse(text, str(LIMITS_FILE), BOOTSTRAP)
    loaded, problems = build(_LimitsFile, data, str(LIMITS_FILE), lines)
    if loaded is None:
        raise InputError(problems)
    if loaded.limits.earliest_date >= loaded.limits.latest_date:
        raise InputError([Problem(str(LIMITS_FILE), ("limits", "latest_date"), "must be after earliest_date")])
    return loaded.limits
