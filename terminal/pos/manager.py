"""The manager's authorization of a reversal a POS asked for, on PayTerm's side.

A POS may ask for a void or refund, but money only goes back once the store's manager typed the
manager PIN at this register: the POS cannot authorize it. The PIN is checked by the register's
``ManagerPin`` (the same check as `payterm pos pair`; every attempt is in the audit log, five
wrong ones lock manager actions). Where the PIN is asked is up to the surface that runs the API:
the terminal of `payterm serve`, or the window of `payterm gui`.
"""

from __future__ import annotations

import logging
import os
import select
import sys
from collections.abc import Callable

from terminal.config.model import ManagerSettings
from terminal.journal.store import Journal
from terminal.register.manager_pin import ManagerPin

log = logging.getLogger(__name__)

# Asks a person for the manager PIN about ``what``; None when nobody answered within ``wait`` s.
PinPrompt = Callable[[str, float], str | None]


class ManagerPinApproval:
    """``ManagerApproval`` (terminal/pos/register_core.py) by one check of the manager PIN."""

    def __init__(self, journal: Journal, policy: ManagerSettings, prompt: PinPrompt) -> None:
        self._pin = ManagerPin(journal, policy)
        self._prompt = prompt

    def __call__(self, what: str, wait: float) -> bool:
        pin = self._prompt(what, wait)
        if pin is None:
            return False
        check = self._pin.check(pin, actor="pos:reversal")
        if not check.ok:
            log.info("reversal not authorized: manager PIN %s", check.outcome.value)
        return check.ok


def terminal_prompt(what: str, wait: float) -> str | None:
    """Ask on the controlling terminal of `payterm serve` (echo off), at most ``wait`` s. Without
    a terminal (a systemd service) nobody can answer: None, and the reversal is refused."""
    if os.name != "posix" or not sys.stdin.isatty():
        return None
    import termios

    fd = sys.stdin.fileno()
    print(f"\nThe POS asks: {what}\nManager PIN to authorize (Enter alone refuses; "
          f"{wait:.0f} s): ", end="", file=sys.stderr, flush=True)
    old = termios.tcgetattr(fd)
    quiet = list(old)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    try:
        ready, _, _ = select.select([fd], [], [], wait)
        line = sys.stdin.readline().strip() if ready else ""
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
        print(file=sys.stderr)
    return line or None
