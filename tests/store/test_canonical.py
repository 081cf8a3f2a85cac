"""canonical(): one spelling per value. The fast path (orjson) must spell every value exactly as json.dumps
does, because stored reports and chain digests were written with that spelling and replay compares text."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.store.chain import _spelled, canonical, orjson_spelling

scalars = (st.none() | st.booleans() | st.integers() | st.text()
           | st.floats(allow_nan=False, allow_infinity=False) | st.dates()
           | st.datetimes(timezones=st.none() | st.just(UTC)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(st.text(), inner, max_size=5), max_leaves=40)


@settings(max_examples=600)
@given(values)
def test_the_fast_spelling_is_json_dumps(value):
    assert canonical(value) == _spelled(value)


@pytest.mark.parametrize("value", [1e-05, 2.5e-07, -3.1e-9, 1e-4, 1e16, 1e22, 5e-324, 2**64, -(2**63) - 1,
                                   {"k": 0.00001}, [1e-10], {1: "int key"}, "0.0000 e-5 in a string",
                                   "\x00\x1f\x7f\u2028\ud7ff\ue000\U0001f600 \"\\/",
                                   {"b": 1, "a": 2, "é": 3, "z": 4, "\U0001f600": 5, "\uffff": 6}])
def test_values_where_orjson_differs_or_refuses(value):
    assert canonical(value) == _spelled(value)
    assert json.loads(canonical(value)) == json.loads(_spelled(value))


def test_subclasses_and_unknown_types():
    class Code(str):
        pass

    assert canonical({"c": Code("x")}) == '{"c":"x"}'
    assert canonical(date(2026, 12, 2)) == '"2026-12-02"'
    with pytest.raises(TypeError, match="Fraction"):
        canonical(Fraction(1, 3))


def test_datetimes_are_iso_text():
    assert canonical(datetime(2026, 12, 2, 9, 30, tzinfo=UTC)) == '"2026-12-02T09:30:00+00:00"'


# Number tokens orjson writes and json.dumps never does: 0.00001 (json: 1e-05) and 2.5e-7 (json: 2.5e-07).
ORJSON_ONLY = re.compile(rb"(?<![\w.])-?0\.0000\d|\de-\d(?!\d)")


@settings(max_examples=600)
@given(values)
def test_orjson_spelling_differs_from_canonical_only_by_tokens_canonical_never_writes(value):
    """Why replay may take orjson's spelling equal to a stored canonical text as reproduced."""
    fast = orjson_spelling(value)
    if fast is not None and fast.decode() != canonical(value):
        assert ORJSON_ONLY.search(fast)


@pytest.mark.parametrize("value", [1e-05, 9.9e-05, 2.5e-07, {"m": [0.00002]}])
def test_canonical_never_writes_orjson_only_tokens(value):
    assert orjson_spelling(value).decode() != canonical(value)
    assert not ORJSON_ONLY.search(canonical(value).encode())
