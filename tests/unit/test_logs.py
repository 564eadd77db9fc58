"""Logs: JSON lines for journald, sale events with their fields, and no payment code ever."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from terminal import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    logs.configure({"PAYTERM_LOG_FORMAT": "json"}, stream)
    yield stream
    root.handlers[:] = before[0]
    root.setLevel(before[1])


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_with_fields(captured: io.StringIO) -> None:
    logging.getLogger("terminal.register.runner").info("sale %s", "approved", extra={"reference": "R-1", "last4": "3456"})
    (entry,) = lines(captured)
    assert entry["event"] == "sale approved" and entry["level"] == "info"
    assert entry["reference"] == "R-1" and entry["last4"] == "3456"
    assert entry["logger"] == "terminal.register.runner" and str(entry["timestamp"]).endswith("Z")


def test_a_payment_code_never_reaches_the_log(captured: io.StringIO) -> None:
    code = "991234567890123456"
    log = logging.getLogger("anything")
    log.warning("read %s", code, extra={"raw": code, "number": int(code)})
    try:
        raise ValueError(f"bad code {code}")
    except ValueError:
        log.exception("failed")
    text = captured.getvalue()
    assert code not in text and "…3456" in text


def test_text_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        logs.configure({}, stream)
        logging.getLogger("x").info("hello")
        assert "hello" in stream.getvalue() and not stream.getvalue().startswith("{")
    finally:
        root.handlers[:] = before[0]
        root.setLevel(before[1])


def test_scrub_leaves_short_numbers() -> None:
    assert logs.scrub("amount 1200 ref 20261125") == "amount 1200 ref 20261125"
    assert logs.scrub("x991234567890123456y") == "x…3456y"
