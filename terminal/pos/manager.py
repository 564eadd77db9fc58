"""The manager's authorization of a reversal a POS asked for, on PayTerm's side.

A POS may ask for a void or refund, but money only goes back once the store's manager typed the
manager PIN at this register: the POS cannot authorize it. The PIN is not checked here: it is
sealed for that one refund or void and the wallet checks it (a wrong one counts towards the
wallet's lock-out, and the refusal reaches the POS). Where the PIN is asked is up to the surface
that runs the API: the terminal of `payterm serve`, or the window of `payterm gui`.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable

# Asks a person for the manager PIN about ``what``; None when nobody answered within ``wait`` s.
PinPrompt = Callable[[str, float], str | None]


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
