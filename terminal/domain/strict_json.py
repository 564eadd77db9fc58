"""Strict JSON reading, the one parser for every JSON text that crosses a trust boundary (wallet
answers, requests to the sandbox wallet, files another party may have edited).

Two parsers reading the same bytes must never see two different messages. Python's ``json``
keeps the last of two equal keys, reads ``NaN`` and ``Infinity``, and turns ``1e400`` into
infinity; other parsers keep the first key or refuse. A signed ``{"status": "declined", …,
"status": "approved"}`` would then mean one thing to the party that signed it and another to the
one that reads it. So, as I-JSON (RFC 7493) asks, this reader refuses:

- an object with the same key twice;
- ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON at all, RFC 8259 section 6);
- an integer outside ±(2**53 - 1), the range every JSON implementation reads exactly;
- a number that is not a finite IEEE 754 double (``1e400``);
- text that is not UTF-8, and nesting deep enough to exhaust the parser's recursion limit.

Every refusal is a ``JsonRefused`` whose message names the rule broken.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

MAX_SAFE_INTEGER: Final = 2**53 - 1
_MAX_INT_DIGITS: Final = len(str(MAX_SAFE_INTEGER))


class JsonRefused(ValueError):
    """The text is not JSON this project accepts; ``str(exc)`` names the rule."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise JsonRefused(f"duplicate key {key!r} in a JSON object")
        obj[key] = value
    return obj


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number")


def _int(text: str) -> int:
    # The length check first: int() of a 100 000-digit text is slow on purpose (CPython limit).
    if len(text.lstrip("-")) > _MAX_INT_DIGITS or abs(value := int(text)) > MAX_SAFE_INTEGER:
        raise JsonRefused(f"integer out of range (beyond ±{MAX_SAFE_INTEGER}): {_clip(text)}")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"number out of range (not a finite double): {_clip(text)}")
    return value


def _clip(text: str) -> str:
    return text if len(text) <= 24 else text[:24] + "…"


def loads(raw: bytes | str) -> Any:
    """Parse ``raw`` strictly (see the module docstring) or raise ``JsonRefused``."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRefused(f"JSON text is not UTF-8 (byte {exc.start})") from None
    else:
        text = raw
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant,
                          parse_int=_int, parse_float=_float)
    except JsonRefused:
        raise
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise JsonRefused("JSON nested too deeply") from None
    except ValueError as exc:
        raise JsonRefused(f"not valid JSON: {exc}") from None
