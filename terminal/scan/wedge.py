"""Keyboard-wedge handheld scanner: tell a scanner's key burst from a person typing.

A scanner "types" its code in a burst: keys a few milliseconds apart, ending in Enter (or a
configured suffix), optionally after a configured prefix. A person's keys are further apart.
The window feeds every key with its timestamp into `feed`; each answer says whether the key goes
to the focused field (PASS) or is withheld (HOLD), plus any earlier withheld keys to hand back
(`released`, to be inserted before this key) and a completed scan, if any.

Keys are withheld while they could still be the start of a burst, so a scanned code never reaches
the amount field. If the next key is late, or the window's timer calls `tick`, the withheld keys
are released: a person's typing passes through, delayed by at most one inter-key gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from terminal.domain.paymentcode import Symbology
from terminal.scan.codecheck import CodeChecker
from terminal.scan.scanner import Scanner
from terminal.scan.types import DecoderName, ScanResult, SourceState, SourceStatus

MAX_BURST_CHARS = 512


class KeyAction(Enum):
    PASS = "pass"  # deliver this key to the focused field now
    HOLD = "hold"  # withheld: part of a (possible) scanner burst


@dataclass(frozen=True)
class WedgeSettings:
    max_gap_ms: float = 30.0  # keys closer than this belong to one burst
    min_length: int = 8  # shorter bursts are typing (a fast double key press)
    suffix: str = "\r"  # what the scanner sends after the code (Enter)
    prefix: str = ""  # what the scanner sends before it, if configured to

    def __post_init__(self) -> None:
        if not self.suffix:
            raise ValueError("a keyboard-wedge scanner needs a suffix (usually Enter)")
        if self.max_gap_ms <= 0 or self.min_length < 1:
            raise ValueError("max_gap_ms and min_length must be positive")


@dataclass(frozen=True)
class KeyDecision:
    action: KeyAction
    released: str = ""  # withheld keys that turned out to be typing: insert before this key
    scan: ScanResult | None = None


class KeyboardWedge(Scanner):
    """Pure timing logic; the UI supplies keys and timestamps (time.monotonic() seconds)."""

    def __init__(
        self,
        settings: WedgeSettings = WedgeSettings(),
        checker: CodeChecker | None = None,
        name: str = "wedge",
    ) -> None:
        super().__init__(checker)
        self.settings = settings
        self.name = name
        self._held: list[tuple[str, float]] = []
        self._enabled = False

    def start(self) -> None:
        self._enabled = True
        self._set_state(SourceState(SourceStatus.RUNNING, "Handheld scanner ready."))

    def stop(self) -> None:
        self._enabled = False
        self._held.clear()
        self._set_state(SourceState(SourceStatus.STOPPED, "Handheld scanner off."))

    def feed(self, char: str, timestamp: float) -> KeyDecision:
        if not self._enabled:
            return KeyDecision(KeyAction.PASS, self._release())
        released = ""
        if not self._held and char == self.settings.suffix[0] and not self.settings.prefix.startswith(char):
            return KeyDecision(KeyAction.PASS)
        if self._held and (timestamp - self._held[-1][1]) * 1000 > self.settings.max_gap_ms:
            released = self._release()
        self._held.append((char, timestamp))
        text = "".join(c for c, _ in self._held)
        s = self.settings
        if text.endswith(s.suffix) and len(text) > len(s.suffix):
            return self._complete(text, released)
        if self._could_be_burst(text):
            return KeyDecision(KeyAction.HOLD, released)
        self._held.pop()
        return KeyDecision(KeyAction.PASS, released + self._release())

    def tick(self, now: float) -> KeyDecision:
        """Call from a timer every few milliseconds: releases keys whose burst did not go on."""
        if self._held and (now - self._held[-1][1]) * 1000 > self.settings.max_gap_ms:
            return KeyDecision(KeyAction.HOLD, self._release())
        return KeyDecision(KeyAction.HOLD)

    def _could_be_burst(self, text: str) -> bool:
        s = self.settings
        if len(text) > MAX_BURST_CHARS or not all(c.isprintable() or c in s.suffix for c in text):
            return False
        if s.prefix:
            return text.startswith(s.prefix) or s.prefix.startswith(text)
        return True

    def _complete(self, text: str, released: str) -> KeyDecision:
        s = self.settings
        body = text[len(s.prefix) : -len(s.suffix)] if s.prefix else text[: -len(s.suffix)]
        stamps = [t for _, t in self._held]
        prefixed = not s.prefix or text.startswith(s.prefix)
        if prefixed and len(body) >= s.min_length:
            self._held.clear()
            elapsed_ms = (stamps[-1] - stamps[0]) * 1000
            result = ScanResult(
                body, Symbology.KEYED, None, self.name, stamps[-1], elapsed_ms, DecoderName.SCANNER
            )
            delivered = self._deliver(result)
            return KeyDecision(KeyAction.HOLD, released, delivered)
        # Too short to be a scan: it was typing, Enter included.
        self._held.pop()
        return KeyDecision(KeyAction.PASS, released + self._release())

    def _release(self) -> str:
        text = "".join(c for c, _ in self._held)
        self._held.clear()
        return text
