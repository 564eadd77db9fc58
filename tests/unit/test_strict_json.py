"""The strict JSON reader refuses what two parsers could read two ways, and reads everything else
exactly as the standard library does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.domain.strict_json import MAX_SAFE_INTEGER, JsonRefused, loads

REFUSED: list[tuple[str, bytes, str]] = [
    # (case, text, a word the refusal must contain)
    ("duplicate key", b'{"status": "declined", "status": "approved"}', "duplicate key 'status'"),
    ("duplicate nested key", b'{"decline": {"code": "a", "code": "b"}}', "duplicate key 'code'"),
    ("duplicate key, escaped spelling", b'{"status": 1, "st\\u0061tus": 2}', "duplicate key 'status'"),
    ("NaN", b'{"amount": NaN}', "NaN"),
    ("Infinity", b'{"amount": Infinity}', "Infinity"),
    ("-Infinity", b'[-Infinity]', "-Infinity"),
    ("integer beyond 2**53", b'{"amount": 9007199254740992}', "out of range"),
    ("negative integer beyond 2**53", b'{"amount": -9007199254740992}', "out of range"),
    ("5000-digit integer", b'{"amount": 1' + b"0" * 5000 + b"}", "out of range"),
    ("float overflowing to infinity", b'{"amount": 1e400}', "out of range"),
    ("negative float overflowing", b'{"amount": -1.5e999}', "out of range"),
    ("not UTF-8", b'{"a": "\xff"}', "UTF-8"),
    ("UTF-16", '{"a": 1}'.encode("utf-16"), "UTF-8"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "nested"),
    ("trailing garbage", b'{"a": 1} {"a": 2}', "not valid JSON"),
    ("single quotes", b"{'a': 1}", "not valid JSON"),
]


@pytest.mark.parametrize(("case", "text", "word"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refusals_name_the_rule(case: str, text: bytes, word: str) -> None:
    with pytest.raises(JsonRefused) as err:
        loads(text)
    assert word in str(err.value)
    assert isinstance(err.value, ValueError)


def test_the_edges_of_the_safe_range_are_read() -> None:
    assert loads(f"[{MAX_SAFE_INTEGER}, -{MAX_SAFE_INTEGER}, 1.7976931348623157e308, 0.0, -0]")[:2] == [
        MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]


safe_json = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(safe_json)
def test_any_json_without_the_refused_forms_reads_as_the_standard_library_reads_it(value: Any) -> None:
    text = json.dumps(value, allow_nan=False)
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)
