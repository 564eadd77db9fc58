"""Keyboard wedge: scanner bursts are scans and never reach the amount field; typing passes."""

from __future__ import annotations

import pytest

from terminal.domain.paymentcode import PaymentCode, Symbology
from terminal.scan.codecheck import CodeChecker
from terminal.scan.types import ScanResult
from terminal.scan.wedge import KeyAction, KeyboardWedge, WedgeSettings

CODE = "991234567890123456"


class Field:
    """The focused amount field, fed the way the window would feed it."""

    def __init__(self, wedge: KeyboardWedge) -> None:
        self.wedge = wedge
        self.text = ""
        self.scans: list[ScanResult] = []

    def key(self, char: str, t: float) -> None:
        d = self.wedge.feed(char, t)
        self.text += d.released
        if d.action is KeyAction.PASS:
            self.text += char
        if d.scan is not None:
            self.scans.append(d.scan)

    def tick(self, t: float) -> None:
        self.text += self.wedge.tick(t).released

    def type(self, text: str, start: float, gap_s: float) -> float:
        t = start
        for c in text:
            self.key(c, t)
            t += gap_s
        return t


def wedge(**kw: object) -> KeyboardWedge:
    w = KeyboardWedge(WedgeSettings(**kw), CodeChecker())  # type: ignore[arg-type]
    w.start()
    return w


def test_scanner_burst_is_a_scan_and_never_leaks() -> None:
    f = Field(wedge())
    heard: list[ScanResult] = []
    f.wedge.subscribe(heard.append)
    f.type(CODE + "\r", 10.0, 0.004)
    assert f.text == ""
    assert [s.text for s in f.scans] == [CODE]
    assert heard == f.scans
    scan = f.scans[0]
    assert scan.symbology is Symbology.KEYED and isinstance(scan.verdict, PaymentCode)
    assert scan.elapsed_ms == pytest.approx(18 * 4, abs=1)


def test_human_typing_passes_through() -> None:
    f = Field(wedge())
    t = f.type("1250", 10.0, 0.15)
    f.tick(t + 0.1)
    f.key("\r", t + 0.5)
    assert f.text == "1250\r"
    assert f.scans == []


def test_typing_then_burst_keeps_both_apart() -> None:
    f = Field(wedge())
    t = f.type("12", 10.0, 0.2)
    f.type(CODE + "\r", t + 0.2, 0.003)
    assert f.text == "12"
    assert [s.text for s in f.scans] == [CODE]


def test_fast_short_burst_with_enter_is_typing() -> None:
    f = Field(wedge(min_length=8))
    f.type("12\r", 10.0, 0.01)
    assert f.text == "12\r" and f.scans == []


def test_burst_without_suffix_is_released_by_the_timer() -> None:
    f = Field(wedge())
    t = f.type("123456789", 10.0, 0.005)
    assert f.text == ""
    f.tick(t + 0.001)
    assert f.text == ""
    f.tick(t + 0.05)
    assert f.text == "123456789" and f.scans == []


def test_prefix_and_suffix_are_configurable() -> None:
    f = Field(wedge(prefix="]Q", suffix="\t", max_gap_ms=20))
    f.type("5", 1.0, 0.01)  # not the prefix: passes at once, no hold
    assert f.text == "5"
    f.type("]Q" + CODE + "\t", 2.0, 0.002)
    assert f.text == "5" and [s.text for s in f.scans] == [CODE]


def test_malformed_burst_is_swallowed_not_scanned() -> None:
    f = Field(wedge())
    f.type("99123456789012345\r", 10.0, 0.003)  # sandbox prefix, a digit short
    assert f.text == "" and f.scans == []


def test_stopped_wedge_passes_everything() -> None:
    w = wedge()
    w.stop()
    f = Field(w)
    f.type(CODE + "\r", 10.0, 0.003)
    assert f.text == CODE + "\r"


@pytest.mark.parametrize("bad", [{"suffix": ""}, {"max_gap_ms": 0}, {"min_length": 0}])
def test_settings_are_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WedgeSettings(**bad)  # type: ignore[arg-type]
