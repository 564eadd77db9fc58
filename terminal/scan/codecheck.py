"""Payment-code checks for scanners: loads config/wallets.toml and classifies every read, once:
the verdict travels with the ``ScanResult`` to the register, which does not classify it again.

This is where the file is read (the domain classifier itself does no I/O). Without a path the copy
shipped inside the package (terminal/scan/wallets.toml, identical to config/wallets.toml) is
used, so an installed register finds it too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from terminal.domain.paymentcode import PaymentCodeClassifier, Rejection, RejectReason
from terminal.domain.wallet_schemes import WalletSchemes
from terminal.scan.types import ScanResult


def default_wallets_text() -> str:
    return resources.files("terminal.scan").joinpath("wallets.toml").read_text(encoding="utf-8")


class CodeChecker:
    """Classifies scans (a replay is refused by the register's journal when the code is sent)."""

    def __init__(self, wallets_path: Path | None = None, accepted: Iterable[str] | None = None) -> None:
        text = wallets_path.read_text(encoding="utf-8") if wallets_path else default_wallets_text()
        self.classifier = PaymentCodeClassifier(
            WalletSchemes.from_toml(text), None if accepted is None else frozenset(accepted)
        )

    def check(self, result: ScanResult) -> ScanResult | None:
        """The result with its verdict, or None when the payload fails the code checks."""
        verdict = self.classifier.classify(result.text, result.symbology)
        if isinstance(verdict, Rejection) and verdict.reason is RejectReason.MALFORMED:
            return None
        return dataclasses.replace(result, verdict=verdict)
