"""``--amount`` as every command takes it: minor units in ASCII digits 0-9, parsed by the one
parser (terminal.domain.money.parse_minor). argparse shows the rule broken and exits 2."""

from __future__ import annotations

import argparse

from terminal.domain.money import MoneyError, parse_minor


def minor_units(text: str) -> int:
    """An argparse ``type=``: "1200" -> 1200; "1_200", "+5", "１２００", "١٢" are refused."""
    try:
        return parse_minor(text)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
