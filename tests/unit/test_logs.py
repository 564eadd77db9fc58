"""Logs: JSON lines for journald, sale events with their fields, and no payment code ever."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

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


def test_merchant_references_are_never_scrubbed_but_codes_still_are(captured: io.StringIO) -> None:
    """The reference of the issue's example stays whole, in the message and in its field, while a
    payment code beside it loses all but its last four digits."""
    own = "register-1-20261203060948-5fda1f"
    pos = "POS-7-000123456789012345"  # a POS's own reference with a long digit run
    code = "991234567890123456"
    emv = "hQVDUFYwMWEKoAAAAAMBAQ" + "x" * 40
    log = logging.getLogger("terminal.register")
    log.info("recovering sale %s (code %s)", own, code)
    log.info("sale %s for %s paid with %s", "approved", pos, emv, extra={"reference": pos})
    first, second = lines(captured)
    assert first["event"] == f"recovering sale {own} (code …3456)"
    assert second["reference"] == pos and pos in str(second["event"])
    assert "hQVDUFYwM…" in str(second["event"]) and "xxxx" not in captured.getvalue()
    assert code not in captured.getvalue()


def test_every_line_carries_its_syslog_priority(captured: io.StringIO) -> None:
    log = logging.getLogger("terminal.register")
    log.debug("hidden at INFO")
    log.info("fine")
    log.warning("careful")
    log.error("broken")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("crashed")
    log.critical("down")
    assert [(e["event"], e["priority"]) for e in lines(captured)] == [
        ("fine", 6), ("careful", 4), ("broken", 3), ("crashed", 3), ("down", 2)]


def test_on_the_journal_stream_every_line_starts_with_its_priority(tmp_path: Path) -> None:
    """systemd sets JOURNAL_STREAM=<dev>:<inode> of the service's stderr; journald reads the `<N>`
    prefix as PRIORITY (so `journalctl -p err` finds errors) and strips it."""
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    with (tmp_path / "stderr").open("w+", encoding="utf-8") as stream, \
            (tmp_path / "other").open("w", encoding="utf-8") as other:
        st, elsewhere = os.fstat(stream.fileno()), os.fstat(other.fileno())
        try:
            logs.configure({"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}, stream)
            log = logging.getLogger("terminal.register")
            log.info("sale approved", extra={"reference": "register-1-20261203060948-5fda1f"})
            log.error("wallet unreachable")
            stream.flush()
            got = (tmp_path / "stderr").read_text(encoding="utf-8").splitlines()
            # Another stream (a terminal the command was started from) gets no prefix.
            logs.configure({"JOURNAL_STREAM": f"{elsewhere.st_dev}:{elsewhere.st_ino}",
                            "PAYTERM_LOG_FORMAT": "json"}, stream)
            log.warning("not the journal")
            stream.flush()
        finally:
            root.handlers[:] = before[0]
            root.setLevel(before[1])
    assert [line[:3] for line in got] == ["<6>", "<3>"]
    assert json.loads(got[0][3:])["reference"] == "register-1-20261203060948-5fda1f"
    assert json.loads(got[1][3:])["priority"] == 3
    last = (tmp_path / "stderr").read_text(encoding="utf-8").splitlines()[-1]
    assert last.startswith("{") and json.loads(last)["priority"] == 4
